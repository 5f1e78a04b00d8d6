"""Reading one page's redactions: which ground belongs to which box, labels inside boxes, and
boxes found on generated pages (drawn in pieces, white-labelled on scans, patches in photos)."""

import numpy as np
import pymupdf
import pytest
from pdfs import BLACK, GREY, RAGGED_PASSAGES, black_and_white, ragged_passage_pdf, rough_scan

from app.core.rects import iou
from app.pdf.boxes import FoundBox, find_boxes
from app.redactions.reading import read_page

LINE = 24


def line(y: float, *pieces: tuple[float, str]) -> list[dict]:
    """Words of 11 pt text on the line with baseline y, each (x, text) 5 points a character."""
    return [{"text": t, "x0": x, "y0": y - 9, "x1": x + 5 * len(t), "y1": y + 2} for x, t in pieces]


def box(x0: float, x1: float, y: float) -> FoundBox:
    return FoundBox((x0, y - 10, x1, y + 3), "vector")


def read(words: list[dict], boxes: list[FoundBox]):
    return read_page(" ".join(w["text"] for w in words), words, boxes, False, "nz-oia").boxes


@pytest.mark.parametrize(
    ("words", "boxes", "grounds"),
    [
        # beside the box
        (line(100, (72, "The"), (230, "s"), (240, "9(2)(a)")), [box(100, 225, 100)], ["9(2)(a)"]),
        # a label starting right after the box, its citation further in: "[withheld under s 9(2)(b)(ii)]"
        (
            line(100, (305, "[withheld"), (355, "under"), (385, "s"), (395, "9(2)(b)(ii)]"))
            + line(100 - LINE, (150, "s"), (160, "6(b)")),
            [box(72, 300, 100)],
            ["9(2)(b)(ii)"],
        ),
        # an unlabelled box under a labelled one does not borrow its ground
        (line(100, (200, "s"), (210, "9(2)(a)")), [box(72, 195, 100), box(72, 150, 100 + LINE)], ["9(2)(a)", None]),
        # a box alone on its line takes the ground at the line's end, however far
        (line(100, (72, "Vendor:"), (120, "Acme"), (480, "s"), (490, "6(a)")), [box(118, 160, 100)], ["6(a)"]),
        # a ground printed under a box with none on its line
        (line(100 + 14, (80, "9(2)(g)(i)"), (130, "OIA")), [box(72, 400, 100)], ["9(2)(g)(i)"]),
        # two boxes on a line, each with its own ground
        (
            line(100, (130, "s"), (140, "9(2)(a)"), (330, "s"), (340, "9(2)(h)")),
            [box(72, 125, 100), box(200, 325, 100)],
            ["9(2)(a)", "9(2)(h)"],
        ),
    ],
)
def test_each_box_gets_its_own_ground(words, boxes, grounds):
    assert [b["ground"] for b in read(words, boxes)] == grounds


def spaced(y: float, x: float, *texts: str) -> list[dict]:
    """Words printed a space apart from x on the line with baseline y."""
    pieces = []
    for text in texts:
        pieces.append((x, text))
        x += 5 * len(text) + 3
    return line(y, *pieces)


@pytest.mark.parametrize(
    ("words", "boxes", "grounds"),
    [
        # a label beside a box citing two grounds, and one citing three with "and"
        (spaced(100, 230, "s", "9(2)(f)(iv),", "9(2)(g)(i)"), [box(72, 225, 100)], [["9(2)(f)(iv)", "9(2)(g)(i)"]]),
        (
            spaced(100, 230, "s", "6(a),", "9(2)(f)(iv)", "and", "9(2)(g)(i)"),
            [box(72, 225, 100)],
            [["6(a)", "9(2)(f)(iv)", "9(2)(g)(i)"]],
        ),
        # printed inside the box, the box's run of boxes below sharing it
        (
            spaced(100, 80, "9(2)(f)(iv),", "9(2)(g)(i)"),
            [box(75, 400, 100), box(72, 400, 100 + 13)],
            [["9(2)(f)(iv)", "9(2)(g)(i)"]] * 2,
        ),
        # two grounds a box apart on one line are two labels, one each
        (
            spaced(100, 130, "s", "9(2)(a)") + spaced(100, 330, "s", "9(2)(h)"),
            [box(72, 125, 100), box(200, 325, 100)],
            [["9(2)(a)"], ["9(2)(h)"]],
        ),
    ],
)
def test_a_box_whose_label_cites_several_grounds_is_withheld_under_them_all(words, boxes, grounds):
    read_boxes = read(words, boxes)
    assert [[b["ground"], *b["more_grounds"]] for b in read_boxes] == grounds


@pytest.mark.parametrize(
    "label",
    [["[withheld", "under", "s", "6(a)]"], ["9(2)(g)(i)", "OIA"], ["section", "9(2)(a)"], ["s.", "9(2)(ba)(i)"]],
)
def test_a_label_inside_a_box_is_not_text_left_under_it(label):
    x, pieces = 80, []
    for text in label:  # words a space apart, as printed
        pieces.append((x, text))
        x += 5 * len(text) + 3
    [found] = read(line(100, *pieces), [box(75, x + 2, 100)])
    assert (found["text_under"], found["hidden_text"]) == (False, None)
    assert found["ground"] is not None


def test_words_under_a_box_beside_its_label_are_still_flagged():
    words = line(100, (80, "Acme"), (110, "Holdings"), (200, "under"), (240, "s"), (250, "9(2)(a)"))
    [found] = read(words, [box(75, 160, 100)])
    assert (found["text_under"], found["hidden_text"], found["ground"]) == (True, "Acme Holdings", "9(2)(a)")


def page_with(draw) -> pymupdf.Page:
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    draw(page)
    return page


def as_scan(page: pymupdf.Page) -> pymupdf.Page:
    pixmap = page.get_pixmap(dpi=200, colorspace=pymupdf.csGRAY)
    doc = pymupdf.open()
    scan = doc.new_page(width=595, height=842)
    scan.insert_image(scan.rect, stream=pixmap.tobytes("png"))
    return scan


