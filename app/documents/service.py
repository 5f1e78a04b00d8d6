"""Use cases for documents: add uploads, edit metadata, read pages."""

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from app import queue, storage
from app.access import get_openable
from app.documents.schemas import MetadataChanges
from app.errors import BadInput, Conflict, NotFound
from app.models import (
    Document,
    DocumentStatus,
    Page,
    Project,
    Suggestion,
    SuggestionSource,
    SuggestionStatus,
    User,
)
from app.pdf import looks_like_pdf

CHUNK = 1024 * 1024


@dataclass
class Upload:
    """A file as received: the name the user gave it and its bytes."""

    filename: str
    stream: IO[bytes]


@dataclass
class _Staged:
    filename: str
    path: Path
    sha256: str
    size: int


def add_documents(
    session: Session, settings: dict, project: Project, user: User, uploads: list[Upload]
) -> list[Document]:
    """Store uploaded PDFs and queue them; a file already in the project returns its document.

    All files are checked before any is kept: one bad file refuses the whole request.
    """
    if not uploads:
        raise BadInput("Choose at least one PDF file to upload (form field 'file').")
    files = storage.files(settings)
    staged: list[_Staged] = []
    placed: list[str] = []  # the SHA-256 of each original this upload stored
    try:
        for upload in uploads:
            staged.append(_stage(upload, settings["UPLOAD_FOLDER"], settings["MAX_UPLOAD_MB"]))
        documents, new = [], []
        for item in staged:
            existing = _find(session, project.id, item.sha256) or next(
                (d for d in new if d.sha256 == item.sha256), None
            )
            if existing is not None:
                documents.append(existing)
                continue
            if _place_original(item, files):
                placed.append(item.sha256)
            document = Document(
                project_id=project.id,
                sha256=item.sha256,
                filename=item.filename,
                size=item.size,
                title=_title_from_filename(item.filename),
                uploaded_by=user.id,
            )
            session.add(document)
            documents.append(document)
            new.append(document)
        session.commit()
    except IntegrityError:
        _undo_placing(session, files, placed)
        raise Conflict("The same file is being uploaded to this project right now; try again in a moment.") from None
    except BaseException:
        _undo_placing(session, files, placed)
        raise
    finally:
        for item in staged:
            item.path.unlink(missing_ok=True)
    for document in new:
        queue.enqueue(queue.PROCESS_DOCUMENT, document.id)
    return documents


def _stage(upload: Upload, folder: str, max_mb: int) -> _Staged:
    """Copy an upload into incoming/ while hashing it, and check it looks like a PDF."""
    filename = clean_filename(upload.filename)
    incoming = storage.incoming_dir(folder)
    incoming.mkdir(parents=True, exist_ok=True)
    digest, size, head = hashlib.sha256(), 0, b""
    fd, name = tempfile.mkstemp(dir=incoming, suffix=".part")
    path = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := upload.stream.read(CHUNK):
                size += len(chunk)
                if size > max_mb * 1024 * 1024:
                    raise BadInput(f"“{filename}” is larger than the limit of {max_mb} MB.")
                head = head if len(head) >= 1024 else (head + chunk)[:1024]
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise BadInput(f"“{filename}” is empty (0 bytes).")
        if not looks_like_pdf(head):
            raise BadInput(f"“{filename}” is not a PDF file. Only PDF documents can be uploaded.")
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return _Staged(filename, path, digest.hexdigest(), size)


def _undo_placing(session: Session, files: storage.Files, placed: list[str]) -> None:
    """Roll back, and remove the originals this upload placed, unless a document stored meanwhile
    uses one: an upload of the same file running at the same time, on PostgreSQL, may have found
    ours already in place and been the one to commit."""
    session.rollback()
    try:
        in_use = set(session.scalars(select(Document.sha256).where(Document.sha256.in_(placed))))
    except SQLAlchemyError:  # cannot tell: keep them all (cleanup at start-up removes what is unused)
        in_use = set(placed)
    session.rollback()
    for sha256 in placed:
        if sha256 not in in_use:
            files.delete(storage.original_key(sha256))


def _place_original(item: _Staged, files: storage.Files) -> bool:
    """Store a staged file as the original of its SHA-256; False when that original was already there."""
    key = storage.original_key(item.sha256)
    if files.exists(key):
        return False
    files.put(key, item.path)
    return True


