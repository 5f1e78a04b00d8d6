"""A fresh checkout starts as a real deployment starts it: with SECRET_KEY and DATABASE_URL set,
and no instance/ or uploads/ folder yet."""

import os
import shutil
import subprocess
import sys
import urllib.request

from databases import POSTGRES_URL, new_postgres_database, unique_name
from live import free_port
from test_worker import wait_for

from app.config import ROOT


def test_a_fresh_checkout_with_its_secrets_set_serves_its_first_page(tmp_path):
    clone = tmp_path / "oia-desk"
    for folder in ("app", "migrations"):
        shutil.copytree(ROOT / folder, clone / folder, ignore=shutil.ignore_patterns("__pycache__"))
    port = free_port()
    database = (
        new_postgres_database(unique_name("oia_fresh")) if POSTGRES_URL else f"sqlite:///{tmp_path / 'db.sqlite'}"
    )
    unset = ("INSTANCE_PATH", "QUEUE_DATABASE", "UPLOAD_FOLDER")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env |= {"SECRET_KEY": "a deployment's own secret", "DATABASE_URL": database, "PORT": str(port)}
    migrate = [sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"]
    subprocess.run(migrate, cwd=clone, env=env, check=True, capture_output=True)
    server = subprocess.Popen([sys.executable, "-m", "app.run"], cwd=clone, env=env, stdout=subprocess.DEVNULL)
    try:
        page = wait_for(lambda: urllib.request.urlopen(f"http://127.0.0.1:{port}/setup", timeout=2), 60)  # noqa: S310
        assert page.status == 200 and b"Create the first account" in page.read()
        assert (clone / "instance" / "queue.db").exists() and (clone / "uploads").is_dir()
        assert not (clone / "instance" / "secret_key").exists()  # the key set is the key used
    finally:
        server.terminate()
        server.wait(timeout=30)