def test_a_box_drawn_in_touching_pieces_is_one_box():
    def draw(page):
        page.draw_rect((100, 100, 104, 113), color=None, fill=(0, 0, 0))
        page.draw_rect((104, 100, 180, 113), color=None, fill=(0, 0, 0))
        page.draw_rect((100, 140, 180, 153), color=None, fill=(0, 0, 0))  # the next line: separate

    assert [b.rect for b in find_boxes(page_with(draw), scanned=False)] == [(100, 100, 180, 113), (100, 140, 180, 153)]


def test_a_white_labelled_box_on_a_scan_is_found():
    def draw(page):
        page.draw_rect((100, 100, 220, 113), color=(0, 0, 0), fill=(0, 0, 0))
        page.insert_text((103, 110), "[withheld under s 9(2)(a)]", fontsize=8, color=(1, 1, 1))

    [found] = find_boxes(as_scan(page_with(draw)), scanned=True)
    assert found.kind == "image"
    assert all(abs(a - b) <= 2 for a, b in zip(found.rect, (100, 100, 220, 113), strict=True))


BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"  # Debian's fonts-dejavu-core


@pytest.mark.parametrize("label", ["6(b) OIA", "s 9(2)(a)", "section 18(d)", "9(2)(f)(iv)"])
def test_a_small_box_labelled_white_in_bold_on_a_rough_scan_is_found(label):
    def draw(page):
        width = pymupdf.Font(fontfile=BOLD).text_length(label, fontsize=9) + 6
        page.draw_rect((150, 290, 150 + width, 303), color=(0, 0, 0), fill=(0, 0, 0))
        page.insert_text((153, 300), label, fontsize=9, fontname="bold", fontfile=BOLD, color=(1, 1, 1))
        page.insert_text((72, 300), "Officials met", fontsize=11)

    document = pymupdf.open()
    draw(document.new_page(width=595, height=842))
    scan, _ = rough_scan(document.tobytes(), [{"boxes": []}], 150, 7)
    [found] = find_boxes(pymupdf.open(stream=scan, filetype="pdf")[0], scanned=True)
    assert found.rect[0] == pytest.approx(150, abs=3) and found.rect[1] == pytest.approx(290, abs=3)


def test_white_words_on_a_logo_s_block_and_a_heavy_letter_are_no_boxes_on_a_scan():
    def draw(page):
        page.draw_rect((454, 29, 538, 55), color=(0, 0, 0), fill=(0, 0, 0))  # a ministry's logo, two lines
        page.insert_text((470, 40), "MINISTRY OF", fontsize=8, fontname="bold", fontfile=BOLD, color=(1, 1, 1))
        page.insert_text((470, 52), "HEALTH", fontsize=11, fontname="bold", fontfile=BOLD, color=(1, 1, 1))
        page.insert_text((160, 150), "PROBE", fontsize=40, fontname="bold", fontfile=BOLD)
        for n in range(20):
            page.insert_text((72, 220 + 20 * n), f"Line {n} of the letter's own text.", fontsize=11)

    assert find_boxes(as_scan(page_with(draw)), scanned=True) == []


def test_dark_patches_of_a_photograph_are_not_boxes():
    def draw(page):
        rng = np.random.default_rng(7)
        pixels = (rng.random((40, 60)) * 255).astype(np.uint8)
        pixels[10:25, 10:30] = 5  # a solid dark patch inside the photo
        photo = pymupdf.Pixmap(pymupdf.csGRAY, 60, 40, pixels.tobytes(), False)
        page.insert_image((100, 100, 280, 220), pixmap=photo)
        page.draw_rect((100, 300, 220, 313), color=(0, 0, 0), fill=(0, 0, 0))  # a real box

    found = find_boxes(as_scan(page_with(draw)), scanned=True)
    assert len(found) == 1 and found[0].rect[1] > 290


def test_a_ground_printed_white_inside_a_scanned_box_is_read():
    from app.pdf.extract import extract_page

    def draw(page):
        page.insert_text((72, 100), "Advice on the contract:", fontsize=11)
        page.draw_rect((72, 110, 360, 128), color=(0, 0, 0), fill=(0, 0, 0))
        page.insert_text((78, 123), "[withheld under s 9(2)(g)(i)]", fontsize=10, color=(1, 1, 1))

    doc = pymupdf.open(stream=as_scan(page_with(draw)).parent.tobytes(), filetype="pdf")
    content = extract_page(doc, 1, None, "eng", 300)
    words = [{"text": t, "x0": a, "y0": b, "x1": c, "y1": d} for t, a, b, c, d in content.words]
    [found] = read_page(content.text, words, content.boxes, True, "nz-oia").boxes
    assert content.ocr and found["kind"] == "image"
    assert found["ground"] == "9(2)(g)(i)"  # read inside the box, which is inverted rather than blanked
    assert "Advice on the contract" in content.text


def _read_as_a_scan(draw, colour: bool = False) -> list[dict]:
    """The boxes read on a page drawn, scanned at 200 dpi (in colour if asked) and OCRed."""
    from app.pdf.extract import extract_page

    page = page_with(draw)
    pixmap = page.get_pixmap(dpi=200, colorspace=pymupdf.csRGB if colour else pymupdf.csGRAY)
    doc = pymupdf.open()
    doc.new_page(width=595, height=842).insert_image(doc[0].rect, stream=pixmap.tobytes("png"))
    doc = pymupdf.open(stream=doc.tobytes(), filetype="pdf")
    content = extract_page(doc, 1, None, "eng", 300)
    words = [{"text": t, "x0": a, "y0": b, "x1": c, "y1": d} for t, a, b, c, d in content.words]
    return read_page(content.text, words, content.boxes, True, "nz-oia").boxes


