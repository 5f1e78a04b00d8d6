"""The durable job queue (Huey on its own SQLite file) and its one task."""

import os

from huey import SqliteHuey

from app.config import load_settings

_state: dict = {"settings": load_settings()}
huey = SqliteHuey("oia-desk", filename=_state["settings"]["QUEUE_DATABASE"])


def configure(settings: dict) -> None:
    """Use these settings for the tasks run by this process (the tests use their own)."""
    _state.update(settings=dict(settings), sessions=None)


def _worker_sessions():
    """One engine per worker process, made after the fork that started it."""
    from app.db import make_sessionmaker

    key = (os.getpid(), _state["settings"]["DATABASE_URL"])
    if _state.get("sessions_key") != key or _state.get("sessions") is None:
        _state.update(sessions_key=key, sessions=make_sessionmaker(key[1]))
    return _state["sessions"]


@huey.task()
def process_document_task(document_id: int) -> None:
    """Process one uploaded document (see app.processing.pipeline)."""
    from app.processing.pipeline import process_document

    process_document(document_id, _state["settings"], _worker_sessions())


def enqueue_documents(document_ids: list[int]) -> None:
    """Queue documents for processing."""
    for document_id in document_ids:
        process_document_task(document_id)


@huey.task()
def propose_for_project_task(project_id: int) -> None:
    """Run a project's keyword rules again over its ready documents (after the rules changed)."""
    from sqlalchemy import select

    from app.models import Document
    from app.suggestions.service import propose

    sessions = _worker_sessions()
    with sessions() as session:
        query = select(Document.id).where(Document.project_id == project_id, Document.status == "ready")
        for document_id in session.scalars(query).all():
            propose(session, document_id)
