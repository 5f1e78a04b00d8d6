"""Start OIA Desk as `make run` does (waitress + worker), on a fresh database in a folder."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from app.config import ROOT


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def live_server(home: Path, email: str, password: str, **settings):
    """Yield {"base", "token", "home"} for a running app; stop it afterwards."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{home / 'oia-desk.db'}",
        "QUEUE_DATABASE": str(home / "queue.db"),
        "UPLOAD_FOLDER": str(home / "uploads"),
        "SECRET_KEY": "live-server",
        "PORT": str(port),
        **{name: str(value) for name, value in settings.items()},
    }
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    subprocess.run([*flask, "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
    subprocess.run([*flask, "users", "create", email, "--password", password], env=env, cwd=ROOT, check=True)
    token = subprocess.run(
        [*flask, "tokens", "create", email], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.strip()
    with open(home / "server.log", "w") as log:
        process = subprocess.Popen([sys.executable, "-m", "app.run"], env=env, cwd=ROOT, stdout=log, stderr=log)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(base)
            yield {"base": base, "token": token, "home": home}
        finally:
            process.terminate()
            process.wait(timeout=30)


def _wait_until_up(base: str) -> None:
    for _ in range(150):
        try:
            urllib.request.urlopen(f"{base}/login", timeout=1)  # noqa: S310 - our own server
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server at {base} did not start")