def _banner_and_a_box(page, banner_colour=(0, 0, 0)):
    page.draw_rect((60, 80, 535, 100), color=banner_colour, fill=banner_colour)
    page.insert_text((66, 95), "Cabinet Committee Background Information", fontsize=13, color=(1, 1, 1))
    page.insert_text((72, 140), "The contract was signed by the supplier.", fontsize=11)
    page.draw_rect((72, 150, 300, 164), color=(0, 0, 0), fill=(0, 0, 0))
    page.insert_text((310, 161), "s 9(2)(a)", fontsize=9)


def test_a_black_heading_band_printed_white_on_a_scan_is_no_redaction():
    [found] = _read_as_a_scan(_banner_and_a_box)
    assert found["rect"][1] > 140 and found["ground"] == "9(2)(a)"  # the box, not the band


def test_a_coloured_heading_band_on_a_colour_scan_is_no_redaction():
    def draw(page):
        _banner_and_a_box(page, banner_colour=(0.1, 0.2, 0.4))  # navy, as the Corrections bands
        page.draw_rect((60, 300, 535, 318), color=(0.1, 0.2, 0.4), fill=(0.1, 0.2, 0.4))
        page.insert_text((66, 313), "Contacts", fontsize=11, color=(1, 1, 1))  # one word: colour tells

    [found] = _read_as_a_scan(draw, colour=True)
    assert found["rect"][1] > 140 and found["ground"] == "9(2)(a)"


@pytest.mark.parametrize("fill", [BLACK, GREY])
def test_a_block_of_lines_ending_beside_plain_words_on_a_scan_is_a_redaction_that_covers_none_of_them(fill):
    """Three lines and a part redacted, the last line going on in released words: one shape on the
    scan, read as the full lines and the part, each with the ground printed on the first (a
    rectangle around the shape covered the released words: a grey one was taken for shading,
    a black one hid them)."""

    def draw(page):
        for n, width in enumerate((420, 420, 420, 150)):  # three lines and a part, then the line goes on
            page.draw_rect((72, 200 + 14 * n, 72 + width, 200 + 14 * n + 14), color=None, fill=fill)
        page.insert_text((230, 252), "fishers may feel that increasing catch", fontsize=11)
        page.insert_text((75, 209), "s 9(2)(g)(i)", fontsize=8, color=(1, 1, 1) if fill == BLACK else (0, 0, 0))

    found = sorted(_read_as_a_scan(draw), key=lambda box: box["rect"][1])
    assert [box["ground"] for box in found] == ["9(2)(g)(i)", "9(2)(g)(i)"]
    lines, part = found[0]["rect"], found[1]["rect"]
    assert abs(lines[1] - 200) <= 2 and abs(lines[3] - 242) <= 2 and lines[2] > 485
    assert abs(part[1] - 242) <= 2 and part[2] < 230  # ends before the released words begin
    assert not any(box["text_under"] for box in found)


@pytest.mark.parametrize("fill", [BLACK, GREY])
@pytest.mark.parametrize("shape", RAGGED_PASSAGES)
def test_a_passage_redacted_in_one_ragged_shape_on_a_rough_scan_is_cut_into_boxes_that_cover_no_released_word(
    shape, fill
):
    """150 dpi, turned a degree, grain and specks: the shape is found as its lines, and none of
    its boxes covers the words released beside its ragged ends (before, 49 of 72 such pages in
    bench/ragged.py gave no box and the rest one covering them)."""
    pdf, released = ragged_passage_pdf(shape, fill)
    scan, _ = rough_scan(pdf, [{"boxes": [], "bad": []}], 150, seed=3)  # turned 0.99 degrees
    found = find_boxes(pymupdf.open(stream=scan, filetype="pdf")[0], scanned=True)
    lines = RAGGED_PASSAGES[shape]
    assert len(found) >= 2 and len({box.shape for box in found}) == 1, [box.rect for box in found]
    assert min(box.rect[1] for box in found) <= 202 and max(box.rect[3] for box in found) >= 198 + 14 * len(lines)
    assert not [(box.rect, word) for box in found for word in released if _within(word, box.rect)]


def _within(point, rect) -> bool:
    return rect[0] <= point[0] <= rect[2] and rect[1] <= point[1] <= rect[3]


def test_a_label_serves_the_boxes_of_its_own_fill_only():
    """A grey box labelled on a scan, a slate table heading touching it above and a slate footer
    cell below: the run of boxes a label serves is drawn in one fill (the heading and the cell
    took the grey box's ground, and were proposed as redactions)."""
    words = line(612, (382, "s9(2)(a)"))
    heading = FoundBox((120, 579, 526, 604), "image", shade=0.42)
    redaction = FoundBox((379, 604, 466, 757), "image", shade=0.67)
    footer = FoundBox((447, 783, 523, 794), "image", shade=0.42)
    second = FoundBox((379, 760, 466, 775), "image", shade=0.65)  # more of the same redaction
    text = " ".join(w["text"] for w in words)
    found = read_page(text, words, [heading, redaction, second, footer], True, "nz-oia").boxes
    assert [(box["rect"][1], box["ground"]) for box in found] == [(604, "9(2)(a)"), (760, "9(2)(a)")]


def test_plain_words_read_on_a_dark_box_of_a_scan_make_a_band_only_when_they_fill_its_height():
    words = line(254, (230, "fishers"), (270, "may"), (290, "feel"), (315, "that"), (340, "increasing"))
    band = FoundBox((72, 242, 492, 258), "image")  # one line: white print on a heading band
    block = FoundBox((72, 200, 492, 258), "image")  # four lines: the words end the last, beside the box
    text = " ".join(w["text"] for w in words)
    assert read_page(text, words, [band], True, "nz-oia").boxes == []
    assert len(read_page(text, words, [block], True, "nz-oia").boxes) == 1
    misread = FoundBox(band.rect, "image", label="Pad eeteine 9(2)(a) OIA")  # a white label OCR garbled
    assert [b["ground"] for b in read_page(text, words, [misread], True, "nz-oia").boxes] == ["9(2)(a)"]


