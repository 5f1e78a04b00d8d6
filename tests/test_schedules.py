"""Schedules of documents read from their words: table-driven over column orders and wordings,
ruled and unruled tables, headings that wrap, and tables running over pages."""

import pytest
from schedules import DOCUMENTS, page_words, schedule_pdf

from app.core.schedules import SCHEDULE_STARTS_BY, ScheduleRow, decision_of, fuller, read_schedule

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
    "unruled, four rows a page, dotted dates": (
        {
            "number": "Ref",
            "title": "Subject",
            "date": "Document date",
            "decision": "Outcome",
            "grounds": "Withholding grounds",
        },
        False,
        4,
        True,
        "%d.%m.%Y",
    ),
    "ruled, decision before the title": (
        {
            "number": "#",
            "decision": "Status",
            "title": "Document description",
            "date": "Dated",
            "grounds": "OIA section",
        },
        True,
        8,
        False,
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
        ("{Out ot scope", "not in scope"),  # OCR's "of", on a rough 150 dpi scan
        ("Withheid", "withheld in full"),  # a letter misread
        ("Refuscd under s18(d)", "refused"),
        ("Partialiy released", "released in part"),
        ("Releasing", None),  # two letters away: not a decision
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


def _read(pages) -> list[dict]:
    return [
        {"number": r.number, "date": r.date, "decision": r.decision, "grounds": r.grounds} for r in read_schedule(pages)
    ]


def _layout(name: str):
    headings, ruled, per_page, repeat, date_style = LAYOUTS[name]
    pdf, expected = schedule_pdf(headings, ruled, per_page, repeat, date_style)
    return page_words(pdf), expected


@pytest.mark.parametrize("shift", [-14.0, 12.0])
def test_a_page_without_the_heading_that_sits_apart_from_the_one_before_is_read_where_it_stands(shift):
    """A scanned page lies a little left or right of the page before: its columns are placed
    by its own words, not where the heading on the first page put them."""
    pages, expected = _layout("unruled, over three pages, heading not repeated")
    moved = [pages[0], pages[1]] + [
        [(t, x0 + shift, y0, x1 + shift, y1) for t, x0, y0, x1, y1 in page] for page in pages[2:]
    ]
    assert _read(moved) == expected


@pytest.mark.parametrize("speck", ["_", "~", "."])
def test_a_speck_between_two_headings_does_not_join_them(speck):
    """A speck OCR read as a mark of its own between "Doc" and "Date" would join the two into one
    heading that names nothing, and the schedule would not be found."""
    pages, expected = _layout("unruled, over three pages, heading not repeated")
    doc = next(w for w in pages[1] if w[0] == "Doc")
    date_heading = next(w for w in pages[1] if w[0] == "Date" and abs(w[2] - doc[2]) < 2)
    between = (doc[3] + date_heading[1]) / 2
    pages[1] = [*pages[1], (speck, between - 1, doc[2] + 4, between + 1, doc[4] - 2)]
    assert _read(pages) == expected


def test_a_tall_speck_between_two_rows_does_not_join_them():
    """A speck OCR read as a word as tall as two rows ("l") lies between them: each row is still
    a line of its own (measured by the page's usual word height, not the speck's)."""
    pages, expected = _layout("ruled, no number column, decision last")
    tops = sorted({round(w[2]) for w in pages[1] if w[0] in ("01", "03") and w[1] < 100})
    title_left = min(w[1] for w in pages[1] if w[0] == "Document")
    pages[1] = [*pages[1], ("l", title_left + 150, tops[0] - 2, title_left + 152, tops[1] + 12)]
    assert _read(pages) == expected


def test_a_speck_between_rows_does_not_end_the_table():
    """OCR reads a speck as ";" on a line of its own: the gap to it is measured in lines of
    text, not in the speck's own height."""
    pages, expected = _layout("unruled, over three pages, heading not repeated")
    words = pages[2]
    rows_top = sorted({round(y0) for _, _, y0, _, _ in words})
    speck_at = (rows_top[0] + rows_top[1]) / 2
    pages[2] = [*words, (";", 420.0, speck_at + 8, 422.0, speck_at + 10)]
    assert _read(pages) == expected


@pytest.mark.parametrize(
    ("written", "meant"),
    [("9(2)(bay(i)", "9(2)(ba)(i)"), ("9(2)(ba)\\i)", "9(2)(ba)(i)"), ("9(2)¢ba)(i)", "9(2)(ba)(i)")],
)
def test_a_ground_in_a_grounds_column_that_ocr_mangled_is_read_as_the_nearest_ground(written, meant):
    pages, expected = _layout("ruled, the usual order")
    pages = [[(written if t == "9(2)(ba)(i)" else t, *box) for t, *box in page] for page in pages]
    assert [row["grounds"] for row in _read(pages)] == [row["grounds"] for row in expected]
    assert expected[-1]["grounds"] == [meant]


@pytest.mark.parametrize(("word", "read_as"), [("09", None), ("09", "os"), ("February", "ropa")])
def test_a_row_whose_date_ocr_could_not_read_whole_still_starts_a_row(word, read_as):
    """A table without a number column: "| February 2024 |" (OCR lost the "09"), "os February
    2024" or "09 ropa 2024" begins a row, so the row above does not take its decision and grounds."""
    pages, expected = _layout("ruled, no number column, decision last")
    row_top = next(w[2] for w in pages[1] if w[0] == "09")
    at = next(i for i, w in enumerate(pages[1]) if w[0] == word and abs(w[2] - row_top) < 2)
    pages[1] = pages[1][:at] + ([(read_as, *pages[1][at][1:])] if read_as else []) + pages[1][at + 1 :]
    read = _read(pages)
    assert len(read) == len(expected)
    assert read[3] == expected[3]  # the row above: Refused, s 18(d) only
    assert read[4]["date"] is None and read[4]["grounds"] == expected[4]["grounds"]


def test_a_first_heading_ocr_could_not_read_names_the_number_column():
    """ "#" read as "it": rows numbered in the narrow first column are still rows of the table."""
    pages, expected = _layout("ruled, decision before the title")
    pages[1] = [("it" if t == "#" else t, *box) for t, *box in pages[1]]
    assert _read(pages) == expected


def test_a_numeric_date_whose_separator_ocr_parted_from_it_is_still_a_date():
    pages, expected = _layout("unruled, four rows a page, dotted dates")
    for number, page in enumerate(pages):
        for at, (text, x0, y0, x1, y1) in enumerate(page):
            if text == "01.03.2024":
                page[at : at + 1] = [("01", x0, y0, x0 + 10, y1), ("-03.2024", x0 + 12, y0, x1, y1)]
                pages[number] = page
    assert _read(pages) == expected


def test_a_date_that_begins_a_little_left_of_its_heading_is_in_the_date_column():
    pages, expected = _layout("unruled, over two pages, heading repeated")
    moved = [
        (t, x0 - 7, y0, x1 - 7, y1) if t == "03/02/2024" else (t, x0, y0, x1, y1) for t, x0, y0, x1, y1 in pages[1]
    ]
    pages[1] = moved
    assert _read(pages) == expected


def test_of_two_readings_of_a_schedule_the_one_that_says_more_is_kept():
    pages, expected = _layout("ruled, the usual order")
    whole = read_schedule(pages)
    lost = [(t, *box) for t, *box in pages[1] if t not in ("6(c)", "Released")]  # a ground and some decisions
    partial = read_schedule([pages[0], lost])
    assert fuller(partial, whole) == whole
    assert fuller(whole, partial) == whole
    assert fuller(whole, read_schedule(pages)) == whole  # as much said: the first
    assert fuller(partial, partial[:-1]) == partial  # a row fewer says less


def _row(number: str, decision: str, grounds: list[str]) -> ScheduleRow:
    return ScheduleRow(number=number, date=None, title="A paper", decision=decision, grounds=grounds, page=1)


@pytest.mark.parametrize(
    ("kept", "again", "merged"),
    [
        (["9(2)(ba)"], ["9(2)(ba)(i)"], ["9(2)(ba)(i)"]),  # the last bracket lost in the kept reading
        (["9(2)(h)"], ["9(2)(a)", "9(2)(h)"], ["9(2)(a)", "9(2)(h)"]),  # a ground lost
        (["9(2)(f)(iv)", "9(2)(b)"], ["9(2)(f)(iv)", "9(2)(b)(ii)"], ["9(2)(f)(iv)", "9(2)(b)(ii)"]),
        ([], ["6(c)"], ["6(c)"]),
        (["9(2)(ba)(i)"], ["9(2)(ba)"], ["9(2)(ba)(i)"]),  # the other cites less: kept
        (["9(2)(b)(i)"], ["9(2)(b)(ii)"], ["9(2)(b)(i)"]),  # they disagree: kept as read
        (["9(2)(b)"], ["9(2)(ba)"], ["9(2)(b)"]),  # (ba) is another ground, not (b) more fully
        (["9(2)(a)"], ["9(2)(a)"], ["9(2)(a)"]),
    ],
)
def test_a_row_takes_the_other_readings_grounds_where_they_cite_more(kept, again, merged):
    first = [_row("1", "released", []), _row("2", "withheld in full", kept), _row("3", "released", [])]
    second = [_row("1", "released", []), _row("2", "withheld in full", again)]  # a row short: says less
    assert [row.grounds for row in fuller(first, second)] == [[], merged, []]


def test_grounds_are_not_taken_from_a_row_read_with_another_decision_or_another_place():
    first = [_row("1", "withheld in full", ["9(2)(a)"]), _row("2", "released in part", ["9(2)(h)"])]
    second = [_row("1", "released in part", ["9(2)(a)", "9(2)(h)"]), _row("3", "released in part", ["9(2)(a)"])]
    assert [row.grounds for row in fuller(first, second)] == [["9(2)(a)"], ["9(2)(h)"]]


def test_a_schedule_starting_on_the_last_page_it_may_is_read_to_its_end():
    headings = {"number": "No.", "date": "Date", "title": "Description", "decision": "Decision", "grounds": "Grounds"}
    pdf, expected = schedule_pdf(headings, False, 2, True)
    schedule = page_words(pdf)[1:]  # after the letter: one page of heading and two rows, and so on
    filler = [[("Appendix", 40.0, 70.0, 100.0, 82.0)]] * (SCHEDULE_STARTS_BY - 1)
    rows = read_schedule(iter(filler + schedule))
    assert [row.number for row in rows] == [row["number"] for row in expected]
    assert (rows[0].page, rows[-1].page) == (SCHEDULE_STARTS_BY, SCHEDULE_STARTS_BY + len(schedule) - 1)
    assert rows[-1].page > SCHEDULE_STARTS_BY + 1  # it ran on past the pages it may start on


def test_a_schedule_starting_after_the_first_pages_is_not_a_release_schedule():
    headings = {"number": "No.", "date": "Date", "title": "Description", "decision": "Decision", "grounds": "Grounds"}
    pdf, _ = schedule_pdf(headings, False, 6, True)
    filler = [[("Appendix", 40.0, 70.0, 100.0, 82.0)]] * SCHEDULE_STARTS_BY
    assert read_schedule(filler + page_words(pdf)[1:]) == []


def test_read_schedule_takes_no_page_after_its_table_ends():
    headings = {"number": "No.", "date": "Date", "title": "Description", "decision": "Decision", "grounds": "Grounds"}
    pdf, expected = schedule_pdf(headings, False, 6, True)
    taken = []

    def pages():
        for words in [*page_words(pdf), [("Briefing", 40.0, 70.0, 100.0, 82.0)]] * 30:
            taken.append(words)
            yield words

    assert len(read_schedule(pages())) == len(expected)
    assert len(taken) < 10
