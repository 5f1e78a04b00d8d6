"""Tesseract OCR on a page image, giving words with pixel boxes in reading order."""

import csv
import io
import os
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass

from app.pdf import PdfRefused
from app.pdf.words import join_words

# Tesseract's own OpenMP threads cost 4x the CPU for the same output on 2 cores
# (FACTS.md); we run one single-threaded Tesseract per parsing process instead.
TESSERACT_ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}
TESSERACT_TIMEOUT_SECONDS = 300


@dataclass
class Recognised:
    """OCR output: the text in reading order and (word, pixel box) pairs."""

    text: str
    words: list[tuple[str, tuple[int, int, int, int]]]


def ocr_page_image(write_image: Callable[[str], None], languages: str, dpi: int) -> Recognised:
    """Run the Tesseract CLI on an image rendered at dpi, which write_image(path) writes as PNM,
    and parse its TSV output."""
    # A file, not stdin: Tesseract reads stdin about 0.2 s slower per page (bench/ocr.py).
    with tempfile.TemporaryDirectory(prefix="oia-ocr-") as folder:
        path = os.path.join(folder, "page.pgm")
        write_image(path)
        return parse_tsv(_run_tesseract(path, languages, dpi))


def _run_tesseract(path: str, languages: str, dpi: int) -> str:
    # PNM carries no resolution: without --dpi Tesseract guesses 70 and drops small print.
    try:
        result = subprocess.run(
            ["tesseract", path, "stdout", "-l", languages, "--psm", "3", "--dpi", str(dpi), "tsv"],
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
    """Turn Tesseract TSV into words in reading order; empty and layout rows are skipped."""
    rows = []
    words = []
    reader = csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    for row in reader:
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text or float(row.get("conf") or -1) < 0:
            continue
        left, top = int(row["left"]), int(row["top"])
        box = (left, top, left + int(row["width"]), top + int(row["height"]))
        block = int(row["block_num"]) * 1000 + int(row["par_num"])
        rows.append((text, block, int(row["line_num"])))
        words.append((text, box))
    return Recognised(join_words(rows), words)
