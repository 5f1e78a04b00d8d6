"""The real worker process: queued work waits for it, and a crash mid-document is retried.

The web app runs on waitress and the worker as `python -m app.worker`, each in
its own process, sharing only the database and the queue file, as `make run` starts them.
"""

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from live import create_project, free_port, multipart, prepare, request
from pdfs import briefing_pdf

from app.config import ROOT
from app.run import REQUESTS_PER_CONNECTION

PAGES = 150


@pytest.fixture
def environment(tmp_path):
    return prepare(tmp_path, "w@example.nz", "worker password", WORKER_LEASE_SECONDS=5)


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

        workers.append(start([sys.executable, "-m", "app.run", "--worker"], env))  # the same worker, by its role
        finished = wait_for(lambda: (d := document())["status"] in ("ready", "failed") and d, 90)
        assert (finished["status"], finished["pages_done"], finished["page_count"]) == ("ready", PAGES, PAGES)
        page = request(base, token, f"{document_path}/pages/{PAGES}")[1]
        assert page["text"].startswith(f"Briefing to the Minister of Defence, page {PAGES}")
    finally:
        for process in [web, *workers]:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)


@contextmanager
def make_run(env: dict, token: str):
    """`python -m app.run` on a free port, serving: yields (its process, base URL); afterwards
    stopped with SIGTERM, which it must take as a clean exit."""
    port = free_port()
    run = start([sys.executable, "-m", "app.run"], {**env, "PORT": str(port)})
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: request(base, token, "/api/projects")[0] == 200, 30)
        yield run, base
    finally:
        os.killpg(run.pid, signal.SIGTERM)
        run.wait(timeout=60)
    assert run.returncode == 0


def test_make_run_starts_the_worker_again_when_it_dies(environment):
    """`make run` (app.run) supervises its worker: killed outright, a new one takes its place
    and finishes what was uploaded."""
    env, token = environment
    with make_run(env, token) as (run, base):
        first = wait_for(lambda: worker_of(run.pid), 20)
        ours = os.nice(0)
        assert wait_for(lambda: _niceness(first) == min(19, ours + 10), 10)  # ingest yields to the web
        assert all(_niceness(web) == ours for web in children_of(run.pid, "--web"))
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


def test_make_run_serves_from_two_web_processes_on_one_port_and_starts_a_dead_one_again(environment):
    """WEB_PROCESSES web processes share the port app.run opened; both answer, and one killed
    outright is replaced while the other goes on serving."""
    env, token = environment
    with make_run(env, token) as (run, base):
        port = int(base.rsplit(":", 1)[1])
        first = wait_for(lambda: len(webs := children_of(run.pid, "--web")) == 2 and webs, 20)
        assert all(_listens_on(pid, port) for pid in first)
        os.killpg(first[0], signal.SIGKILL)
        assert all(request(base, token, "/api/projects")[0] == 200 for _ in range(20))  # the other serves
        second = wait_for(lambda: len(webs := children_of(run.pid, "--web")) == 2 and first[0] not in webs and webs, 20)
        assert first[1] in second
        wait_for(lambda: _listens_on(next(pid for pid in second if pid != first[1]), port), 20)
    assert not any(Path(f"/proc/{pid}").exists() for pid in second)  # stopped with it


def test_a_kept_alive_connection_is_closed_after_its_hundredth_request(environment):
    """So that the web processes share the clients: a connection stays with the process that
    accepted it, and a client that connects again goes to whichever process is free."""
    env, token = environment
    with make_run(env, token) as (_, base):
        connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=10)
        closing = []
        for _ in range(REQUESTS_PER_CONNECTION + 1):
            connection.request("GET", "/api/projects", headers={"Authorization": f"Bearer {token}"})
            response = connection.getresponse()
            response.read()
            closing.append(response.status == 200 and response.getheader("Connection"))
    assert closing == [None] * (REQUESTS_PER_CONNECTION - 1) + ["close", None]  # then a new connection


def test_two_web_processes_share_the_count_of_failed_sign_ins(environment):
    """Five failures at one web process and five at another lock the account at the address:
    the count is kept in one place (the default SQLite file), not in each process."""
    env, _ = environment
    ports = [free_port(), free_port()]
    webs = [start([sys.executable, "-m", "app.run", "--web"], {**env, "PORT": str(port)}) for port in ports]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for base in bases:
            wait_for(lambda base=base: _sign_in_status(base, "wrong password") == 401, 30)
        statuses = [_sign_in_status(bases[n % 2], "wrong password") for n in range(8)]
        assert statuses == [401] * 8  # ten failures in all, counting the two above
        assert _sign_in_status(bases[0], "worker password") == 429
        assert _sign_in_status(bases[1], "worker password") == 429
    finally:
        for web in webs:
            os.killpg(web.pid, signal.SIGTERM)
            web.wait(timeout=30)


def _sign_in_status(base: str, password: str) -> int:
    """The status of a sign-in to the API with this password (a form post with its CSRF token)."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    form = opener.open(f"{base}/login", timeout=10).read().decode()
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    data = urllib.parse.urlencode({"email": "w@example.nz", "password": password, "csrf_token": csrf}).encode()
    try:
        return opener.open(f"{base}/login", data=data, timeout=10).status
    except urllib.error.HTTPError as error:
        return error.code


def _niceness(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])


def _listens_on(pid: int, port: int) -> bool:
    """Whether the process holds a socket listening on the port (its inherited one)."""
    inodes = {
        line.split()[9]
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]
        if line.split()[1].endswith(f":{port:04X}") and line.split()[3] == "0A"
    }
    descriptors = Path(f"/proc/{pid}/fd")
    return any(os.readlink(fd).removeprefix("socket:[").rstrip("]") in inodes for fd in descriptors.iterdir())


def children_of(pid: int, marker: str) -> list[int]:
    """The pids of the processes app.run (pid) started whose command line holds the marker."""
    children = [c for task in Path(f"/proc/{pid}/task").iterdir() for c in (task / "children").read_text().split()]
    return [int(c) for c in children if marker in Path(f"/proc/{c}/cmdline").read_text()]


def worker_of(pid: int) -> int | None:
    """The pid of the worker process that app.run (pid) started, if one is running."""
    workers = children_of(pid, "app.worker")
    return workers[0] if workers else None


def test_make_run_says_so_when_its_port_is_taken(environment):
    env, _ = environment
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = subprocess.run(
            [sys.executable, "-m", "app.run"],
            env={**env, "PORT": str(port)},
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert run.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in run.stderr and "Traceback" not in run.stderr
