"""Many people at once: 16 clients for 60 s against the running app (`python -m app.run` with its
default settings: WEB_PROCESSES waitress processes sharing the port, and the worker, on loopback),
in a project of 2,000 pages with three members, while the worker ingests a 400-page release.

Each client is a process of its own with one kept-alive connection, signed in as one of the three
members (owner, editor, viewer), and picks at random: a page's text and words, a page image, a
page's annotation list, a search, or (the owner and the editor) a new annotation. Prints, per
kind: requests, requests/s, p50, p95 and p99 latency, and errors; and, first, the same clients
fetching a static file from the same server for 10 s: the ceiling of this machine and client.
Targets from issue 11: no errors; p95 under 100 ms for reads and under 200 ms for writes, during
ingest too.

Page images: one page rendered for real, its PNG copied to every page's path (serving a file
costs the same whatever it shows; rendering 2,000 would add minutes to the set-up).
"""

import hashlib
import http.client
import json
import os
import random
import statistics
import sys
import tempfile
import time
from multiprocessing import Pool
from pathlib import Path

from common import verdict
from live import live_server, multipart, request
from pdfs import briefing_pdf, text_pdf

from app import storage
from app.auth.service import create_token_for, create_user
from app.config import load_settings
from app.db import make_sessionmaker
from app.ingest.pipeline import process_document
from app.models import Document, Role, User
from app.projects.members import add_member
from app.projects.schemas import NewProject
from app.projects.service import create_project

CLIENTS, SECONDS, CEILING_SECONDS = 16, 60, 10
PAGES, DOCUMENTS, INGESTED_PAGES = 2000, 5, 400
READS = ("page", "page image", "annotation list", "search")
WORDS = ("resilience", "sustainment", "minister", "defence", "supply", "briefing", "line")
TARGETS = {"read": 100.0, "write": 200.0}


