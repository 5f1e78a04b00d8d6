"""Annotation speed with 2,000 annotations on one 300-page document.

Prints, over 200 calls each through the HTTP API (waitress, one kept-alive connection):
the time to create one annotation (median, p95) and to load one page's annotation list
(median, p95), next to the time of a trivial signed-in API call in the same run (baseline).
Targets from issue 3: create p95 < 30 ms, page list p95 < 20 ms.
"""

import http.client
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, verdict
from live import free_port, prepare
from pdfs import briefing_pdf

from app import storage
from app.annotations.schemas import NewAnnotation
from app.annotations.service import create_annotation
from app.db import make_sessionmaker
from app.ingest.pipeline import process_document
from app.models import Document, Page, User
from app.projects.schemas import NewProject
from app.projects.service import create_project

PAGES, SEEDED, CALLS = 300, 2000, 200
TAGS = ["Risk", "Key quote", "Workstream: Supply chains", "Follow up"]


def build(home: Path) -> tuple[dict, str, int, dict[int, str]]:
    """A database with one processed 300-page document and 2,000 annotations; returns env, token, id, texts."""
    import hashlib

    env, token = prepare(home, "bench@example.nz", "bench password 123")
    sessions = make_sessionmaker(env["DATABASE_URL"])
    pdf = briefing_pdf(PAGES)
    sha = hashlib.sha256(pdf).hexdigest()
    original = storage.original_path(env["UPLOAD_FOLDER"], sha)
    original.parent.mkdir(parents=True, exist_ok=True)
    original.write_bytes(pdf)
    with sessions() as session:
        user = session.query(User).one()
        project = create_project(session, user, NewProject(name="bench"))
        document = Document(project_id=project.id, sha256=sha, filename="b.pdf", size=len(pdf), title="b")
        session.add(document)
        session.commit()
        document_id = document.id
    settings = {**env, "MAX_PAGES": 2000, "PARSE_TIMEOUT_SECONDS": 600, "PARSE_MEMORY_MB": 1536}
    settings |= {"PARSE_PROCESSES": 2, "OCR_LANGUAGES": "eng", "OCR_DPI": 300}
    process_document(document_id, settings, sessions, render=False)
    random.seed(7)
    with sessions() as session:
        user = session.query(User).one()
        document = session.get(Document, document_id)
        texts = dict(session.query(Page.number, Page.text).filter(Page.document_id == document_id).all())
        for _ in range(SEEDED):
            create_annotation(session, user, document, NewAnnotation(**random_body(texts)))
    return env, token, document_id, texts


def random_body(texts: dict[int, str]) -> dict:
    page = random.randint(1, PAGES)
    start = random.randint(0, len(texts[page]) - 40)
    return {"page": page, "start": start, "end": start + random.randint(5, 40), "tags": random.sample(TAGS, 1)}


def timed(connection, method: str, path: str, token: str, body: dict | None = None) -> float:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    started = time.perf_counter()
    connection.request(method, path, body=json.dumps(body) if body else None, headers=headers)
    response = connection.getresponse()
    response.read()
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status in (200, 201), response.status
    return elapsed


def summary(label: str, samples: list[float], target: float | None = None) -> str:
    p95 = statistics.quantiles(samples, n=20)[18]
    line = f"{label:38} median {statistics.median(samples):6.1f} ms   p95 {p95:6.1f} ms"
    return line + (f"   (target p95 < {target:g} ms: {verdict(p95 < target)})" if target else "")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env, token, document_id, texts = build(Path(tmp))
        port = free_port()
        command = [sys.executable, "-m", "waitress", f"--port={port}", "--threads=4", "--call", "app:create_app"]
        server = subprocess.Popen(command, env=env, cwd=ROOT, stderr=subprocess.DEVNULL)
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port)
            for _ in range(100):
                try:
                    timed(connection, "GET", "/api/projects", token)
                    break
                except (ConnectionError, OSError):
                    time.sleep(0.1)
                    connection = http.client.HTTPConnection("127.0.0.1", port)
            baseline = [timed(connection, "GET", "/api/projects", token) for _ in range(CALLS)]
            path = f"/api/documents/{document_id}/annotations"
            creates = [timed(connection, "POST", path, token, random_body(texts)) for _ in range(CALLS)]
            lists = [timed(connection, "GET", f"{path}?page={random.randint(1, PAGES)}", token) for _ in range(CALLS)]
        finally:
            server.terminate()
            server.wait()
    print(f"{SEEDED} annotations on a {PAGES}-page document; {CALLS} calls each, one kept-alive connection")
    print(summary("signed-in GET /api/projects (baseline)", baseline))
    print(summary("create one annotation (POST)", creates, 30))
    print(summary("one page's annotation list (GET)", lists, 20))


if __name__ == "__main__":
    main()
