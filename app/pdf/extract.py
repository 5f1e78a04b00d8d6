"""Open, inspect, read and render PDFs with PyMuPDF."""

import operator
import os
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pymupdf

from app.pdf import PageContent, PdfInfo, PdfRefused, looks_like_pdf
from app.pdf.boxes import SCAN_COVER, FoundBox, find_boxes, scanned_in_black_and_white, scanned_in_grey
from app.pdf.furniture import is_furniture
from app.pdf.grain import without_grain
from app.pdf.labels import read_labels
from app.pdf.ocr import (
    TABLE_LAYOUT,
    TRUSTED_ORIENTATION_CONFIDENCE,
    Recognised,
    ocr_page_image,
    reads_poorly,
    reads_sideways,
    upright_turn,
)
from app.pdf.pixmaps import area_pixels, scaled
from app.pdf.png import png_bytes
from app.pdf.print_size import MEASURE_DPI, ocr_dpi_for, x_height_points
from app.pdf.words import join_words, rounded_box

pymupdf.TOOLS.mupdf_display_errors(False)
pymupdf.TOOLS.mupdf_display_warnings(False)

READING_DPI = 150
THUMB_WIDTH_PX = 150
# A page is OCRed when it has this little text and an image covering this much of it.
SPARSE_TEXT_CHARS = 50
WHOLE_PAGE_SLACK = 1.5  # points: an image this close to every edge fills the page
BOX_EDGE_POINTS = 1.5  # points beyond a box's edge that are blanked too
INK = 128  # grey level below which a pixel of a box is ink
EDGE_LEVEL = 200  # grey level below which a pixel running on from a box's solid part is still the box
GREY_BOX = 0.2  # a box at least this light is grey: its fill is lightened for OCR, not inverted
GREY_LABEL_INK = 0.6  # on a grey box, pixels darker than this share of its fill's level are its label
SOLID_INSET_PIXELS = 3
TURN_MARGIN = 10  # points of mean OCR confidence a turned page must gain for the turn to be kept

ANGLED_HEIGHT = 2.5  # a word this many times taller than the median word may be set at an angle
GROUND_LIKE = re.compile(r"\d\s*\(")  # 9(2)(a), 6(c): a page with one may print it as a coloured label
PALETTES = ("Indexed", "Separation", "DeviceN")  # colour spaces whose samples are not grey or RGB levels
PLACEHOLDER_TITLES = {"untitled", "untitled document", "document", "title", "none", "pdf", "scan", "scanned document"}

DAMAGED = (
    "The PDF is damaged and could not be read. Try opening it and saving (or printing) "
    "it again as a PDF, then upload the new copy."
)

INCOMPLETE = (
    "The PDF is incomplete: it stops before its end, as when a download is interrupted. "
    "Download it again and upload the new copy."
)


def open_pdf(path: str | Path) -> pymupdf.Document:
    """Open a PDF, raising PdfRefused with a reason when it is not a readable PDF."""
    with open(path, "rb") as f:
        head = f.read(1024)
        f.seek(max(0, os.fstat(f.fileno()).st_size - 2048))
        tail = f.read()
    if not head:
        raise PdfRefused("The file is empty.")
    if not looks_like_pdf(head):
        raise PdfRefused("The file is not a PDF (it does not start with a PDF header).")
    try:
        doc = pymupdf.open(path, filetype="pdf")
    except Exception as error:  # MuPDF raises several types for a broken file
        raise PdfRefused(DAMAGED if b"%%EOF" in tail else INCOMPLETE) from error
    if not doc.is_pdf:
        raise PdfRefused("The file is not a PDF.")
    if doc.is_repaired and b"%%EOF" not in tail:
        raise PdfRefused(INCOMPLETE)
    if doc.needs_pass:
        raise PdfRefused(
            "The PDF is protected by a password. Ask the agency for an unprotected copy, "
            "or remove the password, then upload it again."
        )
    return doc