def _find(session: Session, project_id: int, sha256: str) -> Document | None:
    return session.scalar(select(Document).where(Document.project_id == project_id, Document.sha256 == sha256))


def clean_filename(filename: str | None) -> str:
    """The base name of an uploaded file without control characters, at most 255 characters."""
    name = re.split(r"[\\/]", filename or "")[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[:255] or "upload.pdf"


def _title_from_filename(filename: str) -> str:
    stem = re.sub(r"\.pdf$", "", filename, flags=re.IGNORECASE)
    return " ".join(stem.replace("_", " ").split()) or filename


def get_document(session: Session, user: User, document_id: int) -> Document:
    """The document if the user may open its project; NotFound otherwise."""
    return get_openable(session, user, Document, document_id, "document")


def update_metadata(session: Session, document: Document, changes: MetadataChanges) -> Document:
    """Apply checked metadata changes; a title cannot be cleared."""
    given = changes.given()
    if "title" in given:
        if not given["title"]:
            raise BadInput("A document needs a title.", fields={"title": "cannot be empty"})
        document.title_edited = True
    for name, value in given.items():
        setattr(document, name, value)
    session.commit()
    return document


def read_again(session: Session, document: Document) -> Document:
    """Queue a ready or failed document to be read again from its original, as an upload is (with
    this version's reading; a failed one gets its attempts back). Its pending suggestions from boxes
    and rules are withdrawn, to be proposed anew from the new reading; annotations stay and are
    anchored again, decided suggestions and corrected letter fields are kept."""
    if document.status in (DocumentStatus.QUEUED, DocumentStatus.PROCESSING):
        raise Conflict("This document is being read already; wait until it is ready.")
    withdrawn = delete(Suggestion).where(
        Suggestion.document_id == document.id,
        Suggestion.status == SuggestionStatus.PENDING,
        Suggestion.source != SuggestionSource.SEARCH,  # a person's tagging of every hit is not proposed again
    )
    session.execute(withdrawn)
    document.status, document.error, document.attempts = DocumentStatus.QUEUED, None, 0
    session.commit()
    queue.enqueue(queue.PROCESS_DOCUMENT, document.id)
    return document


def delete_document(session: Session, document: Document, files: storage.Files) -> None:
    """Delete a document with its pages, boxes, annotations and suggestions (the database cascades;
    the search index follows in the same transaction), then its page images, and its original
    unless another project holds the same file. Refused while it is being read."""
    if document.status == DocumentStatus.PROCESSING:
        raise Conflict("This document is being read; delete it when reading has finished.")
    sha256, document_id = document.sha256, document.id
    session.delete(document)
    session.commit()
    remove_files(session, files, document_id, sha256)


def remove_files(session: Session, files: storage.Files, document_id: int, sha256: str) -> None:
    """After a document's rows are deleted: its page images, and its original unless another
    document (in any project) holds the same file."""
    files.delete_under(storage.page_images_prefix(document_id))
    if session.scalar(select(Document.id).where(Document.sha256 == sha256).limit(1)) is None:
        files.delete(storage.original_key(sha256))


def get_page(session: Session, document: Document, number: int) -> Page:
    """Page `number` (from 1) of a document; NotFound or Conflict with a reason."""
    if document.page_count is not None and not 1 <= number <= document.page_count:
        raise NotFound(f"Page {number} does not exist; this document has {document.page_count} pages.")
    page = session.scalar(select(Page).where(Page.document_id == document.id, Page.number == number))
    if page is None:
        if document.status == DocumentStatus.FAILED:
            raise Conflict(f"This document could not be processed: {document.error}")
        raise Conflict(f"Page {number} is still being processed; try again in a moment.")
    return page


def page_sizes(session: Session, document: Document) -> list[dict]:
    """Number, size and rotation of each processed page, for laying out the viewer."""
    rows = session.execute(
        select(Page.number, Page.width, Page.height, Page.rotation, Page.ocr)
        .where(Page.document_id == document.id)
        .order_by(Page.number)
    )
    return [{"number": n, "width": w, "height": h, "rotation": r, "ocr": o} for n, w, h, r, o in rows]
