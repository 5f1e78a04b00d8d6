"""Find redaction boxes on a page: dark filled shapes in its drawings, unapplied redaction
annotations, and solid dark regions burned into a scanned image."""

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pymupdf

from app.core.rects import iou
from app.pdf.pixmaps import scaled

GREY_MAX = 0.87  # a neutral fill up to this light can be a box (grey boxes: MBIE, IRD, Treasury)
NEUTRAL = 0.08  # colour components this close together are grey (not a yellow highlight)
MIN_SIDE = 4.0  # points: thinner is a rule or an underline, not a box
SCAN_DPI = 72
SCAN_DARK = 70  # grey level (0-255) below which a scanned pixel is ink
SCAN_GREY_MAX = 215  # up to this level a scanned pixel may be a grey box's fill
GREY_FLAT = 20  # most of a grey box's fill lies this close to its median level (a photo's does not)
MIN_GREY = (15, 9)  # points across and down: a smaller grey patch is print (or a piece of a watermark), not a box
SOLID = 3  # pixels: a box survives this much erosion, text strokes do not
TOUCH = 1.0  # points: vector boxes this close side by side are one box
MIN_FILL = 0.8  # share of a region's bounding box that must be ink
# A box over one line of print (no taller than this many points, at least this many times as long)
# and at least this much ink may carry a label printed white that counts as ink.
LINE_BOX_TALL, LINE_BOX_LONG, LABELLED_INK = 18, 2.5, 0.6
# A region as wide as LINES_WIDE pixels (a redacted passage's lines, not a letter of large print)
# whose edge steps by STEP pixels from one row to the next, to a part STEP_SHARE of its width
# narrower, is cut there when each part fills its shape FILL_GAIN more than the whole does.
LINES_WIDE, STEP, STEP_SHARE, FILL_GAIN = 100, 8, 0.15, 0.02
LINE_ROWS = 9  # pixels: each part a line of print tall at least (a cut through a white label's rows is not one)
SEAM_ROWS = 3  # pixels: the rows where two lines of a shape overlap (both spans in one row) belong to neither part
GAP, RING, PAPER, MIN_PAPER = 2, 2, 160, 0.6  # a box sits on paper: most pixels just around it are light
ASKEW = 0.07  # a scanned page turns by 4 degrees at most: its box's edge drifts this much a column
SCAN_COVER = 0.3  # images drawn together over this share of a page make it a scan (or part of one)
# A scanned box is black or grey: a dark region whose pixels differ this much between their colour
# channels (a navy heading band, a logo's red shapes) is design. Black and grey boxes in colour
# scans stay under 20; navy bands measure 60 and more.
SCAN_CHROMA = 32


@dataclass
class FoundBox:
    """A redaction box in PDF points on the unrotated page."""

    rect: tuple[float, float, float, float]
    kind: str  # "vector", "image" or "annotation"
    label: str | None = None  # on scans: the text of its label strip, read again (app.pdf.labels)
    shade: float = 0.0  # 0 black to 1 white: a grey box must hide text, not shade it (app.redactions)
    shape: int | None = None  # boxes cut from one shape on a scan (a ragged passage) share this number


def find_boxes(page: pymupdf.Page, scanned: bool, grey: pymupdf.Pixmap | None = None) -> list[FoundBox]:
    """Every redaction box on a page; image regions are sought only on scanned pages, in `grey`
    (a grey render of the page as displayed, at any resolution) when given."""
    boxes = _vector_boxes(page) + _annotation_boxes(page)
    if scanned:
        boxes += [b for b in _image_boxes(page, grey) if not any(iou(b.rect, v.rect) > 0.5 for v in boxes)]
    return boxes


def _shade(fill) -> float | None:
    """A fill's grey level (0 black, 1 white) if it is a neutral grey dark enough for a box; None if
    it is a colour, white or too light."""
    if not fill:
        return None
    if len(fill) == 4:  # CMYK: grey is K with little C, M and Y
        c, m, y, k = fill
        level = 1 - max(k, min(c, m, y)) if max(c, m, y) - min(c, m, y) <= NEUTRAL else None
    else:
        level = sum(fill) / len(fill) if max(fill) - min(fill) <= NEUTRAL else None
    return level if level is not None and level <= GREY_MAX else None


