"""The worker's jobs, registered with the queue by name: importing this module is what lets a
process run them (the worker imports it; so do the tests, which run jobs at once)."""

from sqlalchemy import select

from app import queue
from app.exports.importing import run_import
from app.ingest.pipeline import process_document
from app.models import Document, DocumentStatus
from app.suggestions.service import propose


@queue.job(queue.PROCESS_DOCUMENT)
def process_document_job(settings: dict, sessions, document_id: int) -> None:
    """Process one uploaded document (app.ingest.pipeline)."""
    process_document(document_id, settings, sessions)


@queue.job(queue.PROPOSE_FOR_PROJECT)
def propose_for_project_job(_settings: dict, sessions, project_id: int) -> None:
    """Run a project's keyword rules again over its ready documents (after the rules changed)."""
    with sessions() as session:
        query = select(Document.id).where(Document.project_id == project_id, Document.status == DocumentStatus.READY)
        document_ids = list(session.scalars(query))
    for document_id in document_ids:
        propose(sessions, document_id)


@queue.job(queue.IMPORT_ANNOTATIONS)
def import_annotations_job(settings: dict, sessions, import_job_id: int) -> None:
    """Run a large JSON-LD import (app.exports.importing)."""
    run_import(settings, sessions, import_job_id)
