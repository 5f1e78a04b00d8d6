"""Schedules of documents read from their words: table-driven over column orders and wordings,
ruled and unruled tables, headings that wrap, and tables running over pages."""

import pytest
from schedules import DOCUMENTS, page_words, schedule_pdf

from app.core.schedules import decision_of, read_schedule

LAYOUTS = {
    "ruled, the usual order": (
        {"number": "No.", "date": "Date", "title": "Description", "decision": "Decision", "grounds": "Grounds"},
        True,
        12,
        True,
        "%d %B %Y",
    ),
    "unruled, over two pages, heading repeated": (
        {
            "number": "Item",
            "title": "Document title",
            "date": "Date",
            "grounds": "Section(s)",
            "decision": "Release decision",
        },
        False,
        6,
        True,
        "%d/%m/%Y",
    ),
    "unruled, over three pages, heading not repeated": (
        {
            "number": "Doc",
            "date": "Date",
            "title": "Title",
            "decision": "Extent of release",
            "grounds": "Reason for withholding",
        },
        False,
        5,
        False,
        "%d %b %Y",
    ),
    "ruled, no number column, decision last": (
        {"date": "Date", "title": "Document", "grounds": "Grounds", "decision": "Decision"},
        True,
        7,
        True,
        "%d %B %Y",
    ),
}


@pytest.mark.parametrize("layout", LAYOUTS, ids=list(LAYOUTS))
def test_every_row_of_a_schedule_is_read(layout):
    headings, ruled, per_page, repeat, date_style = LAYOUTS[layout]
    pdf, expected = schedule_pdf(headings, ruled, per_page, repeat, date_style)
    rows = read_schedule(page_words(pdf))
    read = [{"number": r.number, "date": r.date, "decision": r.decision, "grounds": r.grounds} for r in rows]
    assert read == expected
    assert [r.title for r in rows] == [title for _, _, title, *_ in DOCUMENTS]  # wrapped titles joined
    assert rows[0].page == 2


def test_a_release_without_a_schedule_has_no_rows():
    pdf, _ = schedule_pdf({"number": "No.", "title": "Title"}, False, 12, True)  # no decision or grounds
    assert read_schedule(page_words(pdf)) == []
    assert read_schedule([]) == []


@pytest.mark.parametrize(
    ("written", "decision"),
    [
        ("Released in full", "released"),
        ("Release in full", "released"),
        ("Released in part", "released in part"),
        ("Partially released", "released in part"),
        ("Redacted in part subject to s9(2)(g)(ii) of the OIA", "released in part"),
        ("Withheld in full", "withheld in full"),
        ("Withheld", "withheld in full"),
        ("Refused under s18(d)", "refused"),
        ("Transferred to MBIE", "transferred"),
        ("Out of scope", "not in scope"),
        ("Not in scope", "not in scope"),
        ("To be confirmed", None),
    ],
)
def test_decisions_are_normalised(written, decision):
    assert decision_of(written) == decision


def test_numbers_ocr_lost_or_misread_are_put_back_from_the_rows_around_them():
    pdf, expected = schedule_pdf(LAYOUTS["ruled, the usual order"][0], True, 12, True)
    pages = page_words(pdf)
    number_column = min(w[1] for w in pages[1] if w[0] == "No.") + 20
    lost = [w for w in pages[1] if not (w[0] == "6" and w[1] < number_column)]
    misread = [("14", *w[1:]) if w[0] == "11" and w[1] < number_column else w for w in lost]
    rows = read_schedule([pages[0], misread])
    assert [r.number for r in rows] == [e["number"] for e in expected]


def test_a_run_of_numbers_ocr_lost_before_the_first_it_read_is_counted_back():
    """On a rough scan Tesseract dropped every lone digit of a narrow number column: rows 1 to 8
    came without numbers, and 9 to 12 with them."""
    pdf, expected = schedule_pdf(LAYOUTS["ruled, the usual order"][0], True, 12, True)
    pages = page_words(pdf)
    number_column = min(w[1] for w in pages[1] if w[0] == "No.") + 20
    lost = [w for w in pages[1] if not (w[0] in "12345678" and len(w[0]) == 1 and w[1] < number_column)]
    rows = read_schedule([pages[0], lost])
    assert [r.number for r in rows] == [e["number"] for e in expected]


def test_a_table_runs_on_to_a_page_whose_first_number_ocr_lost():
    headings, ruled, per_page, repeat, style = LAYOUTS["unruled, over three pages, heading not repeated"]
    pdf, expected = schedule_pdf(headings, ruled, per_page, repeat, style)
    pages = page_words(pdf)
    first_row = min(w[2] for w in pages[2])
    pages[2] = [w for w in pages[2] if not (w[0] == "6" and abs(w[2] - first_row) < 2)]  # row 6's number, lost
    rows = read_schedule(pages)
    assert [r.number for r in rows] == [e["number"] for e in expected]