def _vector_boxes(page: pymupdf.Page) -> list[FoundBox]:
    shaded: list[tuple[pymupdf.Rect, float]] = []
    for path in page.get_drawings():  # in unrotated coordinates already, as words are
        shade = _shade(path.get("fill")) if path.get("type") in ("f", "fs") else None
        if shade is None or (path.get("fill_opacity") or 1) < 0.9:
            continue
        # One path can hold many boxes: take each rectangle or quad, not the path's union.
        rects = [item[1] for item in path["items"] if item[0] == "re"]
        rects += [item[1].rect for item in path["items"] if item[0] == "qu"]
        if not rects and all(item[0] == "l" for item in path["items"]) and len(path["items"]) >= 3:
            rects = [path["rect"]]  # a closed polygon of lines: its bounds
        shaded += [(pymupdf.Rect(r), shade) for r in rects if r.width >= MIN_SIDE and r.height >= MIN_SIDE]
    boxes = []
    for shade in sorted({shade for _, shade in shaded}):
        rects = [rect for rect, s in shaded if s == shade]
        boxes += [FoundBox(_rounded(rect), "vector", shade=round(shade, 2)) for rect in _joined(rects)]
    return boxes


def _joined(rects: list[pymupdf.Rect]) -> list[pymupdf.Rect]:
    """Rectangles that touch side by side on one line are one box drawn in pieces."""
    joined: list[pymupdf.Rect] = []
    for rect in sorted(rects, key=lambda r: (round(r.y0), r.x0)):
        last = joined[-1] if joined else None
        if last is not None and _side_by_side(last, rect):
            joined[-1] = last | rect
        else:
            joined.append(rect)
    return joined


def _side_by_side(left: pymupdf.Rect, right: pymupdf.Rect) -> bool:
    overlap = min(left.y1, right.y1) - max(left.y0, right.y0)
    same_band = overlap >= 0.8 * max(left.height, right.height)
    return same_band and -0.5 <= right.x0 - left.x1 <= TOUCH


def _annotation_boxes(page: pymupdf.Page) -> list[FoundBox]:
    boxes = []
    for annotation in page.annots(types=[pymupdf.PDF_ANNOT_REDACT]) or []:
        rect = annotation.rect * page.derotation_matrix if page.rotation else annotation.rect
        boxes.append(FoundBox(_rounded(rect), "annotation"))
    return boxes


def _image_boxes(page: pymupdf.Page, grey: pymupdf.Pixmap | None) -> list[FoundBox]:
    """Solid dark regions of the rendered page: threshold, erode, connected runs, then shape filters."""
    zoom = SCAN_DPI / 72
    size = page.rect * pymupdf.Matrix(zoom, zoom)
    if grey is None:
        pixmap = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), colorspace=pymupdf.csGRAY, alpha=False)
    else:
        pixmap = scaled(grey, round(size.width), round(size.height))
    grey = np.frombuffer(pixmap.samples, dtype=np.uint8).reshape(pixmap.height, pixmap.stride)[:, : pixmap.width]
    ink = grey < SCAN_DARK
    shaded = (grey >= SCAN_DARK) & (grey <= SCAN_GREY_MAX)  # a grey box's fill (MBIE, IRD, Treasury scans)
    to_unrotated = pymupdf.Matrix(1 / zoom, 1 / zoom) * page.derotation_matrix
    boxes: list[FoundBox] = []
    passes = (
        (ink, ink, (MIN_SIDE * 1.5,) * 2, False),
        # Grey in runs along a row as long as the narrowest grey box: the strokes of a large grey
        # watermark crossing the page would otherwise join its grey boxes into one shape.
        (shaded | ink, _long_runs(shaded, MIN_GREY[0]), MIN_GREY, True),
    )
    shapes = itertools.count()
    for fill, solid, least, grey_pass in passes:
        labelled = _as_it_is if grey_pass else _with_enclosed_paper  # a grey box's label is dark: ink already
        for parts in _solid_regions(grey, fill, solid, least, labelled):
            shape = next(shapes) if len(parts) > 1 else None
            boxes += _image_parts(parts, shape, grey, shaded, to_unrotated, grey_pass, boxes)
    if not boxes:
        return boxes
    images = page.get_image_info()  # read once: it builds the page's text, and is asked twice
    scans = _scans(page, images)
    return _neutral(page, images, [box for box in boxes if _in_a_scan(box, scans)])


