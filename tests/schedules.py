"""Schedules of documents made in code, in the forms FYI's renderings show (no real NZ schedule
PDF was found): columns in several orders and wordings, ruled or not, rows whose titles wrap,
tables running over pages with or without their heading repeated. Each comes with its rows."""

from datetime import date

import pymupdf

# number, date, title, decision as printed, normalised, grounds as printed, grounds
# fmt: off
DOCUMENTS = [
    (1, date(2024, 1, 15), "Briefing: Wage subsidy scheme options", "Released in full", "released", "", []),
    (2, date(2024, 1, 22), "Aide-memoire: Cabinet paper on eligibility criteria and the revenue test for employers",
     "Released in part", "released in part", "s 9(2)(a)", ["9(2)(a)"]),
    (3, date(2024, 2, 1), "Email: Minister's office to Treasury officials", "Withheld in full", "withheld in full",
     "s 9(2)(g)(i)", ["9(2)(g)(i)"]),
    (4, date(2024, 2, 3), "Draft Cabinet paper", "Refused", "refused", "s 18(d)", ["18(d)"]),
    (5, date(2024, 2, 9), "Report: Modelling of uptake by sector, with annexes", "Partially released",
     "released in part", "9(2)(f)(iv), 9(2)(b)(ii)", ["9(2)(f)(iv)", "9(2)(b)(ii)"]),
    (6, date(2024, 2, 12), "Letter from Inland Revenue", "Transferred", "transferred", "s 14", []),
    (7, date(2024, 2, 20), "Meeting notes: officials' working group", "Out of scope", "not in scope", "", []),
    (8, date(2024, 3, 1), "Weekly report to the Minister of Finance", "Released with redactions",
     "released in part", "s9(2)(a), s9(2)(h)", ["9(2)(a)", "9(2)(h)"]),
    (9, date(2024, 3, 4), "Advice on the extension of the scheme to sole traders and contractors",
     "Withheld in its entirety", "withheld in full", "section 9(2)(f)(iv)", ["9(2)(f)(iv)"]),
    (10, date(2024, 3, 11), "Briefing: Fraud risk assessment", "Released in part", "released in part", "6(c)",
     ["6(c)"]),
    (11, date(2024, 3, 18), "Talking points for the press conference", "Released", "released", "", []),
    (12, date(2024, 3, 25), "Email thread: audit approach", "Withheld", "withheld in full", "9(2)(ba)(i)",
     ["9(2)(ba)(i)"]),
]
# fmt: on
WIDTHS = {"number": 34, "date": 78, "title": 190, "decision": 104, "grounds": 96}
FONT_SIZE = 9
LEADING = 11.5


def schedule_pdf(
    headings: dict[str, str], ruled: bool, rows_per_page: int, repeat_heading: bool, date_style: str = "%d %B %Y"
) -> tuple[bytes, list[dict]]:
    """A release whose first page is a short letter and whose schedule follows on page 2 and on;
    headings maps each column (in order) to its heading; the expected rows."""
    doc = pymupdf.open()
    letter = doc.new_page(width=595, height=842)
    letter.insert_text((56, 80), "Thank you for your request under the Official Information Act 1982.", fontsize=11)
    letter.insert_text((56, 96), "The documents are listed in the schedule attached.", fontsize=11)
    columns = list(headings)
    chunks = [DOCUMENTS[i : i + rows_per_page] for i in range(0, len(DOCUMENTS), rows_per_page)]
    for index, chunk in enumerate(chunks):
        page = doc.new_page(width=595, height=842)
        y = 70.0
        if index == 0:
            page.insert_text((40, y), "Schedule of documents", fontsize=12, fontname="hebo")
            y += 28
        if index == 0 or repeat_heading:
            y = _heading(page, headings, y, ruled)
        for document in chunk:
            y = _row(page, columns, document, y, ruled, date_style)
    expected = [
        {"number": str(n) if "number" in columns else None, "date": d, "decision": normal, "grounds": grounds}
        for n, d, _, _, normal, _, grounds in DOCUMENTS
    ]
    return doc.tobytes(), expected


def _lefts(columns: list[str]) -> list[float]:
    lefts, x = [], 40.0
    for kind in columns:
        lefts.append(x)
        x += WIDTHS[kind]
    return lefts