def test_dark_shapes_in_a_logo_on_a_page_of_text_are_no_redaction():
    def draw(page):
        logo = np.full((60, 160), 255, dtype=np.uint8)
        logo[20:40, 10:34] = logo[20:40, 44:68] = 20  # dark shapes, as in a ministry's logo
        page.insert_image((40, 30, 200, 90), pixmap=pymupdf.Pixmap(pymupdf.csGRAY, 160, 60, logo.tobytes(), False))
        for level, rect in ((120, (0, 650, 595, 842)), (180, (400, 0, 595, 200))):  # a footer, a corner
            band = np.full((40, 100), level, dtype=np.uint8)
            page.insert_image(
                rect, pixmap=pymupdf.Pixmap(pymupdf.csGRAY, 100, 40, band.tobytes(), False), keep_proportion=False
            )
        for n in range(20):
            page.insert_text((72, 220 + 20 * n), f"Line {n} of the aide memoire's own text.", fontsize=11)

    page = page_with(draw)
    assert sum(abs(pymupdf.Rect(i["bbox"])) for i in page.get_image_info()) >= 0.3 * abs(page.rect)  # looks scanned
    assert find_boxes(page, scanned=True) == []


def test_grey_blocks_joined_by_a_watermark_across_them_are_each_a_box():
    def draw(page):
        grey = (0.67, 0.67, 0.67)  # as Fisheries NZ's blocks, over runs of lines with a ragged end
        for top, widths in ((260, (416, 416, 400, 416, 300)), (330, (413, 413, 413, 380, 413, 250))):
            for n, width in enumerate(widths):
                page.draw_rect((98, top + 12 * n, 98 + width, top + 12 * n + 12), color=None, fill=grey)
        page.insert_text((98, 258), "s 9(2)(ba)(i)", fontsize=7)
        watermark = pymupdf.Matrix(1, 0, 0, 1, 0, 0).prerotate(50)
        page.insert_text(
            (60, 560),
            "Proactively Released",
            fontsize=64,
            color=(0.45, 0.45, 0.45),
            morph=(pymupdf.Point(60, 560), watermark),
        )

    found = sorted(find_boxes(as_scan(page_with(draw)), scanned=True), key=lambda box: box.rect[1])
    truth = [(98, 260, 514, 320), (98, 330, 511, 402)]
    assert len(found) == 2, [box.rect for box in found]
    for box, block in zip(found, truth, strict=True):
        assert iou(box.rect, block) >= 0.8, (box.rect, block)


LABELLED = [  # (ground, as printed beside or inside its box)
    ("9(2)(j)", "s9(2)(j)"),
    ("9(2)(f)(iv)", "9(2)(f)(iv)"),
    ("9(2)(a)", "s 9(2)(a)"),
    ("9(2)(g)(i)", "[withheld under s 9(2)(g)(i)]"),
    ("9(2)(ba)(i)", "section 9(2)(ba)(i)"),
    ("6(a)", "s6(a)"),
    ("9(2)(b)(ii)", "s. 9(2)(b)(ii)"),
    ("9(2)(k)", "9(2)(k) OIA"),
    ("18(d)", "s 18(d)"),
    ("9(2)(h)", "s 9(2)(h)"),
]


def test_grounds_in_small_print_beside_boxes_on_a_poor_scan_are_paired():
    """150 dpi, turned 1.2 degrees, grain and specks, 9 pt labels: page-wide OCR read these as
    "$902)0)_" and "9(2)(f)liv)" and paired 3 of 10; each label strip is now read again."""
    found, right = _labels_read_on_a_rough_scan(LABELLED, 9, "helv", seed=9)
    assert len(found) == len(LABELLED)
    assert right >= 9, [(b["ground"]) for b in found]


@pytest.mark.parametrize(
    ("dpi", "size", "font", "seeds", "least"),
    [
        # Read as they were: 19 of the 30 labels paired right; now 25. Enlarged from 200 dpi for reading.
        (200, 8, "tiro", (1, 3, 5), 23),
        # Read as they were: 8 of the 20; now 19. The scan's own pixels, where a median took the strokes.
        (300, 7, "cour", (1, 2), 17),
    ],
)
def test_small_print_on_a_black_and_white_scan_is_made_bolder_before_its_label_is_read(dpi, size, font, seeds, least):
    """Labels beside boxes, scanned rough and stored at one bit a pixel: the scanner's threshold
    breaks small print's thin strokes."""
    right = 0
    for seed in seeds:
        found, paired = _labels_read_on_a_rough_scan(LABELLED, size, font, seed=seed, dpi=dpi, one_bit=True)
        assert len(found) == len(LABELLED)
        right += paired
    assert right >= least


def _labels_read_on_a_rough_scan(
    labelled: list, size: float, font: str, seed: int, dpi: int = 150, one_bit: bool = False
) -> tuple[list[dict], int]:
    """A page of boxes, each with its label printed beside it (size, font), scanned rough at
    dpi (then thresholded to one bit a pixel if one_bit): the boxes read, and how many were
    paired with their own ground."""

    from app.ingest.pipeline import cites_a_ground
    from app.pdf.extract import extract_page

    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    truth = []
    for i, (ground, label) in enumerate(labelled):
        y = 120 + 60 * i
        page.insert_text((72, y), "The Minister noted the advice of officials.", fontsize=11)
        rect = (72, y + 14, 72 + 120 + 15 * (i % 4), y + 27)
        page.draw_rect(rect, color=(0, 0, 0), fill=(0, 0, 0))
        page.insert_text((rect[2] + 4, y + 24), label, fontsize=size, fontname=font)
        truth.append((rect, ground))
    scan, [moved] = rough_scan(doc.tobytes(), [{"boxes": truth, "bad": [], "citations": []}], dpi, seed=seed)
    scan = black_and_white(scan) if one_bit else scan
    scanned = pymupdf.open(stream=scan, filetype="pdf")
    content = extract_page(scanned, 1, None, "eng", 300, lambda text: cites_a_ground(text, "nz-oia"))
    words = [{"text": t, "x0": a, "y0": b, "x1": c, "y1": d} for t, a, b, c, d in content.words]
    found = read_page(content.text, words, content.boxes, True, "nz-oia").boxes
    right = sum(1 for b in found for rect, g in moved["boxes"] if _overlaps(b["rect"], rect) and b["ground"] == g)
    return found, right