def _image_parts(parts, shape, grey, shaded, to_unrotated, grey_pass, found) -> list[FoundBox]:
    """The boxes of one shape's parts (pixel rectangles) not found already, grey ones of an even fill only."""
    boxes = []
    for x0, y0, x1, y1 in parts:
        rect = pymupdf.Rect(x0, y0, x1, y1) * to_unrotated
        fill_levels = grey[y0:y1, x0:x1][shaded[y0:y1, x0:x1]]
        median = float(np.median(fill_levels)) if fill_levels.size else 0.0
        if grey_pass and np.mean(np.abs(fill_levels - median) <= GREY_FLAT) < MIN_FILL:
            continue  # uneven grey: a picture, not a fill
        shade = round(median / 255, 2) if grey_pass else 0.0
        box = FoundBox(_rounded(rect), "image", shade=shade, shape=shape)
        if not any(iou(box.rect, b.rect) > 0.5 for b in found + boxes):
            boxes.append(box)
    return boxes


def _scans(page: pymupdf.Page, images: list[dict]) -> list[pymupdf.Rect]:
    """Where scans are drawn on the page: its images joined where they touch (a scan in strips is
    one), those covering SCAN_COVER of the page at least (not a logo, a banner or a photo), in
    unrotated points."""
    blocks: list[pymupdf.Rect] = []
    for info in images:
        block = pymupdf.Rect(info["bbox"])
        while touching := [b for b in blocks if _touch(b, block)]:
            for other in touching:
                blocks.remove(other)
                block |= other
        blocks.append(block)
    return [block for block in blocks if abs(block) >= SCAN_COVER * abs(page.cropbox)]


def _touch(a: pymupdf.Rect, b: pymupdf.Rect) -> bool:
    return a.x0 - TOUCH <= b.x1 and b.x0 - TOUCH <= a.x1 and a.y0 - TOUCH <= b.y1 and b.y0 - TOUCH <= a.y1


def _in_a_scan(box: FoundBox, scans: list[pymupdf.Rect]) -> bool:
    x0, y0, x1, y1 = box.rect
    centre = pymupdf.Point((x0 + x1) / 2, (y0 + y1) / 2)
    return any(centre in scan for scan in scans)


def scanned_in_grey(page: pymupdf.Page) -> bool:
    """Whether every image on the page is grey or black and white, so a grey render loses nothing."""
    return _grey(page.get_image_info())


def scanned_in_black_and_white(page: pymupdf.Page) -> bool:
    """Whether the page's images are all of one bit a pixel (a scanner's black-and-white mode)."""
    images = page.get_images()
    return bool(images) and all(bits == 1 for _, _, _, _, bits, *_ in images)


def _grey(images: list[dict]) -> bool:
    return all(info.get("colorspace", 3) == 1 for info in images)


def _neutral(page: pymupdf.Page, images: list[dict], boxes: list[FoundBox]) -> list[FoundBox]:
    """The boxes that are black or grey in colour (SCAN_CHROMA): all of them on a page whose
    images are grey; on one in colour, seen again in colour at SCAN_DPI."""
    if not boxes or _grey(images):
        return boxes
    zoom = SCAN_DPI / 72
    colour = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), colorspace=pymupdf.csRGB, alpha=False)
    pixels = np.frombuffer(colour.samples, dtype=np.uint8).reshape(colour.height, colour.stride)
    rgb = pixels[:, : colour.width * 3].reshape(colour.height, colour.width, 3).astype(np.int16)
    chroma = rgb.max(axis=2) - rgb.min(axis=2)
    to_pixels = page.rotation_matrix * pymupdf.Matrix(zoom, zoom)
    kept = []
    for box in boxes:
        area = (pymupdf.Rect(box.rect) * to_pixels).irect & pymupdf.IRect(0, 0, colour.width, colour.height)
        inside = chroma[area.y0 : area.y1, area.x0 : area.x1]
        if inside.size == 0 or float(np.median(inside)) <= SCAN_CHROMA:
            kept.append(box)
    return kept


