"""Read an OIA response letter from a release's first pages: who answered, the request's
reference, when it was received and answered, the grounds cited, and whether the time limit was
extended (section 15A) or the request transferred (section 14). Pure: text in, facts out."""

import re
from dataclasses import dataclass, field
from datetime import date

from rapidfuzz.distance import Levenshtein

from app.core.agencies import agency_named
from app.core.grounds import find_citations

LETTER_PAGES = 3  # a response letter starts on one of the first pages

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        1,
    )
    for name in names
}
_MONTH = "(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = (
    r"(?:(?<=\s)\d(?=(?:19|20)\d\d\b))?(?P<year>(?:19|20)\d\d)"  # OCR's stray digit before a year ("12024") left out
)
DATES = [
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}\s*,?\s+{_YEAR}\b", re.I),  # 1 December 2023
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.I),  # December 1, 2023
    # 01/12/2023, 01.12.2023 or 01-12-2023, day first (and OCR's "01 -12.2023")
    re.compile(rf"\b{_DAY} ?[/.\-] ?(?P<month_number>\d{{1,2}}) ?[/.\-] ?{_YEAR}\b"),
    re.compile(rf"\b{_YEAR}-(?P<month_number>\d\d)-{_DAY}\b"),  # 2023-12-01
]

# "Tēnā koe" as printed, and as OCR reads it ("Téna koe", "Tena koe").
SALUTATION = re.compile(
    r"^\s*(?:Dear|T\S{1,2}n\S{1,2}\s+k(?:oe|outou)|Kia\s+ora|M\S?rena|Talofa|Greetings)\b", re.I | re.M
)
DATE_LINE = re.compile(r"^\s*(?:Date[d:]?\s*:?\s*)?$", re.I)  # what may stand before a date on its own line
SIGN_OFF = re.compile(
    r"^\s*(?:Yours\s+(?:sincerely|faithfully)|Nāku\s+(?:iti\s+)?noa|Naku\s+(?:iti\s+)?noa|Ngā\s+mihi|Nga\s+mihi"
    r"|Kind\s+regards|Regards)\b",
    re.I | re.M,
)
IS_LETTER = re.compile(r"Official\s+Information\s+Act|\bOIA\b|\bLGOIMA\b|\bsection\s+\d+\w?\s+of\s+the\s+Act\b", re.I)
ASKED = re.compile(r"\brequest|\basked\b|\bwrote\b|\byour (?:email|letter|correspondence)\b", re.I)
RECEIVED = re.compile(r"\b(?:received|transferred to (?:us|the \w+)|came to us)\b[^.]{0,40}$", re.I)
REFERENCE_LABEL = re.compile(
    r"\b(?:our\s+|your\s+)?(?:ref(?:erence)?|file\s+(?:no|number|ref))[ \t]*(?:no\.?|number|#)?[ \t]*[:.][ \t]*"
    r"(?P<ref>[A-Z0-9][\w\-/. ]{2,40}?)[ \t]*$",
    re.I | re.M,
)
REFERENCE_SHAPES = re.compile(
    r"\b(?:(?:OIA|DOIA|OIAD|OIAP|IR|MOH|BR|REQ|TSY|ACC|CSR|OC)[- ]?\d[\w\-/]{3,}|H\d{6,}|\d{4}/[A-Z]{2,8}/\d+)\b"
)
OCR_OIA = re.compile(r"\b(D?)[O0][Il1|]A(?=[- ]?\d)")  # OCR's "O1A24-0789", "0IA-2024-1": OIA, before a number
EXTENSION = re.compile(r"\b(?:extend(?:ed|ing)?|extension)\b", re.I)
EXTENSION_LAW = re.compile(r"\b15A\b|time limit|working days|time frame|timeframe", re.I)
EXTENDED_BY = re.compile(
    r"\bby\s+(?:a\s+further\s+|an\s+additional\s+|another\s+|a\s+further\s+period\s+of\s+)?"
    r"(?P<days>\d{1,3}|five|ten|fifteen|twenty|twenty-five|thirty|forty)\s+(?:additional\s+|further\s+|more\s+)?"
    r"working\s+days",
    re.I,
)
EXTENDED_TO = re.compile(r"\b(?:to|until|by|on or before)\s*$", re.I)
NUMBER_WORDS = {"five": 5, "ten": 10, "fifteen": 15, "twenty": 20, "twenty-five": 25, "thirty": 30, "forty": 40}
TRANSFER = re.compile(
    r"\btransferr(?:ed|ing)\b[^.]{0,80}\brequest\b|\brequest\b[^.]{0,60}\btransferr(?:ed|ing)\b"
    r"|\btransfer(?:red)?\b[^.]{0,120}\b(?:section|s\.?)\s*14\b",
    re.I,
)


