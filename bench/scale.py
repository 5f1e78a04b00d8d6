"""Spread out (issue 13): PostgreSQL (TEST_DATABASE_URL; `make bench` runs this under
scripts/with-postgres.sh), Debian's redis-server and moto's S3 server on loopback, two web
processes (`python -m app.run --web`) and one, then two worker processes (`--worker`), each with a
local folder of its own as on separate machines. RELEASES generated releases of PAGES pages (a
quarter of them scanned, 200 dpi) are uploaded through both web processes, text first, while the
load clients of bench/load.py read pages, page images, annotation lists and search results and
make annotations; then the same on one machine's defaults (`python -m app.run`: SQLite, the
queue's file, the upload folder), the baseline.

Prints, per set-up: text pages ingested a second (from the first upload until every text release
is ready), scanned pages a second (from then until every scanned release is), read and write
latency percentiles and errors. Targets from issue 13: two workers at >= 1.8 x one worker's text
page rate; zero errors; read p95 under 100 ms while ingesting.

BENCH_SCALE_RELEASES (50) and BENCH_SCALE_PAGES (100) make it smaller: the whole of it OCRs 1,250
scanned pages three times over.
"""

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import verdict
from live import create_project, free_port, prepare, request, start_role, upload_queued, wait_until_up
from load import READS, run_clients
from pdfs import scanned_copy, text_pdf
from services import new_bucket, redis_server, s3_server

from app.auth.service import create_token_for, create_user
from app.db import make_sessionmaker
from app.models import Project, Role
from app.projects.members import add_member

RELEASES = int(os.environ.get("BENCH_SCALE_RELEASES", 50))
PAGES = int(os.environ.get("BENCH_SCALE_PAGES", 100))
SCANNED_SHARE = 0.25
SEED_PAGES = 20  # the release the load clients read while the others are ingested
TARGET_SPEEDUP, TARGET_READ_P95 = 1.8, 100.0
PASSWORD = "a long scale password"  # noqa: S105 - throwaway accounts on loopback


def release(number: int, pages: int) -> bytes:
    """Release `number`: pages of briefing text that no other release shares."""
    lines = [
        [(72, 72, f"Release {number}, page {page}: briefing to the Minister")]
        + [(72, 100 + 16 * i, f"Line {i}: supply chain resilience, release {number}.") for i in range(40)]
        for page in range(1, pages + 1)
    ]
    return text_pdf(lines)


def releases() -> list[tuple[str, bytes, bool]]:
    """(name, PDF, scanned) of each release, text ones first."""
    scanned = round(RELEASES * SCANNED_SHARE)
    made = [(f"text-{n}.pdf", release(n, PAGES), False) for n in range(RELEASES - scanned)]
    return made + [
        (f"scan-{n}.pdf", scanned_copy(release(1000 + n, PAGES), dpi=200, jpeg_quality=75), True)
        for n in range(scanned)
    ]


def world_for(bases: list[str], env: dict, owner_token: str) -> dict:
    """A project with three members and one ready release the load clients read."""
    project = create_project(bases[0], owner_token, "Scale")
    sessions = make_sessionmaker(env["DATABASE_URL"])
    tokens = {"owner": owner_token}
    with sessions() as session:
        for role in ("editor", "viewer"):
            create_user(session, f"{role}@example.nz", PASSWORD)
            add_member(session, session.get(Project, project["id"]), f"{role}@example.nz", Role(role))
            tokens[role] = create_token_for(session, f"{role}@example.nz")
    seed = upload_queued(bases[0], owner_token, project["id"], "seed.pdf", release(-1, SEED_PAGES))
    wait_until(lambda: status(bases[0], owner_token, seed) == "ready", 120)
    return {"project": project["id"], "documents": [seed], "tokens": tokens, "pages": SEED_PAGES}


def status(base: str, token: str, document_id: int) -> str:
    return request(base, token, f"/api/documents/{document_id}")[1]["status"]


