"""Scanned pages read at the resolution their print needs, by a Tesseract kept loaded in the
process that reads them (app.pdf.print_size, app.pdf.tesseract)."""

import multiprocessing
import re

import pymupdf
import pytest
from pdfs import rough_scan, scanned_pdf

from app.pdf.extract import extract_page, reading_dpi, scan_image
from app.pdf.ocr import ocr_lines_image, ocr_page_image
from app.pdf.print_size import LOWEST_DPI, MEASURE_DPI, ocr_dpi_for, x_height_points
from app.pdf.tesseract import reader

PARAGRAPH = (
    "The supply chain resilience workstream reports two risks this quarter. Sustainment and repair "
    "contracts could undermine local capability, and officials recommend that you note the "
    "reputational risk described above before the briefing is released. "
) * 6
X_HEIGHT = {"helv": 0.523, "tiro": 0.45, "cour": 0.42}  # of the em, as the font draws its x


def _page(font: str, size: float, boxed: bool = False) -> bytes:
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_textbox(pymupdf.Rect(60, 60, 535, 700), PARAGRAPH, fontsize=size, fontname=font)
    if boxed:
        page.draw_rect((60, 720, 260, 736), color=(0, 0, 0), fill=(0, 0, 0))
        page.insert_text((265, 732), "s 9(2)(a)", fontsize=8)
    return doc.tobytes()


def _scan(font: str, size: float, dpi: int, seed: int = 3, boxed: bool = False) -> pymupdf.Page:
    scan, _ = rough_scan(_page(font, size, boxed), [{"boxes": []}], dpi, seed)
    return pymupdf.open(stream=scan, filetype="pdf")[0]


@pytest.mark.parametrize(
    "font, size, dpi",
    [("helv", 8, 300), ("helv", 12, 150), ("tiro", 10, 200), ("cour", 9, 300), ("helv", 14, 200), ("tiro", 8, 150)],
)
def test_the_x_height_of_a_rough_scan_is_measured_within_a_pixel(font, size, dpi):
    measured = x_height_points(scan_image(_scan(font, size, dpi), MEASURE_DPI))
    expected = size * X_HEIGHT[font]
    assert measured is not None
    assert abs(measured - expected) <= 72 / MEASURE_DPI * 1.5, (measured, expected)


def test_a_blank_page_has_no_x_height_and_is_read_at_the_highest_resolution():
    blank = pymupdf.open()
    page = blank.new_page()
    assert x_height_points(page.get_pixmap(dpi=MEASURE_DPI, colorspace=pymupdf.csGRAY)) is None
    assert reading_dpi(page, 300) == 300


@pytest.mark.parametrize(
    "x_height, highest, dpi",
    [
        (None, 300, 300),  # nothing measured
        (6.3, 300, LOWEST_DPI),  # 12 pt: big enough for the lowest
        (20.0, 300, LOWEST_DPI),  # a poster: never below the lowest
        (5.2, 300, 225),  # 10 pt: 16 pixels at 222 dpi, in steps of 25
        (4.2, 300, 275),  # 8 pt
        (2.5, 300, 300),  # 5 pt: never above the setting
        (6.3, 150, 150),  # a setting below the lowest is kept
    ],
)
def test_the_resolution_gives_the_print_sixteen_pixels_of_x_height(x_height, highest, dpi):
    assert ocr_dpi_for(x_height, highest) == dpi


@pytest.mark.parametrize(
    "scanned_at, dpi", [(150, 300), (199, 300), (200, LOWEST_DPI), (300, LOWEST_DPI), (None, LOWEST_DPI)]
)
def test_a_coarse_scan_is_read_at_the_highest_resolution_whatever_its_print(scanned_at, dpi):
    assert ocr_dpi_for(6.3, 300, scanned_at) == dpi


def test_big_print_is_read_at_a_lower_resolution_and_small_print_at_the_full_one():
    assert reading_dpi(_scan("helv", 12, 200), 300) == LOWEST_DPI
    assert reading_dpi(_scan("helv", 8, 300), 300) >= 275
    assert reading_dpi(_scan("helv", 12, 150), 300) == 300  # a coarse scan: enlarged in full


