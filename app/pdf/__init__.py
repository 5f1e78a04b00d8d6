"""The PDF boundary: the only package that imports PyMuPDF (in its submodules).

Paths in, plain dataclasses out, `PdfRefused` raised with a sentence for a person.
Coordinates are PDF points with a top-left origin on the unrotated page.
Importing this package itself stays cheap: PyMuPDF loads only with `app.pdf.extract`.
"""

from dataclasses import dataclass, field

PDF_MAGIC = b"%PDF-"


class PdfRefused(Exception):
    """A file that cannot be processed; str(error) is a sentence for the user."""


@dataclass
class PdfInfo:
    """What opening a document tells us before its pages are read."""

    page_count: int
    title: str | None


@dataclass
class PageContent:
    """One page's text in reading order and its words with boxes."""

    number: int
    width: float
    height: float
    rotation: int
    ocr: bool
    text: str
    words: list[tuple[str, float, float, float, float]] = field(default_factory=list)
    boxes: list = field(default_factory=list)  # app.pdf.boxes.FoundBox
    problem: str | None = None  # why the page could not be read; it is kept, empty, with this note
    furniture: list[str] = field(default_factory=list)  # watermark and stamp lines kept out of text
    accent_words: list[int] = field(default_factory=list)  # words in a colour other than the body's
    images_later: bool = False  # its page images are still to be drawn (draw_page_images)
    ocr_dpi: int | None = None  # the resolution a scan was read at (app.pdf.print_size chooses it)


def looks_like_pdf(head: bytes) -> bool:
    """Tell whether a file's first KiB carries the PDF header (the spec allows leading junk)."""
    return PDF_MAGIC in head[:1024]
