"""Issue 12: a release read as a release, on the generated set (tests/letters.py, tests/schedules.py)
and, when ../shared/corpus/nz is here, the real Police letters. Each release goes through the whole
pipeline (text extraction, or OCR of the scans) as an upload does.

Prints, for electronic PDFs and for scans (a clean 200 dpi scan, and rough scans at 200 and 150
dpi: turned up to 1.2 degrees, grain and specks, as tests/pdfs.py::rough_scan makes them):
- letters: the share of letters with every field right (agency, reference, received, answered,
  grounds, extension, transfer), and the share of fields right;
- schedules: the share of rows with number, decision and grounds all right (a row missing counts
  as wrong), over six layouts (ruled or not, columns in several orders and wordings, over one to
  four pages, heading repeated or not), and on rough 150 dpi scans made with eight other seeds;
- documents located: the share of the bundle's documents found at their first page (and with no
  pages when withheld), on the generated bundle (tests/schedules.py::bundle_pdf);
- comparison: precision and recall of the passages released in a re-release that were withheld
  in the first (tests/rereleases.py), a passage found when its text is at least 90 % alike;
- the time to read the letter and schedule of a 300-page bundle, beyond ingest (target < 2 s),
  and to compare two 300-page releases (target < 5 s).
Targets from the issue: >= 0.95 electronic, >= 0.9 scanned."""

import statistics
import sys
import tempfile
import time
from pathlib import Path

import pymupdf
from common import ROOT, processed, stored_document, verdict
from letters import LETTERS, letter_pdf
from pdfs import rough_scan, scanned_copy, text_pdf
from rapidfuzz import fuzz
from rereleases import LINES, rerelease_pair
from schedules import bundle_pdf, schedule_pdf
from test_schedules import LAYOUTS

from app.ingest import pipeline
from app.ingest.pipeline import process_document
from app.models import Document
from app.releases.service import compare_documents, read_release, release_json, schedule_scans

SCANS = {
    "electronic": lambda pdf, pages: pdf,
    "scan, 200 dpi": lambda pdf, pages: scanned_copy(pdf, 200),
    "rough scan, 200 dpi": lambda pdf, pages: rough_scan(pdf, [{"boxes": []}] * pages, 200, seed=12)[0],
    "rough scan, 150 dpi": lambda pdf, pages: rough_scan(pdf, [{"boxes": []}] * pages, 150, seed=12)[0],
}
# Seeds 64, 3100, 4242 and 777 were looked at while reading schedules better; 2027, 91, 5555 and
# 31337 were added unseen, after the last change made for the others.
OTHER_SEEDS = (64, 3100, 4242, 777, 2027, 91, 5555, 31337, 8128, 60221, 1999, 7)
LETTER_FIELDS = ("agency", "reference", "request_date", "response_date", "grounds", "extension", "transferred")
REAL = Path(ROOT).parent / "shared" / "corpus" / "nz"


def released(pdf: bytes) -> dict:
    """The release as GET /api/documents/<id>/release gives it, after the whole pipeline."""
    with tempfile.TemporaryDirectory() as folder:
        sessions, document_id, settings = stored_document(pdf, Path(folder))
        process_document(document_id, settings, sessions)
        processed(sessions, document_id)
        with sessions() as session:
            return release_json(session, session.get(Document, document_id))


def compared(first: bytes, second: bytes, render: bool = True) -> tuple[dict, float]:
    """The comparison of two releases after the whole pipeline, and the seconds it took."""
    with tempfile.TemporaryDirectory() as folder:
        sessions, first_id, settings = stored_document(first, Path(folder))
        with sessions.begin() as session:
            copy = session.get(Document, first_id)
            second_id = _second_document(session, copy, second, settings["UPLOAD_FOLDER"])
        for document_id in (first_id, second_id):
            process_document(document_id, settings, sessions, render=render)
            processed(sessions, document_id)
        with sessions() as session:
            started = time.perf_counter()
            result = compare_documents(session, session.get(Document, first_id), session.get(Document, second_id))
            return result, time.perf_counter() - started


