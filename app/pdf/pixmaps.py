"""Pixmaps scaled without leaking.

PyMuPDF's `Pixmap(pixmap, width, height, clip)` keeps an extra reference to the scaled pixmap it
makes (its binding of fz_scale_pixmap), so the pixels are never freed: about 12 MB for each
scanned page (the OCR image, the box finder's image, the page image and its thumbnail), and a
parsing process reading a hundred-page scan passed its 1.5 GB limit. MuPDF's low-level call,
whose result is handed to one Python pixmap that owns it, frees them with that pixmap
(tests/test_pixmaps.py)."""

import pymupdf
from pymupdf import mupdf


def scaled(pixmap: pymupdf.Pixmap, width: int, height: int) -> pymupdf.Pixmap:
    """The pixmap scaled (smoothly, by MuPDF) to width x height pixels."""
    source = pixmap.this
    made = mupdf.ll_fz_scale_pixmap(source.m_internal, source.x(), source.y(), width, height, None)
    return pymupdf.Pixmap("raw", mupdf.FzPixmap(made))