def _overlaps(a, b) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def test_a_long_box_scanned_askew_is_found():
    """Turned 1.2 degrees, a 380-point box fills only 62% of its bounding rectangle."""

    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_text((72, 280), "Advice on options:", fontsize=11)
    page.draw_rect((72, 300, 452, 313), color=(0, 0, 0), fill=(0, 0, 0))
    truth = [{"boxes": [((72, 300, 452, 313), None)], "bad": [], "citations": []}]
    scan, [moved] = rough_scan(doc.tobytes(), truth, 150, seed=10)  # turned 1.09 degrees
    [found] = find_boxes(pymupdf.open(stream=scan, filetype="pdf")[0], scanned=True)
    assert _overlaps(found.rect, moved["boxes"][0][0]) and found.rect[2] - found.rect[0] > 370


@pytest.mark.parametrize(
    ("readings", "expected"),
    [
        # Two readings cut short ("(ii" then " OIA") cite 9(2)(b); the one read whole says (b)(ii).
        (["9(2)(b)(ii OIA", "9(2)(b)(ti) OIA", "9(2)(b)(ii) OIA"], "9(2)(b)(ii)"),
        (["9(2)(ba)i) OIA", "9(2)(ba)(1) OIA"], "9(2)(ba)(i)"),
        (["9(2) (g) (ii"], "9(2)(g)"),  # cut short and nothing better: the ground as far as it was read
        (["s 9(2)(a)", "s 9(2)(e)", "$9(2)(a)"], "9(2)(a)"),
        # 9(2)(g) read alone may have lost its "(i)": one reading that has it outweighs it.
        (["$9 (2) (g).(4) to this paper.", "s9 (2) (g) (i) to this paper."], "9(2)(g)(i)"),
        (["s 9(2)(g) in the annex", "s 9(2)(g) in the annex"], "9(2)(g)"),  # and a 9(2)(g) alone stays one
        # Readings cut short count for what they were cut from: together they outweigh no reading
        # of the whole, and they do not outweigh the one that read it whole.
        (["9(2)(g)(ti),", "9(2)(g)iti)", "9(2)(9)4i)", "9(2)(g)tI)", "s 9(2)(g)(ii) ."], "9(2)(g)(ii)"),
        (["partners remains under"], None),
        # Print cut in half by the strip's edge, read as scraps: a mangled ground in it is chance.
        (["i lad 7 ea ows . de a] ros ee io we wee wis s es : 8 ee)"], None),
        # The Act has no 9(2)(i)(iv): that reading is a misread 9(2)(f)(iv), not a ground printed whole.
        (["s9(2) (I) (iv) met the defence", "s9(2)(f)liv) met the defence"], "9(2)(f)(iv)"),
    ],
)
def test_the_readings_of_a_label_strip_vote_by_how_they_were_read(readings, expected):
    from app.redactions.reading import _label_ground

    ground = _label_ground("\n".join(readings), "nz-oia")
    assert (ground["ground"] if ground else None) == expected


@pytest.mark.parametrize(
    ("readings", "expected"),
    [
        (["s 9(2)(f)(iv), 9(2)(g)(i)", "s 9(2)(f)(iv), 9(2)(g)(i)"], ["9(2)(f)(iv)", "9(2)(g)(i)"]),
        # the second ground read whole once, cut short in another reading: the whole reading says it
        (["$9(2)(f)(iv), 9(2)(g)(", "s 9(2)(f)(iv) and 9(2)(g)(i)"], ["9(2)(f)(iv)", "9(2)(g)(i)"]),
        # a ground the Act does not have, or one cut short, is not a further ground
        (["s 9(2)(a), 9(2)(h)(iv)"], ["9(2)(a)"]),
        (["s 9(2)(a), 9(2)(g)"], ["9(2)(a)"]),
        # a ground printed further along the line, after words, is not the box's
        (["s 9(2)(a) of the Act covers 9(2)(h)"], ["9(2)(a)"]),
    ],
)
def test_the_readings_of_a_label_strip_give_every_ground_printed_together(readings, expected):
    from app.redactions.reading import _label_ground

    assert _label_ground("\n".join(readings), "nz-oia")["grounds"] == expected


def test_a_box_labelled_with_two_grounds_on_a_scan_is_withheld_under_both():
    def draw(page):
        page.insert_text((72, 100), "The funding options were:", fontsize=11)
        page.draw_rect((72, 110, 300, 124), color=(0, 0, 0), fill=(0, 0, 0))
        page.insert_text((306, 121), "s 9(2)(f)(iv), 9(2)(g)(i)", fontsize=9)

    [found] = _read_as_a_scan(draw)
    assert [found["ground"], *found["more_grounds"]] == ["9(2)(f)(iv)", "9(2)(g)(i)"]


