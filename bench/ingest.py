"""Ingest speed on a generated 400-page text PDF, next to raw PyMuPDF in the same run.

Prints: raw get_text("words") pages/s; extraction + storage (no rendering) pages/s, each the
median of ROUNDS rounds taken in turn, so that a slow spell of this shared machine falls on both;
end to end through `make run`'s server and worker: seconds until page 1 can be viewed,
seconds until all pages are ready, pages/s. Targets from issue 2 are printed beside them.
"""

import statistics
import tempfile
import time
from pathlib import Path

from common import processed, stored_document, verdict
from live import live_server, multipart, request
from pdfs import briefing_pdf

from app.ingest.pipeline import process_document

PAGES = 400
ROUNDS = 3


def raw_words_rate(pdf: bytes) -> float:
    """Pages per second for PyMuPDF get_text("words") alone, one process."""
    import pymupdf

    doc = pymupdf.open(stream=pdf, filetype="pdf")
    started = time.perf_counter()
    for page in doc:
        page.get_text("words")
    return doc.page_count / (time.perf_counter() - started)


def extraction_and_storage_rate(pdf: bytes, folder: Path) -> float:
    """Pages per second for the worker's pipeline with rendering switched off."""
    sessions, document_id, settings = stored_document(pdf, folder)
    started = time.perf_counter()
    process_document(document_id, settings, sessions, render=False)
    elapsed = time.perf_counter() - started
    processed(sessions, document_id)
    return PAGES / elapsed


def end_to_end(pdf: bytes, home: Path) -> tuple[float, float]:
    """Seconds from upload until page 1 is viewable, and until the document is ready."""
    with live_server(home, "bench@example.nz", "bench password 123") as server:
        base, token = server["base"], server["token"]
        _, project = request(
            base, token, "/api/projects", "POST", b'{"name": "bench"}', {"Content-Type": "application/json"}
        )
        body, content_type = multipart("briefing.pdf", pdf)
        started = time.perf_counter()
        status, answer = request(
            base, token, f"/api/projects/{project['id']}/documents", "POST", body, {"Content-Type": content_type}
        )
        assert status == 202, answer
        document_id = answer["documents"][0]["id"]
        first_page = None
        while True:
            if first_page is None:
                page_status, _ = request(base, token, f"/api/documents/{document_id}/pages/1")
                image_status, _ = request(base, token, f"/documents/{document_id}/pages/1.png")
                if page_status == 200 and image_status == 200:
                    first_page = time.perf_counter() - started
            _, document = request(base, token, f"/api/documents/{document_id}")
            if document["status"] in ("ready", "failed"):
                assert document["status"] == "ready", document["error"]
                return first_page or time.perf_counter() - started, time.perf_counter() - started
            time.sleep(0.05)


def main() -> None:
    pdf = briefing_pdf(PAGES)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        raws, storeds = [], []
        for round_number in range(ROUNDS):
            raws.append(raw_words_rate(pdf))
            (home / f"round{round_number}").mkdir()
            storeds.append(extraction_and_storage_rate(pdf, home / f"round{round_number}"))
        raw, stored = statistics.median(raws), statistics.median(storeds)
        (home / "live").mkdir()
        first, total = end_to_end(pdf, home / "live")
    print(f"Generated text PDF: {PAGES} pages, {len(pdf) / 1e6:.1f} MB")
    print(f"each rate below is the median of {ROUNDS} rounds")
    print(f"raw PyMuPDF get_text('words'):      {raw:7.0f} pages/s (baseline, one process)")
    print(
        f"extraction + storage, no rendering: {stored:7.0f} pages/s = {stored / raw:.2f} x raw "
        f"(target >= 0.5: {verdict(stored >= raw / 2)})"
    )
    print(f"upload -> page 1 viewable:          {first:7.2f} s (target < 2 s: {verdict(first < 2)})")
    print(f"upload -> all {PAGES} pages ready:     {total:7.2f} s (target < 20 s: {verdict(total < 20)})")
    print(f"end to end, with page images:       {PAGES / total:7.1f} pages/s")


if __name__ == "__main__":
    main()
