"""Read one page's redactions: pair each box with the ground cited beside or inside it (or the
code printed on it, or the label of its run of boxes), tell labels, codes and out-of-scope marks
printed on boxes from text leaked under them, drop grey shading, and find grounds standing alone
in a gap of the text (blank-space redactions). Pure: text, words and boxes in."""

import re
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field

from app.core.anchoring import word_offsets
from app.core.grounds import cut_short, divided, find_citations, in_catalogue, printed_together, snap_ground
from app.core.rects import bounds

BLACKED_OUT = "█"
SAME_LINE_REACH = 200.0  # points: a ground printed on the box's line this near is its own, even if shared
NEAR_REACH = 14.0  # points: a ground on the line just above or below the box, at most this far
# Words printed around a ground in a box's label; they are the label, not text left under the box.
LABEL_BEFORE = {"withheld", "redacted", "under", "pursuant", "to", "s", "section", "sec", "ss"}
LABEL_AFTER = {"oia", "lgoima", "foia", "foi"}
# Every word a label printed inside a box may have: "Section 6(c) Official Information Act 1982",
# "Out of scope", "Withheld under s 9(2)(a) of the Act". Text of the document's own flow under a
# box is a leak; these words are not.
LABEL_WORDS = LABEL_BEFORE | LABEL_AFTER | {
    "of", "the", "act", "official", "information", "1982", "and", "meetings", "local", "government",
    "1987", "sections", "out", "scope", "not", "in", "outside", "relevant", "request", "your", "this",
    "refused", "withholding", "ground", "grounds", "privacy", "oia.", "&", "-", "–", "/", ",",
}  # fmt: skip
CODE = re.compile(r"\[?(\d{1,3})\]?")  # a keyed code printed on a box: [23] or 23
ANCHOR_WORDS = {"withheld", "redacted", "section", "oia", "lgoima", "scope"}  # a label has one of these, or a ground
GROUND_PIECE = re.compile(r"\(?s?\d{1,2}(?:\(\w{1,4}\))+\)?[,;.]?", re.I)  # "9(2)": a label cut short by its box
BRACKETED_CODE = re.compile(r"\[(\d{1,3})\]")  # a code in brackets, on any box
OUT_OF_SCOPE = re.compile(r"\b(?:out\s+of|outside(?:\s+the)?|not\s+in)\s+scope\b|\bnot\s+relevant\b", re.I)
HAS_TEXT = re.compile(r"[^\W_]")  # a letter or a digit
FEW_FLOW_WORDS = 6  # a labelled grey box on a scan may take in a paragraph number or a stray word
DARK_SHADE = 0.2  # a box lighter than this (grey) must hide its text: shading over text is no redaction
PLAIN_WORD = re.compile(r"[^\W\d_]{3,}(?:['’-][^\W\d_]+)*")  # Minister's, co-operation
GARBLED = (6, 0.5)  # a reading of this many tokens or more, over this share of them one or two characters long
SAME_FILL = 0.1  # boxes whose shades differ by more are not one run of boxes
BAND_LETTERS = 8  # letters of plain words read on a dark box of a scan that make it a heading band
BAND_LINES = 2.5  # ... when the box is no taller than this many times their height: one line (two are 3 and more)
LIST_MARKER = re.compile(r"[\W_]*(?:\d{1,3}|[a-z]{1,2}|[ivx]{1,4})?[.)]?[\W_]*", re.I)  # 5.  c.  (ii)  •


@dataclass
class PageRedactions:
    """A page's boxes (dicts ready to store) and the citations found in its text."""

    boxes: list[dict] = field(default_factory=list)
    citations: list[dict] = field(default_factory=list)
    hidden_words: set[int] = field(default_factory=set)  # indexes of words readable under a box
    released_words: int = 0  # words of the page's own text outside every box and label


@dataclass
class _Box:
    """A box being read: where it is, what is printed on it, and what it hides."""

    rect: list[float]
    kind: str
    shade: float = 0.0
    label: str | None = None  # a scan's label strip read again
    shape: int | None = None  # boxes cut from one shape on a scan share this number: one redaction
    inside: list[int] = field(default_factory=list)  # words whose centre lies in the box
    leaked: list[int] = field(default_factory=list)  # of those, text of the document's own flow
    shading: bool = False  # a grey fill over readable text of the flow: no redaction at all
    band: bool = False  # white print on a dark band of a scan (a heading): no redaction at all
    ground: dict | None = None  # {"ground", "regime"}, and "grounds": every ground its label cites
    labelled: bool = False  # its ground or out-of-scope mark is printed on it, not beside it
    code: str | None = None
    out_of_scope: bool = False