def _heading(page, headings: dict[str, str], y: float, ruled: bool) -> float:
    lefts = _lefts(list(headings))
    deepest = y
    for left, (kind, heading) in zip(lefts, headings.items(), strict=True):
        for n, part in enumerate(_wrapped(heading, WIDTHS[kind] - 6, "hebo")):
            page.insert_text((left + 3, y + n * LEADING), part, fontsize=FONT_SIZE, fontname="hebo")
            deepest = max(deepest, y + n * LEADING)
    bottom = deepest + 6
    if ruled:
        page.draw_line((40, y - 11), (lefts[-1] + WIDTHS[list(headings)[-1]], y - 11))
        page.draw_line((40, bottom), (lefts[-1] + WIDTHS[list(headings)[-1]], bottom))
    return bottom + LEADING + 2


def _row(page, columns: list[str], document: tuple, y: float, ruled: bool, date_style: str) -> float:
    number, day, title, decision, _, grounds, _ = document
    texts = {
        "number": f"{number}",
        "date": day.strftime(date_style),
        "title": title,
        "decision": decision,
        "grounds": grounds,
    }
    lefts = _lefts(columns)
    deepest = y
    for left, kind in zip(lefts, columns, strict=True):
        for n, part in enumerate(_wrapped(texts[kind], WIDTHS[kind] - 6, "helv")):
            page.insert_text((left + 3, y + n * LEADING), part, fontsize=FONT_SIZE, fontname="helv")
            deepest = max(deepest, y + n * LEADING)
    bottom = deepest + 6
    if ruled:
        right = lefts[-1] + WIDTHS[columns[-1]]
        page.draw_line((40, bottom), (right, bottom))
        for left in [*lefts, right]:
            page.draw_line((left, y - 11), (left, bottom))
    return bottom + LEADING + 2


def _wrapped(text: str, width: float, font: str) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if line and pymupdf.get_text_length(trial, fontname=font, fontsize=FONT_SIZE) > width:
            lines.append(line)
            line = word
        else:
            line = trial
    return [*lines, line] if line else []


def page_words(pdf: bytes) -> list[list[tuple[str, float, float, float, float]]]:
    """Each page's words as the app stores them: (text, x0, y0, x1, y1)."""
    doc = pymupdf.open(stream=pdf, filetype="pdf")
    return [[(w[4], w[0], w[1], w[2], w[3]) for w in page.get_text("words")] for page in doc]


def bundle_pdf() -> tuple[bytes, list[list[int] | None]]:
    """A whole release: a letter (page 1), the schedule (page 2), then each document listed that
    is in the bundle, one to three pages long, announced at its top in one of three ways: a
    "Document N" stamp above its title, its title alone, or its title's first words with its
    date. Returns the PDF and each row's [first, last] pages (None: not in the bundle)."""
    headings = {"number": "No.", "date": "Date", "title": "Description", "decision": "Decision", "grounds": "Grounds"}
    pdf, _ = schedule_pdf(headings, True, 12, True)
    bundle = pymupdf.open(stream=pdf, filetype="pdf")
    expected: list[list[int] | None] = []
    for number, day, title, _, decision, _, _ in DOCUMENTS:
        if decision in ("withheld in full", "refused", "transferred", "not in scope"):
            expected.append(None)
            continue
        length = 1 + number % 3
        first = bundle.page_count + 1
        for n in range(length):
            page = bundle.new_page(width=595, height=842)
            if n == 0:
                _document_top(page, number, day, title)
            else:
                page.insert_text((56, 72), f"continued: paragraph {n + 1}", fontsize=10)
            for i in range(30):
                page.insert_text((56, 160 + 16 * i), f"Paragraph {i}: the scheme's settings and costs.", fontsize=10)
        expected.append([first, first + length - 1])
    return bundle.tobytes(), expected


def _document_top(page, number: int, day: date, title: str) -> None:
    """How a released document announces itself at the top of its first page, in one of three ways."""
    way = number % 3
    if way == 0:
        page.insert_text((460, 50), f"Document {number}", fontsize=10, fontname="hebo")
    words = title.split()
    shown = title if way != 2 else " ".join(words[:4])
    page.insert_text((56, 80), shown, fontsize=14, fontname="hebo")
    if way == 2:
        page.insert_text((56, 100), day.strftime("%d %B %Y"), fontsize=10)