def inspect_pdf(path: str | Path, max_pages: int) -> PdfInfo:
    """Return page count and title, refusing empty documents and ones over max_pages."""
    doc = open_pdf(path)
    if doc.page_count == 0:
        raise PdfRefused("The PDF has no readable pages; it may be damaged or incomplete.")
    if doc.page_count > max_pages:
        raise PdfRefused(
            f"The PDF has {doc.page_count} pages, more than the limit of {max_pages}. "
            "Split it into smaller files, or ask an administrator to raise MAX_PAGES."
        )
    return PdfInfo(page_count=doc.page_count, title=useful_title((doc.metadata or {}).get("title")))


def useful_title(title: str | None) -> str | None:
    """The PDF's own title, unless it is a placeholder such as "Untitled" or a bare file name."""
    title = " ".join((title or "").split())
    title = re.sub(r"^Microsoft (Word|PowerPoint|Excel) - ", "", title)
    if title.lower() in PLACEHOLDER_TITLES or re.fullmatch(r"[\w\- ]+\.(docx?|pdf|xlsx?|pptx?|tiff?)", title, re.I):
        return None
    return title[:500] or None


def extract_page(
    doc: pymupdf.Document,
    number: int,
    images: tuple[Path, Path] | None,
    languages: str,
    ocr_dpi: int,
    settled: Callable[[str], bool] = bool,
    text_first: bool = False,
) -> PageContent:
    """Read page `number` (from 1): words and text, OCR when it is a scan; render the page image and
    its thumbnail to images (two paths) if given. text_first: a page that is not a scan leaves its
    images for later (content.images_later; draw_page_images draws them), so that its text is
    stored sooner; a scan's are drawn now, from the image its print was measured on."""
    try:
        page = doc[number - 1]
        content = _read_text(page, number)
        cover = _image_cover(page)
        scanned = cover >= SCAN_COVER
        if _is_scan(cover, content.text):
            grey, small, dpi, boxes = _scan_for_ocr(page, scanned, ocr_dpi)
        else:
            grey, small, dpi, boxes = None, None, ocr_dpi, find_boxes(page, scanned=scanned)
        later = images is not None and text_first and grey is None
        if images is not None and not later:
            render_page_images(page, images, small if small and scanned_in_grey(page) else None)
        if grey is not None:
            unturned = page.rotation
            content = _read_by_ocr(page, number, languages, grey, dpi, boxes, settled)
            content.ocr_dpi = dpi
            if images is not None and page.rotation != unturned:  # OCR turned the page upright
                render_page_images(page, images)
        content.boxes = boxes
        content.images_later = later
    except PdfRefused:
        raise
    except Exception as error:
        if _out_of_memory(error):
            raise MemoryError(str(error)) from error
        if "overly large" in str(error).lower():
            raise PdfRefused(f"Page {number} could not be read: it is too large for the PDF reader.") from error
        raise PdfRefused(f"Page {number} could not be read: {_reader_said(error)}.") from error
    return content


def draw_page_images(doc: pymupdf.Document, number: int, images: tuple[Path, Path]) -> None:
    """Draw the page images extract_page left for later (a page that is not a scan)."""
    try:
        render_page_images(doc[number - 1], images)
    except Exception as error:
        if _out_of_memory(error):
            raise MemoryError(str(error)) from error
        raise PdfRefused(f"Page {number} could not be drawn: {_reader_said(error)}.") from error


def unreadable_page(doc: pymupdf.Document, number: int, problem: str) -> PageContent:
    """Page `number` kept as an empty page with a note, so the rest of its document is read."""
    try:
        width, height, rotation = _page_box(doc[number - 1])
    except (RuntimeError, ValueError, pymupdf.mupdf.FzErrorBase):  # not even loadable: an A4 placeholder
        width, height, rotation = 595.0, 842.0, 0
    return PageContent(number, width, height, rotation, False, "", problem=problem)


def _reader_said(error: Exception) -> str:
    """MuPDF's own reason, without its error code ("code=4: ..."), or a general one."""
    reason = re.sub(r"^code=\d+:\s*", "", str(error)).strip().rstrip(".")
    return f"the PDF reader said “{reason[:200]}”" if reason else "it is damaged"


