"""PDFs made in code, with known words at known places."""

from pathlib import Path

import pymupdf

# Copies of the files we use from ../shared/corpus, with their sources and licences in README.md.
CORPUS = Path(__file__).resolve().parent / "corpus"
FONT_SIZE = 12
# DejaVu Sans has the macrons of te reo Māori (Debian's fonts-dejavu-core, installed by make test).
FONT_FILE = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def text_pdf(pages: list[list[tuple[float, float, str]]], title: str | None = None, rotation: int = 0) -> bytes:
    """A PDF of pages with (x, baseline y, text) lines at 12 pt: Helvetica, or DejaVu Sans for macrons."""
    doc = pymupdf.open()
    for lines in pages:
        page = doc.new_page(width=595, height=842)
        for x, y, text in lines:
            if any(ord(ch) > 255 for ch in text):
                page.insert_text((x, y), text, fontsize=FONT_SIZE, fontname="dejavu", fontfile=FONT_FILE)
            else:
                page.insert_text((x, y), text, fontsize=FONT_SIZE, fontname="helv")
        if rotation:
            page.set_rotation(rotation)
    if title:
        doc.set_metadata({"title": title})
    return doc.tobytes()


def briefing_pdf(page_count: int) -> bytes:
    """An OIA-style briefing of page_count pages of ordinary text."""
    pages = []
    for number in range(1, page_count + 1):
        lines = [(72, 72, f"Briefing to the Minister of Defence, page {number}")]
        lines += [
            (72, 100 + 16 * i, f"Line {i} of page {number}: supply chain resilience and sustainment.")
            for i in range(40)
        ]
        pages.append(lines)
    return text_pdf(pages, title="Briefing: Defence industry programme")


def scanned_pdf(lines: list[tuple[float, float, str]], dpi: int = 200, rotation: int = 0, fontsize: int = 14) -> bytes:
    """An image-only PDF: the lines are rendered to a picture, so only OCR can read them.

    With a rotation, the picture is stored turned the other way and /Rotate set, so the
    page displays upright, as scanners produce.
    """
    source = pymupdf.open()
    page = source.new_page(width=612, height=792)
    for x, y, text in lines:
        page.insert_text((x, y), text, fontsize=fontsize, fontname="helv")
    pixmap = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
    doc = pymupdf.open()
    width, height = (792, 612) if rotation in (90, 270) else (612, 792)
    scan = doc.new_page(width=width, height=height)
    scan.insert_image(scan.rect, stream=pixmap.tobytes("png"), rotate=rotation)
    if rotation:
        scan.set_rotation(rotation)
    return doc.tobytes()


def corpus(name: str) -> bytes:
    """The bytes of a file from the test corpus."""
    return (CORPUS / name).read_bytes()
