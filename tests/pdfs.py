"""PDFs made in code, with known words at known places."""

from pathlib import Path

import numpy as np
import pymupdf

# Copies of the files we use from ../shared/corpus, with their sources and licences in README.md.
CORPUS = Path(__file__).resolve().parent / "corpus"
FONT_SIZE = 12
# DejaVu Sans has the macrons of te reo Māori (Debian's fonts-dejavu-core, installed by make test).
FONT_FILE = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def text_pdf(
    pages: list[list[tuple[float, float, str]]], title: str | None = None, rotation: int = 0, size: float = FONT_SIZE
) -> bytes:
    """A PDF of pages with (x, baseline y, text) lines at 12 pt (or size): Helvetica, or DejaVu Sans
    for macrons."""
    doc = pymupdf.open()
    for lines in pages:
        page = doc.new_page(width=595, height=842)
        for x, y, text in lines:
            if any(ord(ch) > 255 for ch in text):
                page.insert_text((x, y), text, fontsize=size, fontname="dejavu", fontfile=FONT_FILE)
            else:
                page.insert_text((x, y), text, fontsize=size, fontname="helv")
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


def scanned_pdf(
    lines: list[tuple[float, float, str]], dpi: int = 200, rotation: int = 0, fontsize: int = 14, flagged: bool = True
) -> bytes:
    """An image-only PDF: the lines are rendered to a picture, so only OCR can read them.

    With a rotation, the picture is stored turned the other way and /Rotate set, so the
    page displays upright, as scanners produce; unless not flagged: then the page displays
    on its side or upside down, as when a sheet went into the scanner the wrong way round.
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
    if rotation and flagged:
        scan.set_rotation(rotation)
    return doc.tobytes()


def turned_scan(turn: int) -> bytes:
    """A one-page scan of a few lines of a briefing, fed in turned by `turn` degrees with no /Rotate
    to say so: "Programme" starts at x=72 on the line written at y=180 of the upright page."""
    lines = [
        (72, 120, "Cabinet in confidence"),
        (72, 180, "Programme sustainment risks for the"),
        (72, 240, "Defence industry workstream, with"),
        (72, 300, "advice on procurement and supply"),
        (72, 360, "chain resilience over four years"),
    ]
    return scanned_pdf(lines, rotation=turn, flagged=False)


def corpus(name: str) -> bytes:
    """The bytes of a file from the test corpus."""
    return (CORPUS / name).read_bytes()


def _box(page, x: float, baseline: float, width: float, ground: str | None, label_inside: bool = False):
    """Draw a black redaction box over one line of 11 pt text, with its ground beside (or inside) it."""
    rect = pymupdf.Rect(x, baseline - 10, x + width, baseline + 3)
    page.draw_rect(rect, color=(0, 0, 0), fill=(0, 0, 0))
    if ground and label_inside:
        page.insert_text((x + 3, baseline), ground, fontsize=8, fontname="helv", color=(1, 1, 1))
    elif ground:
        page.insert_text((x + width + 3, baseline), ground, fontsize=8, fontname="helv")
    return rect


# Passages redacted line by line as one shape: each line's (start, end) in points, the lines 14
# points apart from y = 200. A journalist's words are released before the first line's start
# and after the last line's end.
RAGGED_PASSAGES = {
    "to part way along its last line": [(72, 492), (72, 492), (72, 492), (72, 222)],
    "from part way along its first line": [(300, 492), (72, 492), (72, 492)],
    "both": [(260, 492), (72, 492), (72, 180)],
}
BLACK, GREY = (0, 0, 0), (0.67, 0.67, 0.67)  # a redaction's fill; a grey one as Fisheries NZ's


def ragged_passage_pdf(shape: str, fill: tuple) -> tuple[bytes, list[tuple[float, float]]]:
    """A page with a passage redacted in one shape (RAGGED_PASSAGES), its ground printed on its first
    line (white on black), released words beside its ragged ends, and plain lines below; and the
    centre of each released word group beside the passage."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    lines = RAGGED_PASSAGES[shape]
    for n, (start, end) in enumerate(lines):
        page.draw_rect((start, 200 + 14 * n, end, 214 + 14 * n), color=None, fill=fill)
    released = []
    if lines[0][0] > 72:
        page.insert_text((72, 210), "The Minister said", fontsize=11)
        released.append((110.0, 206.0))
    if (end := lines[-1][1]) < 492:
        page.insert_text((end + 8, 210 + 14 * (len(lines) - 1)), "that increasing catch", fontsize=11)
        released.append((end + 50.0, 207.0 + 14 * (len(lines) - 1)))
    label = (1, 1, 1) if fill == BLACK else (0, 0, 0)
    page.insert_text((lines[0][0] + 3, 209), "s 9(2)(g)(i)", fontsize=8, color=label)
    for n in range(8):
        page.insert_text((72, 300 + 16 * n), f"Line {n} of the briefing's own text follows here.", fontsize=11)
    return doc.tobytes(), released


