"""Read again, on a scan, the label printed inside or beside each redaction box.

Page-wide OCR misreads small print on a poor scan (at 150 dpi "s9(2)(j)" came out "$902)0)_").
Each box's label strip, from the box's left edge to a little past its right edge (the box is
already inverted: a white label inside it reads black), is cleaned of specks, enlarged, and all
of a page's strips are read in one Tesseract run as lines, with only the characters a ground
uses. The text of each strip goes on its box; app.redactions reads the ground from it.
"""

import numpy as np
import pymupdf

from app.pdf.ocr import ocr_lines_image

BESIDE_POINTS = 150  # how far right of a box its label may run
MARGIN_POINTS = 4  # above and below the box
GAP_PIXELS = 24  # white between two strips in the stacked image
TARGET_DPI = int(__import__("os").environ.get("TD", "450"))
WHITELIST = "0123456789()[]abcdefghijklmnoprstuvwxyzAIOSW.,:"
INK_LEVEL, PAPER_LEVEL = [int(v) for v in __import__("os").environ.get("LV", "60,190").split(",")]


def read_labels(grey: pymupdf.Pixmap, rects: list[pymupdf.IRect], dpi: int, languages: str) -> list[str]:
    """The text of each box's label strip (pixel rectangles on grey, the page as displayed)."""
    strips = [_strip(grey, rect, rects, dpi) for rect in rects]
    if not any(strip is not None for strip in strips):
        return ["" for _ in rects]
    scale = max(1, round(TARGET_DPI / dpi))
    stacked, spans = _stack([s if s is not None else np.full((1, 1), 255, np.uint8) for s in strips], scale)
    image = pymupdf.Pixmap(pymupdf.csGRAY, stacked.shape[1], stacked.shape[0], stacked.tobytes(), False)
    recognised = ocr_lines_image(image.save, languages, dpi * scale, WHITELIST)
    texts: list[list[tuple[int, str]]] = [[] for _ in rects]
    for text, (x0, y0, _x1, y1) in recognised.words:
        middle = (y0 + y1) / 2
        index = next((i for i, (top, bottom) in enumerate(spans) if top <= middle <= bottom), None)
        if index is not None and strips[index] is not None:
            texts[index].append((x0, text))
    return [" ".join(text for _, text in sorted(words)) for words in texts]


def _strip(grey: pymupdf.Pixmap, rect: pymupdf.IRect, others: list[pymupdf.IRect], dpi: int) -> np.ndarray | None:
    """The box and the line to its right, up to the next box on that line, as a cleaned array."""
    zoom = dpi / 72
    margin, reach = round(MARGIN_POINTS * zoom), round(BESIDE_POINTS * zoom)
    right = min([rect.x1 + reach] + [o.x0 for o in others if o.x0 > rect.x1 and _same_line(o, rect)])
    area = pymupdf.IRect(rect.x0, rect.y0 - margin, right, rect.y1 + margin) & grey.irect
    if area.is_empty:
        return None
    pixels = np.frombuffer(grey.samples_mv, dtype=np.uint8).reshape(grey.height, grey.stride)
    region = pixels[area.y0 - grey.y : area.y1 - grey.y, area.x0 - grey.x : area.x1 - grey.x]
    return _despeckled(region)


def _same_line(a: pymupdf.IRect, b: pymupdf.IRect) -> bool:
    return min(a.y1, b.y1) - max(a.y0, b.y0) > 0.5 * min(a.height, b.height)


def _despeckled(region: np.ndarray) -> np.ndarray:
    """Black print on white paper: a 3x3 median (lone specks go, strokes stay), then a contrast
    stretch (grain goes, and the inverted box, now pale and grainy, turns white)."""
    padded = np.pad(region, 1, mode="edge")
    height, width = region.shape
    shifted = [padded[dy : dy + height, dx : dx + width] for dy in range(3) for dx in range(3)]
    smooth = np.median(np.stack(shifted), axis=0)
    return np.clip((smooth - INK_LEVEL) * 255 / (PAPER_LEVEL - INK_LEVEL), 0, 255).astype(np.uint8)


def _enlarged(strip: np.ndarray, scale: int) -> np.ndarray:
    """The strip scale times larger, smoothly (MuPDF's scaler): blocky glyphs read worse."""
    if scale == 1:
        return strip
    height, width = strip.shape
    source = pymupdf.Pixmap(pymupdf.csGRAY, width, height, np.ascontiguousarray(strip).tobytes(), False)
    larger = pymupdf.Pixmap(source, width * scale, height * scale, None)
    return np.frombuffer(larger.samples, np.uint8).reshape(larger.height, larger.width)


def _stack(strips: list[np.ndarray], scale: int) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """The strips enlarged and stacked top to bottom on white; each strip's (top, bottom) row."""
    enlarged = [_enlarged(s, scale) for s in strips]
    width = max(s.shape[1] for s in enlarged) + 2 * GAP_PIXELS
    height = sum(s.shape[0] for s in enlarged) + GAP_PIXELS * (len(enlarged) + 1)
    sheet = np.full((height, width), 255, np.uint8)
    spans, top = [], GAP_PIXELS
    for strip in enlarged:
        sheet[top : top + strip.shape[0], GAP_PIXELS : GAP_PIXELS + strip.shape[1]] = strip
        spans.append((top - GAP_PIXELS // 2, top + strip.shape[0] + GAP_PIXELS // 2))
        top += strip.shape[0] + GAP_PIXELS
    return sheet, spans
