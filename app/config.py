"""Settings read in a fixed order: defaults, instance folder, environment, overrides."""

import os
import secrets
from pathlib import Path

from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = Path(os.environ.get("INSTANCE_PATH", ROOT / "instance"))


def _yes(value: str) -> bool:
    return value.lower() in ("1", "true", "yes")


# name -> (default, converter, description); the README lists these in the same order.
SETTINGS = {
    "HOST": ("127.0.0.1", str, "address the web server listens on"),
    "PORT": (5000, int, "port the web server listens on"),
    "DATABASE_URL": (None, str, "SQLAlchemy URL; default sqlite file instance/oia-desk.db"),
    "UPLOAD_FOLDER": (str(ROOT / "uploads"), str, "originals and rendered page images"),
    "STORAGE_URL": (None, str, "s3://bucket/prefix: originals and page images in an S3-compatible object store"),
    "SECRET_KEY": (None, str, "signs sessions; default generated once into instance/secret_key"),
    "QUEUE_DATABASE": (None, str, "Huey's SQLite queue file; default instance/queue.db"),
    "QUEUE_URL": (None, str, "redis://host:6379/0: the queue on Redis, shared by workers on several machines"),
    "QUEUE_IMMEDIATE": (False, _yes, "run jobs where they are queued (tests)"),
    "MAX_UPLOAD_MB": (200, int, "largest accepted file, in MiB"),
    "MAX_PAGES": (2000, int, "largest accepted page count"),
    "PARSE_TIMEOUT_SECONDS": (900, int, "wall time allowed to process one document"),
    "PARSE_MEMORY_MB": (1536, int, "address space a parsing process may add to the worker's, in MiB"),
    "WEB_PROCESSES": (2, int, "web processes `make run` starts, sharing its port"),
    "WEB_THREADS": (2, int, "threads in each web process"),
    "PARSE_PROCESSES": (2, int, "parsing processes per document (use both cores)"),
    "WORKER_CONCURRENCY": (2, int, "documents processed at the same time"),
    "WORKER_LEASE_SECONDS": (30, int, "a document whose worker has not renewed its claim this long is queued again"),
    "OCR_LANGUAGES": ("eng", str, "Tesseract languages, joined with + (eng+mri)"),
    "OCR_DPI": (300, int, "resolution scanned pages are rendered at for OCR"),
    "OPEN_SIGNUP": (False, _yes, "anyone may create an account at /signup (default: by invitation only)"),
    "SIGN_IN_COUNTS_URL": (None, str, "where failed sign-ins are counted; default a SQLite file beside the queue"),
    "TRUSTED_PROXIES": (0, int, "reverse proxies in front that set X-Forwarded-For and -Proto (TLS ends there)"),
}


def load_settings(**overrides) -> dict:
    """Return the settings: defaults, then instance files, then the environment, then overrides."""
    settings = {name: default for name, (default, _, _) in SETTINGS.items()}
    for name, (_, convert, _) in SETTINGS.items():
        if name in os.environ and os.environ[name] != "":
            settings[name] = convert(os.environ[name])
    settings.update(overrides)
    settings["DATABASE_URL"] = settings["DATABASE_URL"] or f"sqlite:///{INSTANCE / 'oia-desk.db'}"
    settings["QUEUE_DATABASE"] = settings["QUEUE_DATABASE"] or str(INSTANCE / "queue.db")
    settings["SIGN_IN_COUNTS_URL"] = settings["SIGN_IN_COUNTS_URL"] or _shared_counts(settings)
    settings["SECRET_KEY"] = settings["SECRET_KEY"] or _instance_secret_key()
    return settings


def _shared_counts(settings: dict) -> str:
    """Where counters every web process shares live (the sign-in throttle's): on the queue's Redis
    when there is one, so that web processes on several machines share them; otherwise in a
    SQLite file beside the queue's, shared by the web processes of one machine."""
    if settings.get("QUEUE_URL"):
        return settings["QUEUE_URL"]
    return f"sqlite:///{Path(settings['QUEUE_DATABASE']).with_name('sign-in-counts.db')}"


def create_folders(settings) -> None:
    """Create the folders the settings point at (instance, queue, SQLite database, uploads), whatever is set."""
    folders = [INSTANCE, Path(settings["QUEUE_DATABASE"]).parent, Path(settings["UPLOAD_FOLDER"])]
    url = make_url(settings["DATABASE_URL"])
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        folders.append(Path(url.database).parent)
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)


def _instance_secret_key() -> str:
    """Return the key kept under instance/, generating it on first use."""
    path = INSTANCE / "secret_key"
    if not path.exists():
        INSTANCE.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return path.read_text().strip()