def test_a_label_printed_after_the_rest_of_the_line_is_read_on_a_scan():
    """A box drawn over words of a sentence, its ground printed where the sentence ends, more than
    150 points to the right: the label strip runs to the end of the line."""

    from app.ingest.pipeline import cites_a_ground
    from app.pdf.extract import extract_page

    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_text((72, 200), "Officials met the Defence Industry Advisory Group on the programme.", fontsize=11)
    rect = (100, 190, 190, 203)
    page.draw_rect(rect, color=(0, 0, 0), fill=(0, 0, 0))
    page.insert_text((460, 200), "s 9(2)(ba)(i)", fontsize=8)
    scan, [moved] = rough_scan(doc.tobytes(), [{"boxes": [(rect, "9(2)(ba)(i)")], "bad": [], "citations": []}], 200, 4)
    scanned = pymupdf.open(stream=scan, filetype="pdf")
    content = extract_page(scanned, 1, None, "eng", 300, lambda text: cites_a_ground(text, "nz-oia"))
    words = [{"text": t, "x0": a, "y0": b, "x1": c, "y1": d} for t, a, b, c, d in content.words]
    [found] = read_page(content.text, words, content.boxes, True, "nz-oia").boxes
    assert _overlaps(found["rect"], moved["boxes"][0][0])
    assert found["ground"] == "9(2)(ba)(i)"


SMALL_PRINT = [
    ("9(2)(g)(ii)", "section 9(2)(g)(ii)"),
    ("9(2)(c)", "s 9(2)(c)"),
    ("9(2)(f)(iv)", "section 9(2)(f)(iv)"),
    ("18(d)", "section 18(d)"),
    ("9(2)(b)(ii)", "[withheld under s 9(2)(b)(ii)]"),
    ("6(b)", "s 6(b)"),
    ("9(2)(g)(i)", "s 9(2)(g)(i)"),
    ("9(2)(i)", "s. 9(2)(i)"),
    ("9(2)(k)", "s 9(2)(k)"),
    ("9(2)(ba)(i)", "s 9(2)(ba)(i)"),
]


def test_labels_in_7_point_print_on_a_150_dpi_scan_are_read_whole_when_word_by_word_fails():
    """7 pt Courier at 150 dpi, five pages scanned rough: read word by word, the brackets of some
    labels are taken for gaps and the pieces cite nothing; each strip left unsettled is read once
    more whole, as one line. Word by word alone pairs 31 of 50, with the whole readings 34. (Over
    five pages: how Tesseract reads one strip depends on the others read in the same run, so one
    page's count moves by a box or two with any change to which strips are read again.)"""
    right = 0
    for seed in range(1, 6):
        found, paired = _labels_read_on_a_rough_scan(SMALL_PRINT, 7, "cour", seed=seed)
        assert len(found) == len(SMALL_PRINT)
        right += paired
    assert right >= 33


def test_strips_too_many_for_one_sheet_are_read_in_several_runs_in_order(monkeypatch):
    """Strips are stacked into sheets for Tesseract, as many as fit SHEET_PIXELS: a page of many
    unsettled strips, enlarged four times, once made one sheet past the parse's memory limit."""
    import numpy as np

    from app.core.grounds import find_citations
    from app.pdf import labels

    def printed(text: str) -> np.ndarray:
        doc = pymupdf.open()
        page = doc.new_page(width=200, height=24)
        page.insert_text((8, 17), text, fontsize=12)
        pixmap = page.get_pixmap(dpi=300, colorspace=pymupdf.csGRAY)
        return np.frombuffer(pixmap.samples, np.uint8).reshape(pixmap.height, pixmap.width).copy()

    strips = [printed(text) for text in ("s 9(2)(a)", "s 6(b)", "s 9(2)(k)")]
    runs, read_sheet = [], labels._read_sheet
    monkeypatch.setattr(labels, "SHEET_PIXELS", strips[0].size + 1)
    monkeypatch.setattr(labels, "_read_sheet", lambda batch, *rest: runs.append(len(batch)) or read_sheet(batch, *rest))
    found = labels._read_stacked(strips, "eng", 300, labels.WHITELIST + " ")
    assert runs == [1, 1, 1]
    cited = [find_citations(" ".join(text for *_, text in words))[0].ground for words in found]
    assert cited == ["9(2)(a)", "6(b)", "9(2)(k)"]


@pytest.mark.parametrize(
    ("readings", "expected"),
    [
        ([","], True),  # read nothing: no sign either way, so read again (a 7 pt "s 6(b)" came out ",")
        (["", ""], True),
        (["s 9(2)(a"], True),
        (["gg,ob Advisory roup on"], False),  # words, and nothing like a ground
    ],
)
def test_a_strip_is_read_again_while_a_reading_might_hold_a_ground(readings, expected):
    from app.pdf.labels import _might_cite

    assert _might_cite(readings) is expected


def test_a_word_tesseract_boxes_over_others_is_read_once(monkeypatch):
    """Tesseract gave a poorly printed "9(2)(g)(i)" a box over all of it, then boxes for "(g)" and
    "(i)" inside that: read piece by piece, the label came out "9(2)(g)(2) (g) 2)", which cites
    nothing the Act has. Overlapping words are one piece."""
    from app.pdf import labels

    first_reading = [[(0, 324, "3(2)"), (152, 230, "(g)"), (248, 312, "(@)"), (366, 452, "its")]]
    monkeypatch.setattr(labels, "_read_stacked", lambda *args, **kwargs: first_reading)
    scale = labels._scale(labels.VARIANTS[0], 300)
    assert labels._word_spans([np.zeros((40, 460), np.uint8)], 300, "eng") == [
        [(0, 324 / scale), (366 / scale, 452 / scale)]
    ]


@pytest.mark.parametrize(
    ("spans", "apart"),
    [
        ([], []),
        ([(0, 10), (12, 20)], [(0, 10), (12, 20)]),  # words apart stay apart, touching or not
        ([(0, 10), (10, 20)], [(0, 10), (10, 20)]),
        ([(0, 30), (5, 12), (14, 40), (50, 60)], [(0, 40), (50, 60)]),
        ([(0, 30), (5, 12)], [(0, 30)]),
    ],
)
def test_overlapping_word_spans_are_made_one(spans, apart):
    from app.pdf.labels import _apart

    assert _apart(spans) == apart


