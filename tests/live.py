"""Run OIA Desk as `make run` does (waitress + worker) on a fresh database, and call its API."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

from databases import POSTGRES_URL, new_postgres_database, unique_name

from app.config import ROOT


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(home: Path, email: str, password: str, **settings) -> tuple[dict, str]:
    """Migrate a fresh database in home and create a user; return the environment and an API token."""
    env = {
        **os.environ,
        "DATABASE_URL": new_postgres_database(unique_name("oia_live"))
        if POSTGRES_URL
        else f"sqlite:///{home / 'oia-desk.db'}",
        "QUEUE_DATABASE": str(home / "queue.db"),
        "UPLOAD_FOLDER": str(home / "uploads"),
        "SECRET_KEY": "live-server",
        **{name: str(value) for name, value in settings.items()},
    }
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    subprocess.run([*flask, "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
    return env, create_account(env, email, password)


def create_account(env: dict, email: str, password: str) -> str:
    """Create an account with the CLI and return an API token for it."""
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    subprocess.run([*flask, "users", "create", email, "--password", password], env=env, cwd=ROOT, check=True)
    return subprocess.run(
        [*flask, "tokens", "create", email], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.strip()


@contextmanager
def live_server(home: Path, email: str, password: str, **settings):
    """Yield {"base", "token", "home", "env"} for a running app (web and worker); stop it afterwards."""
    port = free_port()
    env, token = prepare(home, email, password, PORT=port, **settings)
    with open(home / "server.log", "w") as log:
        process = subprocess.Popen([sys.executable, "-m", "app.run"], env=env, cwd=ROOT, stdout=log, stderr=log)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base)
            yield {"base": base, "token": token, "home": home, "env": env}
        finally:
            process.terminate()
            process.wait(timeout=30)


def wait_until_up(base: str) -> None:
    """Return once the server at base answers (up to 30 s)."""
    for _ in range(150):
        try:
            urllib.request.urlopen(f"{base}/login", timeout=1)  # noqa: S310 - our own server
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server at {base} did not start")


def request(base: str, token: str, path: str, method: str = "GET", body: bytes | None = None, headers=None):
    """Call the API; return (status, parsed JSON or raw bytes)."""
    req = urllib.request.Request(base + path, data=body, method=method)  # noqa: S310 - our own server
    req.add_header("Authorization", f"Bearer {token}")
    for name, value in (headers or {}).items():
        req.add_header(name, value)
    try:
        with urllib.request.urlopen(req, timeout=60) as response:  # noqa: S310
            data = response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        data, status = error.read(), error.code
    try:
        return status, json.loads(data)
    except ValueError:
        return status, data


def multipart(name: str, content: bytes) -> tuple[bytes, str]:
    """A multipart body with one `file` field."""
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    return head + content + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def create_project(base: str, token: str, name: str) -> dict:
    """Create a project through the API and return it."""
    body = json.dumps({"name": name}).encode()
    status, project = request(base, token, "/api/projects", "POST", body, {"Content-Type": "application/json"})
    assert status == 201, project
    return project


def upload_ready(running: dict, project_id: int, name: str, pdf: bytes) -> int:
    """Upload a PDF through the API, wait until it is read (up to 30 s) and return its id."""
    document_id = upload_queued(running["base"], running["token"], project_id, name, pdf)
    for _ in range(300):
        if request(running["base"], running["token"], f"/api/documents/{document_id}")[1]["status"] == "ready":
            break
        time.sleep(0.1)
    return document_id


def upload_queued(base: str, token: str, project_id: int, name: str, pdf: bytes) -> int:
    """Upload a PDF through the API and return its document's id (queued, not waited for)."""
    body, content_type = multipart(name, pdf)
    path = f"/api/projects/{project_id}/documents"
    status, answer = request(base, token, path, "POST", body, {"Content-Type": content_type})
    assert status == 202, answer
    return answer["documents"][0]["id"]


def start_role(role: list[str], env: dict, log: Path, **settings) -> subprocess.Popen:
    """`python -m app.run` with a role (["--web"], ["--worker"], or [] for all in one) in its own
    process group (stopped, or killed, with its children at once), its output in log."""
    with open(log, "ab") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "app.run", *role],
            env={**env, **{name: str(value) for name, value in settings.items()}},
            cwd=ROOT,
            start_new_session=True,
            stdout=output,
            stderr=output,
        )


def descendants(root: int) -> set[int]:
    """The pids of every process below root (its children, theirs, and so on), read from /proc:
    a process group would miss the parsing processes, which put themselves in groups of their own."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError):  # the process ended while we looked
            continue
    found: set[int] = set()
    grown = {root}
    while grown:
        grown = {pid for pid, parent in parents.items() if parent in grown} - found
        found |= grown
    return found
