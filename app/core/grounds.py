"""Find withholding grounds cited in page text, tolerating OCR's usual slips.

Forms seen in releases: "s9(2)(a)", "s 9(2)(a)", "section 9(2)(a)", "9(2)(a) OIA",
"[withheld under s 6(a)]", "(b)(6)", "s.40(2)", "s 47F". OCR turns ")(" into "X" or "}(",
brackets into braces, and adds spaces: "9 (2) (g) (i)", "9(2Xg)(i)".
Forms that must not match: "9(2)" alone, "23(b)(3)" (court rules), "(09) 9(2)..." numbers.
"""

import re
from dataclasses import dataclass

from app.core.catalogue import AU_FOI, LGOIMA, NZ_OIA, UK_FOIA, US_FOIA, catalogue_grounds, meaning, statute

JURISDICTIONS = {
    "nz-oia": [NZ_OIA, LGOIMA, AU_FOI, UK_FOIA, US_FOIA],
    "nz-lgoima": [LGOIMA, NZ_OIA, AU_FOI, UK_FOIA, US_FOIA],
    "us-foia": [US_FOIA, NZ_OIA, LGOIMA, UK_FOIA, AU_FOI],
    "uk-foia": [UK_FOIA, AU_FOI, NZ_OIA, LGOIMA, US_FOIA],
    "au-foi": [AU_FOI, UK_FOIA, NZ_OIA, LGOIMA, US_FOIA],
}

OPEN, CLOSE = r"[(\[{]", r"[)\]}]"
# Between two bracketed parts: ")(" as printed, or OCR's "X" / ")X(" / "}(".
JOIN = rf"(?:\s*{CLOSE}\s*{OPEN}\s*|\s*{CLOSE}?\s*[X×]\s*{OPEN}?\s*)"
# OCR reads i as 1 or l: (1), (11), (il) are (i) and (ii).
ROMAN = r"(?P<sub>iv|[i1l]{1,3}|v)"
SUB = rf"(?:\s*[/|]?\s*(?:{OPEN}|[X×]\s*{OPEN}?)\s*{ROMAN}\s*{CLOSE})?"
PREFIX = r"(?:(?:sections?|sect?\.?|ss?\s?\.)\s*|s\s*)"
START = r"(?<![\w./)])"  # not inside a longer number, reference or citation like 23(b)(3)
ACT_AFTER = r"\s*(?:of\s+the\s+)?(?:OIA|Official\s+Information\s+Act|LGOIMA)"

# OCR reads the paragraph g as 9 or q: "9(2)(9)(i)" is 9(2)(g)(i).
NZ_S9 = re.compile(rf"{START}(?:{PREFIX})?9\s*{OPEN}\s*2{JOIN}(?P<para>ba|[a-k9q])\s*{CLOSE}?{SUB}(?![a-z])", re.I)
LG_S7 = re.compile(rf"{START}(?:{PREFIX})?7\s*{OPEN}\s*2{JOIN}(?P<para>ba|[a-j])\s*{CLOSE}?{SUB}(?![a-z])", re.I)
# 6(a), 7(a), 18(d), 17(e) look like list numbering: they need "s"/"section" before or "OIA" after.
NZ_SHORT = re.compile(
    rf"{START}(?:(?P<prefix>{PREFIX}|under\s+)?)(?P<section>18|17|6|7)\s*{OPEN}\s*(?P<para>da|[a-h])\s*{CLOSE}{SUB}"
    rf"(?P<act>{ACT_AFTER})?(?![a-z(])",
    re.I,
)
US = re.compile(
    rf"{START}(?:exemptions?\s*)?\(\s*b\s*\)\s*\(\s*(?P<num>[1-9])\s*\)(?:\s*\(\s*(?P<sub>[A-F])\s*\))?(?!\s*/)",
    re.I,
)
US_SHORT = re.compile(
    r"(?<![\w./)])(?:exemption\s+|b\s*\(?)(?P<num>[1-9])\)?(?:\s*\(\s*(?P<sub>[A-F])\s*\))?(?!\w)", re.I
)
SECTION_NUMBER = re.compile(
    rf"{START}(?:sections?|sect?\.|s\.|s)\s*(?P<section>47[A-HJ]|45A|22A|[2-4]\d)(?P<rest>(?:\s*\(\s*(?:\d|[a-z]|iv|i{{1,3}})\s*\))*)(?!\w)",
    re.I,
)
# What each finder's pattern cannot match without: a cheap search that lets most pages, which
# cite nothing, skip the expensive patterns (those start with a look-behind, so every position
# of the text is tried). Each must stay a necessary condition of its pattern.
NEEDS_9_2 = re.compile(r"9\s*[(\[{]")
NEEDS_7_2_OR_SHORT = re.compile(r"[678]\s*[(\[{]")
NEEDS_B = re.compile(r"\(\s*b\s*\)", re.I)
NEEDS_SECTION = re.compile(r"s(?:ections?|ect?\.|\.)?\s*[2-4]\d", re.I)
AU_SECTIONS = {"33", "34", "37", "38", "42", "45", "45A", "46", "47"} | {f"47{c}" for c in "ABCDEFGHJ"}
UK_SECTIONS = {str(n) for n in range(21, 45) if n != 25} | {"22A"}