def oia_release() -> tuple[bytes, dict]:
    """An OIA-style release with known boxes, grounds, a bad redaction and a page withheld in full.

    Returns the PDF and its truth: {"boxes": {page: [(rect, ground)]}, "bad": {page: [rect]},
    "withheld": [pages], "citations": {page: [grounds]}}.
    """
    doc = pymupdf.open()
    truth = {"boxes": {}, "bad": {}, "withheld": [], "citations": {}}

    def add(page_number, rect, ground, bad=False):
        truth["boxes"].setdefault(page_number, []).append((tuple(rect), ground))
        if bad:
            truth["bad"].setdefault(page_number, []).append(tuple(rect))
        if ground:
            truth["citations"].setdefault(page_number, []).append(ground)

    page = doc.new_page(width=595, height=842)
    page.insert_text((72, 80), "BRIEFING: Defence Industry Programme", fontsize=14, fontname="hebo")
    page.draw_line((72, 90), (523, 90), color=(0, 0, 0), width=1)
    page.insert_text((72, 130), "The Minister met", fontsize=11, fontname="helv")
    add(1, _box(page, 160, 130, 110, "s 9(2)(a)"), "9(2)(a)")
    page.insert_text((72, 160), "to discuss supply chain resilience and the sustainment workstream.", fontsize=11)
    page.insert_text((72, 200), "Advice on options:", fontsize=11, fontname="helv")
    add(1, _box(page, 72, 220, 400, "9(2)(g)(i)"), "9(2)(g)(i)")
    add(1, _box(page, 72, 240, 250, None), None)
    page.insert_text((72, 290), "Contact: Ministry of Defence, 04 496 0999.", fontsize=11)
    for y in (320, 340, 360):  # table rules: not boxes
        page.draw_line((72, y), (523, y), color=(0, 0, 0), width=1.5)

    page = doc.new_page(width=595, height=842)
    page.insert_text((72, 100), "Costs", fontsize=14, fontname="hebo")
    page.insert_text((72, 130), "The contract price is", fontsize=11)
    add(2, _box(page, 185, 130, 90, "s 9(2)(b)(ii)"), "9(2)(b)(ii)")
    page.insert_text((72, 160), "Vendor: Acme Holdings Limited", fontsize=11)  # then a box drawn over it: leaky
    add(2, _box(page, 70, 160, 180, "s 9(2)(ba)(i)"), "9(2)(ba)(i)", bad=True)
    page.insert_text((72, 200), "Foreign partner:", fontsize=11)
    add(2, _box(page, 160, 200, 120, "s6(a)", label_inside=True), "6(a)")

    page = doc.new_page(width=595, height=842)
    page.insert_text((150, 400), "Page withheld in full under section 9(2)(g)(i) of the Act.", fontsize=12)
    truth["withheld"].append(3)
    truth["citations"][3] = ["9(2)(g)(i)"]
    return doc.tobytes(), truth


def scanned_copy(pdf: bytes, dpi: int = 200, jpeg_quality: int | None = None) -> bytes:
    """The same pages as images only, as a scanner would produce them: stored losslessly (about
    4 MB a page at 200 dpi), or as JPEG at jpeg_quality, as most scanners do (a tenth of that)."""
    source = pymupdf.open(stream=pdf, filetype="pdf")
    doc = pymupdf.open()
    for page in source:
        pixmap = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
        image = pixmap.tobytes("png") if jpeg_quality is None else pixmap.tobytes("jpeg", jpg_quality=jpeg_quality)
        scan = doc.new_page(width=page.rect.width, height=page.rect.height)
        scan.insert_image(scan.rect, stream=image)
    return doc.tobytes()


