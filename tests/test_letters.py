"""The response letter read from a release's first pages: table-driven over letters in several
agencies' styles and three real NZ Police letters, transcribed (tests/letters.py)."""

from datetime import date

import pymupdf
import pytest
from letters import LETTERS
from pdfs import corpus

from app.core.letters import find_dates, read_letter


@pytest.mark.parametrize(("text", "expected"), LETTERS, ids=[f"{e['agency']} {e['reference']}" for _, e in LETTERS])
def test_a_letter_in_each_agency_style_is_read(text, expected):
    letter = read_letter([text, "Appendix: the documents released"])
    assert letter is not None and letter.page == 1
    assert {name: getattr(letter, name) for name in expected} == expected


def test_a_release_without_a_letter_has_none():
    document = pymupdf.open(stream=corpus("nz-treasury-wage-subsidy-keyed-codes.pdf"), filetype="pdf")
    assert read_letter([page.get_text() for page in document.pages(0, 3)]) is None
    assert read_letter([]) is None


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("1 December 2023", date(2023, 12, 1)),
        ("1st of Dec. 2023", date(2023, 12, 1)),
        ("December 1, 2023", date(2023, 12, 1)),
        ("01/12/2023", date(2023, 12, 1)),  # day first, as New Zealand writes it
        ("2023-12-01", date(2023, 12, 1)),
        ("Sept 9 2024", date(2024, 9, 9)),
    ],
)
def test_dates_are_read_as_new_zealand_writes_them(written, meant):
    assert [d for _, _, d in find_dates(f"Dated {written}.")] == [meant]


def test_impossible_dates_are_not_dates():
    assert find_dates("31 February 2024, 45/13/2024 and 2024-13-01") == []


def test_the_letter_ends_at_its_sign_off_and_runs_on_to_the_next_page_only_when_unsigned():
    signed, _ = LETTERS[3]  # signed off on its page; the next page is a released document
    document = "Briefing to the Minister\nWithheld under s 6(a) of the OIA"
    assert read_letter([signed, document]).grounds == ["9(2)(a)"]
    unsigned = signed.split("Yours sincerely")[0].replace("section 9(2)(a)", "section 9(2)(k)")
    carried_on = "Some further parts are withheld under section 9(2)(a).\nYours sincerely\nWithheld under s 6(a)"
    assert read_letter([unsigned, carried_on]).grounds == ["9(2)(k)", "9(2)(a)"]


@pytest.mark.parametrize("read_as", ["Téna koe", "Tena koe", "Ténā koe"])
def test_a_salutation_as_ocr_reads_it_still_starts_the_body(read_as):
    text, expected = LETTERS[6]  # the Police letter: dated above "Tēnā koe", the request's date below
    letter = read_letter([text.replace("Tēnā koe", read_as), ""])
    assert (letter.request_date, letter.response_date) == (expected["request_date"], expected["response_date"])


def test_what_ocr_misreads_in_a_rough_scan_is_still_read():
    text, expected = LETTERS[0]  # the Treasury's letter, as OCR read it from a rough 200 dpi scan
    misread = text.replace("The Treasury\n", "~. The Treasity\n").replace("on 4 March 2024", "on 4 March 12024")
    letter = read_letter([misread, ""])
    assert (letter.agency, letter.request_date) == ("The Treasury", expected["request_date"])
    assert read_letter([text.replace("The Treasury\n", "The Tr\n"), ""]).agency is None  # too far gone: no guess


def test_a_misspelt_month_and_a_reference_with_specks_are_read_as_meant():
    assert [d for _, _, d in find_dates("dated 2 Saptemnber 2024")] == [date(2024, 9, 2)]
    assert [d for _, _, d in find_dates("3 Marsh 2024")] == [date(2024, 3, 3)]
    assert find_dates("15 ScibeL 2022") == []  # too far gone: no guess
    text, _ = LETTERS[5]  # the Ministry of Education: "Ref: 2024/EDU/123"
    assert read_letter([text.replace("2024/EDU/123", "2024/EDU/123. oe"), ""]).reference == "2024/EDU/123"
    text, _ = LETTERS[1]
    assert read_letter([text.replace("DOIA 2324-0567", "DOIA 2324- 0567 | ;"), ""]).reference == "DOIA 2324-0567"


def test_ocr_s_zero_for_the_o_of_a_reference_prefix_is_read_as_the_letter():
    text, expected = LETTERS[12]  # the Ministry of Transport: "File ref: OC240517"
    assert read_letter([text.replace("OC240517", "0C240517"), ""]).reference == "OC240517"
    other, _ = LETTERS[5]  # a reference that starts with a real 0 keeps it
    assert read_letter([other.replace("2024/EDU/123", "0123/EDU/4"), ""]).reference == "0123/EDU/4"


def test_ocr_s_digits_for_the_letters_of_oia_in_a_reference_are_read_as_letters():
    text, _ = LETTERS[10]  # the Ministry for Primary Industries: "OIA24-0789" alone on its line
    assert read_letter([text.replace("OIA24-0789", "O1A24-0789"), ""]).reference == "OIA24-0789"
    assert read_letter([text.replace("OIA24-0789", "0IA24-0789"), ""]).reference == "OIA24-0789"
    other, _ = LETTERS[1]  # MBIE: "DOIA 2324-0567"
    assert read_letter([other.replace("DOIA 2324-0567", "DO1A 2324-0567"), ""]).reference == "DOIA 2324-0567"
