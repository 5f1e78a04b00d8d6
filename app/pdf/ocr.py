"""Tesseract OCR on a page image, giving words with pixel boxes in reading order: read in this
process (app.pdf.tesseract), but for the rare question of which way up a page is, which asks the
`tesseract` command."""

import csv
import io
import os
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field

import pymupdf

from app.pdf import PdfRefused
from app.pdf.furniture import is_stamp
from app.pdf.tesseract import SINGLE_THREADED, reader
from app.pdf.words import join_words

TESSERACT_ENV = {**os.environ, **SINGLE_THREADED}  # for the command
TESSERACT_TIMEOUT_SECONDS = 300
# Mean word confidence below which a page may be upside down (upright print reads at 85-95,
# the same print upside down at about 35).
POOR_CONFIDENCE = 60
MIN_WORDS_TO_JUDGE = 5
# Tesseract's orientation confidence below which its answer is not trusted on its own (a turn
# that is checked by reading the turned page again needs none: app.pdf.extract).
TRUSTED_ORIENTATION_CONFIDENCE = 5.0


@dataclass
class Recognised:
    """OCR output: the text in reading order and (word, pixel box) pairs."""

    text: str
    words: list[tuple[str, tuple[int, int, int, int]]]
    confidence: float = 0.0  # mean word confidence, 0 to 100
    word_confidences: list[float] = field(default_factory=list)  # each word's, 0 to 100
    furniture: list[str] = field(default_factory=list)  # release stamps read, kept out of text and words


def reads_sideways(recognised: Recognised) -> bool:
    """Whether most words of three letters or more are taller than wide: print lying on its side."""
    long_words = [(x1 - x0, y1 - y0) for text, (x0, y0, x1, y1) in recognised.words if len(text) >= 3]
    return len(long_words) >= MIN_WORDS_TO_JUDGE and sum(1 for w, h in long_words if h > w) > len(long_words) / 2


def reads_poorly(recognised: Recognised) -> bool:
    """Whether a page of several words was read with low confidence, as print upside down is."""
    return len(recognised.words) >= MIN_WORDS_TO_JUDGE and recognised.confidence < POOR_CONFIDENCE


# Tesseract's page segmentation modes: a page's own layout found (columns, blocks), or the page
# taken as one column of lines, which keeps the small print in a table's last columns that the
# layout analysis of a rough scan drops as specks (rows right on rough 150 dpi schedules: 0.88
# against 0.94 for one seed, bench/release.py).
PAGE_LAYOUT = 3
TABLE_LAYOUT = 4
LINES_LAYOUT = 6  # a uniform block of lines


def ocr_page_image(image: pymupdf.Pixmap, languages: str, dpi: int, layout: int = PAGE_LAYOUT) -> Recognised:
    """Tesseract's reading of a grey pixmap rendered at dpi (the resolution must be given: a
    bare image makes Tesseract guess 70 and drop small print)."""
    return parse_tsv(reader(languages).read_tsv(image, dpi, layout))


def ocr_lines_image(image: pymupdf.Pixmap, languages: str, dpi: int, whitelist: str | None = None) -> Recognised:
    """Tesseract on an image of separate lines of print (a uniform block), reading only the
    characters in whitelist when given (which also loses the spaces between words)."""
    variables = {"tessedit_char_whitelist": whitelist} if whitelist else None
    return parse_tsv(reader(languages).read_tsv(image, dpi, LINES_LAYOUT, variables))


def upright_turn(write_image: Callable[[str], None], dpi: int, min_confidence: float) -> int:
    """Degrees clockwise (0, 90, 180 or 270) that turn a page image upright, by Tesseract's
    orientation detection; 0 when it finds none or is less sure than min_confidence."""
    try:
        report = _on_image(write_image, ["--psm", "0", "--dpi", str(dpi)])
    except PdfRefused:  # too little print to judge: Tesseract gives up
        return 0
    fields = dict(line.split(":", 1) for line in report.splitlines() if ":" in line)
    try:
        turn, confidence = int(fields["Rotate"]), float(fields["Orientation confidence"])
    except (KeyError, ValueError):
        return 0
    return turn % 360 if confidence >= min_confidence else 0


def _on_image(write_image: Callable[[str], None], options: list[str]) -> str:
    """Tesseract's output for the image write_image(path) writes, run with options."""
    # A file, not stdin: Tesseract reads stdin about 0.2 s slower per page (bench/ocr.py).
    with tempfile.TemporaryDirectory(prefix="oia-ocr-") as folder:
        path = os.path.join(folder, "page.pgm")
        write_image(path)
        return _run_tesseract([path, "stdout", *options])


def _run_tesseract(arguments: list[str]) -> str:
    try:
        result = subprocess.run(
            ["tesseract", *arguments],
            capture_output=True,
            env=TESSERACT_ENV,
            timeout=TESSERACT_TIMEOUT_SECONDS,
            check=False,
        )
    except FileNotFoundError as error:
        raise PdfRefused("OCR is not available on this server: Tesseract is not installed.") from error
    except subprocess.TimeoutExpired as error:
        raise PdfRefused("OCR of a page took too long and was stopped.") from error
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
        raise PdfRefused(f"OCR failed on a page ({message[0][:200]}).")
    return result.stdout.decode("utf-8", errors="replace")


def parse_tsv(tsv: str) -> Recognised:
    """Turn Tesseract TSV into words in reading order; empty and layout rows are skipped, and so are
    lines that are a release stamp (kept as furniture)."""
    rows = []
    words = []
    confidences = []
    reader = csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    for row in reader:
        text = (row.get("text") or "").strip()
        confidence = float(row.get("conf") or -1)
        if row.get("level") != "5" or not text or confidence < 0:
            continue
        confidences.append(confidence)
        left, top = int(row["left"]), int(row["top"])
        box = (left, top, left + int(row["width"]), top + int(row["height"]))
        block = int(row["block_num"]) * 1000 + int(row["par_num"])
        rows.append((text, block, int(row["line_num"])))
        words.append((text, box))
    mean = sum(confidences) / len(confidences) if confidences else 0.0
    lines: dict[tuple[int, int], list[str]] = {}
    for text, block, line in rows:
        lines.setdefault((block, line), []).append(text)
    stamps = {key for key, texts in lines.items() if is_stamp(" ".join(texts))}
    kept = [i for i, (_, block, line) in enumerate(rows) if (block, line) not in stamps]
    return Recognised(
        join_words([rows[i] for i in kept]),
        [words[i] for i in kept],
        mean,
        [confidences[i] for i in kept],
        [" ".join(lines[key]) for key in sorted(stamps)],
    )