@pytest.mark.parametrize(
    ("spans", "cuts"),
    [
        ([(20, 40)], [(12, 48)]),  # reach either side
        ([(2, 40)], [(0, 48)]),  # not past the strip's edges
        ([(20, 96)], [(12, 100)]),
        ([(20, 40), (44, 60)], [(12, 42), (42, 68)]),  # no nearer the next word than halfway
        ([(20, 40), (70, 90)], [(12, 48), (62, 98)]),
    ],
)
def test_a_word_is_cut_from_its_strip_with_the_faint_ink_at_its_edges(spans, cuts):
    """Tesseract's box for a word on poor print may leave out the faint left of a "9": cut at the
    box, "s 9(2)(g)(ii)" was read "S. (2) g)(ii)"."""
    from app.pdf.labels import _cuts

    assert _cuts(spans, reach=8, width=100) == cuts


@pytest.mark.parametrize(
    ("label", "ground"),
    [
        ("S39(2)\n,", None),  # the Act has no s 39: a misreading, not a ground to show
        ("be ready in March. s 9(2)(h(iv)", None),  # 9(2)(h) has no sub-paragraphs
        ("s 9(2)(h(iv)\ns 9(2)(f)(iv)", "9(2)(f)(iv)"),  # a ground the Act has, read once, wins
        ("s 9(2)(h(iv)\n9(2)(g)", "9(2)(g)"),  # read as often and as surely: the one the Act has
    ],
)
def test_a_ground_the_act_does_not_have_is_never_a_box_s_ground(label, ground):
    from app.redactions.reading import _label_ground

    found = _label_ground(label, "nz-oia")
    assert (found and found["ground"]) == ground


@pytest.mark.parametrize("ground", [f"7(2)({p})({s})" for p in "bcf" for s in ("i", "ii")])
def test_a_local_authority_s_sub_paragraphs_are_grounds_the_act_has(ground):
    """LGOIMA divides 7(2)(b), (c) and (f): a label read right on a council's scan keeps its ground,
    with a meaning of its own."""
    from app.core.grounds import explain
    from app.redactions.reading import _label_ground

    assert _label_ground(f"s {ground}", "nz-lgoima")["ground"] == ground
    assert explain(ground, "nz-lgoima")["meaning"] != explain(ground[: ground.rfind("(")], "nz-lgoima")["meaning"]


@pytest.mark.parametrize(("ocr", "ground"), [(True, None), (False, "9(2)(h)(iv)")])
def test_a_ground_the_act_does_not_have_read_by_ocr_is_a_misreading(ocr, ground):
    """OCR read a 9(2)(f)(iv) beside a box as "s 9(2)(h)(iv)" (9(2)(h) has no sub-paragraphs): on a
    scan that is no ground to pair; printed so in a PDF's own text, it is what the agency wrote."""
    words = line(100, (72, "The"), (230, "s"), (240, "9(2)(h)(iv)"))
    found = read_page(" ".join(w["text"] for w in words), words, [box(100, 225, 100)], ocr, "nz-oia")
    assert [b["ground"] for b in found.boxes] == [ground]
    assert [c["ground"] for c in found.citations] == ([] if ocr else ["9(2)(h)(iv)"])


def _labels_read_on_a_scan(
    boxes: list[tuple], printed: list[tuple], strokes: list[tuple] = (), font: str | None = None
) -> list[str]:
    """read_labels on a 300 dpi image of a page with black boxes (x0, y0, x1, y1), print
    ((x, baseline), text, size) in font (by default Times under 10 pt, else Helvetica), and broad
    strokes under it ((start, end), width, grey), the boxes whitened as OCR has them."""
    from app.ingest.pipeline import cites_a_ground
    from app.pdf.extract import _whiten_box
    from app.pdf.labels import read_labels
    from app.pdf.ocr import Recognised

    doc = pymupdf.open()
    page = doc.new_page(width=595, height=200)
    for (start, end), width, grey in strokes:
        page.draw_line(start, end, color=(grey,) * 3, width=width)
    for rect in boxes:
        page.draw_rect(rect, color=(0, 0, 0), fill=(0, 0, 0))
    for point, text, size in printed:
        page.insert_text(point, text, fontsize=size, fontname=font or ("tiro" if size < 10 else "helv"))
    grey = page.get_pixmap(dpi=300, colorspace=pymupdf.csGRAY)
    near = pymupdf.Pixmap(grey, 0)  # a copy, without alpha
    to_pixels = pymupdf.Matrix(300 / 72, 300 / 72)
    for rect in boxes:
        _whiten_box(grey, pymupdf.Rect(rect) * to_pixels, 300 / 72)
        _whiten_box(near, pymupdf.Rect(rect) * to_pixels, 300 / 72, keep_near=True)
    rects = [(pymupdf.Rect(rect) * to_pixels).irect for rect in boxes]
    settled = lambda text: cites_a_ground(text, "nz-oia")  # noqa: E731
    return read_labels(grey, near, rects, 300, "eng", settled, Recognised("", []))


def _cites(label: str, ground: str) -> bool:
    from app.core.grounds import find_citations

    return any(c.ground == ground for line in label.splitlines() for c in find_citations(line))


@pytest.mark.parametrize(
    ("box_at", "label_at"),
    [
        ((145, 90, 300, 103), (145, 111)),
        ((145, 90, 300, 103), (145, 109.5)),
        ((145, 90, 300, 103), (145, 86)),
        ((72, 90, 300, 103), (20, 100)),
    ],
    ids=["under", "just under", "above", "in the margin"],
)
def test_a_ground_printed_under_over_or_left_of_its_box_on_a_scan_is_read(box_at, label_at):
    """A label printed under a box, over it or in the margin rather than beside it: the strip
    beside the box holds the rest of the sentence, so those strips are read too, in turn (rough
    150 dpi scans with half their labels under their boxes paired 0.746 before, 0.832 after; with
    half above them 0.624 before, in the margin 0.786)."""
    sentence = [((72, 100), "Officials met", 11)] if box_at[0] > 72 else []
    label = "[withheld under s 9(2)(ba)(i)]" if label_at[0] > 72 else "s 9(2)(ba)(i)"
    printed = [*sentence, ((306, 100), "on the programme.", 11), (label_at, label, 8)]
    [read] = _labels_read_on_a_scan([box_at], printed)
    assert _cites(read, "9(2)(ba)(i)")