@dataclass
class Letter:
    """What a response letter says; None where it says nothing that could be read."""

    page: int  # the page it starts on, from 1
    agency: str | None = None
    reference: str | None = None
    request_date: date | None = None
    response_date: date | None = None
    grounds: list[str] = field(default_factory=list)
    extension_days: int | None = None
    extended_to: date | None = None
    extended: bool = False
    transferred: bool = False


MISSPELT = re.compile(rf"\b{_DAY}\s+(?P<word>[A-Za-z]{{5,12}})\s*,?\s+{_YEAR}\b")  # "2 Saptemnber 2024"


def _month_misread(word: str) -> int | None:
    """The month a word OCR misread spells, within one edit in four letters, if only one."""
    near = {
        number
        for name, number in MONTHS.items()
        if len(name) >= 5 and Levenshtein.distance(word.lower(), name) <= len(name) // 4
    }
    return near.pop() if len(near) == 1 else None


def find_dates(text: str) -> list[tuple[int, int, date]]:
    """Every date written in the text as (start, end, date), in order; impossible dates skipped; a
    month name OCR misspelt by a letter or two still read."""
    found = []
    for m in MISSPELT.finditer(text):
        word = m.group("word").lower()
        found.append((m, None if word in MONTHS else _month_misread(word)))
    for pattern in DATES:
        for m in pattern.finditer(text):
            parts = m.groupdict()
            found.append((m, MONTHS[parts["month"].lower()] if parts.get("month") else int(parts["month_number"])))
    dated = [(m.start(), m.end(), _date(m, month)) for m, month in found if month is not None]
    return sorted(entry for entry in dated if entry[2] is not None)


def _date(m: re.Match, month: int) -> date | None:
    try:
        return date(int(m.group("year")), month, int(m.group("day")))
    except ValueError:
        return None


def read_letter(pages: list[str], jurisdiction: str = "nz-oia") -> Letter | None:
    """The response letter among the first pages' texts, read; None when none of them is one."""
    for number, text in enumerate(pages[:LETTER_PAGES], 1):
        if IS_LETTER.search(text) and ASKED.search(text) and (SALUTATION.search(text) or "thank you" in text.lower()):
            return _read(number, text, _whole_letter(text, pages[number : number + 1]), jurisdiction)
    return None


def _whole_letter(first: str, following: list[str]) -> str:
    """The letter's text: its first page and, when it is not signed off there, the next page up
    to its sign-off (after that comes the first released document, whose grounds are not the
    letter's)."""
    if SIGN_OFF.search(first) or not following:
        return _up_to_sign_off(first)
    return first + "\n" + _up_to_sign_off(following[0])


def _up_to_sign_off(text: str) -> str:
    signed = SIGN_OFF.search(text)
    return text[: signed.end()] if signed else text


