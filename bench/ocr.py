"""OCR: accuracy of the candidate engines and our speed next to Tesseract's own, in one run.

Accuracy (word recall and precision against known text) on scans from ../shared/corpus
with ground truth, and on generated scans whose text is known exactly:
  - ours: PyMuPDF renders the page at OCR_DPI, the Tesseract CLI reads it (TSV with word boxes);
  - PyMuPDF's own OCR (Page.get_textpage_ocr, full page);
  - OCRmyPDF, when its command is found (set OCRMYPDF=/path/to/ocrmypdf; it is not a dependency).
Orientation: the same scan baked in at 0, 90, 180 and 270 degrees with no /Rotate (a corpus
file), read by our pipeline, which turns pages upright, next to plain OCR of the page as it lies.
Speed: seconds per scanned page through the worker's pipeline (two parsing processes) next to
the Tesseract CLI alone on the same page images, two at a time, so both cores are busy in both.
"""

import collections
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pymupdf
from common import ROOT, processed, stored_document
from pdfs import CORPUS, scanned_pdf

from app.config import load_settings
from app.ingest.pipeline import process_document
from app.pdf.extract import extract_page, open_pdf, scan_image
from app.pdf.ocr import TESSERACT_ENV

DPI = load_settings()["OCR_DPI"]
TESSDATA = "/usr/share/tesseract-ocr/5/tessdata"
SPEED_SCANS = [
    ("ocrmypdf_linn_two_column_scan.pdf", 0),
    ("ocrmypdf_enron_scanned_letter.pdf", 0),
    ("documentcloud_mixed_image_text_3p.pdf", 0),
    ("documentcloud_mixed_image_text_3p.pdf", 2),
]
GENERATED_TEXT = [
    "Briefing to the Minister of Defence on the industry programme.",
    "The supply chain resilience workstream reports two risks this quarter.",
    "Sustainment and repair contracts could undermine local capability.",
    "Co-production with partners remains under negotiation in Wellington.",
    "Policy and optimisation advice will follow in the next briefing.",
    "Officials recommend that you note the reputational risk described above.",
]


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def recall_precision(truth: str, found: str) -> tuple[float, float]:
    expected, got = collections.Counter(words(truth)), collections.Counter(words(found))
    hits = sum((expected & got).values())
    return hits / max(sum(expected.values()), 1), hits / max(sum(got.values()), 1)


def generated_scan() -> tuple[bytes, str]:
    lines = [(60, 100 + 40 * i, line) for i, line in enumerate(GENERATED_TEXT)]
    return scanned_pdf(lines, dpi=200, fontsize=12), "\n".join(GENERATED_TEXT)


def ours(page: pymupdf.Page) -> str:
    from app.pdf.ocr import ocr_page_image

    return ocr_page_image(scan_image(page, DPI).save, "eng", DPI).text


def pymupdf_ocr(page: pymupdf.Page) -> str:
    return page.get_text(textpage=page.get_textpage_ocr(dpi=DPI, full=True, tessdata=TESSDATA))


def ocrmypdf(pdf_path: Path) -> str | None:
    command = os.environ.get("OCRMYPDF") or shutil.which("ocrmypdf")
    if not command:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.pdf"
        subprocess.run(
            [
                command,
                "--force-ocr",
                "--output-type",
                "pdf",
                "-j",
                "1",
                "--image-dpi",
                str(DPI),
                str(pdf_path),
                str(out),
            ],
            env=TESSERACT_ENV,
            check=True,
            capture_output=True,
        )
        return "\n".join(page.get_text() for page in pymupdf.open(out))


def accuracy() -> None:
    print(f"Accuracy, word recall / precision (OCR at {DPI} dpi):")
    generated, generated_truth = generated_scan()
    with tempfile.TemporaryDirectory() as tmp:
        generated_path = Path(tmp) / "generated.pdf"
        generated_path.write_bytes(generated)
        cases = [
            (
                "corpus linn two-column scan",
                CORPUS / "ocrmypdf_linn_two_column_scan.pdf",
                (CORPUS / "ocrmypdf_linn_two_column_scan.txt").read_text(),
            ),
            ("generated briefing scan, 200 dpi", generated_path, generated_truth),
        ]
        for label, path, truth in cases:
            page = pymupdf.open(path)[0]
            results = {"ours (Tesseract TSV)": ours(page), "PyMuPDF get_textpage_ocr": pymupdf_ocr(page)}
            found = ocrmypdf(path)
            results["OCRmyPDF 17"] = found
            for engine, text in results.items():
                if text is None:
                    print(f"  {label:34} {engine:26} not measured: set OCRMYPDF to an ocrmypdf command")
                    continue
                recall, precision = recall_precision(truth, text)
                print(f"  {label:34} {engine:26} recall {recall:.3f}  precision {precision:.3f}")


