"""Export speed and memory: 10,000 annotations over 20 documents as CSV, Markdown and annotated PDF.

Each export runs in a fresh Python process through the app (Flask test client, streamed body
read in chunks), which prints its seconds and its peak memory (its own resident set, and its
forked PDF drawers'). Baseline, in the same run and the same way: a fresh process that only
reads the 10,000 annotations from the database. Targets from issue 5: CSV and Markdown under
2 s, annotated PDF under 10 s, peak memory under 300 MB.
"""

import hashlib
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, verdict
from live import prepare
from pdfs import briefing_pdf

DOCUMENTS, PER_DOCUMENT = 20, 500
TAGS = ["Risk", "Key quote", "Workstream: Supply chains", "Follow up"]
TARGET_SECONDS = {"csv": 2, "md": 2, "pdf": 10}
TARGET_MB = 300


def build(home: Path) -> dict:
    """A project of 20 processed documents with 500 annotations each; returns the environment."""
    from app import storage
    from app.annotations.schemas import NewAnnotation
    from app.annotations.service import create_annotation
    from app.db import make_sessionmaker
    from app.ingest.pipeline import process_document
    from app.models import Document, Page, User
    from app.projects.schemas import NewProject
    from app.projects.service import create_project

    env, _ = prepare(home, "bench@example.nz", "bench password 123")
    sessions = make_sessionmaker(env["DATABASE_URL"])
    settings = {**env, "MAX_PAGES": 2000, "PARSE_TIMEOUT_SECONDS": 600, "PARSE_MEMORY_MB": 1536}
    settings |= {"PARSE_PROCESSES": 2, "OCR_LANGUAGES": "eng", "OCR_DPI": 300}
    random.seed(5)
    with sessions() as session:
        user = session.query(User).one()
        project = create_project(session, user, NewProject(name="Export bench"))
        project_id = project.id
    for index in range(DOCUMENTS):
        pdf = briefing_pdf(20 + index)
        sha = hashlib.sha256(pdf).hexdigest()
        storage.original_path(env["UPLOAD_FOLDER"], sha).parent.mkdir(parents=True, exist_ok=True)
        storage.original_path(env["UPLOAD_FOLDER"], sha).write_bytes(pdf)
        with sessions() as session:
            document = Document(project_id=project_id, sha256=sha, filename=f"{index}.pdf", size=len(pdf))
            document.title = f"Briefing {index + 1}"
            session.add(document)
            session.commit()
            document_id = document.id
        process_document(document_id, settings, sessions, render=False)
        with sessions() as session:
            user = session.query(User).one()
            document = session.get(Document, document_id)
            texts = dict(session.query(Page.number, Page.text).filter(Page.document_id == document_id).all())
            for _ in range(PER_DOCUMENT):
                page = random.choice(list(texts))
                start = random.randint(0, len(texts[page]) - 60)
                body = {"page": page, "start": start, "end": start + random.randint(10, 60)}
                body |= {"tags": random.sample(TAGS, 1), "note": "Check this against the Cabinet paper."}
                create_annotation(session, user, document, NewAnnotation(**body))
    return {**env, "PROJECT_ID": str(project_id)}


def measure(kind: str) -> None:
    """In a fresh process: run one export (or the baseline read) and print seconds and peak MB."""
    from app import create_app
    from app.auth.service import create_token_for

    app = create_app()
    project_id = int(__import__("os").environ["PROJECT_ID"])
    with app.extensions["sessions"]() as session:
        token = create_token_for(session, "bench@example.nz")
    started = time.perf_counter()
    if kind == "baseline":
        from sqlalchemy import select

        from app.models import Annotation

        with app.extensions["sessions"]() as session:
            rows = 0
            for _ in session.scalars(select(Annotation).execution_options(yield_per=500)):
                rows += 1
        size = rows
    else:
        client = app.test_client()
        path = f"/api/projects/{project_id}/export?format={kind}"
        response = client.get(path, headers={"Authorization": f"Bearer {token}"}, buffered=False)
        assert response.status_code == 200, response.status_code
        size = sum(len(chunk) for chunk in response.response)
        response.close()
    seconds = time.perf_counter() - started
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "own_mb": own, "children_mb": children, "size": size}))


def run(kind: str, env: dict) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--measure", kind], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        env = build(Path(tmp))
        built = time.perf_counter() - started
        print(f"Built {DOCUMENTS} documents with {DOCUMENTS * PER_DOCUMENT} annotations in {built:.0f} s.")
        base = run("baseline", env)
        print(
            f"  baseline: reading the {base['size']} annotations only: {base['seconds']:.2f} s, "
            f"peak {base['own_mb']:.0f} MB"
        )
        for kind in ("csv", "md", "pdf"):
            figure = run(kind, env)
            peak = max(figure["own_mb"], figure["children_mb"])
            ok = figure["seconds"] < TARGET_SECONDS[kind] and peak < TARGET_MB
            print(
                f"  {kind}: {figure['seconds']:.2f} s (target < {TARGET_SECONDS[kind]} s), "
                f"{figure['size'] / 1e6:.1f} MB out, "
                f"peak {figure['own_mb']:.0f} MB in the web process, {figure['children_mb']:.0f} MB in the PDF drawer "
                f"(target < {TARGET_MB} MB) {verdict(ok)}"
            )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure"]:
        measure(sys.argv[2])
    else:
        main()
