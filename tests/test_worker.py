"""The real worker process: queued work waits for it, and a crash mid-document is retried.

The web app runs on waitress and the worker as `python -m app.worker`, each in
its own process, sharing only the database and the queue file, as `make run` starts them.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from live import create_project, free_port, multipart, prepare, request
from pdfs import briefing_pdf

from app.config import ROOT

PAGES = 150


@pytest.fixture
def environment(tmp_path):
    return prepare(tmp_path, "w@example.nz", "worker password")


def start(command: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL)


def wait_for(predicate, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except OSError:  # the server is not listening yet
            value = None
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_queued_work_waits_for_the_worker_and_survives_a_crash(environment):
    env, token = environment
    port = free_port()
    web = start([sys.executable, "-m", "waitress", f"--port={port}", "--call", "app:create_app"], env)
    base = f"http://127.0.0.1:{port}"
    workers = []
    try:
        wait_for(lambda: request(base, token, "/api/projects")[0] == 200, 20)
        project = create_project(base, token, "P")
        body, content_type = multipart("long.pdf", briefing_pdf(PAGES))
        path = f"/api/projects/{project['id']}/documents"
        status, answer = request(base, token, path, "POST", body, {"Content-Type": content_type})
        assert status == 202
        document_path = f"/api/documents/{answer['documents'][0]['id']}"

        def document():
            return request(base, token, document_path)[1]

        time.sleep(1)
        assert document()["status"] == "queued"  # no worker yet: the job waits in the queue file

        workers.append(start([sys.executable, "-m", "app.worker"], env))
        wait_for(lambda: document()["pages_done"] > 0, 30)
        os.killpg(workers[0].pid, signal.SIGKILL)  # the worker, its processes and parsers die at once
        workers[0].wait()
        interrupted = document()
        assert interrupted["status"] == "processing"
        assert 0 < interrupted["pages_done"] < PAGES

        workers.append(start([sys.executable, "-m", "app.worker"], env))
        finished = wait_for(lambda: (d := document())["status"] in ("ready", "failed") and d, 90)
        assert (finished["status"], finished["pages_done"], finished["page_count"]) == ("ready", PAGES, PAGES)
        page = request(base, token, f"{document_path}/pages/{PAGES}")[1]
        assert page["text"].startswith(f"Briefing to the Minister of Defence, page {PAGES}")
    finally:
        for process in [web, *workers]:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)


def test_make_run_starts_the_worker_again_when_it_dies(environment):
    """`make run` (app.run) supervises its worker: killed outright, a new one takes its place
    and finishes what was uploaded."""
    env, token = environment
    port = free_port()
    run = start([sys.executable, "-m", "app.run"], {**env, "PORT": str(port)})
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: request(base, token, "/api/projects")[0] == 200, 30)
        first = wait_for(lambda: worker_of(run.pid), 20)
        os.killpg(first, signal.SIGKILL)  # the worker, its processes and parsers die at once
        second = wait_for(lambda: (pid := worker_of(run.pid)) != first and pid, 20)
        assert second != first
        project = create_project(base, token, "P")
        body, content_type = multipart("after.pdf", briefing_pdf(3))
        status, answer = request(
            base, token, f"/api/projects/{project['id']}/documents", "POST", body, {"Content-Type": content_type}
        )
        assert status == 202
        document_path = f"/api/documents/{answer['documents'][0]['id']}"
        finished = wait_for(lambda: (d := request(base, token, document_path)[1])["status"] == "ready" and d, 60)
        assert finished["pages_done"] == 3
    finally:
        os.killpg(run.pid, signal.SIGTERM)
        run.wait(timeout=60)
    assert run.returncode == 0


def worker_of(pid: int) -> int | None:
    """The pid of the worker process that app.run (pid) started, if one is running."""
    children = [c for task in Path(f"/proc/{pid}/task").iterdir() for c in (task / "children").read_text().split()]
    workers = [int(c) for c in children if "app.worker" in Path(f"/proc/{c}/cmdline").read_text()]
    return workers[0] if workers else None