def _out_of_memory(error: Exception) -> bool:
    """Tell whether MuPDF failed because an allocation hit the memory limit."""
    message = str(error).lower()
    return "malloc" in message or "out of memory" in message or "memory" in type(error).__name__.lower()


def _page_box(page: pymupdf.Page) -> tuple[float, float, int]:
    """Unrotated width, height and the rotation of a page."""
    box = page.cropbox
    return round(box.width, 2), round(box.height, 2), page.rotation


_BOX = operator.itemgetter(0, 1, 2, 3)  # of a get_text("words") row


def _read_text(page: pymupdf.Page, number: int) -> PageContent:
    """The page's words and text, without its furniture (watermarks, release stamps: kept apart),
    noting the words printed in a colour other than the body's (labels in red, say)."""
    width, height, rotation = _page_box(page)
    textpage = page.get_textpage()
    rows = page.get_text("words", textpage=textpage)  # x0, y0, x1, y1, text, block, line, word
    # Directions and colours cost a second pass over the page: only where they can matter.
    lines = _line_styles(page.get_text("dict", textpage=textpage)) if _may_have_styles(rows) else _line_texts(rows)
    furniture_lines = {key for key, (text, direction, _) in lines.items() if is_furniture(text, direction)}
    kept = [r for r in rows if (r[5], r[6]) not in furniture_lines]
    boxes = np.round(np.array(list(map(_BOX, kept)), dtype=float).reshape(-1, 4), 2).tolist()  # fast
    words = [(r[4], x0, y0, x1, y1) for r, (x0, y0, x1, y1) in zip(kept, boxes, strict=True)]
    text = join_words([(r[4], r[5], r[6]) for r in kept])
    content = PageContent(number, width, height, rotation, False, text, words)
    content.furniture = [lines[key][0] for key in sorted(furniture_lines)]
    content.accent_words = _accent_words(kept, lines)
    return content


def _may_have_styles(rows: list) -> bool:
    """Whether a page may have text set at an angle (a word much taller than most) or a ground
    whose colour tells a label from the body (a digit before a bracket, as in 9(2)(a))."""
    if not rows:
        return False
    heights = sorted(r[3] - r[1] for r in rows)
    if heights[-1] > ANGLED_HEIGHT * heights[len(heights) // 2]:
        return True
    return any(GROUND_LIKE.search(r[4]) for r in rows)


def _line_texts(rows: list) -> dict[tuple[int, int], tuple[str, tuple[float, float], int]]:
    """(block, line) -> (text, horizontal, black): the lines of a page without angled text or labels."""
    texts: dict[tuple[int, int], list[str]] = {}
    for r in rows:
        texts.setdefault((r[5], r[6]), []).append(r[4])
    return {key: (" ".join(words), (1.0, 0.0), 0) for key, words in texts.items()}


def _line_styles(page_dict: dict) -> dict[tuple[int, int], tuple[str, tuple[float, float], int]]:
    """(block, line) -> (text, direction, colour of most of its characters), numbered as
    get_text("words") numbers them."""
    styles = {}
    for block_number, block in enumerate(page_dict["blocks"]):
        if block.get("type") != 0:
            continue
        for line_number, line in enumerate(block["lines"]):
            spans = line["spans"]
            text = "".join(s["text"] for s in spans)
            colour = max(spans, key=lambda s: len(s["text"].strip()))["color"] if spans else 0
            styles[(block_number, line_number)] = (text, line["dir"], colour)
    return styles


def _accent_words(rows: list, lines: dict) -> list[int]:
    """Indexes of the words whose line is printed in a colour other than most of the page's words."""
    colours = [lines.get((r[5], r[6]), ("", (1, 0), 0))[2] for r in rows]
    if not colours:
        return []
    body = max(set(colours), key=colours.count)
    return [i for i, colour in enumerate(colours) if colour != body]


def _image_cover(page: pymupdf.Page) -> float:
    """The share of the page that images cover (overlaps counted twice, capped at 1)."""
    if not page.get_images():  # cheap; get_image_info() below builds a text page
        return 0.0
    page_area = abs(page.rect) or 1
    covered = sum(abs(pymupdf.Rect(info["bbox"]) & page.rect) for info in page.get_image_info())
    return min(covered / page_area, 1.0)


def _is_scan(cover: float, text: str) -> bool:
    if len("".join(text.split())) >= SPARSE_TEXT_CHARS:
        return False
    return cover >= SCAN_COVER or (cover > 0 and not text.strip())


def scan_image(page: pymupdf.Page, dpi: int) -> pymupdf.Pixmap:
    """The page as displayed, in grey at dpi: what OCR reads.

    A page that is one upright image filling it is scaled from the image itself, which costs
    about half as much as rendering the page; any other page is rendered."""
    zoom = dpi / 72
    size = page.rect * pymupdf.Matrix(zoom, zoom)
    width, height = round(size.width), round(size.height)
    image = _whole_page_image(page)
    if image is None:
        return page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), colorspace=pymupdf.csGRAY, alpha=False)
    if image.alpha:
        image = pymupdf.Pixmap(image, 0)
    if image.n != 1:
        image = pymupdf.Pixmap(pymupdf.csGRAY, image)
    return image if (image.width, image.height) == (width, height) else scaled(image, width, height)