@dataclass(frozen=True)
class Citation:
    """A ground cited in a text: its regime, canonical form and where it is."""

    regime: str
    ground: str
    start: int
    end: int


def find_citations(text: str, jurisdiction: str = "nz-oia") -> list[Citation]:
    """Every withholding ground cited in text, in order, each once per place."""
    preference = JURISDICTIONS.get(jurisdiction, JURISDICTIONS["nz-oia"])
    found: list[Citation] = []
    for needs, finder in FINDERS:
        if needs is None or needs.search(text):
            found += finder(text, preference)
    found.sort(key=lambda c: (c.start, -(c.end - c.start)))
    kept: list[Citation] = []
    for citation in found:  # where two readings overlap, the earlier (longer) one wins
        if not kept or citation.start >= kept[-1].end:
            kept.append(citation)
    return kept


def _sub(match: re.Match) -> str:
    sub = (match.group("sub") or "").lower().replace("1", "i").replace("l", "i")
    return f"({sub})" if sub else ""


def _para(match: re.Match) -> str:
    para = match.group("para").lower()
    return "g" if para in ("9", "q") else para


def _subsection_2(pattern: re.Pattern, regime: str, section: str):
    """A finder for "<section>(2)(x)" grounds: OIA 9(2) and LGOIMA 7(2), distinctive enough alone."""

    def find(text: str, _preference) -> list[Citation]:
        return [
            Citation(regime, f"{section}(2)({_para(m)}){_sub(m)}", m.start(), m.end()) for m in pattern.finditer(text)
        ]

    return find


_nz_s9 = _subsection_2(NZ_S9, NZ_OIA, "9")
_lgoima_s7 = _subsection_2(LG_S7, LGOIMA, "7")


def _nz_short(text: str, preference) -> list[Citation]:
    citations = []
    for m in NZ_SHORT.finditer(text):
        if not (m.group("prefix") or m.group("act")):
            continue
        section, para = m.group("section"), m.group("para").lower()
        act = (m.group("act") or "").upper()
        if section == "17" or "LGOIMA" in act:
            regime = LGOIMA
        elif section == "18" or section == "7":
            regime = NZ_OIA
        else:
            regime = min((NZ_OIA, LGOIMA), key=preference.index)
        if regime == LGOIMA and section == "18":
            continue
        citations.append(Citation(regime, f"{section}({para}){_sub(m)}", m.start(), m.end()))
    return citations


def _us(text: str, _preference) -> list[Citation]:
    return [_us_citation(m) for m in US.finditer(text)]


def _us_short(text: str, preference) -> list[Citation]:
    """ "b6", "Exemption 6": only where US FOIA is the project's law."""
    return [_us_citation(m) for m in US_SHORT.finditer(text)] if preference[0] == US_FOIA else []


def _us_citation(m: re.Match) -> Citation:
    sub = f"({m.group('sub').upper()})" if m.group("sub") and m.group("num") == "7" else ""
    return Citation(US_FOIA, f"(b)({m.group('num')}){sub}", m.start(), m.end())


def _sections(text: str, preference) -> list[Citation]:
    """UK and Australian section citations: "s.40(2)", "section 43(2)(b)", "s 47F", "s47C(1)"."""
    citations = []
    foreign_first = preference[0] in (UK_FOIA, AU_FOI)
    for m in SECTION_NUMBER.finditer(text):
        section = m.group("section").upper()
        rest = re.sub(r"\s+", "", m.group("rest") or "").lower()
        candidates = [r for r in (AU_FOI, UK_FOIA) if section in (AU_SECTIONS if r == AU_FOI else UK_SECTIONS)]
        # A bare "section 35" in an NZ release is rarely a foreign ground: want a subsection or letter.
        if not candidates or not (foreign_first or rest or section[-1].isalpha()):
            continue
        regime = min(candidates, key=preference.index)
        citations.append(Citation(regime, f"{section}{rest}", m.start(), m.end()))
    return citations


