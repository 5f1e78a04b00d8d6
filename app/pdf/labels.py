"""Read again, on a scan, the label printed inside, beside, under, over or left of each redaction box.

Page-wide OCR misreads small print on a poor scan (at 150 dpi "s9(2)(j)" came out "$902)0)_").
Each box's label strip, from the box's left edge to well past its right edge (the box is
already inverted: a white label inside it reads black), is cleaned of specks, of the grey of a
watermark's strokes across it, and of grain, and enlarged. A page's strips are read in one
Tesseract run to find their words; then every word is read again on a line of its own (so that a
small label is not sized by the larger print after it), with only the characters a ground uses.
A strip that gives no ground is read again cleaned another way, and at last whole, as one line,
enlarged further. A box whose strip gives no ground has the strips under it, over it and to its
left read the same way, in turn, where anything is printed, until one gives a ground, from a
copy of the page whitened so that print just beyond a box is kept whole. The readings go on the
box; app.redactions reads and votes the ground from them.
"""

import itertools
import re
from collections.abc import Callable

import numpy as np
import pymupdf

from app.pdf.grain import median3
from app.pdf.ocr import Recognised, ocr_lines_image
from app.pdf.pixmaps import area_pixels, scaled

MARGIN_POINTS = 4  # above and below the box
UNDER_POINTS = 12  # the strip under a box: one line of a label's print
UNDER_WIDTH_POINTS = 150  # at least as wide as "[withheld under s 9(2)(b)(ii)]" in 9 pt
PRINT_LEVEL, PRINT_SHARE = 160, 0.003  # an area with print: this share of it darker than this level
GAP_PIXELS = 24  # white between two strips in the stacked image
BROAD_POINTS = 2.0  # a mark broader than this is not print but paper's shade (a watermark's stroke)
HAZE = 32  # grey levels of shade left as they are: small print blurred together greys its paper this much
REACH_POINTS = 2.0  # points kept either side of a word cut out of its strip (up to halfway to the next)
OWN_PIXELS = 0.9  # a scan read at up to 1/0.9 of its own resolution is read from (nearly) its own pixels
WHITELIST = "0123456789()[]abcdefghijklmnoprstuvwxyzAIOSW.,:"
# Ways a strip is read, in turn until one gives a ground: the grey levels stretched to ink and
# paper (faint print wants a high ink level, grainy paper a low paper level), and the resolution
# the strip is enlarged to.
VARIANTS = [(90, 215, 450), (60, 190, 900), (110, 235, 450), (90, 215, 900)]
# A strip that no variant settles is read once more whole, enlarged further: word by word, a
# ground whose brackets were taken for gaps is cut into pieces that each cite nothing.
WHOLE = (90, 215, 1200)
WHOLE_MAX_POINTS = 32  # only a strip of about one line is read whole: a tall box's would be huge, 4x enlarged
SHEET_ROWS = 30_000  # Tesseract refuses an image 32,768 pixels high or wide
SHEET_PIXELS = 40_000_000  # and a sheet's memory (its copies, Tesseract's) stays well inside PARSE_MEMORY_MB
SURE = 85  # Tesseract's word confidence from which a page-wide reading is trusted as it is
MIGHT_CITE = re.compile(r"[0-9()\[\]{}]")  # a reading with none of these is read no further
READ_NOTHING = re.compile(r"[^\W_]{2}")  # a reading without two letters or digits together read nothing


def read_labels(
    grey: pymupdf.Pixmap,
    near: pymupdf.Pixmap,
    rects: list[pymupdf.IRect],
    dpi: int,
    languages: str,
    settled: Callable[[str], bool],
    page_reading: Recognised,
    one_bit_dpi: int | None = None,
) -> list[str]:
    """The text of each box's label strip (pixel rectangles on grey, the page as displayed), one
    line per reading (_read_areas). A box whose strip gives no ground has the strip under it read
    the same way, then the strip above it, then the one to its left (a label may be printed
    under a box, over it, or in the margin), until one gives a ground: those from near, the same
    page with the print near each box kept whole (on grey, a band around each box is blanked).
    Print that gave one box its ground is not read again for another: a label between two boxes
    is the first's. one_bit_dpi: the resolution of the page's scan when it is one bit a pixel
    (_despeckling).
    app.redactions votes among the lines."""
    lines: list[list[str]] = [[] for _ in rects]
    claimed: list[pymupdf.IRect] = []
    pending, done = list(range(len(rects))), set()
    for place in (_area, _area_under, _area_above, _area_left):
        image = grey if place is _area else near
        areas = [place(image, rects[i], rects, dpi) for i in pending]
        areas = [None if area is None or any(area.intersects(c) for c in claimed) else area for area in areas]
        readings = _read_areas(image, areas, dpi, languages, settled, page_reading, one_bit_dpi)
        for index, area, found in zip(pending, areas, readings, strict=True):
            lines[index] += found
            if any(settled(line) for line in found):
                done.add(index)
                if place is not _area:
                    claimed.append(area)
        pending = [i for i in pending if i not in done]
        if not pending:
            break
    return ["\n".join(found) for found in lines]


