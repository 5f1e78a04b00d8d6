"""Read one page's redactions: pair each box with the ground cited beside or inside it, and
flag boxes that still have extractable text under them. Pure: text, words and boxes in."""

from collections import Counter
from dataclasses import dataclass, field

from app.core.anchoring import word_offsets
from app.core.grounds import CONTINUES, find_citations, snap_ground

BLACKED_OUT = "█"
SAME_LINE_REACH = 200.0  # points: a ground printed on the box's line this near is its own, even if shared
NEAR_REACH = 14.0  # points: a ground on the line just above or below the box, at most this far
# Words printed around a ground in a box's label; they are the label, not text left under the box.
LABEL_BEFORE = {"withheld", "redacted", "under", "pursuant", "to", "s", "section", "sec", "ss"}
LABEL_AFTER = {"oia", "lgoima", "foia", "foi"}


@dataclass
class PageRedactions:
    """A page's boxes (dicts ready to store) and the citations found in its text."""

    boxes: list[dict] = field(default_factory=list)
    citations: list[dict] = field(default_factory=list)
    hidden_words: set[int] = field(default_factory=set)  # indexes of words readable under a box


def read_page(text: str, words: list[dict], boxes: list, ocr: bool, jurisdiction: str) -> PageRedactions:
    """Pair boxes with grounds and find text under boxes, for one page."""
    found = find_citations(text, jurisdiction)
    offsets = word_offsets(text, words) if found else []  # most pages cite nothing
    citations = []
    cited_words: set[int] = set()
    for citation in found:
        inside = [i for i, (s, e) in enumerate(offsets) if s < citation.end and e > citation.start]
        if not inside:
            continue
        inside = _with_label_words(words, inside)
        cited_words.update(inside)
        rect = _union([words[i] for i in inside])
        citations.append({"regime": citation.regime, "ground": citation.ground, "rect": rect})
    result = PageRedactions(citations=citations)
    rects = [list(box.rect) for box in boxes]
    for box, rect, nearest in zip(boxes, rects, _pair(rects, citations), strict=True):
        nearest = _label_ground(box.label, jurisdiction) or nearest
        under = [] if ocr else [i for i, w in enumerate(words) if i not in cited_words and _under(w, rect)]
        result.hidden_words.update(under)
        hidden = [words[i]["text"] for i in under]
        result.boxes.append(
            {
                "rect": rect,
                "kind": box.kind,
                "ground": nearest["ground"] if nearest else None,
                "regime": nearest["regime"] if nearest else None,
                "text_under": bool(hidden),
                "hidden_text": " ".join(hidden) or None,
            }
        )
    return result


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


def _label_ground(label: str | None, jurisdiction: str) -> dict | None:
    """The ground a box's label strip gives (on scans, where it is read again in several ways, one
    reading a line): each reading's ground, cited as printed or snapped to the catalogue when OCR
    mangled it; the ground with the most weight wins (a printed citation counts twice), the
    earliest reading on a tie. None if none."""
    votes = [vote for line in (label or "").splitlines() if (vote := _reading_ground(line, jurisdiction))]
    if not votes:
        return None
    weights = Counter()
    for ground, _, printed in votes:
        weights[ground] += 2 if printed else 1  # a ground cited as printed outweighs a snapped one
    ground, regime, _ = max(votes, key=lambda vote: weights[vote[0]])
    return {"ground": ground, "regime": regime}


def _reading_ground(line: str, jurisdiction: str) -> tuple[str, str, bool] | None:
    """(ground, regime, cited as printed) of one reading, or None."""
    cited = next(iter(find_citations(line, jurisdiction)), None)
    if cited and not CONTINUES.match(line, cited.end):  # cited whole: no need to snap
        return cited.ground, cited.regime, True
    snapped = snap_ground(line, jurisdiction)
    if snapped and (cited is None or snapped.ground.startswith(cited.ground) and snapped.ground != cited.ground):
        return snapped.ground, snapped.regime, False  # "9(2)(f)iv)" cites 9(2)(f) but reads as (f)(iv)
    return (cited.ground, cited.regime, True) if cited else None


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


def _union(words: list[dict]) -> list[float]:
    return [
        min(w["x0"] for w in words),
        min(w["y0"] for w in words),
        max(w["x1"] for w in words),
        max(w["y1"] for w in words),
    ]


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