FINDERS = [
    (NEEDS_9_2, _nz_s9),
    (NEEDS_7_2_OR_SHORT, _lgoima_s7),
    (NEEDS_7_2_OR_SHORT, _nz_short),
    (NEEDS_B, _us),
    (None, _us_short),
    (NEEDS_SECTION, _sections),
]


def explain(ground: str | None, jurisdiction: str = "nz-oia") -> dict | None:
    """The meaning and statute of a ground a person typed ("9(2)(a)", "s 6(a)"), or None if unknown."""
    if not ground:
        return None
    citations = find_citations(ground, jurisdiction) or find_citations(f"s {ground}", jurisdiction)
    if not citations:
        return None
    first = citations[0]
    return {
        "ground": first.ground,
        "meaning": meaning(first.regime, first.ground),
        "statute": statute(first.regime, first.ground),
    }


NAMED_APART = re.compile(r"\s*(?:[,;&]|\band\b)\s*", re.I)  # between grounds named together: "9(2)(a), 9(2)(b)"


def explain_each(grounds: str | None, jurisdiction: str = "nz-oia") -> list[dict]:
    """explain() for each ground a label or a person names ("9(2)(f)(iv), 9(2)(g)(i)", "s 6(a)
    and 9(2)(b)"), in order, once each; the unknown left out."""
    explained = [explain(part, jurisdiction) for part in NAMED_APART.split(grounds or "") if part]
    return list({about["ground"]: about for about in explained if about}.values())


def joined_grounds(grounds: list[str]) -> str | None:
    """Grounds named together as a label names them ("9(2)(f)(iv), 9(2)(g)(i)"); None for none."""
    return ", ".join(grounds) or None


# Snapping a mangled reading to the catalogue. OCR of small print confuses these characters
# (a swap costs half an edit), and reads a tiny bracket as almost anything or nothing (a bracket
# of the ground matched by any one character, or by none, costs a third).
CONFUSABLE = [set(group) for group in ("il1|!I", "0o", "s$5§S", "9gq", "b6", "2z", "8B", "j3", "hn", "g2")]
BRACKETS = set("()[]{}")
GROUND_START = re.compile(r"[0-9gq][0-9()\[\]{}\\¢a-zA-Z|!_.,'\s]{2,24}")  # \ and ¢ too: OCR's brackets
MAX_SNAP_COST = 1.5
SNAP_MARGIN = 0.5  # the nearest ground must be this much nearer than the next
BRACKET_COST = 1 / 3
# What, read right after a ground, says the ground goes on: "(iv)", "f)", "iv)", " (i)", ")liv)", or a
# round bracket too many; not a closing square bracket alone ("[withheld under s 9(2)(a)]").
CONTINUES = re.compile(r"\)|[)\]}]?\s*(?:[(\[{|]|[a-z0-9]{1,2}[)\]}|]|.?[ivxl1]{1,3}[)\]}|])")
CUT_SHORT_COST = 1.5  # reading a ground as a shorter one when the reading goes on like a ground
# A word after a ground on its label's line ("912i) case to be", "9(2)(bak) in"): the ground ended
# before it. Not a Roman numeral ("9(2)(g) iii" may be the ground's own end), nor "ba" or one letter.
NEXT_WORD = re.compile(r"\s+(?:(?![ivxl]+\b)[a-z]{3,}|in|of|to|on|at|is|by|as|or)\b(?![(\[{)\]}|])", re.I)


def whole_citation(text: str, jurisdiction: str) -> Citation | None:
    """The first ground text cites, when the reading does not go on as if the ground were longer
    ("9(2)(g) (1)" cites 9(2)(g) but not whole) and the Act does not divide it further; None
    otherwise."""
    cited = next(iter(find_citations(text, jurisdiction)), None)
    return cited if cited and not cut_short(text, cited) and not divided(cited) else None


# What may stand between grounds cited together in one label: "9(2)(f)(iv), 9(2)(g)(i)",
# "s 6(a) and s 9(2)(b)(ii)", "ss 9(2)(a) & 9(2)(j)".
BETWEEN_TOGETHER = re.compile(r"[\s,;&]*(?:(?:and|s|ss|sections?)\b[\s,;&.]*)*", re.I)


def printed_together(text: str, citations: list[Citation]) -> list[list[Citation]]:
    """The citations of text (in order) in groups printed together as one label: apart only by
    commas, "and", "&" or a section sign's "s"."""
    groups: list[list[Citation]] = []
    for citation in citations:
        if groups and BETWEEN_TOGETHER.fullmatch(text, groups[-1][-1].end, citation.start):
            groups[-1].append(citation)
        else:
            groups.append([citation])
    return groups