def _read_areas(
    grey: pymupdf.Pixmap,
    areas: list[pymupdf.IRect | None],
    dpi: int,
    languages: str,
    settled: Callable[[str], bool],
    page_reading: Recognised,
    one_bit_dpi: int | None,
) -> list[list[str]]:
    """Each area's readings. Where the page-wide reading of an area (page_reading, whose word
    boxes are pixels on grey) cites a ground (settled(text)), or was read surely and holds nothing
    like one, that is its one line. Otherwise the area's words are found, then read cleaned one
    way and, while they cite no ground but look as if they might, the next way (VARIANTS); an area
    still unsettled is read once more whole (WHOLE)."""
    lines: list[list[str]] = [[] for _ in areas]
    for index, area in enumerate(areas):
        printed, surely = _words_in(page_reading, area) if area is not None else ("", False)
        if printed and (settled(printed) or surely and not MIGHT_CITE.search(printed)):
            lines[index].append(printed)
    broad, despeckled = round(BROAD_POINTS * dpi / 72), _despeckling(one_bit_dpi, dpi)
    regions = [
        _flattened(area_pixels(grey, area), broad, despeckled) if area is not None and not lines[i] else None
        for i, area in enumerate(areas)
    ]
    present = [i for i, region in enumerate(regions) if region is not None]
    _read_word_by_word(regions, present, lines, dpi, languages, settled)
    one_line = round(WHOLE_MAX_POINTS * dpi / 72)
    unsettled = [
        i
        for i in present
        if regions[i].shape[0] <= one_line and not any(settled(line) for line in lines[i]) and _might_cite(lines[i])
    ]
    for index, text in zip(unsettled, _read_whole([regions[i] for i in unsettled], dpi, languages), strict=True):
        lines[index].append(text)
    return lines


def _read_word_by_word(
    regions: list, present: list[int], lines: list[list[str]], dpi: int, languages: str, settled: Callable[[str], bool]
) -> None:
    """Add to lines each present region's readings (_flattened), word by word: cleaned as the
    first variant, then, while a reading cites no ground but looks as if it might, as the next."""
    first = _prepared([regions[i] for i in present], VARIANTS[0], dpi)  # finds the words, then is read first
    spans = dict(zip(present, _word_spans(first, dpi, languages), strict=True))
    prepared = dict(zip(present, first, strict=True))
    pending = [i for i in present if spans[i]]
    for variant in VARIANTS:
        if not pending:
            break
        if variant is not VARIANTS[0]:
            prepared = dict(zip(pending, _prepared([regions[i] for i in pending], variant, dpi), strict=True))
        scale = _scale(variant, dpi)
        texts = _read_words([prepared[i] for i in pending], [spans[i] for i in pending], scale, dpi, languages)
        for index, text in zip(pending, texts, strict=True):
            lines[index].append(text)
        pending = [i for i in pending if not settled(lines[i][-1]) and _might_cite([lines[i][-1]])]


def _read_whole(regions: list[np.ndarray], dpi: int, languages: str) -> list[str]:
    """Each region (_flattened) read as one line, cleaned and enlarged as WHOLE says, with only the characters
    a ground uses and spaces (without them, "under s9(2)(a)" runs into "unders9(2)(a)", which
    cites nothing)."""
    prepared = _prepared(regions, WHOLE, dpi)
    found = _read_stacked(prepared, languages, dpi * _scale(WHOLE, dpi), WHITELIST + " ")
    return [" ".join(text for _, _, text in words) for words in found]


def _might_cite(readings: list[str]) -> bool:
    """Whether a strip may hold a ground: no reading found words, or one has digits or brackets,
    or read nothing (a 7 pt "s 6(b)" came out ",")."""
    return not any(readings) or any(MIGHT_CITE.search(r) or not READ_NOTHING.search(r) for r in readings)


def _scale(variant: tuple[int, int, int], dpi: int) -> int:
    """How many times a variant enlarges a strip rendered at dpi."""
    return max(1, round(variant[2] / dpi))


