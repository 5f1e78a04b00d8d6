"""Shared by the benchmarks: import paths, a stored document to process, verdicts."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def verdict(ok: bool) -> str:
    """How a figure compares with its target."""
    return "meets" if ok else "MISSES"


def stored_document(pdf: bytes, folder: Path, **settings):
    """A fresh migrated database holding one queued document for pdf; returns (sessions, id, settings)."""
    import hashlib

    from app import migrate, storage
    from app.config import load_settings
    from app.db import make_sessionmaker
    from app.models import Document, Project, User

    url = f"sqlite:///{folder / 'bench.db'}"
    migrate.upgrade(url)
    sessions = make_sessionmaker(url)
    sha = hashlib.sha256(pdf).hexdigest()
    uploads = str(folder / "uploads")
    storage.original_path(uploads, sha).parent.mkdir(parents=True)
    storage.original_path(uploads, sha).write_bytes(pdf)
    with sessions.begin() as session:
        user = User(email="bench@example.nz", password_hash="unusable")  # noqa: S106 - never signs in
        session.add(user)
        session.flush()
        project = Project(name="bench", owner_id=user.id)
        session.add(project)
        session.flush()
        document = Document(project_id=project.id, sha256=sha, filename="bench.pdf", size=len(pdf), title="bench")
        session.add(document)
    return sessions, document.id, load_settings(UPLOAD_FOLDER=uploads, DATABASE_URL=url, **settings)


def processed(sessions, document_id: int) -> None:
    """Fail loudly unless the document ended ready."""
    from app.models import Document

    with sessions() as session:
        document = session.get(Document, document_id)
        assert document.status == "ready", document.error