def test_whitening_a_box_for_reading_labels_keeps_a_label_just_under_it():
    """For reading the labels near a box, the box is whitened with its blurred edge, but print
    under it beyond a sliver of paper is left whole: blanking a 1.5 pt band all round (as for the
    page's own reading, where the descenders of a line touching a box must not run into a label
    inside it) cut the top off a label under a box, and the label was not read (rough scans with
    half their labels under their boxes paired 0.838 at 150 dpi, 0.879 after; 0.890 and 0.913 at
    200 dpi)."""
    from app.pdf.extract import _whiten_box

    doc = pymupdf.open()
    page = doc.new_page(width=400, height=140)
    page.draw_rect((40.3, 60.3, 300.6, 73.4), color=None, fill=(0, 0, 0))  # edges between pixels: grey
    page.insert_text((40, 80), "[withheld under s 9(2)(a)]", fontsize=8, fontname="tiro")  # its top 1 pt under
    zoom = 300 / 72
    box, label, around = (
        pymupdf.Rect(r) * zoom for r in [(40.3, 60.3, 300.6, 73.4), (40, 73.7, 300, 82), (30, 50, 310, 73.7)]
    )
    grey = page.get_pixmap(dpi=300, colorspace=pymupdf.csGRAY)
    near, before = pymupdf.Pixmap(grey, 0), _dark(grey, label)
    _whiten_box(near, box, zoom, keep_near=True)
    assert _dark(near, label) == before > 0  # the label, every pixel
    assert _dark(near, around) == 0  # the box, edges and all
    _whiten_box(grey, box, zoom)
    assert 0 < _dark(grey, label) < before and _dark(grey, around) == 0  # for the page: the band blanked


def _dark(grey: pymupdf.Pixmap, rect: pymupdf.Rect) -> int:
    """How many pixels of grey in rect are darker than the print's faintest."""
    area = rect.irect
    pixels = np.frombuffer(grey.samples, np.uint8).reshape(grey.height, grey.width)
    return int((pixels[area.y0 : area.y1, area.x0 : area.x1] < 200).sum())


@pytest.mark.parametrize("width", [4, 6])
def test_a_label_crossed_by_a_watermark_s_broad_grey_strokes_is_read(width):
    """A release stamped "Proactively Released" in large grey letters under its print: where a
    letter's stroke crosses a label, the label's strip was read as "S 9 fhe) (1) f IA". Each pixel
    of a strip is now lightened to the paper around it, a watermark's strokes (broader than
    print's) counted as paper (rough 150 dpi JPEG scans stamped so paired 0.780, now 0.861)."""
    strokes = [(((x, 140), (x + 60, 60)), width, 0.6) for x in (150, 200, 250)]
    printed = [((146, 100), "s 9(2)(ba)(i)", 9)]
    [read] = _labels_read_on_a_scan([(72, 90, 140, 103)], printed, strokes, font="cour")
    assert _cites(read, "9(2)(ba)(i)"), read


@pytest.mark.parametrize("size", [1, 2, 7, 8, 9])
def test_the_paper_behind_a_strip_is_its_grey_closing(size):
    """A strip's background: the darkest, over each pixel's size x size square, of the lightest
    over each pixel's square (edges repeated), checked against every square taken in turn."""
    from numpy.lib.stride_tricks import sliding_window_view

    from app.pdf.labels import _background

    region = np.random.default_rng(size).integers(0, 256, (23, 31)).astype(np.uint8)
    pad = (size // 2, size - 1 - size // 2)

    def over_squares(image, pick):
        return pick(sliding_window_view(np.pad(image, (pad, pad), mode="edge"), (size, size)), axis=(-2, -1))

    assert (_background(region, size) == over_squares(over_squares(region, np.max), np.min)).all()


def test_a_label_between_two_boxes_is_the_first_s():
    """A label printed under one box, just over the next: it gave the first its ground, so it is
    not read again as the second's (a box with no label of its own takes none from its neighbour)."""
    first, second = (145, 90, 300, 103), (145, 115, 300, 128)
    printed = [((306, 100), "on the programme.", 11), ((306, 125), "in March.", 11), ((145, 111), "s 6(a)", 8)]
    labels = _labels_read_on_a_scan([first, second], printed)
    assert _cites(labels[0], "6(a)")
    assert not _cites(labels[1], "6(a)")


def test_bare_paper_under_a_box_is_not_read():
    """Most boxes have nothing under them: that gap is not read (Tesseract's time), print there is."""
    from app.pdf.labels import _area_under

    doc = pymupdf.open()
    page = doc.new_page(width=400, height=120)
    page.draw_rect((40, 20, 200, 33), color=(0, 0, 0), fill=(0, 0, 0))
    page.draw_rect((40, 60, 200, 73), color=(0, 0, 0), fill=(0, 0, 0))
    page.insert_text((40, 81), "s 6(a)", fontsize=7, fontname="tiro")
    grey = page.get_pixmap(dpi=150, colorspace=pymupdf.csGRAY)
    to_pixels = pymupdf.Matrix(150 / 72, 150 / 72)
    bare, printed = [(pymupdf.Rect(40, y, 200, y + 13) * to_pixels).irect for y in (20, 60)]
    for y in (20, 60):  # whitened, edges and all, as OCR has them
        grey.set_rect((pymupdf.Rect(38, y - 2, 202, y + 15) * to_pixels).irect, (255,))
    assert _area_under(grey, bare, [bare], 150) is None
    assert _area_under(grey, printed, [printed], 150) is not None