def _solid_regions(
    grey: np.ndarray,
    fill: np.ndarray,
    solid: np.ndarray,
    least: tuple[float, float],
    labelled: Callable[[np.ndarray], np.ndarray],
) -> list[list[tuple[int, int, int, int]]]:
    """Regions of `solid` pixels that survive erosion (text strokes, rules and bold headings do
    not), fill their shape (as labelled counts it), sit on paper and keep off the page's edge:
    for each shape, its parts (one, or the lines _lines_of cut it into)."""
    height, width = fill.shape
    regions = []
    eroded = _erode(solid, SOLID)
    for region in _regions(eroded):
        x0, y0, x1, y1 = region
        if x1 - x0 < least[0] or y1 - y0 < least[1]:
            continue  # too small to be a box, or to hold one
        if x0 == 0 or y0 == 0 or x1 == width or y1 == height:
            continue  # touches the edge: a scanner's border, not a box
        if not _on_paper(grey, x0, y0, x1, y1):
            continue  # a dark patch inside a photograph or a shaded area
        parts = [
            (px0, py0, px1, py1)
            for px0, py0, px1, py1 in _lines_of(eroded, fill, region, least[1])
            if px1 - px0 >= least[0]
            and py1 - py0 >= least[1]
            and _band_fill(labelled(fill[py0:py1, px0:px1])) >= MIN_FILL
        ]  # the others are a photo, a logo or text, not a solid box
        if parts:
            regions.append(parts)
    return regions


def _as_it_is(ink: np.ndarray) -> np.ndarray:
    return ink


def _with_enclosed_paper(ink: np.ndarray) -> np.ndarray:
    """Ink with the paper it encloses counted as ink, in a block shaped like a box over one line
    of print, mostly ink already: a label printed white on it (in bold it takes a quarter of a
    small box) is part of the box. Paper that reaches the block's edge is paper; any other block
    (a logo, a letter of a heading, a thick frame) is taken as it is."""
    rows, columns = ink.shape
    if rows > LINE_BOX_TALL or columns < LINE_BOX_LONG * rows or ink.mean() < LABELLED_INK:
        return ink
    paper = ~ink
    outside = np.zeros_like(paper)
    outside[[0, -1], :] = paper[[0, -1], :]
    outside[:, [0, -1]] |= paper[:, [0, -1]]
    while True:  # spread through the paper from the edge, a pixel a step (blocks are small)
        spread = outside.copy()
        spread[1:] |= outside[:-1]
        spread[:-1] |= outside[1:]
        spread[:, 1:] |= outside[:, :-1]
        spread[:, :-1] |= outside[:, 1:]
        spread &= paper
        if np.array_equal(spread, outside):
            return ~outside
        outside = spread