def read_page(
    text: str, words: list[dict], boxes: list, ocr: bool, jurisdiction: str, accent_words: Collection[int] = ()
) -> PageRedactions:
    """Read one page's redactions: each box with its ground (printed inside it, beside it, on the
    run of boxes it belongs to, or as a keyed code), out-of-scope marks, text leaked under boxes,
    and grounds standing alone in a gap of the text (blank-space redactions)."""
    citations = _citations(text, words, jurisdiction, ocr)
    labels = _labels(citations, words)
    if not (boxes or citations):  # most pages: nothing to read
        return PageRedactions(released_words=sum(1 for w in words if _has_text(w)))
    cited_words = {i for c in citations for i in c["words"]}
    read = [_Box(list(b.rect), b.kind, b.shade, b.label, b.shape) for b in boxes]
    for box in read:
        box.inside = [i for i, w in enumerate(words) if _under(w, box.rect)]
        _read_inside(box, words, cited_words, ocr)
    read = [box for box in read if not (box.shading or box.band)]
    for box, nearest in zip(read, _pair([b.rect for b in read], citations), strict=True):
        inside = _ground_inside(box, citations)
        box.labelled = bool(inside) or box.out_of_scope
        if not (box.code or box.out_of_scope):
            box.ground = _label_ground(box.label, jurisdiction) or inside or nearest
    _share_labels(read, words)
    _share_within_shapes(read)
    read = [box for box in read if box.shade < DARK_SHADE or box.ground or box.code or box.out_of_scope]
    lone = [c for c in labels if not _near_a_box(c, read) and _alone(c, words, accent_words)]
    blanks = [_blank(c, words) for c in lone]
    result = PageRedactions(citations=[{k: c[k] for k in ("regime", "ground", "rect")} for c in citations])
    for box in read + blanks:
        result.hidden_words.update(box.leaked)
        result.boxes.append(_stored(box, words))
    covered = {i for box in read for i in box.inside}
    result.released_words = sum(
        1 for i, w in enumerate(words) if i not in covered and i not in cited_words and _has_text(w)
    )
    return result


def _citations(text: str, words: list[dict], jurisdiction: str, ocr: bool) -> list[dict]:
    """Grounds cited in the page's text, each with its label's words and their rectangle. Read by
    OCR, a ground the Act does not have ("9(2)(h)(iv)") is a misreading, and left out."""
    found = [c for c in find_citations(text, jurisdiction) if not ocr or in_catalogue(c.regime, c.ground)]
    offsets = word_offsets(text, words) if found else []  # most pages cite nothing
    citations = []
    for citation in found:
        inside = [i for i, (s, e) in enumerate(offsets) if s < citation.end and e > citation.start]
        if not inside:
            continue
        inside = _with_label_words(words, inside)
        rect = _union([words[i] for i in inside])
        citations.append({"regime": citation.regime, "ground": citation.ground, "rect": rect, "words": inside})
    return citations