def active_content_pdf() -> bytes:
    """A one-page PDF with every kind of active content an annotated export must drop: document
    JavaScript in /Names, /OpenAction, /AA on the catalog, the page and a form field, links whose
    inline actions are JavaScript and Launch, an embedded file and a file attachment annotation."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_text((72, 100), "Cabinet paper: procurement risks", fontsize=FONT_SIZE)
    page.insert_link({"kind": pymupdf.LINK_URI, "from": pymupdf.Rect(72, 200, 200, 215), "uri": "https://example.nz"})
    page.insert_link({"kind": pymupdf.LINK_URI, "from": pymupdf.Rect(72, 220, 200, 235), "uri": "https://example.org"})
    page.add_file_annot((300, 300), b"attached secret", "attached.txt")
    doc.embfile_add("embedded.txt", b"embedded secret")
    widget = pymupdf.Widget()
    widget.field_type, widget.field_name = pymupdf.PDF_WIDGET_TYPE_TEXT, "name"
    widget.rect = pymupdf.Rect(72, 400, 300, 420)
    widget.script_change = "app.alert('field');"
    page.add_widget(widget)
    catalog = doc.pdf_catalog()
    script = doc.get_new_xref()
    doc.update_object(script, "<< /S /JavaScript /JS (app.alert('names');) >>")
    doc.xref_set_key(catalog, "Names/JavaScript", f"<< /Names [(start) {script} 0 R] >>")
    doc.xref_set_key(catalog, "OpenAction", "<< /S /JavaScript /JS (app.alert('open');) >>")
    doc.xref_set_key(catalog, "AA", "<< /WC << /S /JavaScript /JS (app.alert('close');) >> >>")
    doc.xref_set_key(page.xref, "AA", "<< /O << /S /JavaScript /JS (app.alert('page');) >> >>")
    page = doc.reload_page(page)
    first, second = [link["xref"] for link in page.get_links()]
    doc.xref_set_key(first, "A", "<< /S /JavaScript /JS (app.alert('link');) >>")
    doc.xref_set_key(second, "A", "<< /S /Launch /F (calc.exe) /Next << /S /JavaScript /JS (1) >> >>")
    return doc.tobytes()


SUPERSAMPLE = 3  # a rough scan is turned at three times its resolution, then averaged down
GRAIN = 18  # standard deviation of the grey-level noise of a rough scan


def rough_scan(
    pdf: bytes, truth: list[dict], dpi: int, seed: int, jpeg_quality: int | None = None
) -> tuple[bytes, list[dict]]:
    """The pages as a poor scanner gives them: grey at dpi, turned by up to 1.2 degrees, with
    speckle and grain, stored losslessly or as JPEG at jpeg_quality; and the truth moved as the
    pages were (box rectangles turned with them)."""
    rng = np.random.default_rng(seed)
    source, doc = pymupdf.open(stream=pdf, filetype="pdf"), pymupdf.open()
    moved = []
    for page, expected in zip(source, truth, strict=True):
        angle = float(rng.uniform(-1.2, 1.2))
        # Turned at three times the resolution, then averaged down: a scanner samples optically, so
        # a turned edge comes out soft, not jagged.
        grey = page.get_pixmap(dpi=dpi * SUPERSAMPLE, colorspace=pymupdf.csGRAY)
        fine = _turned(np.frombuffer(grey.samples, np.uint8).reshape(grey.height, grey.width), angle)
        pixels = _averaged(fine, SUPERSAMPLE)
        pixels = _speckled(pixels, rng)
        image = pymupdf.Pixmap(pymupdf.csGRAY, pixels.shape[1], pixels.shape[0], pixels.tobytes(), False)
        scan = doc.new_page(width=page.rect.width, height=page.rect.height)
        if jpeg_quality is None:
            scan.insert_image(scan.rect, pixmap=image)
        else:
            scan.insert_image(scan.rect, stream=image.tobytes("jpeg", jpg_quality=jpeg_quality))
        turn = _turn_points(angle, page.rect.width / 2, page.rect.height / 2)
        moved.append({**expected, "boxes": [(turn(rect), ground) for rect, ground in expected["boxes"]], "bad": []})
    return doc.tobytes(deflate=True), moved


def watermarked(pdf: bytes, text: str, size: float, grey: float) -> bytes:
    """The pages with text stamped across each, corner to corner, in grey (0 black, 1 white),
    under their content, as releases are stamped "Proactively Released"."""
    doc = pymupdf.open(stream=pdf, filetype="pdf")
    for page in doc:
        centre = pymupdf.Point(page.rect.width / 2, page.rect.height / 2)
        start = centre + (-pymupdf.get_text_length(text, "helv", size) / 2, size / 3)
        turned = (centre, pymupdf.Matrix(-45))
        page.insert_text(start, text, fontsize=size, fontname="helv", color=(grey,) * 3, morph=turned, overlay=False)
    return doc.tobytes()


def black_and_white(scan: bytes, threshold: int = 128) -> bytes:
    """A scan's pages as a scanner in black-and-white mode gives them: each page's image
    thresholded and stored at one bit a pixel (small print's thin strokes break, grain turns to
    specks)."""
    source, doc = pymupdf.open(stream=scan, filetype="pdf"), pymupdf.open()
    for page in source:
        grey = pymupdf.Pixmap(source, page.get_images()[0][0])
        pixels = np.frombuffer(grey.samples, np.uint8).reshape(grey.height, grey.width)
        bits = np.packbits(pixels < threshold, axis=1)  # PBM: 1 is black
        header = b"P4\n%d %d\n" % (grey.width, grey.height)
        new = doc.new_page(width=page.rect.width, height=page.rect.height)
        new.insert_image(new.rect, stream=header + bits.tobytes())
    return doc.tobytes(deflate=True)


def _turned(pixels: np.ndarray, degrees: float) -> np.ndarray:
    """An image turned about its centre (nearest pixel; paper shows where nothing maps)."""
    height, width = pixels.shape
    theta = np.radians(degrees)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    cx, cy = width / 2, height / 2
    sx = np.cos(theta) * (xs - cx) + np.sin(theta) * (ys - cy) + cx  # where each output pixel comes from
    sy = -np.sin(theta) * (xs - cx) + np.cos(theta) * (ys - cy) + cy
    inside = (sx >= 0) & (sx < width - 1) & (sy >= 0) & (sy < height - 1)
    out = np.full_like(pixels, 255)
    out[inside] = pixels[sy[inside].round().astype(int), sx[inside].round().astype(int)]
    return out


def _averaged(pixels: np.ndarray, factor: int) -> np.ndarray:
    """The image shrunk by factor, each pixel the mean of a factor x factor block."""
    height, width = (pixels.shape[0] // factor) * factor, (pixels.shape[1] // factor) * factor
    blocks = pixels[:height, :width].reshape(height // factor, factor, width // factor, factor)
    return blocks.mean(axis=(1, 3)).astype(np.uint8)


def _speckled(pixels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Grain everywhere, dark specks on the paper and pale holes in the ink."""
    noisy = pixels.astype(np.int16) + rng.normal(0, GRAIN, pixels.shape).astype(np.int16)
    specks = rng.random(pixels.shape)
    noisy[specks < 0.004] = 30
    noisy[specks > 0.997] = 230
    return np.clip(noisy, 0, 255).astype(np.uint8)


def _turn_points(degrees: float, cx: float, cy: float):
    """The bounding rectangle of a rectangle turned as _turned turns the image (clockwise on screen)."""
    theta = np.radians(degrees)

    def turn(rect):
        x0, y0, x1, y1 = rect
        corners = [(x, y) for x in (x0, x1) for y in (y0, y1)]
        xs = [np.cos(theta) * (x - cx) - np.sin(theta) * (y - cy) + cx for x, y in corners]
        ys = [np.sin(theta) * (x - cx) + np.cos(theta) * (y - cy) + cy for x, y in corners]
        return (float(min(xs)), float(min(ys)), float(max(xs)), float(max(ys)))

    return turn