def _scan_for_ocr(
    page: pymupdf.Page, scanned: bool, highest: int
) -> tuple[pymupdf.Pixmap, pymupdf.Pixmap, int, list[FoundBox]]:
    """A page to be OCRed, rendered once in grey at the resolution its print needs (at most
    highest; boxes and OCR share that image), the image its print was measured on (its page
    images come from it), that resolution, and its redaction boxes. A page with boxes is read at
    highest: the grounds printed beside them are small."""
    dpi, small = _measured(page, highest)
    grey = scan_image(page, dpi)
    boxes = find_boxes(page, scanned=scanned, grey=grey)
    if boxes and dpi < highest:
        dpi, grey = highest, scan_image(page, highest)
        boxes = find_boxes(page, scanned=scanned, grey=grey)
    return grey, small, dpi, boxes


def reading_dpi(page: pymupdf.Page, highest: int) -> int:
    """The resolution OCR reads a scanned page at: as low as its print's size allows (app.pdf.print_size),
    at most highest."""
    return _measured(page, highest)[0]


def _measured(page: pymupdf.Page, highest: int) -> tuple[int, pymupdf.Pixmap]:
    """reading_dpi, and the grey image its print was measured on (at MEASURE_DPI: the page images
    of a grey scan are made from it, which is their size when MEASURE_DPI is READING_DPI)."""
    small = scan_image(page, MEASURE_DPI)
    return ocr_dpi_for(x_height_points(small), highest, _scan_resolution(page)), small


def _scan_resolution(page: pymupdf.Page) -> int | None:
    """Pixels per inch of the largest image drawn on the page, to the nearest (None when there is none)."""
    infos = page.get_image_info()
    if not infos:
        return None
    largest = max(infos, key=lambda info: abs(pymupdf.Rect(info["bbox"])))
    drawn = pymupdf.Rect(largest["bbox"])
    return round(max(largest["width"], largest["height"]) / max(drawn.width / 72, drawn.height / 72, 1 / 72))


