"""Pure code, table-driven: joining words, parsing Tesseract output, sniffing files, cleaning names."""

import pytest

from app.documents.service import clean_filename
from app.pdf import looks_like_pdf
from app.pdf.extract import useful_title
from app.pdf.ocr import Recognised, parse_tsv, reads_poorly, reads_sideways
from app.pdf.words import join_words


@pytest.mark.parametrize(
    ("rows", "text"),
    [
        ([], ""),
        ([("One", 0, 0)], "One"),
        ([("One", 0, 0), ("two", 0, 0)], "One two"),
        ([("One", 0, 0), ("two", 0, 1)], "One\ntwo"),
        ([("One", 0, 0), ("two", 1, 0)], "One\n\ntwo"),
        ([("Māori", 0, 0), ("ā", 0, 0)], "Māori ā"),
    ],
)
def test_join_words(rows, text):
    assert join_words(rows) == text


TSV = (
    "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
    "1\t1\t0\t0\t0\t0\t0\t0\t1700\t2200\t-1\t\n"
    "5\t1\t1\t1\t1\t1\t100\t200\t50\t20\t96.1\tWithheld\n"
    "5\t1\t1\t1\t1\t2\t160\t200\t40\t20\t91.0\tunder\n"
    "5\t1\t1\t1\t2\t1\t100\t230\t60\t20\t88.0\t9(2)(a)\n"
    "5\t1\t1\t1\t2\t2\t170\t230\t60\t20\t95.0\t \n"
    '5\t1\t2\t1\t1\t1\t100\t400\t60\t20\t90.0\t"quoted\n'
)


def test_parse_tsv_keeps_words_in_reading_order_with_boxes():
    recognised = parse_tsv(TSV)
    assert recognised.text == 'Withheld under\n9(2)(a)\n\n"quoted'
    assert recognised.words[0] == ("Withheld", (100, 200, 150, 220))
    assert [w for w, _ in recognised.words] == ["Withheld", "under", "9(2)(a)", '"quoted']
    assert recognised.confidence == pytest.approx((96.1 + 91.0 + 88.0 + 90.0) / 4)


def _recognised(boxes: list[tuple[int, int, int, int]], confidence: float) -> Recognised:
    return Recognised("", [(f"word{i}", box) for i, box in enumerate(boxes)], confidence)


@pytest.mark.parametrize(
    ("boxes", "confidence", "sideways", "poorly"),
    [
        ([(0, 0, 80, 20)] * 6, 92.0, False, False),  # upright print, read well
        ([(0, 0, 20, 80)] * 6, 92.0, True, False),  # on its side: words taller than wide
        ([(0, 0, 80, 20)] * 6, 35.0, False, True),  # upside down: read badly
        ([(0, 0, 20, 80)] * 3, 35.0, False, False),  # too few words to judge
    ],
)
def test_a_reading_tells_whether_the_page_may_be_turned(boxes, confidence, sideways, poorly):
    recognised = _recognised(boxes, confidence)
    assert (reads_sideways(recognised), reads_poorly(recognised)) == (sideways, poorly)


@pytest.mark.parametrize(
    ("head", "is_pdf"),
    [(b"%PDF-1.7\n", True), (b"\xef\xbb\xbf%PDF-1.4", True), (b"PK\x03\x04", False), (b"", False), (b"oops\n", False)],
)
def test_looks_like_pdf(head, is_pdf):
    assert looks_like_pdf(head) is is_pdf


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("report.pdf", "report.pdf"),
        ("C:\\Users\\me\\OIA reply.pdf", "OIA reply.pdf"),
        ("../../etc/passwd", "passwd"),
        ("line\nbreak\x00.pdf", "linebreak.pdf"),
        ("", "upload.pdf"),
        (None, "upload.pdf"),
    ],
)
def test_clean_filename(raw, clean):
    assert clean_filename(raw) == clean


@pytest.mark.parametrize(
    ("raw", "title"),
    [
        ("Briefing: Defence industry", "Briefing: Defence industry"),
        ("  Untitled ", None),
        ("Microsoft Word - Cabinet paper final", "Cabinet paper final"),
        ("OIA-123 response.docx", None),
        (None, None),
        ("", None),
    ],
)
def test_useful_title(raw, title):
    assert useful_title(raw) == title