def _read_inside(box: _Box, words: list[dict], cited_words: set[int], ocr: bool) -> None:
    """What is printed on a box: a label (a ground, a code, an out-of-scope mark, the words
    around them); anything else with letters or digits leaked through it. Without such an anchor
    nothing under the box is a label: "to the" under a box is a leak, not label vocabulary."""
    inside_text = " ".join(words[i]["text"] for i in box.inside)
    box.out_of_scope = bool(OUT_OF_SCOPE.search(inside_text)) or bool(box.label and OUT_OF_SCOPE.search(box.label))
    text_words = [i for i in box.inside if _has_text(words[i])]
    # A bare number is a code only on a grey box (Treasury's keyed boxes); on a black one it is as
    # likely a digit left readable under it, and on a scan a speck OCR read as one.
    code_shape = CODE if box.shade >= DARK_SHADE and not ocr else BRACKETED_CODE
    codes = [i for i in text_words if code_shape.fullmatch(words[i]["text"].strip(".,;"))]
    anchored = box.out_of_scope or any(
        i in cited_words or GROUND_PIECE.fullmatch(words[i]["text"]) or _bare(words[i]) in ANCHOR_WORDS
        for i in text_words
    )
    if len(codes) == 1 and not box.out_of_scope:
        rest = [i for i in text_words if i != codes[0] and _bare(words[i]) not in LABEL_WORDS]
        if not rest or anchored:
            box.code, anchored = CODE.fullmatch(words[codes[0]]["text"].strip(".,;[]")).group(1), True
    if ocr and box.shade < DARK_SHADE:
        # On a scan, a dark box was whitened before OCR: nothing under it can be read, and what
        # OCR read on it was printed in white; plain words there, and no label, make a heading band.
        labelled = bool(box.label and GROUND_PIECE.search(box.label))  # its strip, read again, cites one
        box.band = not (anchored or labelled) and _a_line_of_print(box, words, text_words)
        return
    flow = (
        text_words
        if not anchored
        else [
            i
            for i in text_words
            if i not in cited_words
            and i not in codes
            and _bare(words[i]) not in LABEL_WORDS
            and not GROUND_PIECE.fullmatch(words[i]["text"])
        ]
    )
    if box.shade >= DARK_SHADE:  # grey: text of the flow on it means shading, unless a scan labels it
        box.shading = bool(flow) and not (ocr and anchored and len(flow) <= FEW_FLOW_WORDS)
    if not ocr:
        box.leaked = flow  # a scan has no text layer to leak: what OCR reads on a grey box is print


