"""The durable job queue (Huey on its own SQLite file) and its one task."""

import os

from huey import SqliteHuey

from app.config import load_settings

_settings = load_settings()
huey = SqliteHuey("oia-desk", filename=_settings["QUEUE_DATABASE"])

_worker_state: dict = {}


def _worker_sessions():
    """One engine per worker process, made after the fork that started it."""
    from app.db import make_sessionmaker

    if _worker_state.get("pid") != os.getpid():
        _worker_state.update(pid=os.getpid(), sessions=make_sessionmaker(_settings["DATABASE_URL"]))
    return _worker_state["sessions"]


@huey.task()
def process_document_task(document_id: int) -> None:
    """Process one uploaded document (see app.processing.pipeline)."""
    from app.processing.pipeline import process_document

    process_document(document_id, _settings, _worker_sessions())


def enqueue_documents(document_ids: list[int]) -> None:
    """Queue documents for processing."""
    for document_id in document_ids:
        process_document_task(document_id)
