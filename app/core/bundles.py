"""Where each document a schedule lists starts in the bundle (the one PDF that holds the letter,
the schedule and the released documents one after another). Pure: rows and page texts in, page
ranges out.

A document is found by what its first page says at its top: "Document 7" (or Doc, Item, Appendix,
Attachment with its number), its title, its date. Documents follow in the schedule's order, so each
is looked for after the one before; a document withheld in full, refused, transferred or out of
scope has no pages."""

import re
from datetime import date

from rapidfuzz import fuzz

from app.core.letters import find_dates

NOT_IN_THE_BUNDLE = {"withheld in full", "refused", "transferred", "not in scope"}
TOP_CHARACTERS = 400  # what a page says at its top: a document's title, number and date
TITLE_MATCH = 85  # partial_ratio of a row's title within a page's top, out of 100
NUMBERED = r"(?:document|doc\.?|item|appendix|attachment)\s*(?:no\.?\s*)?{number}\b"


def locate(rows: list[dict], texts: list[str], first_page: int) -> list[list[int] | None]:
    """For each row ({"number", "date", "title", "decision"}), the [first, last] pages (from 1) of
    its document in the bundle, or None when it is not there; looked for from first_page on."""
    tops = [" ".join(text[:TOP_CHARACTERS].split()) for text in texts]
    starts: list[int | None] = []
    after = first_page
    for row in rows:
        start = None
        if row.get("decision") not in NOT_IN_THE_BUNDLE:
            start = next((n for n in range(after, len(texts) + 1) if _starts_here(row, tops[n - 1])), None)
        starts.append(start)
        if start is not None:
            after = start + 1
    found = sorted(start for start in starts if start is not None)
    return [[start, _last_page(start, found, len(texts))] if start else None for start in starts]


def _starts_here(row: dict, top: str) -> bool:
    """Whether the page's top announces the row's document: its number as a document's, or its
    title (as a close match), or both its title's first words and its date."""
    number = row.get("number")
    if number and re.search(NUMBERED.format(number=re.escape(str(number))), top, re.I):
        return True
    title = " ".join((row.get("title") or "").split())
    if len(title) >= 8 and fuzz.partial_ratio(title.lower(), top.lower()) >= TITLE_MATCH:
        return True
    day = date.fromisoformat(row["date"]) if row.get("date") else None
    first_words = " ".join(title.split()[:3]).lower()
    return bool(day and first_words and first_words in top.lower() and day in [d for _, _, d in find_dates(top)])


def _last_page(start: int, starts: list[int], page_count: int) -> int:
    later = [s for s in starts if s > start]
    return later[0] - 1 if later else page_count


def place_of(page: int, schedule: list[dict]) -> str:
    """How to cite a page of a bundle: "Document 7, page 3 (bundle page 41)" when the page falls in
    a listed document, else "p. 41"."""
    for row in schedule:
        pages = row.get("pages")
        if pages and pages[0] <= page <= pages[1]:
            name = f"Document {row['number']}" if row.get("number") else f"“{row['title']}”"
            return f"{name}, page {page - pages[0] + 1} (bundle page {page})"
    return f"p. {page}"
