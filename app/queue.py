"""The durable job queue: Huey on its own SQLite file, or on Redis (QUEUE_URL) for workers on
several machines, running jobs registered by name.

Plumbing below the features: a service enqueues a job by name, and the module that does the
work (app.ingest.jobs, imported by the worker) registers it, so no service imports the work
it queues. Nothing happens at import: init_queue() chooses the file or the Redis server, or runs
jobs at once in this process when QUEUE_IMMEDIATE is set (the tests).
"""

import os
from collections.abc import Callable

from flask import Flask
from huey import SqliteHuey
from huey.storage import RedisStorage, SqliteStorage

from app.db import make_sessionmaker

# In memory until init_queue() names the file: importing this module creates nothing.
huey = SqliteHuey("oia-desk", immediate=True)
_jobs: dict[str, Callable] = {}

# The jobs there are, by name: enqueued by services, registered by app.ingest.jobs.
PROCESS_DOCUMENT = "process_document"  # (document_id): read an upload into pages and suggestions
PROPOSE_FOR_PROJECT = "propose_for_project"  # (project_id): run changed keyword rules again
IMPORT_ANNOTATIONS = "import_annotations"  # (import_job_id): a large JSON-LD import
_state: dict = {"settings": None, "sessions": None, "sessions_key": None}


def init_app(app: Flask) -> None:
    """Queue on the app's settings."""
    init_queue(app.config)


def init_queue(settings) -> None:
    """Queue on settings' QUEUE_URL (Redis), or else its QUEUE_DATABASE file (or at once, with
    QUEUE_IMMEDIATE), and run jobs with these settings."""
    _state.update(settings=dict(settings), sessions=None, sessions_key=None)
    if settings.get("QUEUE_URL"):
        huey.storage_class, huey.storage_kwargs = RedisStorage, {"url": settings["QUEUE_URL"]}
    else:
        huey.storage_class, huey.storage_kwargs = SqliteStorage, {"filename": settings["QUEUE_DATABASE"]}
    huey.immediate = bool(settings.get("QUEUE_IMMEDIATE"))
    huey.storage = huey.create_storage()


def job(name: str) -> Callable[[Callable], Callable]:
    """Register fn(settings, sessions, *args) as the job called name."""

    def register(fn: Callable) -> Callable:
        _jobs[name] = fn
        return fn

    return register


def enqueue(name: str, *args) -> None:
    """Queue the job called name with these (JSON-able) arguments."""
    run_job(name, *args)


@huey.task()
def run_job(name: str, *args) -> None:
    """Run a registered job in the worker."""
    if name not in _jobs:
        raise LookupError(f"No job called {name!r} is registered in this process (import app.ingest.jobs).")
    _jobs[name](_state["settings"], job_sessions(), *args)


def job_sessions():
    """The session factory of this process, made after the fork that started it."""
    key = (os.getpid(), _state["settings"]["DATABASE_URL"])
    if _state["sessions_key"] != key:
        _state.update(sessions_key=key, sessions=make_sessionmaker(key[1]))
    return _state["sessions"]
