"""Read one page's redactions: pair each box with the ground cited beside or inside it, and
flag boxes that still have extractable text under them. Pure: text, words and boxes in."""

from dataclasses import dataclass, field

from app.annotations.anchoring import word_offsets
from app.redactions.grounds import find_citations

SAME_LINE_REACH = 200.0  # points: a ground printed on the box's line, this far away at most
NEAR_REACH = 14.0  # points: a ground on the line just above or below the box, at most this far


@dataclass
class PageRedactions:
    """A page's boxes (dicts ready to store) and the citations found in its text."""

    boxes: list[dict] = field(default_factory=list)
    citations: list[dict] = field(default_factory=list)


def read_page(text: str, words: list[dict], boxes: list, ocr: bool, jurisdiction: str) -> PageRedactions:
    """Pair boxes with grounds and find text under boxes, for one page."""
    offsets = word_offsets(text, words)
    citations = []
    cited_words: set[int] = set()
    for citation in find_citations(text, jurisdiction):
        inside = [i for i, (s, e) in enumerate(offsets) if s < citation.end and e > citation.start]
        if not inside:
            continue
        cited_words.update(inside)
        rect = _union([words[i] for i in inside])
        citations.append({"regime": citation.regime, "ground": citation.ground, "rect": rect})
    result = PageRedactions(citations=citations)
    for box in boxes:
        rect = list(box.rect)
        hidden = [] if ocr else [w["text"] for i, w in enumerate(words) if i not in cited_words and _under(w, rect)]
        nearest = _nearest(rect, citations)
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


def _nearest(box: list[float], citations: list[dict]) -> dict | None:
    """The citation inside the box, on its line, or just above or below it, nearest first."""
    best, best_distance = None, None
    for citation in citations:
        c = citation["rect"]
        dx = max(c[0] - box[2], box[0] - c[2], 0)
        dy = max(c[1] - box[3], box[1] - c[3], 0)
        overlap = min(box[3], c[3]) - max(box[1], c[1])
        same_line = overlap >= 0.5 * min(box[3] - box[1], c[3] - c[1])
        if same_line and dx <= SAME_LINE_REACH:
            distance = dx
        elif (dx * dx + dy * dy) ** 0.5 <= NEAR_REACH:
            distance = NEAR_REACH + (dx * dx + dy * dy) ** 0.5  # prefer the same line
        else:
            continue
        if best_distance is None or distance < best_distance:
            best, best_distance = citation, distance
    return best