def wait_until(predicate, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("timed out")
        time.sleep(0.5)


def ingest_under_load(bases: list[str], token: str, world: dict) -> dict:
    """Upload every release through the web processes in turn while the load clients run; the
    text and scanned page rates and the clients' samples."""
    made = releases()
    started = time.monotonic()
    ids = [
        upload_queued(bases[n % len(bases)], token, world["project"], name, pdf)
        for n, (name, pdf, _) in enumerate(made)
    ]
    ready: dict[int, float] = {}

    def watch() -> None:
        while len(ready) < len(ids):
            listed = request(bases[0], token, f"/api/projects/{world['project']}/documents")[1]["documents"]
            for document in listed:
                assert document["status"] != "failed", f"document {document['id']} failed: {document['error']}"
                if document["status"] == "ready" and document["id"] in ids:
                    ready.setdefault(document["id"], time.monotonic())
            time.sleep(0.5)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    samples: list = []
    while watcher.is_alive():  # the clients run for as long as the ingest does
        more, _ = run_clients(bases, world, 20, only_static=False)
        samples += more
    text_ids = [d for d, (_, _, scanned) in zip(ids, made, strict=True) if not scanned]
    text_done = max(ready[d] for d in text_ids)
    all_done = max(ready.values())
    scanned_pages = PAGES * (len(ids) - len(text_ids))
    return {
        "text": PAGES * len(text_ids) / (text_done - started),
        "scanned": scanned_pages / (all_done - text_done) if scanned_pages else 0.0,
        "samples": samples,
        "seconds": all_done - started,
    }


def spread_out(home: Path, workers: int) -> dict:
    """Two web processes and `workers` workers on PostgreSQL, Redis and the S3 server."""
    with redis_server(home) as redis_url, s3_server() as variables:
        bucket = new_bucket(variables)
        env, token = prepare(
            home, "owner@example.nz", PASSWORD, QUEUE_URL=redis_url, STORAGE_URL=f"s3://{bucket}/desk", **variables
        )
        ports = [free_port(), free_port()]
        processes = [
            start_role(["--web"], env, home / f"web-{n}.log", PORT=port, UPLOAD_FOLDER=home / f"web-{n}")
            for n, port in enumerate(ports)
        ]
        processes += [
            start_role(["--worker"], env, home / f"worker-{n}.log", UPLOAD_FOLDER=home / f"worker-{n}")
            for n in range(workers)
        ]
        return _measured(processes, [f"http://127.0.0.1:{port}" for port in ports], env, token)


def all_in_one(home: Path) -> dict:
    """`python -m app.run` as `make run` starts it: SQLite, the queue's file, the upload folder."""
    env, token = prepare(home, "owner@example.nz", PASSWORD, DATABASE_URL=f"sqlite:///{home / 'oia-desk.db'}")
    port = free_port()
    return _measured([start_role([], env, home / "run.log", PORT=port)], [f"http://127.0.0.1:{port}"], env, token)


def _measured(processes: list[subprocess.Popen], bases: list[str], env: dict, token: str) -> dict:
    try:
        for base in bases:
            wait_until_up(base)
        return ingest_under_load(bases, token, world_for(bases, env, token))
    finally:
        for process in processes:
            os.killpg(process.pid, 15)
            process.wait(timeout=60)


def report(name: str, measured: dict) -> None:
    samples = measured["samples"]
    reads = sorted(ms for kind, ms, _ in samples if kind in READS)
    writes = sorted(ms for kind, ms, _ in samples if kind not in READS)
    errors = sum(1 for _, _, code in samples if not 200 <= code < 300)
    read_p95 = statistics.quantiles(reads, n=100)[94]
    print(
        f"  {name:34} text {measured['text']:6.1f} pages/s, scanned {measured['scanned']:5.2f} pages/s "
        f"({measured['seconds']:.0f} s in all); reads p50 {statistics.median(reads):5.1f} p95 {read_p95:6.1f} "
        f"p99 {statistics.quantiles(reads, n=100)[98]:6.1f} ms (target p95 < {TARGET_READ_P95:g}: "
        f"{verdict(read_p95 < TARGET_READ_P95)}); writes p95 {statistics.quantiles(writes, n=100)[94]:6.1f} ms; "
        f"{len(samples)} requests, errors {errors} ({verdict(errors == 0)})"
    )


def main() -> None:
    if not os.environ.get("TEST_DATABASE_URL"):
        sys.exit("bench/scale.py needs PostgreSQL: run it under scripts/with-postgres.sh (make bench does).")
    scanned = round(RELEASES * SCANNED_SHARE)
    print(
        f"{RELEASES} releases of {PAGES} pages ({scanned} scanned at 200 dpi), uploaded through the web "
        f"processes while 16 load clients read and annotate; {os.cpu_count()} cores"
    )
    measured = {}
    with tempfile.TemporaryDirectory() as tmp:
        for workers in (1, 2):
            home = Path(tmp) / f"spread-{workers}"
            home.mkdir()
            measured[workers] = spread_out(home, workers)
            report(f"PostgreSQL, Redis, S3: {workers} worker(s)", measured[workers])
        home = Path(tmp) / "all-in-one"
        home.mkdir()
        report("SQLite all-in-one (make run)", all_in_one(home))
    speedup = measured[2]["text"] / measured[1]["text"]
    print(
        f"  two workers / one, text pages: {speedup:.2f} x (target >= {TARGET_SPEEDUP}) "
        f"{verdict(speedup >= TARGET_SPEEDUP)}"
    )


if __name__ == "__main__":
    main()