def test_a_scan_made_at_200_dpi_counts_as_200_not_a_hair_under():
    """Its image's size over the page's, in floating point, comes to 199.99998."""
    lines = [(72, 100 + 24 * i, "Sustainment and repair contracts could undermine capability.") for i in range(20)]
    page = pymupdf.open(stream=scanned_pdf(lines, dpi=200, fontsize=12), filetype="pdf")[0]
    assert reading_dpi(page, 300) == LOWEST_DPI


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z]+", text.lower())


def test_a_page_read_at_its_chosen_resolution_loses_no_word_and_keeps_its_boxes_in_place():
    """12 pt print is read at 200 dpi: every word, and the word boxes in points where the print is."""
    doc = pymupdf.open(stream=rough_scan(_page("helv", 12), [{"boxes": []}], 300, 5)[0], filetype="pdf")
    content = extract_page(doc, 1, None, "eng", 300)
    assert content.ocr_dpi == LOWEST_DPI
    expected = _words(" ".join(PARAGRAPH.split()[:60]))
    assert _words(content.text)[:60] == expected[:60]
    first = next(w for w in content.words if w[0].lower().startswith("supply"))
    assert 55 < first[1] < 110 and 60 < first[2] < 90  # where insert_textbox put it (turned by up to 1.2 degrees)


def test_a_page_with_a_box_is_read_at_full_resolution_for_its_label():
    doc = pymupdf.open(stream=rough_scan(_page("helv", 12, boxed=True), [{"boxes": []}], 300, 5)[0], filetype="pdf")
    content = extract_page(doc, 1, None, "eng", 300)
    assert content.ocr_dpi == 300
    [box] = content.boxes
    assert "9(2)(a)" in (box.label or "").replace(" ", "")


def test_a_whitelist_holds_for_its_own_reading_only():
    """Variables set for one reading (the label whitelist) are reset: the next reading sees letters."""
    line = pymupdf.open()
    page = line.new_page(width=300, height=60)
    page.insert_text((10, 35), "Withheld 9(2)(a)", fontsize=16)
    image = page.get_pixmap(dpi=300, colorspace=pymupdf.csGRAY)
    digits = ocr_lines_image(image, "eng", 300, whitelist="0123456789()a")
    assert "W" not in digits.text and "9(2)(a)" in digits.text.replace(" ", "")
    assert "Withheld" in ocr_page_image(image, "eng", 300).text


def _read_in_child(image_bytes: bytes, queue) -> None:
    image = pymupdf.Pixmap(image_bytes)
    queue.put(ocr_page_image(pymupdf.Pixmap(pymupdf.csGRAY, image), "eng", 300).text)


def test_a_forked_child_reads_with_its_own_tesseract():
    """The worker forks the processes that read; one made before the fork is the parent's."""
    page = pymupdf.open().new_page(width=300, height=60)
    page.insert_text((10, 35), "Sustainment contracts", fontsize=16)
    png = page.get_pixmap(dpi=300).tobytes("png")
    parent = reader("eng")
    assert reader("eng") is parent  # loaded once a process
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_read_in_child, args=(png, queue))
    child.start()
    assert "Sustainment" in queue.get(timeout=60)
    child.join(60)
    assert child.exitcode == 0


def test_a_language_tesseract_has_no_data_for_is_refused_with_a_sentence():
    from app.pdf import PdfRefused

    page = pymupdf.open().new_page(width=300, height=60)
    page.insert_text((10, 35), "Sustainment", fontsize=16)
    image = page.get_pixmap(dpi=300, colorspace=pymupdf.csGRAY)
    assert "Sustainment" in ocr_page_image(image, "eng", 300).text
    with pytest.raises(PdfRefused, match="no language data for “xyz”"):
        reader("xyz")
    assert "Sustainment" in ocr_page_image(image, "eng", 300).text  # English is read again after the refusal
