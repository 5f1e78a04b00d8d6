"""Compare two releases of the same paper (a release and its re-release after a complaint, say):
pages aligned by their text, the text released in one and withheld in the other, boxes whose
ground changed, pages added or removed. Pure: pages (words and boxes) in, differences out.

Pages are aligned in order by the words they share (a dynamic programme over page pairs, so a page
added or removed shifts the rest). On an aligned pair, the words of one page that the other lacks,
in runs, are released text when the other page has a withholding box over where they would stand;
a run beside no box is an edit, not a release, and is left out."""

import re
import zlib
from dataclasses import dataclass, field
from difflib import SequenceMatcher

import numpy as np

from app.core.rects import iou

ALIGNED = 0.3  # the least share of words two pages must share to be the same page
SIGNATURE_SIZE = 64  # MinHash values in a document's signature
SAME_PAPER = 0.35  # the least estimated share of three-word runs two releases of one paper have in common
_PRIME = (1 << 31) - 1  # so that a * x + b stays within 64 bits
_SEEDS = np.random.default_rng(1982).integers(1, _PRIME, size=(2, SIGNATURE_SIZE), dtype=np.int64)
SAME_BOX = 0.5  # intersection over union of two boxes at the same place
NEAR_BOX = 6.0  # points: a run of words is under (or beside) a box within this
JOINED_GAP = 3  # words matched between two runs at one box that still make them one run


@dataclass
class ComparedPage:
    """A page of one release: its words (text, x0, y0, x1, y1) and withholding boxes."""

    number: int
    words: list[tuple] = field(default_factory=list)
    boxes: list[dict] = field(default_factory=list)  # {"rect": [x0, y0, x1, y1], "ground": str | None}


def compare(a: list[ComparedPage], b: list[ComparedPage]) -> dict:
    """What changed from release a to release b."""
    pairs = align(a, b)
    released_now, withheld_now, ground_changes = [], [], []
    for i, j in pairs:
        page_a, page_b = a[i], b[j]
        released_now += _runs(page_a, page_b, "released_now")
        withheld_now += _runs(page_b, page_a, "withheld_now")
        ground_changes += _ground_changes(page_a, page_b)
    paired_a, paired_b = {i for i, _ in pairs}, {j for _, j in pairs}
    return {
        "pages": [[a[i].number, b[j].number] for i, j in pairs],
        "released_now": released_now,
        "withheld_now": withheld_now,
        "ground_changes": ground_changes,
        "pages_removed": [page.number for i, page in enumerate(a) if i not in paired_a],
        "pages_added": [page.number for j, page in enumerate(b) if j not in paired_b],
    }


def align(a: list[ComparedPage], b: list[ComparedPage]) -> list[tuple[int, int]]:
    """Index pairs of the pages that are the same page, in order, sharing the most words in all."""
    words_a = [{w[0].lower() for w in page.words} for page in a]
    words_b = [{w[0].lower() for w in page.words} for page in b]
    best = [[0.0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) - 1, -1, -1):
        for j in range(len(b) - 1, -1, -1):
            shared = _shared(words_a[i], words_b[j])
            paired = best[i + 1][j + 1] + shared if shared >= ALIGNED else -1.0
            best[i][j] = max(paired, best[i + 1][j], best[i][j + 1])
    pairs, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        shared = _shared(words_a[i], words_b[j])
        if shared >= ALIGNED and best[i][j] == best[i + 1][j + 1] + shared:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs


def _shared(one: set, other: set) -> float:
    return len(one & other) / len(one | other) if one or other else 1.0


def _runs(before: ComparedPage, after: ComparedPage, what: str) -> list[dict]:
    """Runs of words on `after` that `before` lacks, where `before` has a box: text that `before`
    withheld and `after` shows."""
    if not before.boxes:
        return []
    runs = []
    for start, end, box in _boxed_spans(before, after):
        words = after.words[start:end]
        page_a, page_b = (before.number, after.number) if what == "released_now" else (after.number, before.number)
        runs.append(
            {
                "page_a": page_a,
                "page_b": page_b,
                "text": " ".join(w[0] for w in words),
                "ground": box["ground"],
                "rects": [list(w[1:5]) for w in words],
            }
        )
    return runs


def _boxed_spans(before: ComparedPage, after: ComparedPage) -> list[tuple[int, int, dict]]:
    """(start, end, box): spans of `after`'s words missing from `before` beside one of its boxes; two
    spans at the same box with a word or two between them ("of", matched elsewhere) are one."""
    ours, theirs = [w[0] for w in before.words], [w[0] for w in after.words]
    spans: list[tuple[int, int, dict]] = []
    for tag, _, _, start, end in SequenceMatcher(None, ours, theirs, autojunk=False).get_opcodes():
        box = _box_near(before.boxes, after.words[start:end]) if tag in ("insert", "replace") else None
        if box is None:
            continue
        if spans and spans[-1][2] is box and start - spans[-1][1] <= JOINED_GAP:
            spans[-1] = (spans[-1][0], end, box)
        else:
            spans.append((start, end, box))
    return spans


def _box_near(boxes: list[dict], words: list[tuple]) -> dict | None:
    """The box that covers (or stands within NEAR_BOX of) the middle of the run's first word."""
    x = (words[0][1] + words[0][3]) / 2
    y = (words[0][2] + words[0][4]) / 2
    for box in boxes:
        x0, y0, x1, y1 = box["rect"]
        if x0 - NEAR_BOX <= x <= x1 + NEAR_BOX and y0 - NEAR_BOX <= y <= y1 + NEAR_BOX:
            return box
    return None


def _ground_changes(page_a: ComparedPage, page_b: ComparedPage) -> list[dict]:
    changes = []
    for box_a in page_a.boxes:
        for box_b in page_b.boxes:
            if iou(box_a["rect"], box_b["rect"]) >= SAME_BOX and box_a["ground"] != box_b["ground"]:
                changes.append(
                    {
                        "page_a": page_a.number,
                        "page_b": page_b.number,
                        "rect": box_b["rect"],
                        "ground_a": box_a["ground"],
                        "ground_b": box_b["ground"],
                    }
                )
    return changes


def signature(texts: list[str]) -> list[int]:
    """A document's MinHash signature over its three-word runs: two releases of the same paper,
    whatever was withheld in each, have signatures that agree in most places."""
    words = re.findall(r"\w+", " ".join(texts).lower())
    runs = {" ".join(words[i : i + 3]) for i in range(max(0, len(words) - 2))}
    if not runs:
        return []
    hashed = np.array([zlib.crc32(run.encode()) for run in runs], dtype=np.int64) % _PRIME
    a, b = _SEEDS
    return [int(v) for v in ((a[:, None] * hashed[None, :] + b[:, None]) % _PRIME).min(axis=1)]


def similarity(one: list[int], other: list[int]) -> float:
    """The estimated share of three-word runs two documents have in common."""
    if not one or not other:
        return 0.0
    return sum(x == y for x, y in zip(one, other, strict=True)) / len(one)