def _second_document(session, first: Document, pdf: bytes, uploads: str) -> int:
    import hashlib

    from app import storage

    sha = hashlib.sha256(pdf).hexdigest()
    storage.original_path(uploads, sha).write_bytes(pdf)
    second = Document(project_id=first.project_id, sha256=sha, filename="second.pdf", size=len(pdf), title="second")
    session.add(second)
    session.flush()
    return second.id


def comparison(scan) -> tuple[float, float]:
    """Precision and recall of the passages released now, on the generated re-release."""
    first, second = rerelease_pair()
    result, _ = compared(scan(first, 4), scan(second, 4))
    truth = [LINES[0][4], LINES[2][3]]
    found = [run["text"] for run in result["released_now"]]
    right = [text for text in found if any(fuzz.ratio(text, true) >= 90 for true in truth)]
    caught = [true for true in truth if any(fuzz.ratio(text, true) >= 90 for text in found)]
    return (len(right) / len(found) if found else 0.0), len(caught) / len(truth)


def located(scan) -> float:
    """The share of the bundle's documents found where they start (or found absent)."""
    pdf, expected = bundle_pdf()
    rows = released(scan(pdf, len(pymupdf.open(stream=pdf, filetype="pdf"))))["schedule"]
    pages = [row["pages"] for row in rows]
    return sum(1 for got, want in zip(pages, expected, strict=False) if got == want) / len(expected)


def letter_truth(expected: dict) -> dict:
    extension = None
    if expected["extended"]:
        until = expected["extended_to"].isoformat() if expected["extended_to"] else None
        extension = {"days": expected["extension_days"], "until": until}
    return {
        "agency": expected["agency"],
        "reference": expected["reference"],
        "request_date": expected["request_date"].isoformat(),
        "response_date": expected["response_date"].isoformat(),
        "grounds": expected["grounds"],
        "extension": extension,
        "transferred": expected["transferred"],
    }


def letters(scan) -> tuple[float, float]:
    whole, fields = [], []
    for text, expected in LETTERS:
        release, truth = released(scan(letter_pdf(text), 2)), letter_truth(expected)
        right = [release[name] == truth[name] for name in LETTER_FIELDS]
        whole.append(all(right))
        fields += right
    return statistics.mean(whole), statistics.mean(fields)