def _whole_page_image(page: pymupdf.Page) -> pymupdf.Pixmap | None:
    """The page's only image, decoded, when it is upright, fills the page, is grey or colour, and
    nothing else is drawn on the page (a stamp typed over a scan must show, and be read)."""
    # Not get_image_info(xrefs=True): that decodes and hashes every image (16-73 ms a page).
    images, infos = page.get_images(), page.get_image_info()
    if page.rotation or len(images) != 1 or len(infos) != 1:
        return None
    xref, _, width, height = images[0][:4]
    info = infos[0]
    if (info["width"], info["height"]) != (width, height):  # the drawn image is another (inline) one
        return None
    if page.get_text("words") or page.get_cdrawings() or page.first_annot is not None:
        return None
    a, b, c, d, _, _ = info["transform"]
    fills = all(abs(u - v) <= WHOLE_PAGE_SLACK for u, v in zip(info["bbox"], page.rect, strict=True))
    if not (fills and a > 0 and d > 0 and abs(b) < 1e-6 and abs(c) < 1e-6):
        return None
    try:
        image = pymupdf.Pixmap(page.parent, xref)
    except (RuntimeError, ValueError):
        return None
    # Indexed (palette) images decode to their palette indexes, not to grey: render those.
    if image.colorspace is None or image.colorspace.n not in (1, 3) or image.colorspace.name.startswith(PALETTES):
        return None
    return image


def _read_by_ocr(
    page: pymupdf.Page,
    number: int,
    languages: str,
    grey: pymupdf.Pixmap,
    dpi: int,
    found: list[FoundBox],
    settled: Callable[[str], bool] = bool,
) -> PageContent:
    """OCR a scanned page from its grey image (whose boxes get whitened), turning the page upright
    when its print lies on its side or upside down, then read each box's label again.

    A turn is set as page.rotation, in this process only (the file is not changed), so that the
    page images and the stored rotation show the page upright; word boxes stay unrotated."""
    near = pymupdf.Pixmap(grey, 0) if found else None  # a copy (no alpha) for reading labels near boxes
    recognised = _recognise(page, languages, grey, dpi, found)
    words = _unrotated_words(page, recognised, dpi)
    sideways, poor = reads_sideways(recognised), reads_poorly(recognised)
    # A poor reading is read again turned, which checks the turn: any answer of Tesseract's will do.
    trust = 0 if poor else TRUSTED_ORIENTATION_CONFIDENCE
    turn = upright_turn(grey.save, dpi, trust) if sideways or poor else 0
    if turn in (90, 270) and sideways and not poor:  # the words were read well: only the display turns
        page.set_rotation((page.rotation + turn) % 360)
    elif turn:
        unturned = page.rotation
        page.set_rotation((unturned + turn) % 360)
        turned_grey = scan_image(page, dpi)
        turned_near = pymupdf.Pixmap(turned_grey, 0) if found else None
        candidate = _recognise(page, languages, turned_grey, dpi, found)
        if candidate.confidence >= recognised.confidence + TURN_MARGIN:
            recognised, words, grey = candidate, _unrotated_words(page, candidate, dpi), turned_grey
            near = turned_near
        else:
            page.set_rotation(unturned)
    _read_labels(page, grey, near, dpi, languages, found, settled, recognised)
    width, height, rotation = _page_box(page)
    content = PageContent(number, width, height, rotation, True, recognised.text, words)
    content.furniture = recognised.furniture
    return content


def _recognise(page: pymupdf.Page, languages: str, grey: pymupdf.Pixmap, dpi: int, boxes: list[FoundBox]) -> Recognised:
    """Tesseract's reading of the page's grey image, its redaction boxes whitened first and its
    grain taken away when it has much."""
    _whiten_boxes(page, grey, dpi, boxes)
    return ocr_page_image(without_grain(grey), languages, dpi)


def _whiten_boxes(
    page: pymupdf.Page, grey: pymupdf.Pixmap, dpi: int, boxes: list[FoundBox], keep_near: bool = False
) -> None:
    """Each box on the grey page image whitened for OCR (a grey box's fill lightened), keeping
    print near a box beyond a gap of paper when keep_near (see _whiten_box)."""
    zoom = dpi / 72
    to_pixels = page.rotation_matrix * pymupdf.Matrix(zoom, zoom)
    for box in boxes:
        area = pymupdf.Rect(box.rect) * to_pixels
        if box.shade >= GREY_BOX:
            _lighten_grey_box(grey, area, box.shade)
        else:
            _whiten_box(grey, area, zoom, keep_near)


