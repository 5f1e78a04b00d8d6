"""Pixmaps scaled without leaking, and an area of one as an array.

PyMuPDF's `Pixmap(pixmap, width, height, clip)` keeps an extra reference to the scaled pixmap it
makes (its binding of fz_scale_pixmap), so the pixels are never freed: about 12 MB for each
scanned page (the OCR image, the box finder's image, the page image and its thumbnail), and a
parsing process reading a hundred-page scan passed its 1.5 GB limit. MuPDF's low-level call,
whose result is handed to one Python pixmap that owns it, frees them with that pixmap
(tests/test_pixmaps.py)."""

import numpy as np
import pymupdf
from pymupdf import mupdf


def scaled(pixmap: pymupdf.Pixmap, width: int, height: int) -> pymupdf.Pixmap:
    """The pixmap scaled (smoothly, by MuPDF) to width x height pixels."""
    source = pixmap.this
    made = mupdf.ll_fz_scale_pixmap(source.m_internal, source.x(), source.y(), width, height, None)
    return pymupdf.Pixmap("raw", mupdf.FzPixmap(made))


def area_pixels(grey: pymupdf.Pixmap, area: pymupdf.IRect) -> np.ndarray:
    """The grey levels of an area of a one-channel pixmap (pixels, not points): a view, so that
    writing to it changes the pixmap."""
    pixels = np.frombuffer(grey.samples_mv, dtype=np.uint8).reshape(grey.height, grey.stride)
    return pixels[area.y0 - grey.y : area.y1 - grey.y, area.x0 - grey.x : area.x1 - grey.x]
