"""How big a scanned page's print is, measured before it is read, so that OCR reads the page at
the lowest resolution that loses nothing.

Tesseract's time on a page falls with its resolution (a quarter less at 200 dpi than at 300) and
its word recall holds while the print's x-height stays about 16 pixels or more; below that it
drops fast (8 pt print at 200 dpi: 0.966 against 0.997 at 300, bench/ocr.py's hard scans). The
x-height is read from the page's vertical strokes: in a column of pixels, each run of ink is a
stroke, and the stems of the small letters (n, m, u, i, r, and the sides of o, e, c) carry the
most ink of any length of run: the x-height.
"""

import numpy as np
import pymupdf

MEASURE_DPI = 150  # the resolution the strokes are measured at (8 pt print: x-height 9 pixels)
INK = 128  # grey level below which a pixel is ink
SHORTEST, LONGEST = 4, 40  # pixels at MEASURE_DPI: shorter runs are specks and bars, longer are rules and boxes
LEAST_STROKES = 400  # fewer strokes than this: too little print to measure (a blank or a picture)
OCR_X_HEIGHT_PIXELS = 16  # the x-height OCR reads well at (bench/ocr.py: 0.993 word recall and more)
LOWEST_DPI = 200  # never read below this: small print on a page of big print must still be read
DPI_STEP = 25


def x_height_points(grey: pymupdf.Pixmap) -> float | None:
    """The x-height of most of the print on a grey render made at MEASURE_DPI, in points; None when
    there is too little print to tell."""
    pixels = np.frombuffer(grey.samples_mv, np.uint8).reshape(grey.height, grey.stride)[:, : grey.width]
    ink = np.zeros((grey.width, grey.height + 2), np.int8)  # column by column, paper above and below
    ink[:, 1:-1] = (pixels < INK).T
    edges = np.diff(ink, axis=1).ravel()
    lengths = np.flatnonzero(edges == -1) - np.flatnonzero(edges == 1)
    counts = np.bincount(lengths[(lengths >= SHORTEST) & (lengths <= LONGEST)], minlength=LONGEST + 2)
    if counts.sum() < LEAST_STROKES:
        return None
    # Ink by length of run: the many short runs that cross a curve or a slanted stroke count for less.
    ink_by_length = counts * np.arange(len(counts))
    smoothed = ink_by_length[:-2] + ink_by_length[1:-1] + ink_by_length[2:]  # a stroke measures a pixel more or less
    most_common = int(np.argmax(smoothed)) + 1
    return most_common * 72 / MEASURE_DPI


def ocr_dpi_for(x_height: float | None, highest: int, scanned_at: float | None = None) -> int:
    """The resolution to read print of x_height points at: OCR_X_HEIGHT_PIXELS high, in steps of
    DPI_STEP, from LOWEST_DPI up to highest (the OCR_DPI setting, also used when nothing was
    measured). A page scanned at under LOWEST_DPI (scanned_at: its image's pixels per inch) is
    read at highest whatever its print: enlarging a coarse scan is what reads it best, and its
    structure (a schedule's rows) suffered when it was read lower (bench/release.py, one of
    twelve rough 150 dpi seeds: 0.61 of the rows right at 275 dpi against 0.92 at 300)."""
    if x_height is None or x_height <= 0 or (scanned_at is not None and scanned_at < LOWEST_DPI):
        return highest
    wanted = OCR_X_HEIGHT_PIXELS * 72 / x_height
    stepped = int(-(-wanted // DPI_STEP) * DPI_STEP)
    return max(min(stepped, highest), min(LOWEST_DPI, highest))
