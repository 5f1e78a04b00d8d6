"""W3C-style text anchors on a page: offsets, quote with context, word rectangles, re-anchoring.

Pure functions over a page's stored text and words; no database, no Flask.
"""

from dataclasses import dataclass

CONTEXT = 32


@dataclass
class TextAnchor:
    """Where a passage sits in a page's text, with its quote, context and word boxes."""

    start: int
    end: int
    exact: str
    prefix: str
    suffix: str
    rects: list[list[float]]


def word_offsets(text: str, words: list[dict]) -> list[tuple[int, int]]:
    """The (start, end) character offsets of each word in the page text, which joins the words in order."""
    offsets, position = [], 0
    for word in words:
        start = text.find(word["text"], position)
        if start < 0:  # cannot happen for text built from these words; be safe
            start = position
        position = start + len(word["text"])
        offsets.append((start, position))
    return offsets


def text_anchor(text: str, words: list[dict], start: int, end: int) -> TextAnchor:
    """The anchor for text[start:end]: quote, 32 characters of context each side, boxes of the words it touches."""
    rects = [
        [w["x0"], w["y0"], w["x1"], w["y1"]]
        for w, (w_start, w_end) in zip(words, word_offsets(text, words), strict=True)
        if w_start < end and w_end > start
    ]
    return TextAnchor(
        start=start,
        end=end,
        exact=text[start:end],
        prefix=text[max(0, start - CONTEXT) : start],
        suffix=text[end : end + CONTEXT],
        rects=rects,
    )


def words_to_offsets(text: str, words: list[dict], first: int, last: int) -> tuple[int, int]:
    """Offsets spanning word indexes first to last, inclusive."""
    offsets = word_offsets(text, words)
    return offsets[first][0], offsets[last][1]


def words_in_rect(words: list[dict], rect: list[float]) -> list[int]:
    """Indexes of the words whose centre lies inside rect."""
    x0, y0, x1, y1 = rect
    return [
        i for i, w in enumerate(words) if x0 <= (w["x0"] + w["x1"]) / 2 <= x1 and y0 <= (w["y0"] + w["y1"]) / 2 <= y1
    ]


def relocate(text: str, exact: str, prefix: str, suffix: str, hint: int | None) -> tuple[int, int] | None:
    """Find exact in text again: the occurrence whose context matches best, nearest the old offset; None if gone."""
    if not exact:
        return None
    best, best_score = None, None
    position = text.find(exact)
    while position >= 0:
        end = position + len(exact)
        score = (
            _common_suffix(text[max(0, position - len(prefix)) : position], prefix)
            + _common_prefix(text[end : end + len(suffix)], suffix),
            -abs(position - hint) if hint is not None else 0,
        )
        if best_score is None or score > best_score:
            best, best_score = (position, end), score
        position = text.find(exact, position + 1)
    return best


def _common_prefix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def _common_suffix(a: str, b: str) -> int:
    return _common_prefix(a[::-1], b[::-1])