def scans_pdf() -> bytes:
    doc = pymupdf.open()
    for name, number in SPEED_SCANS:
        doc.insert_pdf(pymupdf.open(CORPUS / name), from_page=number, to_page=number)
    doc.insert_pdf(pymupdf.open(stream=generated_scan()[0], filetype="pdf"))
    doc.insert_pdf(pymupdf.open(stream=generated_scan()[0], filetype="pdf"))
    doc.insert_pdf(pymupdf.open(stream=doc.tobytes(), filetype="pdf"))  # twice over: 12 pages
    return doc.tobytes()


def tesseract_alone(pdf: bytes, folder: Path) -> float:
    """Wall seconds for the Tesseract CLI on the page images, two at a time."""
    images = []
    for page in pymupdf.open(stream=pdf, filetype="pdf"):
        path = folder / f"page-{page.number}.pgm"  # the format the pipeline writes, too
        scan_image(page, DPI).save(path)  # the very image the pipeline gives Tesseract
        images.append(path)

    def run(path: Path) -> None:
        subprocess.run(
            ["tesseract", str(path), "stdout", "-l", "eng", "--psm", "3", "--dpi", str(DPI), "tsv"],
            env=TESSERACT_ENV,
            check=True,
            capture_output=True,
        )

    started = time.perf_counter()
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(run, images))
    return time.perf_counter() - started


def pipeline(pdf: bytes, folder: Path) -> float:
    """Wall seconds for the worker's pipeline on the same PDF (OCR, text, page images)."""
    sessions, document_id, settings = stored_document(pdf, folder, PARSE_PROCESSES=2)
    started = time.perf_counter()
    process_document(document_id, settings, sessions)
    elapsed = time.perf_counter() - started
    processed(sessions, document_id)
    return elapsed


def speed(rounds: int = 3) -> None:
    pdf = scans_pdf()
    pages = pymupdf.open(stream=pdf, filetype="pdf").page_count
    print(f"Speed on {pages} scanned pages, both cores busy, {rounds} rounds (baseline and pipeline in turn):")
    ratios = []
    for round_number in range(1, rounds + 1):
        with tempfile.TemporaryDirectory() as tmp:
            alone = tesseract_alone(pdf, Path(tmp)) / pages
            ours_seconds = pipeline(pdf, Path(tmp)) / pages
        ratios.append(ours_seconds / alone)
        print(
            f"  round {round_number}: Tesseract CLI alone (baseline) {alone:.2f} s/page, "
            f"OIA Desk pipeline {ours_seconds:.2f} s/page ({ratios[-1]:.2f} x)"
        )
    median = statistics.median(ratios)
    print(f"  median {median:.2f} x; target <= 1.2: {'meets' if median <= 1.2 else 'MISSES'}")


def orientation() -> None:
    print("Orientation: one scan fed in four ways with no /Rotate, word recall / precision:")
    truth = (CORPUS / "ocrmypdf_linn_two_column_scan.txt").read_text()
    doc = open_pdf(CORPUS / "ocrmypdf_cardinal_4_orientations.pdf")
    for number, page in enumerate(doc, start=1):
        plain = recall_precision(truth, ours(page))
        content = extract_page(doc, number, None, "eng", DPI)
        turned = recall_precision(truth, content.text)
        print(
            f"  page {number}: as it lies (baseline) {plain[0]:.3f} / {plain[1]:.3f}; "
            f"OIA Desk {turned[0]:.3f} / {turned[1]:.3f}, shown turned {content.rotation} degrees"
        )
    # A sideways table under a /Rotate that does not show it upright; no ground truth, so
    # Tesseract's mean word confidence, as the page lies and as OIA Desk shows it.
    doc = open_pdf(CORPUS / "pymupdf_mixed_text_and_scanned_rot270.pdf")
    page = doc[2]
    as_it_lies = _confidence(page)
    content = extract_page(doc, 3, None, "eng", DPI)  # turns page (in this process) as it is shown
    print(
        f"  sideways table (rot270 corpus file, page 3): mean word confidence as it lies (baseline) "
        f"{as_it_lies:.0f}, as OIA Desk shows it {_confidence(page):.0f} (/Rotate 270, shown {content.rotation})"
    )


def _confidence(page: pymupdf.Page) -> float:
    from app.pdf.ocr import ocr_page_image

    return ocr_page_image(scan_image(page, DPI).save, "eng", DPI).confidence


if __name__ == "__main__":
    os.chdir(ROOT)
    accuracy()
    orientation()
    speed()