def build(running: dict) -> dict:
    """The project: 5 documents of 400 pages read (text and words), three members, and a page
    image at every page's path."""
    env = running["env"]
    sessions = make_sessionmaker(env["DATABASE_URL"])
    settings = load_settings(DATABASE_URL=env["DATABASE_URL"], UPLOAD_FOLDER=env["UPLOAD_FOLDER"])
    with sessions() as session:
        owner = session.query(User).one()
        project = create_project(session, owner, NewProject(name="Load"))
        tokens = {"owner": running["token"]}
        for role in ("editor", "viewer"):
            create_user(session, f"{role}@example.nz", "a long load password")
            add_member(session, project, f"{role}@example.nz", Role(role))
            tokens[role] = create_token_for(session, f"{role}@example.nz")
        project_id = project.id
        documents = [_stored(session, env["UPLOAD_FOLDER"], project_id, part) for part in range(DOCUMENTS)]
    for document_id in documents:
        process_document(document_id, settings, sessions, render=False)
    _copy_page_images(env["UPLOAD_FOLDER"], part_pdf(0), documents)
    return {"project": project_id, "documents": documents, "tokens": tokens, "pages": PAGES // DOCUMENTS}


def part_pdf(part: int) -> bytes:
    """One of the project's documents: 400 pages of briefing text, each part its own file."""
    lines = [(72, 100 + 16 * i, f"Line {i}: supply chain resilience and sustainment, part {part}.") for i in range(40)]
    return text_pdf([[(72, 72, f"Briefing to the Minister of Defence, part {part}"), *lines]] * (PAGES // DOCUMENTS))


def _stored(session, upload_folder: str, project_id: int, part: int) -> int:
    """A queued document for part_pdf(part), its original in place; its id."""
    pdf = part_pdf(part)
    sha = hashlib.sha256(pdf).hexdigest()
    storage.original_path(upload_folder, sha).parent.mkdir(parents=True, exist_ok=True)
    storage.original_path(upload_folder, sha).write_bytes(pdf)
    document = Document(project_id=project_id, sha256=sha, filename=f"{part}.pdf", size=len(pdf), title=f"Part {part}")
    session.add(document)
    session.commit()
    return document.id


def _copy_page_images(upload_folder: str, pdf: bytes, documents: list[int]) -> None:
    import pymupdf

    png = pymupdf.open(stream=pdf, filetype="pdf")[0].get_pixmap(dpi=110).tobytes("png")
    for document_id in documents:
        folder = storage.page_images_dir(upload_folder, document_id)
        folder.mkdir(parents=True, exist_ok=True)
        for number in range(1, PAGES // DOCUMENTS + 1):
            (folder / f"{number}.png").write_bytes(png)


def client(job: tuple) -> list[tuple[str, float, int]]:
    """One client until the deadline: (kind, milliseconds, status) of each request."""
    base, world, role, seed, deadline, only_static = job
    random.seed(seed)
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    headers = {"Authorization": f"Bearer {world['tokens'][role]}"}
    samples = []
    while time.monotonic() < deadline:
        kind, method, path, body = ("static", "GET", "/static/css/app.css", None) if only_static else _pick(world, role)
        started = time.perf_counter()
        try:
            sent = {**headers, "Content-Type": "application/json"} if body else headers
            connection.request(method, path, body=json.dumps(body) if body else None, headers=sent)
            response = connection.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            status = 0
            connection = http.client.HTTPConnection(host, int(port), timeout=30)
        samples.append((kind, (time.perf_counter() - started) * 1000, status))
    return samples


def _pick(world: dict, role: str) -> tuple[str, str, str, dict | None]:
    document = random.choice(world["documents"])
    number = random.randint(1, world["pages"])
    kinds = [*READS, "create annotation"] if role != "viewer" else list(READS)
    kind = random.choices(kinds, weights=[3, 3, 2, 1, 1][: len(kinds)])[0]
    if kind == "page":
        return kind, "GET", f"/api/documents/{document}/pages/{number}", None
    if kind == "page image":
        return kind, "GET", f"/documents/{document}/pages/{number}.png", None
    if kind == "annotation list":
        return kind, "GET", f"/api/documents/{document}/annotations?page={number}", None
    if kind == "search":
        return kind, "GET", f"/api/search?q={random.choice(WORDS)}&project={world['project']}", None
    body = {"page": number, "words": [3, 6], "tags": ["Risk"], "note": f"{role} was here"}
    return kind, "POST", f"/api/documents/{document}/annotations", body


def run_clients(bases: list[str], world: dict, seconds: float, only_static: bool) -> tuple[list, float]:
    """CLIENTS clients for seconds, taking turns at the web servers at bases; every sample and the time taken."""
    roles = ["owner", "editor", "viewer"]
    deadline = time.monotonic() + seconds
    jobs = [(bases[n % len(bases)], world, roles[n % 3], n, deadline, only_static) for n in range(CLIENTS)]
    started = time.monotonic()
    with Pool(CLIENTS) as pool:
        samples = [sample for result in pool.map(client, jobs) for sample in result]
    return samples, time.monotonic() - started


def report(kind: str, samples: list[tuple[str, float, int]], seconds: float) -> tuple[str, bool]:
    times = sorted(ms for k, ms, _ in samples if k == kind)
    errors = sum(1 for k, _, status in samples if k == kind and not 200 <= status < 300)
    cuts = statistics.quantiles(times, n=100)
    p50, p95, p99 = statistics.median(times), cuts[94], cuts[98]
    target = TARGETS["write"] if kind == "create annotation" else TARGETS["read"]
    ok = errors == 0 and (kind == "static" or p95 < target)
    rate = len(times) / seconds
    line = f"{kind:18} {len(times):6} req {rate:7.1f}/s   p50 {p50:6.1f}   p95 {p95:6.1f}   p99 {p99:6.1f} ms"
    line += f"   errors {errors}"
    if kind != "static":
        line += f"   (target p95 < {target:g} ms, no errors: {verdict(ok)})"
    return line, ok


def main() -> None:
    with (
        tempfile.TemporaryDirectory() as tmp,
        live_server(Path(tmp), "owner@example.nz", "a long load password") as running,
    ):
        print(f"Setting up {PAGES} pages in {DOCUMENTS} documents...", file=sys.stderr, flush=True)
        world = build(running)
        base = running["base"]
        ceiling, ceiling_seconds = run_clients([base], world, CEILING_SECONDS, only_static=True)
        body, content_type = multipart("incoming.pdf", briefing_pdf(INGESTED_PAGES))
        path = f"/api/projects/{world['project']}/documents"
        _, answer = request(base, running["token"], path, "POST", body, {"Content-Type": content_type})
        incoming = answer["documents"][0]["id"]
        samples, seconds = run_clients([base], world, SECONDS, only_static=False)
        status = request(base, running["token"], f"/api/documents/{incoming}")[1]
    print(f"{CLIENTS} clients (processes, one connection each) on loopback; {os.cpu_count()} cores")
    print(f"{PAGES} pages in {DOCUMENTS} documents, 3 members")
    print(f"ceiling: the same clients fetching a static file for {CEILING_SECONDS} s")
    print(report("static", ceiling, ceiling_seconds)[0])
    read = f"{status['status']}, {status['pages_done']} pages read by the end"
    print(f"load: {SECONDS} s while the worker ingests a {INGESTED_PAGES}-page release ({read})")
    outcomes = [report(kind, samples, seconds) for kind in (*READS, "create annotation")]
    for line, _ in outcomes:
        print(line)
    total = len(samples)
    print(
        f"all kinds: {total} requests, {total / seconds:.1f}/s; every target: {verdict(all(ok for _, ok in outcomes))}"
    )


if __name__ == "__main__":
    main()
