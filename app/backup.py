"""Backups while the app runs, and bringing one back: the database (SQLite's online backup, or
pg_dump) and the upload folder, copied after the database so that every file the copied rows
name is there (files are written before the rows that name them, and never changed after)."""

import json
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from app.errors import BadInput

MANIFEST = "backup.json"
SQLITE_COPY = "oia-desk.db"
POSTGRES_COPY = "database.dump"
UPLOADS_COPY = "uploads"
SKIPPED = ("incoming",)  # uploads still being written: not yet a document


def make_backup(database_url: str, upload_folder: str, target: str) -> dict:
    """Copy the database and the upload folder into target (a new or empty folder); return the manifest."""
    folder = Path(target)
    if folder.exists() and any(folder.iterdir()):
        raise BadInput(f"{folder} is not empty: back up into a new or empty folder.")
    folder.mkdir(parents=True, exist_ok=True)
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        _copy_sqlite(url.database, folder / SQLITE_COPY)
    else:
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={folder / POSTGRES_COPY}", _libpq(url)], url)
    files = _copy_tree(Path(upload_folder), folder / UPLOADS_COPY)
    manifest = {
        "made_at": datetime.now(UTC).isoformat(),
        "database": url.get_backend_name(),
        "files": files,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2))
    return manifest


def restore_backup(source: str, database_url: str, upload_folder: str) -> dict:
    """Bring a backup back into an empty database and upload folder; return its manifest."""
    folder = Path(source)
    if not (folder / MANIFEST).exists():
        raise BadInput(f"{folder} holds no backup ({MANIFEST} is missing).")
    manifest = json.loads((folder / MANIFEST).read_text())
    url = make_url(database_url)
    if manifest["database"] != url.get_backend_name():
        raise BadInput(
            f"This backup is of a {manifest['database']} database; DATABASE_URL is {url.get_backend_name()}."
        )
    uploads = Path(upload_folder)
    if uploads.exists() and any(uploads.iterdir()):
        raise BadInput(f"The upload folder {uploads} is not empty: restore into an empty one.")
    if url.get_backend_name() == "sqlite":
        if Path(url.database).exists() and Path(url.database).stat().st_size:
            raise BadInput(f"The database {url.database} already exists: restore into a new one.")
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        _copy_sqlite(str(folder / SQLITE_COPY), Path(url.database))
    else:
        restore = [
            "pg_restore",
            "--no-owner",
            "--exit-on-error",
            f"--dbname={_libpq(url)}",
            str(folder / POSTGRES_COPY),
        ]
        _run(restore, url)
    _copy_tree(folder / UPLOADS_COPY, uploads)
    return manifest


def _copy_sqlite(source: str, target: Path) -> None:
    """SQLite's online backup: a consistent copy while others read and write."""
    with closing(sqlite3.connect(source)) as origin, closing(sqlite3.connect(target)) as copy:
        origin.backup(copy)


def _copy_tree(source: Path, target: Path) -> int:
    """Copy the files of source into target (made); return how many."""
    target.mkdir(parents=True, exist_ok=True)
    count = 0
    for path in sorted(source.rglob("*")) if source.exists() else []:
        relative = path.relative_to(source)
        if relative.parts[0] in SKIPPED or not path.is_file():
            continue
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target / relative)
        count += 1
    return count


def _run(command: list[str], url: URL) -> None:
    """Run a PostgreSQL client program; the password goes by environment, not the command line."""
    environment = {**os.environ}
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    done = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BadInput(f"{command[0]} failed: {done.stderr.strip()[-500:]}")


def _libpq(url: URL) -> str:
    """The URL as libpq reads it: no SQLAlchemy driver name, no password."""
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