def _read(number: int, first: str, whole: str, jurisdiction: str) -> Letter:
    dates = find_dates(first)
    answered = _response_date(first, dates)
    sentences = _sentences(whole)
    extension = [s for s in sentences if EXTENSION.search(s) and EXTENSION_LAW.search(s)]
    grounds = list(dict.fromkeys(c.ground for c in find_citations(whole, jurisdiction)))
    return Letter(
        page=number,
        agency=agency_named(first),
        reference=_reference(first),
        request_date=_request_date(_sentences(_body(first)), answered),
        response_date=answered,
        grounds=grounds,
        extension_days=_extension_days(extension),
        extended_to=_extended_to(extension),
        extended=bool(extension),
        transferred=any(TRANSFER.search(s) for s in sentences),
    )


def _sentences(text: str) -> list[str]:
    """The text's sentences, lines joined (a letter wraps its sentences over lines)."""
    joined = re.sub(r"\s*\n\s*", " ", text)
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z\"'‘“(])", joined) if s]


def _body(text: str) -> str:
    """The letter from its salutation on: the request is spoken of there, not in the heading."""
    salutation = SALUTATION.search(text)
    return text[salutation.start() :] if salutation else text


def _response_date(text: str, dates: list[tuple[int, int, date]]) -> date | None:
    """The letter's own date: the first date above its salutation; else a date on a line of its
    own ("Date: 6 February 2024" under the signature); else the first date outside a sentence
    about the request."""
    salutation = SALUTATION.search(text)
    above = [d for start, _, d in dates if salutation is None or start < salutation.start()]
    if above:
        return above[0]
    for start, end, d in dates:
        line_end = text.find("\n", end)
        after = text[end : line_end if line_end >= 0 else len(text)]
        if DATE_LINE.match(text[text.rfind("\n", 0, start) + 1 : start]) and not after.strip(" ."):
            return d
    asked = [s for s in _sentences(text) if ASKED.search(s)]
    for _, _, d in dates:
        if not any(d in (found for _, _, found in find_dates(sentence)) for sentence in asked):
            return d
    return None


def _request_date(sentences: list[str], answered: date | None) -> date | None:
    """When the request was received: a date the letter says it was received on, else the date
    of the request it thanks for (the Act counts from the day after receipt)."""
    asked: list[date] = []
    for sentence in sentences:
        if not ASKED.search(sentence):
            continue
        for start, _, d in find_dates(sentence):
            if answered is not None and d > answered:
                continue
            if RECEIVED.search(sentence[:start]):
                return d
            asked.append(d)
    return asked[0] if asked else None


def _reference(text: str) -> str | None:
    """The request's reference: one labelled as such, else the first that has a reference's shape.
    OCR's spaces around a hyphen ("DOIA 2324- 0567") are closed up, specks after it dropped, and
    its digits for OIA's letters ("O1A24-0789") read as letters."""
    text = re.sub(r"[ \t]*-[ \t]*", "-", text)
    text = OCR_OIA.sub(r"\1OIA", text)
    if labelled := REFERENCE_LABEL.search(text):
        reference = re.sub(r"(?:[\s.,;:|]+[a-z]{0,3})+$", "", labelled.group("ref")).strip(" .")
        lettered = "O" + reference[1:]  # OCR's 0 for the O of a prefix: "0C240517" is OC240517
        return lettered if reference[:1] == "0" and REFERENCE_SHAPES.fullmatch(lettered) else reference
    if shaped := REFERENCE_SHAPES.search(text):
        return shaped.group().strip()
    return None


def _extension_days(sentences: list[str]) -> int | None:
    for sentence in sentences:
        if m := EXTENDED_BY.search(sentence):
            days = m.group("days").lower()
            return int(days) if days.isdigit() else NUMBER_WORDS[days]
    return None


def _extended_to(sentences: list[str]) -> date | None:
    """A new due date an extension names ("extended ... to 5 May 2024")."""
    for sentence in sentences:
        for start, _, d in find_dates(sentence):
            if EXTENDED_TO.search(sentence[:start]):
                return d
    return None