def _a_line_of_print(box: _Box, words: list[dict], indexes: list[int]) -> bool:
    """Whether what OCR read on a dark box of a scan is one line of plain words as tall as the
    box (BAND_LINES): print on a band. Plain words in the lower part of a taller box are the rest
    of a line that a block of redacted lines ends in, beside the box and not on it."""
    plain = [i for i in indexes if PLAIN_WORD.fullmatch(_bare(words[i])) and _bare(words[i]) not in LABEL_WORDS]
    letters = sum(sum(map(str.isalpha, _bare(words[i]))) for i in plain)
    if letters < BAND_LETTERS:
        return False
    height = sorted(words[i]["y1"] - words[i]["y0"] for i in plain)[len(plain) // 2]
    return box.rect[3] - box.rect[1] <= BAND_LINES * height


def _ground_inside(box: _Box, citations: list[dict]) -> dict | None:
    inside = [c for c in citations if _inside(c["rect"], box.rect)]
    return inside[0] if inside else None


def _share_labels(boxes: list[_Box], words: list[dict]) -> None:
    """A label printed on a box serves the run of boxes it belongs to, up to the next label or
    released line either way: agencies redact a passage line by line and print its ground
    ("Section 6(c) Official Information Act 1982", "Out of scope") once, on its first box, or a
    keyed code on its last. A run is drawn in one fill: a darker grey band beside a grey box (a
    table's heading row, a footer's cell) is not one of its boxes."""
    covered = {i for box in boxes for i in box.inside}
    released = [(w["y0"] + w["y1"]) / 2 for i, w in enumerate(words) if i not in covered and _has_text(w)]
    in_order = sorted(boxes, key=lambda b: (b.rect[1], b.rect[0]))
    for run, downwards in ((in_order, True), (in_order[::-1], False)):
        label, previous = None, None
        for box in run:
            if previous is not None:
                gap = (previous.rect[3], box.rect[1]) if downwards else (box.rect[3], previous.rect[1])
                if any(gap[0] < y < gap[1] for y in released):
                    label = None  # released text between: the run is over
            if box.labelled or box.code:
                label = box
            elif label is not None and not box.ground and not box.out_of_scope and _one_fill(box, label):
                box.ground, box.code, box.out_of_scope = label.ground, label.code, label.out_of_scope
            previous = box


def _share_within_shapes(boxes: list[_Box]) -> None:
    """Boxes of one fill cut from one shape (a passage redacted from part way along a line, or to
    part way along one) are one redaction: those read with no ground take the first ground read
    on the others (its label may have been cut in two with the shape, or read beside its first
    line). A table's dark heading row joined to a grey box below it is not one of them."""
    for box in boxes:
        if box.shape is None or box.ground or box.code or box.out_of_scope:
            continue
        grounded = [b for b in boxes if b.shape == box.shape and (b.ground or b.code) and _one_fill(b, box)]
        if grounded:
            first = min(grounded, key=lambda other: (other.rect[1], other.rect[0]))
            box.ground, box.code = first.ground, first.code


def _one_fill(box: _Box, other: _Box) -> bool:
    return abs(box.shade - other.shade) <= SAME_FILL


def _has_text(word: dict) -> bool:
    """Whether a word has a letter or a digit."""
    return HAS_TEXT.search(word["text"]) is not None


def _labels(citations: list[dict], words: list[dict]) -> list[dict]:
    """Citations printed together as one label ("s 6(a), 9(2)(f)(iv)") joined into one, which
    keeps the first's ground. Each citation is given its label's grounds, in the order printed:
    a box paired with any of them is withheld under them all."""
    labels: list[dict] = []
    for citation in citations:
        last = labels[-1] if labels else None
        between = range(last["words"][-1] + 1, citation["words"][0]) if last else range(0)
        joined = last is not None and all(_bare(words[i]) in ("", "and", "&") for i in between) and len(between) <= 2
        side_by_side = joined and all(_adjacent(words[i], words[i + 1]) for i in range(between.start - 1, between.stop))
        if side_by_side and _same_line(words[citation["words"][0]], last["rect"]):
            labels[-1] = {
                **last,
                "words": last["words"] + citation["words"],
                "rect": _union([last["rect"], citation["rect"]]),
                "parts": last["parts"] + [citation],
            }
        else:
            labels.append({**citation, "parts": [citation]})
    for label in labels:
        grounds = list(dict.fromkeys(part["ground"] for part in label["parts"]))
        for part in [label, *label["parts"]]:
            part["grounds"] = grounds
    return labels


def _near_a_box(citation: dict, boxes: list[_Box]) -> bool:
    """Whether a citation is printed on, beside or just above or below a box: that box's label."""
    return any(
        _inside(citation["rect"], b.rect)
        or _on_line(b.rect, citation["rect"]) is not None
        or _beside_line(b.rect, citation["rect"]) is not None
        for b in boxes
    )


def _alone(citation: dict, words: list[dict], accent_words: Collection[int]) -> bool:
    """Whether a cited ground stands alone where text was cut out: printed in a colour of its own
    with nothing of the body straight after it, or alone on its line but for a list marker."""
    label = set(citation["words"])
    line = [i for i, w in enumerate(words) if i not in label and _same_line(w, citation["rect"])]
    after = [i for i in line if words[i]["x0"] >= citation["rect"][2]]
    if after:
        return False
    if label <= set(accent_words):
        return True
    before = [words[i]["text"] for i in line if words[i]["x1"] <= citation["rect"][0]]
    return all(LIST_MARKER.fullmatch(t) for t in before) and len(before) <= 1


def _blank(citation: dict, words: list[dict]) -> _Box:
    """The gap a standing-alone ground marks: the rest of its line, and the lines of the text
    column beneath it down to the next line of text. Where text was cut out below the label, the
    gap spans the column's width (the cut text ran on from the left margin)."""
    x0, y0, x1, y1 = citation["rect"]
    left = min([w["x0"] for w in words] + [x0])
    right = max([w["x1"] for w in words] + [x1])
    below = [w["y0"] for w in words if w["y0"] >= y1 - 1]
    bottom = max(min(below, default=y1), y1)
    lines_cut = bottom - y1 > y1 - y0  # at least a line's height of blank below the label
    box = _Box([left if lines_cut else x0, y0, right, bottom], "blank")
    box.ground = citation
    return box


def _stored(box: _Box, words: list[dict]) -> dict:
    hidden = [words[i]["text"] for i in box.leaked]
    grounds = (box.ground.get("grounds") or [box.ground["ground"]]) if box.ground else [None]
    return {
        "rect": [round(v, 2) for v in box.rect],
        "kind": box.kind,
        "ground": grounds[0],
        "more_grounds": grounds[1:],
        "regime": box.ground["regime"] if box.ground else None,
        "code": box.code,
        "out_of_scope": box.out_of_scope,
        "text_under": bool(hidden),
        "hidden_text": " ".join(hidden) or None,
        "shape": box.shape,
    }


def withheld(text: str, words: list[dict], hidden: set[int]) -> tuple[str, list[dict]]:
    """The page's text and words with each word readable under a box blacked out, character for
    character (offsets and word boxes stay): what an agency meant to withhold is then stored
    only on its box, shown on demand, and never reaches the viewer, annotations, rules or exports."""
    if not hidden:
        return text, words
    offsets = word_offsets(text, words)
    characters = list(text)
    words = [dict(w) for w in words]
    for index in hidden:
        start, end = offsets[index]
        characters[start:end] = BLACKED_OUT * (end - start)
        words[index]["text"] = BLACKED_OUT * len(words[index]["text"])
    return "".join(characters), words


# How much one reading of a label counts: a ground cited whole as printed, one snapped to the
# catalogue from a mangled reading, one cited but cut short ("9(2)(g) (1)": more of it was there)
# or one the Act divides further, read alone (9(2)(g): its "(i)" may be lost; if every reading
# says 9(2)(g), 9(2)(g) it is).
PRINTED, SNAPPED, CUT_SHORT = 2, 1, 0.5


def _label_ground(label: str | None, jurisdiction: str) -> dict | None:
    """The ground a box's label strip gives (on scans, where it is read again in several ways, one
    reading a line): each reading's ground, weighed by how it was read (PRINTED, SNAPPED,
    CUT_SHORT), and a ground's readings count for the grounds the Act divides it into too (four
    readings of "9(2)(g)" cut short and one of 9(2)(g)(ii) whole say 9(2)(g)(ii)); the ground with
    the most weight wins; on a tie, the one read most surely in one reading, then the earliest.
    A ground the Act does not have ("39(2)", "9(2)(h)(iv)") never wins: it is a misreading. None
    if none."""
    votes = [vote for line in (label or "").splitlines() if (vote := _reading_ground(line, jurisdiction))]
    candidates = [vote for vote in votes if in_catalogue(vote[1], vote[0])]
    if not candidates:
        return None
    weights = Counter()
    for ground, _, weight in votes:
        weights[ground] += weight

    def support(ground: str) -> float:  # a reading of 9(2)(g) cut short also says 9(2)(g)(ii) may be it
        return sum(weight for voted, weight in weights.items() if ground == voted or ground.startswith(voted + "("))

    surest = {ground: max(w for g, _, w in votes if g == ground) for ground in weights}
    ground, regime, _ = max(candidates, key=lambda vote: (support(vote[0]), surest[vote[0]]))
    return {"ground": ground, "regime": regime, "grounds": _grounds_together(label, ground, jurisdiction)}


def _grounds_together(label: str, ground: str, jurisdiction: str) -> list[str]:
    """Every ground a label strip cites with the ground voted for ("9(2)(f)(iv), 9(2)(g)(i)"), in
    the order printed: the grounds printed together with it in one reading, each whole and known
    to the Act; of the readings that give more than it alone, the most given. [ground] if none."""
    together: Counter = Counter()
    for line in label.splitlines():
        for group in printed_together(line, find_citations(line, jurisdiction)):
            if ground not in (c.ground for c in group):
                continue
            kept = tuple(c.ground for c in group if c.ground == ground or _whole_and_known(line, c))
            if len(kept) > 1:
                together[kept] += 1
    return list(together.most_common(1)[0][0]) if together else [ground]


def _whole_and_known(line: str, cited) -> bool:
    return in_catalogue(cited.regime, cited.ground) and not cut_short(line, cited) and not divided(cited)


def _reading_ground(line: str, jurisdiction: str) -> tuple[str, str, float] | None:
    """(ground, regime, weight) of one reading, or None. A ground the catalogue does not know
    ("9(2)(i)(iv)") is a misreading, weighed like one cut short unless it snaps to one it knows."""
    cited = next(iter(find_citations(line, jurisdiction)), None)
    known = cited is not None and in_catalogue(cited.regime, cited.ground)
    if known and not cut_short(line, cited) and not divided(cited):
        return cited.ground, cited.regime, PRINTED
    snapped = None if _garbled(line) else snap_ground(line, jurisdiction)
    if snapped and (not known or snapped.ground.startswith(cited.ground) and snapped.ground != cited.ground):
        return snapped.ground, snapped.regime, SNAPPED  # "9(2)(f)iv)" cites 9(2)(f) but reads as (f)(iv)
    return (cited.ground, cited.regime, CUT_SHORT) if cited else None


def _garbled(line: str) -> bool:
    """Whether a reading is mostly scraps (GARBLED): print cut in half by the strip's edge, or
    specks, read as letters ("i lad 7 ea ows . de a] ros ee"). A ground snapped from such a
    reading is chance ("7 ea" is 7(a)); a label's reading is the label, perhaps after words."""
    tokens = line.split()
    return len(tokens) >= GARBLED[0] and sum(len(token) <= 2 for token in tokens) > GARBLED[1] * len(tokens)


def _with_label_words(words: list[dict], indexes: list[int]) -> list[int]:
    """A citation's words widened to the label around it: "[withheld under s 9(2)(a)]", "9(2)(a) OIA"."""
    first, last = indexes[0], indexes[-1]
    while first > 0 and _bare(words[first - 1]) in LABEL_BEFORE and _adjacent(words[first - 1], words[first]):
        first -= 1
    while last + 1 < len(words) and _bare(words[last + 1]) in LABEL_AFTER and _adjacent(words[last], words[last + 1]):
        last += 1
    return list(range(first, last + 1))


def _adjacent(left: dict, right: dict) -> bool:
    """Two words side by side on one line, a space apart at most."""
    same_line = abs((left["y0"] + left["y1"]) - (right["y0"] + right["y1"])) / 2 < (left["y1"] - left["y0"]) / 2
    return same_line and 0 <= right["x0"] - left["x1"] <= 0.6 * (left["y1"] - left["y0"])


def _bare(word: dict) -> str:
    return word["text"].strip("[](),.;:").lower()


def _under(word: dict, rect: list[float]) -> bool:
    """A word with letters or digits whose centre lies inside the box."""
    cx, cy = (word["x0"] + word["x1"]) / 2, (word["y0"] + word["y1"]) / 2
    inside = rect[0] <= cx <= rect[2] and rect[1] <= cy <= rect[3]
    return inside and any(ch.isalnum() for ch in word["text"])


def _inside(inner: list[float], outer: list[float]) -> bool:
    """Whether inner's centre lies in outer."""
    cx, cy = (inner[0] + inner[2]) / 2, (inner[1] + inner[3]) / 2
    return outer[0] <= cx <= outer[2] and outer[1] <= cy <= outer[3]


def _same_line(word: dict, rect: list[float]) -> bool:
    overlap = min(word["y1"], rect[3]) - max(word["y0"], rect[1])
    return overlap >= 0.5 * min(word["y1"] - word["y0"], rect[3] - rect[1])


def _union(items: list) -> list[float]:
    """The rectangle around words (dicts) or rectangles ([x0, y0, x1, y1])."""
    return bounds([[w["x0"], w["y0"], w["x1"], w["y1"]] if isinstance(w, dict) else w for w in items])


def _pair(boxes: list[list[float]], citations: list[dict]) -> list[dict | None]:
    """Each box's ground: the nearest cited inside it or on its line within SAME_LINE_REACH; failing
    that, one no other box has taken, further along its line or on the line just above or below."""
    near = [_nearest(box, citations, _on_line) for box in boxes]
    taken = {id(c) for c in near if c is not None}
    free = [c for c in citations if id(c) not in taken]
    return [
        found or _nearest(box, free, _anywhere_on_line) or _nearest(box, free, _beside_line)
        for box, found in zip(boxes, near, strict=True)
    ]


def _nearest(box: list[float], citations: list[dict], distance) -> dict | None:
    scored = [(d, i) for i, c in enumerate(citations) if (d := distance(box, c["rect"])) is not None]
    return citations[min(scored)[1]] if scored else None


def _gaps(box: list[float], c: list[float]) -> tuple[float, float]:
    return max(c[0] - box[2], box[0] - c[2], 0), max(c[1] - box[3], box[1] - c[3], 0)


def _on_line(box: list[float], c: list[float]) -> float | None:
    """How far a citation inside the box or on its line is from it; None if elsewhere or too far."""
    dx = _anywhere_on_line(box, c)
    return dx if dx is not None and dx <= SAME_LINE_REACH else None


def _anywhere_on_line(box: list[float], c: list[float]) -> float | None:
    """How far a citation inside the box or on its line is from it; None if on another line."""
    dx, _ = _gaps(box, c)
    overlap = min(box[3], c[3]) - max(box[1], c[1])
    return dx if overlap >= 0.5 * min(box[3] - box[1], c[3] - c[1]) else None


def _beside_line(box: list[float], c: list[float]) -> float | None:
    """How far a citation just above or below the box is from it; None if further than NEAR_REACH."""
    dx, dy = _gaps(box, c)
    distance = (dx * dx + dy * dy) ** 0.5
    return distance if distance <= NEAR_REACH else None
