"""Grain on scans: measured, and taken away before OCR only where there is much of it."""

import numpy as np
import pymupdf
from pdfs import rough_scan, scanned_copy

from app.pdf.extract import scan_image
from app.pdf.grain import GRAINY, grain, median3, without_grain
from app.pdf.ocr import ocr_page_image

LINES = [
    "Thank you for your request made under the Official Information Act 1982 on",
    "18 December 2023, for copies of briefings on tourism recovery. The information",
    "is released to you with some parts withheld under section 9(2)(a) of the Act.",
    "Date: 6 February 2024",
]


def _letter() -> bytes:
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    for i, line in enumerate(LINES):
        page.insert_text((60, 120 + 22 * i), line, fontsize=11)
    return doc.tobytes()


def _pixels(pixmap: pymupdf.Pixmap) -> np.ndarray:
    return np.frombuffer(pixmap.samples, np.uint8).reshape(pixmap.height, pixmap.stride)[:, : pixmap.width]


def test_the_median_is_exact_at_every_pixel_edges_included():
    image = np.random.default_rng(7).integers(0, 256, (1100, 37)).astype(np.uint8)  # three bands
    padded = np.pad(image, 1, mode="edge")
    expected = np.median(np.stack([padded[y : y + 1100, x : x + 37] for y in range(3) for x in range(3)]), axis=0)
    assert (median3(image) == expected).all()


def test_a_rough_scan_is_grainy_and_a_clean_one_is_not():
    rough, _ = rough_scan(_letter(), [{"boxes": []}], 200, seed=12)
    rough_grey = scan_image(pymupdf.open(stream=rough, filetype="pdf")[0], 300)
    clean_grey = scan_image(pymupdf.open(stream=scanned_copy(_letter(), 200), filetype="pdf")[0], 300)
    assert grain(_pixels(rough_grey)) > 2 * GRAINY
    assert grain(_pixels(clean_grey)) < GRAINY / 4
    assert without_grain(clean_grey) is clean_grey  # left as it is


def test_a_grainy_page_is_read_better_cleaned():
    """On the rough scan Tesseract misreads words of every line; cleaned, it reads them."""
    rough, _ = rough_scan(_letter(), [{"boxes": []}], 200, seed=12)
    grey = scan_image(pymupdf.open(stream=rough, filetype="pdf")[0], 300)
    raw = ocr_page_image(grey, "eng", 300)
    cleaned = ocr_page_image(without_grain(grey), "eng", 300)
    words = " ".join(LINES).split()
    assert sum(w in cleaned.text.split() for w in words) >= 0.95 * len(words)
    assert cleaned.confidence > raw.confidence + 5
    assert "6 February 2024" in " ".join(cleaned.text.split())
