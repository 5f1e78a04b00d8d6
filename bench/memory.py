"""The worker's memory (issue 13): peak resident memory of the worker, with every process it
starts (its consumer processes and their parsing and OCR processes), while it reads the generated
400-page text release and a 200-page scan (200 dpi, JPEG) at once, uploaded together through the web
process. Sampled ten times a second from /proc: the sum over the worker and its descendants. Target:
under 1 GB. BENCH_MEMORY_SCAN_PAGES (200) makes the scan smaller.
"""

import os
import signal
import tempfile
import time
from pathlib import Path

from common import verdict
from live import (
    create_project,
    descendants,
    free_port,
    prepare,
    request,
    start_role,
    upload_queued,
    wait_until_up,
)
from pdfs import briefing_pdf, scanned_copy

TEXT_PAGES = 400
SCAN_PAGES = int(os.environ.get("BENCH_MEMORY_SCAN_PAGES", 200))
TARGET_BYTES = 1024**3


def tree_memory(root: int) -> tuple[int, int, int]:
    """(proportional resident bytes, resident bytes, processes) summed over the process and all
    its descendants (parsing processes put themselves in process groups of their own). Forked
    processes share their parent's pages until they write them: the resident sum counts a shared
    page once per process, the proportional sum (PSS) shares it out, so it adds up."""
    tree = {root} | descendants(root)
    proportional = resident = 0
    for pid in tree:
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]
        except OSError:  # the process ended while we looked
            continue
        values = {line.split(":")[0]: int(line.split()[1]) * 1024 for line in rollup if line.endswith("kB")}
        proportional += values.get("Pss", 0)
        resident += values.get("Rss", 0)
    return proportional, resident, len(tree)


def main() -> None:
    print(f"Making a {SCAN_PAGES}-page scan...", flush=True)
    scan = scanned_copy(briefing_pdf(SCAN_PAGES), dpi=200, jpeg_quality=75)
    text = briefing_pdf(TEXT_PAGES)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        env, token = prepare(home, "memory@example.nz", "a long memory password")
        port = free_port()
        web = start_role(["--web"], env, home / "web.log", PORT=port)
        worker = start_role(["--worker"], env, home / "worker.log")
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base)
            project = create_project(base, token, "Memory")
            started = time.monotonic()
            ids = [
                upload_queued(base, token, project["id"], name, pdf)
                for name, pdf in (("text.pdf", text), ("scan.pdf", scan))
            ]
            peak, peak_resident, most = 0, 0, 0
            while True:
                proportional, resident, processes = tree_memory(worker.pid)
                peak, peak_resident, most = max(peak, proportional), max(peak_resident, resident), max(most, processes)
                shown = [request(base, token, f"/api/documents/{d}")[1] for d in ids]
                states = [document["status"] for document in shown]
                if all(state in ("ready", "failed") for state in states):
                    break
                time.sleep(0.1)
            seconds = time.monotonic() - started
        finally:
            for process in (web, worker):
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=60)
    for document in shown:
        if document["status"] == "failed":
            print(f"{document['filename']} failed: {document['error']}")
    print(
        f"worker reading a {TEXT_PAGES}-page text release and a {SCAN_PAGES}-page scan at once ({states}, "
        f"{seconds:.0f} s): peak memory {peak / 2**20:.0f} MiB (proportional set size, summed over up to {most} "
        f"processes; the resident sizes' sum, counting shared pages once per process, {peak_resident / 2**20:.0f} "
        f"MiB) (target < {TARGET_BYTES / 2**20:.0f} MiB) {verdict(peak < TARGET_BYTES)}"
    )


if __name__ == "__main__":
    main()