def _read_labels(
    page: pymupdf.Page,
    grey: pymupdf.Pixmap,
    near: pymupdf.Pixmap | None,
    dpi: int,
    languages: str,
    found: list[FoundBox],
    settled,
    page_reading,
) -> None:
    """Set each box's label: its strip of the whitened grey image read again, until settled(text),
    and for a box still unsettled the print under, over and left of it, read from near (a copy
    of the page from before grey was whitened), whitened here keeping the print near each box."""
    if not found:
        return
    _whiten_boxes(page, near, dpi, found, keep_near=True)
    to_pixels = page.rotation_matrix * pymupdf.Matrix(dpi / 72, dpi / 72)
    rects = [(pymupdf.Rect(b.rect) * to_pixels).irect for b in found]
    one_bit_dpi = _scan_resolution(page) if scanned_in_black_and_white(page) else None
    labels = read_labels(grey, near, rects, dpi, languages, settled, page_reading, one_bit_dpi)
    for box, label in zip(found, labels, strict=True):
        box.label = label


def table_words(page: pymupdf.Page, languages: str, dpi: int) -> list:
    """A scanned page read again as the rows of a table (app.pdf.ocr.TABLE_LAYOUT): its words in
    unrotated points, for reading a schedule of documents, not for the page's own text."""
    recognised = ocr_page_image(without_grain(scan_image(page, dpi)), languages, dpi, TABLE_LAYOUT)
    return _unrotated_words(page, recognised, dpi)


def _unrotated_words(page: pymupdf.Page, recognised: Recognised, dpi: int) -> list:
    """Tesseract's word boxes (pixels on the page as displayed now) in unrotated points."""
    zoom = dpi / 72
    to_unrotated = pymupdf.Matrix(1 / zoom, 1 / zoom) * page.derotation_matrix
    return [(text, *rounded_box(*_transformed(box, to_unrotated))) for text, box in recognised.words]


def _whiten_box(grey: pymupdf.Pixmap, box: pymupdf.Rect, zoom: float, keep_near: bool = False) -> None:
    """Turn a black box white for OCR, keeping a ground printed inside it in white, now black.

    Black boxes confuse Tesseract's layout and swallow the grounds printed beside them. The solid
    part of the box (the rows and columns that are mostly ink) is inverted: ink becomes paper and
    a white label becomes black print. The rest of the detected box is blanked, so that no sliver
    of paper inside it turns into a dark line, and so is a band a little beyond it: the descenders
    of a line of text touching the box would run into a label inside it. keep_near: around the
    solid part, only the box's own ink and blurred edge are whitened (_clear_edge), and print
    beyond a gap of paper stays whole, for reading a label printed just under or over a box (on
    a page scanned at a slight angle, the detected box's bounds take in the top of such a label).
    A box with no solid part is blanked whole, a little beyond its edge."""
    edge = BOX_EDGE_POINTS * zoom
    outer = (box + (-edge, -edge, edge, edge)).irect & grey.irect
    solid = _solid_part(grey, outer)
    if solid is None:
        grey.set_rect(outer, (255,))
        return
    grey.invert_irect(solid)
    if keep_near:
        _clear_edge(grey, outer, solid)
        return
    for strip in _around(outer, solid):
        grey.set_rect(strip, (255,))


def _clear_edge(grey: pymupdf.Pixmap, outer: pymupdf.IRect, solid: pymupdf.IRect) -> None:
    """Whiten, in outer, the ink that runs on from a box's solid part: going out from it,
    column by column over and under it and row by row beside it, the pixels darker than
    EDGE_LEVEL up to the first lighter one. Print beyond a gap of paper stays whole for OCR:
    blanking all of outer cut the top off a label printed just under a box ("[withheld under
    s 9(2)(a)]" read "lwithheld under OWavlirl")."""
    region = area_pixels(grey, outer)
    top, bottom = solid.y0 - outer.y0, solid.y1 - outer.y0
    left, right = solid.x0 - outer.x0, solid.x1 - outer.x0
    for side, axis in (
        (region[:top][::-1], 0),
        (region[bottom:], 0),
        (region[top:bottom, :left][:, ::-1], 1),
        (region[top:bottom, right:], 1),
    ):
        side[np.cumprod(side < EDGE_LEVEL, axis=axis, dtype=bool)] = 255


