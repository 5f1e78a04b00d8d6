"""A release and its re-release made in code: the same briefing, some passages blacked out in the
first (the text under them removed, the ground printed beside), and in the second some of them
released, one withheld anew, one box's ground changed, a page dropped and an annex added."""

import pymupdf

LINES = [
    [
        "Briefing to the Minister of Finance on the wage subsidy scheme",
        "Purpose: to report on the scheme's first six weeks and seek decisions.",
        "The scheme has paid out more than the forecast for its first month.",
        "Treasury officials met the chief executive of the largest claimant on 3 April.",
        "Fraud controls were strengthened after the first audit of payments.",
    ],
    [
        "Options for extending the scheme",
        "Option one extends the scheme by eight weeks at an estimated cost.",
        "Option two targets the sectors hit hardest, such as tourism and hospitality.",
        "Officials recommend option two, with a review after four weeks.",
        "The Minister of Tourism has asked for a separate briefing on the sector.",
    ],
    [
        "Risks",
        "Employers may claim for staff they would have kept in any case.",
        "The legal advice on recovering overpayments is that the scheme can recover them.",
        "Public confidence depends on publishing the names of employers who were paid.",
        "A review of the audit approach is under way with the Auditor-General.",
    ],
    [
        "Next steps",
        "Officials will report again in two weeks with costed options.",
        "Communications will be coordinated with the Prime Minister's office.",
    ],
]
# (page, line) -> ground, in the first release and in the second
FIRST = {(1, 4): "9(2)(a)", (2, 3): "9(2)(g)(i)", (3, 3): "9(2)(h)"}
SECOND = {(2, 3): "9(2)(f)(iv)", (3, 4): "9(2)(ba)(i)"}
ANNEX = ["Annex: payments by region", "Auckland, Wellington and Canterbury received most of the payments."]


def rerelease_pair() -> tuple[bytes, bytes]:
    """The first release and its re-release."""
    return _release(LINES, FIRST), _release([*LINES[:3], ANNEX], SECOND)


def _release(pages: list[list[str]], withheld: dict) -> bytes:
    doc = pymupdf.open()
    for number, lines in enumerate(pages, 1):
        page = doc.new_page(width=595, height=842)
        for index, line in enumerate(lines):
            page.insert_text((56, 100 + 24 * index), line, fontsize=11, fontname="helv")
        boxes = []
        for (on_page, index), ground in withheld.items():
            if on_page == number:
                width = pymupdf.get_text_length(lines[index], fontname="helv", fontsize=11)
                rect = pymupdf.Rect(54, 100 + 24 * index - 10, 58 + width, 100 + 24 * index + 4)
                page.add_redact_annot(rect, fill=(0, 0, 0))
                boxes.append((rect, ground))
        page.apply_redactions()
        for rect, ground in boxes:
            page.insert_text((rect.x1 + 6, rect.y1 - 4), f"s {ground}", fontsize=9, fontname="helv")
    return doc.tobytes()