def _prepared(flattened: list[np.ndarray], variant: tuple[int, int, int], dpi: int) -> list[np.ndarray]:
    """The regions (_flattened) stretched and enlarged as a variant (ink, paper, target dpi) says:
    grey levels from ink to paper stretched to black to white (grain goes, and the inverted box,
    pale and grainy now, turns white)."""
    ink, paper, _ = variant
    stretched = [np.clip((flat - ink) * 255 / (paper - ink), 0, 255).astype(np.uint8) for flat in flattened]
    return [_enlarged(strip, _scale(variant, dpi)) for strip in stretched]


def _word_spans(prepared: list[np.ndarray], dpi: int, languages: str) -> list[list[tuple[float, float]]]:
    """Where each region's words lie, (x0, x1) in region pixels, from one reading of all of them
    (prepared as the first variant)."""
    scale = _scale(VARIANTS[0], dpi)
    found = _read_stacked(prepared, languages, dpi * scale, whitelist=None)
    return [_apart([(x0 / scale, x1 / scale) for x0, x1, _ in words]) for words in found]


def _apart(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Spans (sorted by x0) with those that overlap made one. Tesseract may give a poorly printed
    word a box that holds the words it also finds inside it ("3(2)" over the whole of 9(2)(g)(i),
    then "(g)" and "(@)"): read piece by piece, the same print would be read twice, "9(2)(g)(i) (g) i)"."""
    merged: list[tuple[float, float]] = []
    for x0, x1 in spans:
        if merged and x0 < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], x1))
        else:
            merged.append((x0, x1))
    return merged


def _read_words(
    enlarged: list[np.ndarray], spans: list[list[tuple[float, float]]], scale: int, dpi: int, languages: str
) -> list[str]:
    """Each prepared region's text, read word by word: each word on a line of its own, so that
    Tesseract sizes a small label by itself, not by the larger print after it."""
    reach = REACH_POINTS * dpi / 72
    pieces = [
        (index, x0, strip[:, round(left * scale) : round(right * scale)])
        for index, strip in enumerate(enlarged)
        for (x0, _), (left, right) in zip(spans[index], _cuts(spans[index], reach, strip.shape[1] / scale), strict=True)
    ]
    again = _read_stacked([piece for _, _, piece in pieces], languages, dpi * scale, WHITELIST)
    texts: list[list[tuple[float, str]]] = [[] for _ in enlarged]
    for (index, x0, _), words in zip(pieces, again, strict=True):
        texts[index].append((x0, "".join(text for _, _, text in words)))
    return [" ".join(text for _, text in sorted(found)) for found in texts]


def _cuts(spans: list[tuple[float, float]], reach: float, width: float) -> list[tuple[float, float]]:
    """Where to cut each word (x0, x1: in order, apart) out of its strip, width wide: reach
    pixels either side of it, but no nearer the next word than halfway. Tesseract's word box may
    leave out faint ink at a word's edge (the left of a "9"): cut at the box, that ink was lost."""
    halfway = [(left[1] + right[0]) / 2 for left, right in itertools.pairwise(spans)]
    starts, ends = [0.0, *halfway], [*halfway, width]
    return [
        (max(x0 - reach, start), min(x1 + reach, end)) for (x0, x1), start, end in zip(spans, starts, ends, strict=True)
    ]


def _read_stacked(
    images: list[np.ndarray], languages: str, dpi: int, whitelist: str | None
) -> list[list[tuple[int, int, str]]]:
    """Each image's words (x0, x1, text), left to right, read in Tesseract runs of them stacked
    (as many at a time as fit SHEET_ROWS and SHEET_PIXELS)."""
    if not images:
        return []
    found, batch, rows, pixels = [], [], GAP_PIXELS, 0
    for image in images:
        if batch and (rows + image.shape[0] + GAP_PIXELS > SHEET_ROWS or pixels + image.size > SHEET_PIXELS):
            found += _read_sheet(batch, languages, dpi, whitelist)
            batch, rows, pixels = [], GAP_PIXELS, 0
        batch.append(image)
        rows += image.shape[0] + GAP_PIXELS
        pixels += image.size
    return found + _read_sheet(batch, languages, dpi, whitelist)


def _read_sheet(
    images: list[np.ndarray], languages: str, dpi: int, whitelist: str | None
) -> list[list[tuple[int, int, str]]]:
    """Each image's words (x0, x1, text), left to right, read in one Tesseract run of them stacked."""
    stacked, spans = _stack(images)
    sheet = pymupdf.Pixmap(pymupdf.csGRAY, stacked.shape[1], stacked.shape[0], stacked.tobytes(), False)
    recognised = ocr_lines_image(sheet, languages, dpi, whitelist)
    found: list[list[tuple[int, int, str]]] = [[] for _ in images]
    for text, (x0, y0, x1, y1) in recognised.words:
        middle = (y0 + y1) / 2
        index = next((i for i, (top, bottom) in enumerate(spans) if top <= middle <= bottom), None)
        if index is not None:
            found[index].append((x0 - GAP_PIXELS, x1 - GAP_PIXELS, text))
    return [sorted(words) for words in found]


def _words_in(reading: Recognised, area: pymupdf.IRect) -> tuple[str, bool]:
    """The words whose centre lies in area, left to right, and whether all were read surely."""
    inside = [
        (x0, text, confidence)
        for (text, (x0, y0, x1, y1)), confidence in zip(reading.words, reading.word_confidences, strict=True)
        if area.x0 <= (x0 + x1) / 2 < area.x1 and area.y0 <= (y0 + y1) / 2 < area.y1
    ]
    surely = bool(inside) and min(confidence for _, _, confidence in inside) >= SURE
    return " ".join(text for _, text, _ in sorted(inside)), surely


def _area(grey: pymupdf.Pixmap, rect: pymupdf.IRect, others: list[pymupdf.IRect], dpi: int) -> pymupdf.IRect | None:
    """The box and the line to its right, up to the next box on that line or the page's edge
    (pixels on grey): a label may follow the rest of a sentence ("[box] Group on the programme. s 9(2)(a)")."""
    margin = round(MARGIN_POINTS * dpi / 72)
    right = min([grey.x + grey.width] + [o.x0 for o in others if o.x0 > rect.x1 and _same_line(o, rect)])
    area = pymupdf.IRect(rect.x0, rect.y0 - margin, right, rect.y1 + margin) & grey.irect
    return None if area.is_empty else area


def _area_under(
    grey: pymupdf.Pixmap, rect: pymupdf.IRect, others: list[pymupdf.IRect], dpi: int
) -> pymupdf.IRect | None:
    """Under a box (pixels on grey), where a label printed under it lies: UNDER_POINTS high, from
    the box's left edge across the box, or across a long label's width when the box is short.
    None when nothing is printed there (the gap under most boxes is bare paper: reading it would
    cost Tesseract runs for nothing)."""
    return _printed(grey, _across(rect, rect.y1, rect.y1 + round(UNDER_POINTS * dpi / 72), dpi))


def _area_above(
    grey: pymupdf.Pixmap, rect: pymupdf.IRect, others: list[pymupdf.IRect], dpi: int
) -> pymupdf.IRect | None:
    """Over a box, where a label printed above it lies: as _area_under, on the other side."""
    return _printed(grey, _across(rect, rect.y0 - round(UNDER_POINTS * dpi / 72), rect.y0, dpi))


def _area_left(
    grey: pymupdf.Pixmap, rect: pymupdf.IRect, others: list[pymupdf.IRect], dpi: int
) -> pymupdf.IRect | None:
    """The box's line to its left, from the last box before it on that line or the page's edge:
    where a label printed in the margin lies."""
    margin = round(MARGIN_POINTS * dpi / 72)
    left = max([grey.x] + [o.x1 for o in others if o.x1 < rect.x0 and _same_line(o, rect)])
    return _printed(grey, pymupdf.IRect(left, rect.y0 - margin, rect.x0, rect.y1 + margin))


def _across(rect: pymupdf.IRect, top: int, bottom: int, dpi: int) -> pymupdf.IRect:
    """From top to bottom, from a box's left edge across the box, or across a long label's width
    (UNDER_WIDTH_POINTS) when the box is short."""
    return pymupdf.IRect(rect.x0, top, max(rect.x1, rect.x0 + round(UNDER_WIDTH_POINTS * dpi / 72)), bottom)


def _printed(grey: pymupdf.Pixmap, area: pymupdf.IRect) -> pymupdf.IRect | None:
    """The part of an area on grey, if anything is printed there."""
    area = area & grey.irect
    return None if area.is_empty or not _has_print(area_pixels(grey, area)) else area


def _has_print(region: np.ndarray) -> bool:
    """Whether an area holds print: more than PRINT_SHARE of it darker than PRINT_LEVEL once lone
    specks are gone."""
    return float((median3(region) < PRINT_LEVEL).mean()) > PRINT_SHARE


def _same_line(a: pymupdf.IRect, b: pymupdf.IRect) -> bool:
    return min(a.y1, b.y1) - max(a.y0, b.y0) > 0.5 * min(a.height, b.height)


def _flattened(region: np.ndarray, broad: int, despeckled: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """A strip made black print on even paper, once for every variant that reads it: its specks
    taken away (_despeckling); then each pixel lightened by as much as the paper behind it
    (_background) is darker than the strip's lightest paper, less HAZE, so that a watermark's
    grey stroke across a label turns to paper and the label's print over it stays dark."""
    smooth = despeckled(region)
    behind = _background(smooth, broad).astype(np.float32)
    lightest = behind.max()
    return smooth * (lightest / np.minimum(behind + HAZE, lightest))


def _despeckling(one_bit_dpi: int | None, dpi: int) -> Callable[[np.ndarray], np.ndarray]:
    """How a strip read at dpi loses its specks: a 3x3 median takes them from grey print and leaves
    its strokes. On a scan in black and white (one bit a pixel, at one_bit_dpi), the scanner's
    threshold broke small print's thin strokes, so the print is then made a pixel bolder; read at
    about the scan's own resolution (not enlarged), its specks are single pixels and a median
    would take strokes one pixel wide with them, so only the pixels unlike all eight of their
    neighbours change."""
    if one_bit_dpi is None:
        return median3
    clean = _lone_pixels_turned if one_bit_dpi >= OWN_PIXELS * dpi else median3
    return lambda region: _running(clean(region), 2, np.minimum)


def _lone_pixels_turned(region: np.ndarray) -> np.ndarray:
    """A two-level strip with each dark pixel whose eight neighbours are all paper made paper,
    and each paper pixel whose eight neighbours are all dark made dark; beyond the strip's edge
    counts as neither (a speck, or a sliver of the next line, at the edge is lone too)."""
    dark = region < 128
    lone_dark, lone_paper = dark & (_neighbours(dark) == 0), ~dark & (_neighbours(~dark) == 0)
    return np.where(lone_dark, 255, np.where(lone_paper, 0, region)).astype(np.uint8)


def _neighbours(mask: np.ndarray) -> np.ndarray:
    """How many of each pixel's eight neighbours are set (none beyond the edge)."""
    padded = np.pad(mask, 1).astype(np.uint8)
    rows, columns = mask.shape
    return sum(padded[dy : dy + rows, dx : dx + columns] for dy in range(3) for dx in range(3)) - mask


def _background(region: np.ndarray, broad: int) -> np.ndarray:
    """The paper behind the print: the region with every mark narrower than broad pixels taken
    away (a grey closing: the lightest pixel within broad, then the darkest within broad of that).
    A watermark's strokes and a shaded cell are broader than print's, so they stay in it."""
    return _running(_running(region, broad, np.maximum), broad, np.minimum)


def _running(region: np.ndarray, size: int, pick) -> np.ndarray:
    """pick (np.maximum or np.minimum) over each pixel's size x size square, edges repeated."""
    before, after = size // 2, size - 1 - size // 2
    down = _window_pick(np.pad(region, ((before, after), (0, 0)), mode="edge"), size, pick)
    return _window_pick(np.pad(down, ((0, 0), (before, after)), mode="edge").T, size, pick).T


def _window_pick(padded: np.ndarray, size: int, pick) -> np.ndarray:
    """pick over each run of size rows of padded (size - 1 rows longer than the result): runs of
    1, 2, 4... rows picked from pairs of the last, then the two that cover size."""
    length, done, span = padded.shape[0] - size + 1, padded, 1
    while span * 2 <= size:
        done, span = pick(done[:-span], done[span:]), span * 2
    return pick(done[:length], done[size - span : size - span + length])


def _enlarged(strip: np.ndarray, scale: int) -> np.ndarray:
    """The strip scale times larger, smoothly (MuPDF's scaler): blocky glyphs read worse."""
    if scale == 1:
        return strip
    height, width = strip.shape
    source = pymupdf.Pixmap(pymupdf.csGRAY, width, height, np.ascontiguousarray(strip).tobytes(), False)
    larger = scaled(source, width * scale, height * scale)
    return np.frombuffer(larger.samples, np.uint8).reshape(larger.height, larger.width)


def _stack(enlarged: list[np.ndarray]) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Images stacked top to bottom on white; each one's (top, bottom) row."""
    width = max(s.shape[1] for s in enlarged) + 2 * GAP_PIXELS
    height = sum(s.shape[0] for s in enlarged) + GAP_PIXELS * (len(enlarged) + 1)
    sheet = np.full((height, width), 255, np.uint8)
    spans, top = [], GAP_PIXELS
    for strip in enlarged:
        sheet[top : top + strip.shape[0], GAP_PIXELS : GAP_PIXELS + strip.shape[1]] = strip
        spans.append((top - GAP_PIXELS // 2, top + strip.shape[0] + GAP_PIXELS // 2))
        top += strip.shape[0] + GAP_PIXELS
    return sheet, spans