def _lighten_grey_box(grey: pymupdf.Pixmap, box: pymupdf.Rect, shade: float) -> None:
    """Turn a grey box's fill white for OCR, keeping the label printed on it (darker than the
    fill) in black."""
    area = box.irect & grey.irect
    if area.is_empty:
        return
    region = area_pixels(grey, area)
    region[region > GREY_LABEL_INK * shade * 255] = 255


def _solid_part(grey: pymupdf.Pixmap, area: pymupdf.IRect) -> pymupdf.IRect | None:
    """The rows and columns of an area that are mostly ink, a few pixels in from their edge."""
    if area.is_empty:
        return None
    region = area_pixels(grey, area) < INK
    rows, columns = np.flatnonzero(region.mean(axis=1) > 0.5), np.flatnonzero(region.mean(axis=0) > 0.5)
    if len(rows) < 3 or len(columns) < 3:
        return None
    inset = SOLID_INSET_PIXELS  # the box's own soft edge stays out: inverted, it would be a grey line
    x0, y0 = area.x0 + columns[0] + inset, area.y0 + rows[0] + inset
    return pymupdf.IRect(x0, y0, area.x0 + columns[-1] + 1 - inset, area.y0 + rows[-1] + 1 - inset)


def _around(outer: pymupdf.IRect, inner: pymupdf.IRect | None) -> list[pymupdf.IRect]:
    """The strips of outer that lie outside inner (all of outer when there is no inner)."""
    if inner is None or inner.is_empty:
        return [outer]
    strips = [
        (outer.x0, outer.y0, outer.x1, inner.y0),
        (outer.x0, inner.y1, outer.x1, outer.y1),
        (outer.x0, inner.y0, inner.x0, inner.y1),
        (inner.x1, inner.y0, outer.x1, inner.y1),
    ]
    return [pymupdf.IRect(s) for s in strips if s[2] > s[0] and s[3] > s[1]]


def _transformed(box: tuple, m: pymupdf.Matrix) -> tuple[float, float, float, float]:
    """A box through a matrix that turns by multiples of 90 degrees (plain arithmetic: many words)."""
    x0, y0, x1, y1 = box
    xs = (m.a * x0 + m.c * y0 + m.e, m.a * x1 + m.c * y1 + m.e)
    ys = (m.b * x0 + m.d * y0 + m.f, m.b * x1 + m.d * y1 + m.f)
    return min(xs), min(ys), max(xs), max(ys)


def render_page_images(page: pymupdf.Page, images: tuple[Path, Path], grey: pymupdf.Pixmap | None = None) -> None:
    """Write the reading-size and thumbnail PNGs of a page, each atomically; from `grey` (a grey
    render of a grey scan, at READING_DPI or more) when given, rendered in colour otherwise."""
    reading, small = READING_DPI / 72, THUMB_WIDTH_PX / max(page.rect.width, 1)
    if grey is None:  # each drawn at its size: drawing the thumbnail costs a tenth of scaling it down
        pixmap = page.get_pixmap(matrix=pymupdf.Matrix(reading, reading), alpha=False)
        thumb = page.get_pixmap(matrix=pymupdf.Matrix(small, small), alpha=False)
    else:
        pixmap, thumb = _scaled(grey, page, reading), _scaled(grey, page, small)
    _write_atomically(images[0], png_bytes(pixmap))
    _write_atomically(images[1], png_bytes(thumb))


def _scaled(pixmap: pymupdf.Pixmap, page: pymupdf.Page, zoom: float) -> pymupdf.Pixmap:
    """A render of the page (as displayed) scaled to zoom pixels per point (itself when it is that size)."""
    size = page.rect * pymupdf.Matrix(zoom, zoom)
    width, height = round(size.width), round(size.height)
    return pixmap if (pixmap.width, pixmap.height) == (width, height) else scaled(pixmap, width, height)


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
