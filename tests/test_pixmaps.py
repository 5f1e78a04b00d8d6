"""Scaling a pixmap frees its pixels with the pixmap (PyMuPDF's own scaling constructor keeps
them for ever: a parsing process reading a hundred-page scan ran out of memory)."""

import numpy as np
import pymupdf

from app.pdf.pixmaps import scaled

SIDE, LARGER = 1200, 3000  # 9 MB a scaled copy


def resident_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 2**20


def test_scaling_makes_the_same_pixels_as_pymupdf():
    rng = np.random.default_rng(7)
    source = pymupdf.Pixmap(pymupdf.csGRAY, 300, 200, rng.integers(0, 256, 300 * 200, np.uint8).tobytes(), False)
    ours, theirs = scaled(source, 450, 300), pymupdf.Pixmap(source, 450, 300, None)
    assert (ours.width, ours.height, ours.n) == (450, 300, 1)
    assert ours.samples == theirs.samples


def test_scaled_pixmaps_are_freed_with_the_pixmap():
    source = pymupdf.Pixmap(pymupdf.csGRAY, SIDE, SIDE, bytes(SIDE * SIDE), False)
    scaled(source, LARGER, LARGER)  # the first may settle the allocator
    before = resident_mb()
    for _ in range(40):  # 360 MB if none were freed
        larger = scaled(source, LARGER, LARGER)
        assert larger.width == LARGER
        del larger
    assert resident_mb() - before < 60