def schedules(scan) -> float:
    right = []
    for headings, ruled, per_page, repeat, date_style in LAYOUTS.values():
        pdf, expected = schedule_pdf(headings, ruled, per_page, repeat, date_style)
        pages = 1 + -(-len(expected) // per_page)
        rows = released(scan(pdf, pages))["schedule"]
        read = {row["number"] or row["date"]: row for row in rows}
        for want in expected:
            row = read.get(want["number"] or want["date"].isoformat())
            right.append(row is not None and (row["decision"], row["grounds"]) == (want["decision"], want["grounds"]))
    return statistics.mean(right)


def other_seeds() -> str:
    """Schedules on rough 150 dpi scans turned, grained and specked by other seeds: each seed's
    share of rows right, and the hardest."""
    shares = {seed: schedules(_rough_150(seed)) for seed in OTHER_SEEDS}
    each = ", ".join(f"seed {seed} {share:.3f}" for seed, share in shares.items())
    hardest = min(shares.values())
    return (
        f"rough scan, 150 dpi, other seeds: schedule rows right {each}; hardest {hardest:.3f}"
        f" (target >= 0.9: {verdict(hardest >= 0.9)})"
    )


def _rough_150(seed: int):
    return lambda pdf, pages: rough_scan(pdf, [{"boxes": []}] * pages, 150, seed=seed)[0]


def real_letters() -> str:
    if not REAL.is_dir():
        return "real Police letters: ../shared/corpus/nz is not here"
    names = ["nz-police-oia-letter-mini-schedule.pdf", "nz-police-aos-manual-blackbox-6c.pdf"]
    names.append("nz-police-release-out-of-scope-pages.pdf")
    read = [released((REAL / name).read_bytes()) for name in names]
    return "real Police letters (agency, reference, received, answered): " + "; ".join(
        f"{r['agency']}, {r['reference']}, {r['request_date']}, {r['response_date']}" for r in read
    )


def reading_time() -> tuple[float, float]:
    """Seconds to read a 300-page bundle's letter and schedule, beyond ingest; and the ingest."""
    text, _ = LETTERS[0]
    schedule, _ = schedule_pdf(next(iter(LAYOUTS.values()))[0], True, 12, True)
    bundle = pymupdf.open(stream=letter_pdf(text), filetype="pdf")
    bundle.delete_page(1)
    bundle.insert_pdf(pymupdf.open(stream=schedule, filetype="pdf"), from_page=1)
    paper = [(72, 72 + 14 * i, f"Line {i} of a released paper.") for i in range(45)]
    body = pymupdf.open(stream=text_pdf([paper] * 298))
    bundle.insert_pdf(body)
    with tempfile.TemporaryDirectory() as folder:
        sessions, document_id, settings = stored_document(bundle.tobytes(), Path(folder))
        started = time.perf_counter()
        process_document(document_id, settings, sessions, render=False)
        ingest = time.perf_counter() - started
        with sessions.begin() as session:
            started = time.perf_counter()
            read_release(session, document_id, "nz-oia")
            return time.perf_counter() - started, ingest


def rereading_time() -> tuple[float, float]:
    """Seconds to ingest a rough 150 dpi scan of a two-page schedule, with its schedule read again
    as a table's rows (app.ingest.pipeline) and without."""
    pdf, _ = schedule_pdf(next(iter(LAYOUTS.values()))[0], True, 12, True)
    scan = _rough_150(12)(pdf, 2)
    seconds = []
    for again in (True, False):
        with tempfile.TemporaryDirectory() as folder:
            sessions, document_id, settings = stored_document(scan, Path(folder))
            if not again:
                pipeline.schedule_scans = lambda *_: []  # the baseline: no pages read again
            started = time.perf_counter()
            process_document(document_id, settings, sessions, render=False)
            seconds.append(time.perf_counter() - started)
    pipeline.schedule_scans = schedule_scans
    return seconds[0], seconds[1]


def main() -> None:
    print(f"{len(LETTERS)} letters, {len(LAYOUTS)} schedule layouts of 12 rows", file=sys.stderr, flush=True)
    for name, scan in SCANS.items():
        whole, fields = letters(scan)
        rows = schedules(scan)
        target = 0.95 if name == "electronic" else 0.9
        print(
            f"{name:22} letters all right {whole:.3f} (fields {fields:.3f})   schedule rows right {rows:.3f}"
            f"   (target >= {target}: letters {verdict(whole >= target)}, schedules {verdict(rows >= target)})",
            flush=True,
        )
    print(other_seeds(), flush=True)
    for name, scan in SCANS.items():
        share = located(scan)
        precision, recall = comparison(scan)
        target = 0.95 if name == "electronic" else 0.9
        ok = share >= target and precision >= target and recall >= target
        print(
            f"{name:22} documents located {share:.3f}   released-now passages: precision {precision:.3f}"
            f" recall {recall:.3f}   (target >= {target}: {verdict(ok)})",
            flush=True,
        )
    seconds, ingest = reading_time()
    print(f"reading a 300-page bundle's letter and schedule: {seconds:.3f} s beyond an ingest of {ingest:.1f} s"
          f" (target < 2 s: {verdict(seconds < 2)})")  # fmt: skip
    again, once = rereading_time()
    print(f"ingesting a rough 150 dpi scan of a two-page schedule: {again:.1f} s with its schedule read again"
          f" as a table, {once:.1f} s without")  # fmt: skip
    first, second = rerelease_pair()
    big = [pymupdf.open() for _ in (first, second)]
    for doc, pdf in zip(big, (first, second), strict=True):
        source = pymupdf.open(stream=pdf, filetype="pdf")
        for _ in range(300 // source.page_count):
            doc.insert_pdf(source)
    _, seconds = compared(big[0].tobytes(), big[1].tobytes(), render=False)
    print(f"comparing two {big[0].page_count}-page releases: {seconds:.2f} s (target < 5 s: {verdict(seconds < 5)})")
    print(real_letters())


if __name__ == "__main__":
    main()
