"""Keys of ground codes: Treasury and DPMC releases print a key on the cover ("[23] 9(2)(a) - to
protect the privacy of natural persons") and only the number on each box. Pure: text in."""

import re

from app.core.grounds import Citation, find_citations

KEY_WORD = re.compile(r"\bkey\b|\bcodes?\b|\blegend\b", re.IGNORECASE)
BRACKETED = re.compile(r"\[(\d{1,3})\]")
TABLE_ROW = re.compile(r"^[ \t]*(\d{1,3})[ \t]*[|:\-–]?[ \t]+", re.MULTILINE)  # "23   9(2)(a)   Privacy"
REACH = 12  # characters between a code and its ground, either way round
MIN_ENTRIES = 2


def read_key(text: str, jurisdiction: str = "nz-oia") -> dict[str, dict]:
    """The key a release prints, code -> {"ground", "regime"}; empty when there is none.

    A key follows the word "key" (or "codes", "legend") and has at least two entries, each a
    code in square brackets next to a ground, either way round, or a table row that starts with
    the code. A number that means two grounds is left out: a box with it is flagged, not guessed."""
    found = KEY_WORD.search(text)
    if found is None:
        return {}
    passage = text[found.start() :]
    citations = find_citations(passage, jurisdiction)
    entries: dict[str, set[tuple[str, str]]] = {}
    for code, citation in _bracketed_entries(passage, citations) + _table_entries(passage, citations):
        entries.setdefault(code, set()).add((citation.ground, citation.regime))
    key = {
        code: {"ground": g, "regime": r} for code, grounds in entries.items() if len(grounds) == 1 for g, r in grounds
    }
    return key if len(key) >= MIN_ENTRIES else {}


def _bracketed_entries(passage: str, citations: list[Citation]) -> list[tuple[str, Citation]]:
    entries = []
    for match in BRACKETED.finditer(passage):
        after = [
            c for c in citations if 0 <= c.start - match.end() <= REACH and _only_marks(passage, match.end(), c.start)
        ]
        before = [
            c for c in citations if 0 <= match.start() - c.end <= REACH and _only_marks(passage, c.end, match.start())
        ]
        if after or before:
            entries.append((match.group(1), (after or before)[0]))
    return entries


def _table_entries(passage: str, citations: list[Citation]) -> list[tuple[str, Citation]]:
    entries = []
    for match in TABLE_ROW.finditer(passage):
        following = [c for c in citations if 0 <= c.start - match.end() <= 4]
        if following:
            entries.append((match.group(1), following[0]))
    return entries


def _only_marks(text: str, start: int, end: int) -> bool:
    """Whether only spaces, dashes, colons, equals signs or an "s"/"section" lie between."""
    between = re.sub(r"(?i)\bsection\b|\bs\b|[\s\-–:=|,.]", "", text[start:end])
    return between == ""
