"""Read a release's schedule of documents: the table listing each document found for a request,
its date, title, the decision on it and the grounds cited. Pure: the words of the first pages
(text and box, as stored) in, rows out.

A schedule is found by its heading row: at least a title column and a decision or grounds column
among headings such as No./Item/Doc, Date, Title/Description/Document, Decision/Release
decision/Extent of release, Grounds/Section(s)/Reason, in any order, ruled or not. Each column
runs from its heading's left edge to the next heading's. A row starts where the number column
holds a number (or, without one, the date column a date); lines below it until the next row
are its wrapped cells. A table runs on over pages: under a repeated heading row, or in the same
columns when the next page's first number follows on."""

import re
import statistics
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date

from rapidfuzz.distance import Levenshtein

from app.core.grounds import cut_short, find_citations, snap_ground
from app.core.letters import find_dates

SCHEDULE_STARTS_BY = 15  # a schedule follows the letter: it starts on one of a release's first pages
Word = tuple[str, float, float, float, float]  # text, x0, y0, x1, y1

HEADINGS = {
    "number": (
        "no",
        "no.",
        "#",
        "item",
        "doc",
        "doc.",
        "doc no",
        "doc no.",
        "document no",
        "document no.",
        "number",
        "document number",
        "item no",
        "item no.",
        "ref",
        "ref.",
    ),
    "date": ("date", "document date", "date of document", "dated"),
    "title": (
        "title",
        "description",
        "document",
        "document title",
        "document description",
        "subject",
        "item description",
        "description of document",
        "name of document",
    ),
    "decision": (
        "decision",
        "release decision",
        "extent of release",
        "treatment",
        "status",
        "outcome",
        "release status",
        "decision on release",
        "released?",
    ),
    "grounds": (
        "grounds",
        "ground",
        "section",
        "sections",
        "section(s)",
        "reason",
        "reasons",
        "reason for withholding",
        "reasons for withholding",
        "grounds for withholding",
        "withholding grounds",
        "section of the act",
        "sections of the act",
        "oia section",
        "oia sections",
    ),
}
# The longest text a heading can be and still name a column: its name with a misread letter in
# five, as _kind allows, added.
LONGEST_HEADING = max(len(name) + len(name) // 5 for names in HEADINGS.values() for name in names)
DECISIONS = [  # (normalised decision, how schedules write it), the more specific first
    ("not in scope", r"\b(?:out\s+o\w|not\s+in|outside(?:\s+the)?)\s+scope\b"),  # "of", or OCR's "ot"
    ("transferred", r"\btransferr?(?:ed)?\b"),
    ("refused", r"\brefused\b|\bdeclined\b"),
    (
        "released in part",
        r"\bin\s+part\b|\bpart(?:ial(?:ly)?)?\s+release|\bpartially\b|\bredact(?:ed|ions)\b|\bwith\s+(?:some\s+)?(?:information|redactions)\s+withheld\b",
    ),
    ("withheld in full", r"\bwithheld(?:\s+in\s+(?:full|its\s+entirety))?\b|\bwithhold\b"),
    ("released", r"\breleased?(?:\s+in\s+full)?\b|\bfull\s+release\b"),
]
WITHHOLDING = ("released in part", "withheld in full", "refused")  # decisions that cite grounds
DECISION_WORDS = ("withheld", "released", "refused", "declined", "transferred", "partially", "redacted", "entirety")
NUMBER = re.compile(r"^(?:(?:doc(?:ument)?|item)\.?\s*)?(\d{1,4})[.):]?$", re.I)
LINE_TOLERANCE = 0.5  # words whose middles lie within this share of a word's height share a line
CELL_GAP = 9.0  # points between words that part two cells of a heading row
NEIGHBOUR_RISE = 4.0  # points a word's middle may stand above or below its neighbour's on a line
RULE_MARKS = "|[]"  # what OCR makes of a table's ruled lines
OCR_DIGITS = str.maketrans("oOlI|", "00111")  # in a number or a date, what OCR reads for 0 and 1
MISREAD_DATE = re.compile(r"\S+\s+(?:\S+\s+)?(?:19|20)\d\d\b")  # a year after a word or two
PAGE_SHIFT = 30  # points a scanned page may sit left or right of the page before
ALIGNING_LINES = 12  # a page's first lines, whose words place its columns
ALIGNED = 3.0  # points between a word's left edge and a column's start that count as the same
TABLE_GAP = 3.0  # a gap of this many lines below the last row ends the table


@dataclass
class ScheduleRow:
    """One document the schedule lists."""

    number: str | None
    date: date | None
    title: str
    decision: str | None
    grounds: list[str]
    page: int  # the page of the schedule the row is printed on, from 1
    cells: dict[str, str] = field(default_factory=dict)  # the text of each column, as printed


@dataclass
class _Table:
    columns: list[tuple[str, float]]  # (kind, left edge), left to right
    rows: list[dict] = field(default_factory=list)  # kind -> text, plus "_page"

    @property
    def kinds(self) -> set[str]:
        return {kind for kind, _ in self.columns}


def read_schedule(pages: Iterable[list[Word]], jurisdiction: str = "nz-oia") -> list[ScheduleRow]:
    """The rows of the first schedule of documents among the pages' words, in order; [] when there
    is none. It must start by page SCHEDULE_STARTS_BY, and is read to its end however many pages
    it runs over; pages are taken one at a time, none after it."""
    table: _Table | None = None
    for number, words in enumerate(pages, 1):
        if table is None and number > SCHEDULE_STARTS_BY:
            break
        lines = _lines(_upright(_without_rules(words)))
        if table is None:
            found = _find_heading(lines)
            if found is None:
                continue
            table, start = found
            ended = _read_rows(table, lines[start:], number)
        else:
            repeated = _find_heading(lines)
            start = 0
            if repeated and repeated[0].kinds == table.kinds:
                table.columns, start = repeated[0].columns, repeated[1]  # this page's own place for them
            else:
                table.columns = _realigned(table.columns, lines)
            if start == 0 and not _follows_on(table, lines):
                break
            ended = _read_rows(table, lines[start:], number)
        if ended:
            break
    if table is None:
        return []
    rows = [_row(cells, jurisdiction) for cells in table.rows]
    return _renumbered(rows) if "number" in table.kinds else rows


def fuller(first: list[ScheduleRow], second: list[ScheduleRow]) -> list[ScheduleRow]:
    """Of two readings of one schedule (a scan read twice), the one that says more: more rows with
    a number or date, a decision, and grounds where the decision withheld something; the first
    when they say as much. Each of its rows then takes the other reading's grounds for the same
    row (the same number or date, the same decision) where they cite more: a ground OCR lost in
    one reading, or the last bracket of one (9(2)(ba) read again as 9(2)(ba)(i)). Grounds that
    disagree otherwise (9(2)(b)(i) against 9(2)(b)(ii)) are left as the kept reading has them."""
    kept, other = (second, first) if _said(second) > _said(first) else (first, second)
    again = _by_place(other)
    return [_with_more_grounds(row, again.get(_place(row))) for row in kept]


def _place(row: ScheduleRow) -> str | None:
    """What tells a row apart in two readings: its number, or else its date."""
    return row.number or (row.date.isoformat() if row.date else None)


def _by_place(rows: list[ScheduleRow]) -> dict[str, ScheduleRow]:
    """The rows by place, leaving out places two rows share (which one is which is not known)."""
    places = [_place(row) for row in rows]
    return {place: row for place, row in zip(places, rows, strict=True) if place and places.count(place) == 1}


def _with_more_grounds(row: ScheduleRow, again: ScheduleRow | None) -> ScheduleRow:
    if again is None or again.decision != row.decision or not _cites_more(again.grounds, row.grounds):
        return row
    return replace(row, grounds=again.grounds)


def _cites_more(more: list[str], fewer: list[str]) -> bool:
    """Whether `more` cites every ground of `fewer`, or a fuller form of it (its brackets and
    more), and something besides."""
    covered = all(any(g == ground or g.startswith(ground + "(") for g in more) for ground in fewer)
    return covered and sorted(more) != sorted(fewer)


def _said(rows: list[ScheduleRow]) -> int:
    placed = sum(bool(row.number or row.date) for row in rows)
    decided = sum(row.decision is not None for row in rows)
    grounded = sum(bool(row.grounds) or row.decision not in WITHHOLDING for row in rows)
    return placed + decided + grounded


def _renumbered(rows: list[ScheduleRow]) -> list[ScheduleRow]:
    """Numbers OCR lost or misread, put back from the rows around them: a row between 10 and 12
    without a number, or read as 14, is 11; eight rows without one before a 9 are 1 to 8. Only
    where the table counts up one by one. Walked forward, then back (a run lost before a number)."""
    numbers = [int(row.number) if row.number and row.number.isdigit() else None for row in rows]
    for index in [*range(len(rows)), *reversed(range(len(rows)))]:
        number = numbers[index]
        before = numbers[index - 1] if index > 0 else None
        after = numbers[index + 1] if index + 1 < len(numbers) else None
        expected = before + 1 if before is not None else (after - 1 if after is not None else None)
        agrees = after is None or before is None or after == before + 2
        if expected is not None and number != expected and agrees and expected > 0:
            rows[index].number, numbers[index] = str(expected), expected
    return rows


def _without_rules(words: list[Word]) -> list[Word]:
    """OCR reads a table's ruled lines as "|" or brackets, alone or stuck to a cell's first word,
    and a scan's specks as marks standing alone ("_", "~", "."), which would join the cells
    around them into one; a "#" heading is kept."""
    cleaned = []
    for text, *box in words:
        kept = text.strip(RULE_MARKS)
        if kept == "#" or any(character.isalnum() for character in kept):
            cleaned.append((kept, *box))
    return cleaned


def _upright(words: list[Word]) -> list[Word]:
    """The words turned back by the page's slant (a scan fed in askew), measured as the median
    slope between neighbouring words of a line; a page printed straight is left as it is."""
    slopes = []
    for word, right in _right_neighbours(words):
        middle = (word[2] + word[4]) / 2
        across = max((right[1] + right[3]) / 2 - (word[1] + word[3]) / 2, 1)
        slopes.append(((right[2] + right[4]) / 2 - middle) / across)
    if len(slopes) < 8:
        return words
    slope = sorted(slopes)[len(slopes) // 2]
    if abs(slope) < 0.002:
        return words
    turned = []
    for text, x0, y0, x1, y1 in words:
        shift = slope * (x0 + x1) / 2
        turned.append((text, x0 + slope * (y0 + y1) / 2, y0 - shift, x1 + slope * (y0 + y1) / 2, y1 - shift))
    return turned


def _right_neighbours(words: list[Word]) -> Iterator[tuple[Word, Word]]:
    """Each word with the nearest word starting just after it (within two cell gaps) whose middle
    lies within NEIGHBOUR_RISE of its own: looked up among the words of nearby heights only, each
    band of heights ordered by left edge."""
    bands: dict[int, list[Word]] = {}
    for word in sorted(words, key=lambda w: w[1]):
        bands.setdefault(int((word[2] + word[4]) / 2 // NEIGHBOUR_RISE), []).append(word)
    lefts = {band: [w[1] for w in banded] for band, banded in bands.items()}
    for word in words:
        middle = (word[2] + word[4]) / 2
        band = int(middle // NEIGHBOUR_RISE)
        after = [
            w
            for near in (band - 1, band, band + 1)
            if near in bands
            for w in bands[near][bisect_right(lefts[near], word[3]) : bisect_left(lefts[near], word[3] + 2 * CELL_GAP)]
            if abs((w[2] + w[4]) / 2 - middle) < NEIGHBOUR_RISE
        ]
        if after:
            yield word, min(after, key=lambda w: w[1])


def _lines(words: list[Word]) -> list[list[Word]]:
    """Words grouped into printed lines, top to bottom, each left to right. Words share a line
    when their middles lie within a share of the page's usual word height (a word's own height
    would let a tall misread speck join the lines above and below it)."""
    if not words:
        return []
    usual_height = statistics.median(w[4] - w[2] for w in words)
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: ((w[2] + w[4]) / 2, w[1])):
        middle = (word[2] + word[4]) / 2
        if lines:
            last = lines[-1][-1]
            if abs(middle - (last[2] + last[4]) / 2) <= LINE_TOLERANCE * usual_height:
                lines[-1].append(word)
                continue
        lines.append([word])
    return [sorted(line, key=lambda w: w[1]) for line in lines]


def _cells(line: list[Word]) -> list[tuple[float, float, str]]:
    """A line's words joined into cells where the gap between words is wide: (x0, x1, text)."""
    cells: list[tuple[float, float, str]] = []
    for text, x0, _, x1, _ in line:
        if cells and x0 - cells[-1][1] < CELL_GAP:
            left, _, joined = cells[-1]
            cells[-1] = (left, x1, f"{joined} {text}")
        else:
            cells.append((x0, x1, text))
    return cells


def _kind(text: str) -> str | None:
    """The column a heading names; a heading OCR misread by a letter or two still names it
    ("Desoription"), if it names no other."""
    heading = " ".join(re.sub(r"[^\w#().?]+", " ", text.lower()).split()).strip(" .")
    if len(heading) > LONGEST_HEADING:  # a line of prose, not a heading: no need to compare
        return None
    exact = [kind for kind, names in HEADINGS.items() if heading in names or f"{heading}." in names]
    if exact:
        return exact[0]
    near = {
        kind
        for kind, names in HEADINGS.items()
        for name in names
        if len(name) >= 5 and Levenshtein.distance(heading, name) <= len(name) // 5
    }
    return near.pop() if len(near) == 1 else None


def _find_heading(lines: list[list[Word]]) -> tuple[_Table, int] | None:
    """The table whose heading row is among the lines, and the index of the line after it. A
    heading may wrap onto a second line ("Release" over "decision")."""
    for index, line in enumerate(lines):
        plain = _cells(line)
        wrapped = _with_wrapped(plain, lines[index + 1]) if index + 1 < len(lines) else None
        for cells, used in ((wrapped, 2), (plain, 1)):
            kinds = _numbered(cells, _cell_kinds(cells)) if cells else []
            named = {kind for kind in kinds if kind}
            if "title" in named and named & {"decision", "grounds"} and len(named) >= 3:
                columns = [(kind, x0) for (x0, _, _), kind in zip(cells, kinds, strict=True) if kind]
                return _Table(columns=columns), index + used
    return None


def _numbered(cells: list[tuple[float, float, str]], kinds: list[str | None]) -> list[str | None]:
    """A first heading too short to name anything ("#" read as "it") names the number column, which
    schedules put first."""
    if kinds and kinds[0] is None and "number" not in kinds and len(cells[0][2].strip()) <= 3:
        return ["number", *kinds[1:]]
    return kinds


def _cell_kinds(cells: list[tuple[float, float, str]]) -> list[str | None]:
    seen: set[str] = set()
    kinds = []
    for _, _, text in cells:
        kind = _kind(text)
        kinds.append(kind if kind not in seen else None)
        seen.add(kind)
    return kinds


def _with_wrapped(cells, below: list[Word]):
    """The heading cells with the words of the line below that sit under them added, when every
    word below sits under a cell (a wrapped heading), else None."""
    texts = [list(cell) for cell in cells]
    for text, x0, _, x1, _ in below:
        under = [cell for cell in texts if x0 < cell[1] + CELL_GAP and x1 > cell[0] - CELL_GAP]
        if len(under) != 1:
            return None
        under[0][2] = f"{under[0][2]} {text}"
    return [tuple(cell) for cell in texts]


def _read_rows(table: _Table, lines: list[list[Word]], page: int) -> bool:
    """Add the rows in lines to the table; True when the table ended on this page."""
    previous_bottom = None
    spacing = _line_height(lines)
    left = table.columns[0][1] - 2 * CELL_GAP
    for line in lines:
        top, bottom = min(w[2] for w in line), max(w[4] for w in line)
        if previous_bottom is not None:
            gap = top - previous_bottom
            if gap > TABLE_GAP * spacing or line[0][1] < left:
                return True
        cells = _assign(table, line)
        if _starts_row(table, cells):
            table.rows.append({**cells, "_page": page})
        elif table.rows:
            for kind, text in cells.items():
                row = table.rows[-1]
                row[kind] = f"{row.get(kind, '')} {text}".strip()
        previous_bottom = bottom
    return False


def _line_height(lines: list[list[Word]]) -> float:
    """The height of the page's words, the middle one: a speck OCR read as ";" is no measure."""
    heights = sorted(word[4] - word[2] for line in lines for word in line)
    return max(heights[len(heights) // 2], 1.0) if heights else 1.0


def _assign(table: _Table, line: list[Word]) -> dict[str, str]:
    """The line's words by the column each stands in, by its middle: a scan's word may begin a
    little left of its column's heading ("03/02/2024" at 268 under "Date" at 275), and a
    heading may stand centred over its column."""
    cells: dict[str, list[str]] = {}
    for text, x0, _, x1, _ in line:
        kind = table.columns[0][0]
        for candidate, start in table.columns:
            if (x0 + x1) / 2 >= start - CELL_GAP / 2:
                kind = candidate
        cells.setdefault(kind, []).append(text)
    return {kind: " ".join(texts) for kind, texts in cells.items()}


def _starts_row(table: _Table, cells: dict[str, str]) -> bool:
    """A row starts with a number in the number column, or (OCR having lost the number, or the
    table having none) a date in the date column, or a year after a word or two there (a date OCR
    could not read whole: "February 2024", "os February 2024", "09 ropa 2024")."""
    if "number" in table.kinds and NUMBER.match(_digits(cells.get("number", ""))):
        return True
    written = _digits(cells.get("date", ""))
    return bool(find_dates(written) or MISREAD_DATE.match(written.lstrip(RULE_MARKS + " ")))


def _digits(text: str) -> str:
    """A number's or a date's words with OCR's letters for digits put right ("o1" is 01, "l5" 15)."""
    return " ".join(
        word.translate(OCR_DIGITS) if any(ch.isdigit() for ch in word) else word for word in text.strip().split()
    )


def _realigned(columns: list[tuple[str, float]], lines: list[list[Word]]) -> list[tuple[str, float]]:
    """The columns moved to where a page without the heading puts them: a scanned page may sit a
    few points left or right of the one before. The shift (up to PAGE_SHIFT, by half points) that
    brings the most of the page's first words' left edges to a column's start, if it brings more
    than none does."""
    lefts = [word[1] for line in lines[:ALIGNING_LINES] for word in line]

    def fitted(shift: float) -> int:
        return sum(1 for x in lefts if any(abs(x - start - shift) <= ALIGNED for _, start in columns))

    shifts = [step / 2 for step in range(-2 * PAGE_SHIFT, 2 * PAGE_SHIFT + 1)]
    best = max(shifts, key=lambda shift: (fitted(shift), -abs(shift)))
    if fitted(best) <= fitted(0.0):
        return columns
    return [(kind, start + best) for kind, start in columns]


def _follows_on(table: _Table, lines: list[list[Word]]) -> bool:
    """Whether the page's first lines carry on the table: its next number in its number column, or
    a row that fills the table's columns with a date in its date column."""
    if not table.rows:
        return False
    last = NUMBER.match(_digits(table.rows[-1].get("number", "")))
    for line in lines[:4]:
        cells = _assign(table, line)
        shown = NUMBER.match(_digits(cells.get("number", "")))
        if shown and last and int(shown.group(1)) == int(last.group(1)) + 1:
            return True
        dated = "date" in table.kinds and find_dates(_digits(cells.get("date", "")))
        if dated and len(cells) >= len(table.columns) - 1:
            return True
    return False


def _row(cells: dict, jurisdiction: str) -> ScheduleRow:
    number = NUMBER.match(_digits(cells.get("number", "")))
    dates = find_dates(_digits(cells.get("date", "")))
    said = f"{cells.get('decision', '')} {cells.get('grounds', '')}"
    grounds = _grounds(cells.get("decision", ""), jurisdiction) + _grounds(cells.get("grounds", ""), jurisdiction, True)
    return ScheduleRow(
        number=number.group(1) if number else None,
        date=dates[0][2] if dates else None,
        title=cells.get("title", ""),
        decision=decision_of(cells.get("decision", "") or said),
        grounds=list(dict.fromkeys(grounds)),
        page=cells["_page"],
        cells={kind: text for kind, text in cells.items() if not kind.startswith("_")},
    )


def _grounds(text: str, jurisdiction: str, column: bool = False) -> list[str]:
    """The grounds a cell cites. In a grounds column a bare "6(c)" is a ground, where in prose it
    could be list numbering: each part is read as if "s" stood before it, and a part that cites
    nothing as written, or a ground its reading goes on from ("9(2)(ba)\\i)"), is snapped whole to
    the catalogue's nearest ground when one is clearly nearest (a scan's "9(2)(bay(i)")."""
    parts = re.split(r"\s*(?:[,;&/]|\band\b)\s*", text) if column else [text]
    found = []
    for part in parts:
        cited = find_citations(part, jurisdiction)
        if column:
            cited = _column_grounds(part, cited, jurisdiction)
        found += [c.ground for c in cited]
    return found


def _column_grounds(part: str, cited: list, jurisdiction: str) -> list:
    """What one part of a grounds cell cites, given what it cites as written."""
    if not cited:
        cited = find_citations(f"s {part}", jurisdiction)
    if len(cited) > 1 or (cited and not cut_short(part, cited[0])):
        return cited
    snapped = snap_ground(part, jurisdiction, whole=True)
    if snapped and (not cited or snapped.ground.startswith(cited[0].ground)):
        return [snapped]
    return cited


def decision_of(text: str) -> str | None:
    """A schedule's decision normalised: released, released in part, withheld in full, refused,
    transferred or not in scope; None when the text says none of them. A word of a decision that
    OCR misread by one letter ("Withheid", "Refuscd") is read as that word."""
    text = re.sub(r"[A-Za-z]{6,}", lambda word: _decision_word(word.group()), text)
    return next((decision for decision, pattern in DECISIONS if re.search(pattern, text, re.I)), None)


def _decision_word(word: str) -> str:
    """The word of a decision one letter away from word, if there is one, else word."""
    near = [known for known in DECISION_WORDS if Levenshtein.distance(word.lower(), known) <= 1]
    return near[0] if len(near) == 1 else word