def _lines_of(solid: np.ndarray, fill: np.ndarray, region: tuple, least: float) -> list[tuple[int, int, int, int]]:
    """A region cut across where its width steps, each part a box of its own: a passage redacted
    to part way along its last line (or from part way along its first) is one shape, and its
    rectangle would cover the released words that finish that line, or the paper beside it (and
    fill too little of it to be taken for a box). Each part must fill its shape (_band_fill: a
    line scanned askew fills its column spans) FILL_GAIN more than the whole does; of the places
    that qualify, the one with the part that fills its shape best (a line cut whole), then the
    other; each part is cut again where it steps. The few rows where one line's box overlaps the
    next's (SEAM_ROWS) may be left out of both parts. A rectangle, or a box scanned askew (its edges
    drift, they do not step), stays whole."""
    x0, y0, x1, y1 = region
    if x1 - x0 < LINES_WIDE:
        return [region]
    block = solid[y0:y1, x0:x1]
    least = max(round(least), LINE_ROWS)
    best, best_score, whole = None, None, None
    for end, start in _steps(block, least):  # the part above ends at row `end`, the one below starts at `start`
        parts = [_tight(block[:end], x0, y0), _tight(block[start:], x0, y0 + start)]
        widths = [part[2] - part[0] for part in parts]
        if max(widths) < LINES_WIDE or min(widths) > (1 - STEP_SHARE) * max(widths):
            continue  # the step does not make a line narrower (a turned edge, print on the box)
        whole = _solidity(fill, region) if whole is None else whole
        score = [*sorted((_solidity(fill, part) for part in parts), reverse=True), end - start]  # no seam on a tie
        if score[1] >= whole + FILL_GAIN and (best_score is None or score > best_score):
            best, best_score = parts, score
    return [region] if best is None else [line for part in best for line in _lines_of(solid, fill, part, least)]


def _steps(block: np.ndarray, least: int) -> list[tuple[int, int]]:
    """(end, start) of each place where a block's rows step: the first or last set column of row
    end - 1 and of row start (start - end <= SEAM_ROWS) differ by STEP, with least rows on each side."""
    filled = block.any(axis=1)
    first = block.argmax(axis=1)
    last = block.shape[1] - 1 - block[:, ::-1].argmax(axis=1)
    rows = len(block)
    steps = []
    for seam in range(SEAM_ROWS + 1):
        ends = np.arange(least, rows - least - seam + 1)
        starts = ends + seam
        shift = np.maximum(np.abs(first[ends - 1] - first[starts]), np.abs(last[ends - 1] - last[starts]))
        found = filled[ends - 1] & filled[starts] & (shift >= STEP)
        steps += [(int(end), int(end) + seam) for end in ends[found]]
    return sorted(steps)


def _tight(block: np.ndarray, left: int, top: int) -> tuple[int, int, int, int]:
    """The rectangle around a block's set pixels, in the page's pixels."""
    rows, columns = np.flatnonzero(block.any(axis=1)), np.flatnonzero(block.any(axis=0))
    return left + int(columns[0]), top + int(rows[0]), left + int(columns[-1]) + 1, top + int(rows[-1]) + 1


def _solidity(fill: np.ndarray, region: tuple) -> float:
    """How solid a region (pixel rectangle) of fill is, as _band_fill measures it."""
    x0, y0, x1, y1 = region
    return _band_fill(fill[y0:y1, x0:x1])