def divided(cited: Citation) -> bool:
    """Whether the Act divides a cited ground further, so that a reading of it alone on a scan may
    have lost its end: 9(2)(g) is nearly always cited as 9(2)(g)(i) or (ii), and small print's
    "(i)" is what OCR loses first ("9(2)(g).(4)", "9(2)(g) iw")."""
    return any(ground.startswith(cited.ground + "(") for ground in catalogue_grounds(cited.regime))


def in_catalogue(regime: str, ground: str) -> bool:
    """Whether the catalogue knows a ground, or knows nothing of its regime: a reading of
    "9(2)(i)(iv)" cites a ground the Act does not have."""
    known = catalogue_grounds(regime)
    return not known or ground in known


def cut_short(text: str, cited: Citation) -> bool:
    """Whether what text reads right after a citation goes on like more of a ground."""
    return CONTINUES.match(text, cited.end) is not None


def snap_ground(text: str, jurisdiction: str = "nz-oia", whole: bool = False) -> Citation | None:
    """The catalogue ground of the jurisdiction's own Act nearest a mangled reading of one, such as
    "92i)" or "9(2)(f)liv)": only when one ground is clearly nearest (_clearly_nearest), else None.
    The reading must start with a digit (or a g or q, OCR's 9) and is compared over its
    best-matching beginning, up to any word after it ("912i) case to be"); whole, over all of it (a
    cell of a grounds column holds a ground and nothing else: "9(2)(bay(i)" is 9(2)(ba)(i), not
    9(2)(b) followed by something)."""
    part = _ground_part(text, whole)
    if part is None:
        return None
    start, read = part
    regime = JURISDICTIONS.get(jurisdiction, JURISDICTIONS["nz-oia"])[0]
    reading = re.sub(r"\s+", "", read).lower()
    costs = {
        ground: _edit_cost(reading, ground.lower(), whole)
        for ground in catalogue_grounds(regime)
        if _number_read(reading, ground)
    }
    ground = _clearly_nearest(costs, whole)
    return Citation(regime, ground, start, start + len(read)) if ground else None


def _ground_part(text: str, whole: bool) -> tuple[int, str] | None:
    """Where a reading's ground would begin, and its text up to the next word (whole: to the end)."""
    found = GROUND_START.search(text)
    if not found or not any(ch.isdigit() for ch in found.group()[:3]):
        return None
    return found.start(), found.group() if whole else NEXT_WORD.split(found.group(), maxsplit=1)[0]


def _clearly_nearest(costs: dict[str, float], whole: bool) -> str | None:
    """The ground of least cost, when it is within MAX_SNAP_COST and SNAP_MARGIN nearer than any
    other; or, not whole, when those as near are only grounds the Act divides it into ("9(2)(g)(" is
    about as near 9(2)(g)(i) as 9(2)(g)): then it is that ground, its end not read. None otherwise."""
    if not costs or min(costs.values()) > MAX_SNAP_COST:
        return None
    best = min(costs.values())
    near = sorted((ground for ground, cost in costs.items() if cost - best < SNAP_MARGIN), key=len)
    if whole and len(near) > 1:
        return None
    if any(not other.startswith(near[0] + "(") for other in near[1:]):
        return None
    return near[0]


def _number_read(reading: str, ground: str) -> bool:
    """Whether the reading holds one of the ground's digits, or a character OCR takes for one: a
    reading that has lost the whole number ("2e)" for 6(e)) is not that ground."""
    return any(_swap(digit, r) <= 0.5 for digit in ground if digit.isdigit() for r in reading)


def _edit_cost(reading: str, ground: str, whole: bool = False) -> float:
    """The cheapest way to read ground at the start of reading (what follows it is free, unless
    it looks like more of a ground), or, whole, as all of the reading."""
    previous = [float(j) for j in range(len(reading) + 1)]
    for g in ground:
        skip = BRACKET_COST if g in BRACKETS else 1.0
        current = [previous[0] + skip]
        for j, r in enumerate(reading, 1):
            current.append(min(previous[j] + skip, current[j - 1] + 1, previous[j - 1] + _swap(g, r)))
        previous = current
    if whole:
        return previous[-1]
    return min(cost + _more_ground(reading[j:]) for j, cost in enumerate(previous))


def _more_ground(rest: str) -> float:
    """More than an edit when rest would continue a ground ("(iv)", "f)", "iv)"), else nothing."""
    return CUT_SHORT_COST if CONTINUES.match(rest) else 0.0


def _swap(g: str, r: str) -> float:
    if g == r:
        return 0.0
    if g in BRACKETS:
        return BRACKET_COST
    return 0.5 if any(g in group and r in group for group in CONFUSABLE) else 1.0
