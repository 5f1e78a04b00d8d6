"""Ingest speed on a generated 400-page text PDF, next to raw PyMuPDF in the same run.

Prints: raw get_text("words") pages/s; extraction + storage (no rendering) pages/s, each the
median of ROUNDS rounds taken in turn, so that a slow spell of this shared machine falls on both;
end to end through `make run`'s server and worker: seconds until page 1 can be viewed, until
every page's text is stored, until all pages are ready (images included), pages/s. Targets from
issues 2 and 13 are printed beside them.
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


def end_to_end(pdf: bytes, home: Path) -> tuple[float, float, float]:
    """Seconds from upload until page 1 is viewable, until every page's text is stored (searchable
    and annotatable: progress 1), and until the document is ready (page images included)."""
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
        first_page = searchable = None
        while True:
            if first_page is None:
                page_status, _ = request(base, token, f"/api/documents/{document_id}/pages/1")
                image_status, _ = request(base, token, f"/documents/{document_id}/pages/1.png")
                if page_status == 200 and image_status == 200:
                    first_page = time.perf_counter() - started
            _, document = request(base, token, f"/api/documents/{document_id}")
            if searchable is None and document["progress"] == 1:
                searchable = time.perf_counter() - started
            if document["status"] in ("ready", "failed"):
                assert document["status"] == "ready", document["error"]
                ready = time.perf_counter() - started
                return first_page or ready, searchable or ready, ready
            time.sleep(0.02)


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
        first, searchable, total = end_to_end(pdf, home / "live")
    print(f"Generated text PDF: {PAGES} pages, {len(pdf) / 1e6:.1f} MB")
    print(f"each rate below is the median of {ROUNDS} rounds")
    print(f"raw PyMuPDF get_text('words'):      {raw:7.0f} pages/s (baseline, one process)")
    print(
        f"extraction + storage, no rendering: {stored:7.0f} pages/s = {stored / raw:.2f} x raw "
        f"(target >= 0.5: {verdict(stored >= raw / 2)})"
    )
    print(f"upload -> page 1 viewable:          {first:7.2f} s (issue 13's target < 0.3 s: {verdict(first < 0.3)})")
    print(f"upload -> every page's text stored: {searchable:7.2f} s"
          f" (issue 13's target < 3 s: {verdict(searchable < 3)})")  # fmt: skip
    print(f"upload -> all {PAGES} pages ready:     {total:7.2f} s (issue 13's target < 6 s: {verdict(total < 6)};"
          f" 16.1 to 17.3 s on 2026-11-28)")  # fmt: skip
    print(f"end to end, with page images:       {PAGES / total:7.1f} pages/s")


if __name__ == "__main__":
    main()