def _long_runs(mask: np.ndarray, shortest: float) -> np.ndarray:
    """The pixels of mask in runs along a row of `shortest` pixels or more (a watermark's
    strokes crossing a row are shorter)."""
    padded = np.zeros((mask.shape[0], mask.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = mask
    rows, edges = np.nonzero(np.diff(padded, axis=1))  # each run's start, then its end, row by row
    starts, ends, at = edges[0::2], edges[1::2], rows[0::2]
    long = ends - starts >= round(shortest)
    marks = np.zeros((mask.shape[0], mask.shape[1] + 1), dtype=np.int32)
    np.add.at(marks, (at[long], starts[long]), 1)
    np.add.at(marks, (at[long], ends[long]), -1)
    return np.cumsum(marks, axis=1)[:, :-1] > 0


def _band_fill(ink: np.ndarray) -> float:
    """How solid a region is: for a long band of even thickness (a box, straight or askew), the
    share of each column's ink span that is ink; for any other shape, the share of its rectangle.

    A box scanned a degree askew fills its column spans as a straight one does, but not its
    bounding rectangle (a 380-point box turned 1.2 degrees fills 62% of it)."""
    columns = ink.any(axis=0)
    if not columns.any():
        return 0.0
    inked = ink[:, columns]
    first = inked.argmax(axis=0)
    last = inked.shape[0] - 1 - inked[::-1].argmax(axis=0)
    spans = last - first + 1
    low, high = np.percentile(spans, [10, 90])
    long_and_even = inked.shape[1] >= 4 * np.median(spans) and high - low <= max(2, 0.25 * np.median(spans))
    if not long_and_even or not _slightly_askew(first):  # only a long box shows its turn; all else must fill
        return float(ink.mean())
    return float(inked.sum() / spans.sum())


def _slightly_askew(tops: np.ndarray) -> bool:
    """Whether a band's top edge, column by column, rises or falls no more than a scan turns a
    page (ASKEW): a stroke of a watermark's letters at 45 degrees is a long, even band too."""
    ends = max(1, len(tops) // 10)
    drift = abs(float(np.median(tops[-ends:])) - float(np.median(tops[:ends])))
    return drift <= max(2.0, ASKEW * len(tops))


def _on_paper(grey: np.ndarray, x0: int, y0: int, x1: int, y1: int) -> bool:
    """Whether a region sits on paper: light pixels just outside at least three of its four sides.

    A dark patch in a photograph or at its corner has picture, not paper, on two sides or more."""
    h, w = grey.shape
    near, far = GAP, GAP + RING
    sides = [
        grey[max(y0 - far, 0) : max(y0 - near, 0), x0:x1],  # above
        grey[min(y1 + near, h) : min(y1 + far, h), x0:x1],  # below
        grey[y0:y1, max(x0 - far, 0) : max(x0 - near, 0)],  # left
        grey[y0:y1, min(x1 + near, w) : min(x1 + far, w)],  # right
    ]
    papered = sum(1 for side in sides if side.size == 0 or (side > PAPER).mean() >= MIN_PAPER)
    return papered >= 3


def _erode(mask: np.ndarray, size: int) -> np.ndarray:
    """Keep pixels whose size x size neighbourhood is all ink."""
    out = mask.copy()
    for dy in range(size):
        for dx in range(size):
            out[: mask.shape[0] - dy, : mask.shape[1] - dx] &= mask[dy:, dx:]
    out[mask.shape[0] - size + 1 :, :] = False
    out[:, mask.shape[1] - size + 1 :] = False
    # grow back to the original extent (erosion anchored top-left)
    grown = out.copy()
    for dy in range(size):
        for dx in range(size):
            grown[dy:, dx:] |= out[: mask.shape[0] - dy, : mask.shape[1] - dx]
    return grown


def _regions(mask: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Bounding boxes (x0, y0, x1, y1) of the 4-connected regions of a mask, from runs per row."""
    parent: list[int] = []
    bounds: list[list[int]] = []

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    previous: list[tuple[int, int, int]] = []
    padded = np.zeros((mask.shape[0], mask.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = mask
    changes = np.diff(padded, axis=1)
    rows, columns = np.nonzero(changes)  # run edges, row by row, left to right
    edges_by_row: dict[int, list[int]] = {}
    for y, x in zip(rows.tolist(), columns.tolist(), strict=True):
        edges_by_row.setdefault(y, []).append(x)
    last_row = -2
    for y, edges in edges_by_row.items():
        if y != last_row + 1:
            previous = []
        last_row = y
        starts, ends = edges[0::2], edges[1::2]
        current = []
        for x0, x1 in zip(starts, ends, strict=True):
            label = len(parent)
            parent.append(label)
            bounds.append([x0, y, x1, y + 1])
            for px0, px1, other in previous:
                if px0 < x1 and x0 < px1:
                    a, b = find(label), find(other)
                    if a != b:
                        parent[b] = a
                        box, merged = bounds[a], bounds[b]
                        box[0], box[1] = min(box[0], merged[0]), min(box[1], merged[1])
                        box[2], box[3] = max(box[2], merged[2]), max(box[3], merged[3])
            root = find(label)
            box = bounds[root]
            box[0], box[2], box[3] = min(box[0], x0), max(box[2], x1), max(box[3], y + 1)
            current.append((x0, x1, label))
        previous = current
    return [tuple(bounds[i]) for i in range(len(parent)) if find(i) == i]


def _rounded(rect) -> tuple[float, float, float, float]:
    return round(rect.x0, 2), round(rect.y0, 2), round(rect.x1, 2), round(rect.y1, 2)
