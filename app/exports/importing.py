"""Import a W3C Web Annotation JSON-LD export: annotations re-created on the same documents
(matched by SHA-256), text re-anchored by its quote; what cannot be placed is reported."""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

import orjson
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from app import queue, storage
from app.access import may_open_project
from app.annotations.schemas import MAX_NOTE, NewAnnotation
from app.annotations.service import add_annotation
from app.core import anchoring
from app.errors import AppError, BadInput, NotFound
from app.models import Annotation, Document, ImportJob, ImportStatus, Page, Project, Tag, User
from app.tags.schemas import NewTag
from app.tags.service import add_tag, resolve_tags
from app.validation import validated

MAX_ITEMS = 50_000
WORKER_ABOVE = 1_000  # imports of more annotations run in the worker
PROGRESS_EVERY = 250
MAX_QUOTE = 20_000  # characters of an exact quote: a whole page, at most
MAX_CONTEXT = 1_000  # characters of a prefix or suffix (exports write 32)
VIEWRECT = re.compile(r"page=(\d+)(?:&viewrect=([-\d.]+),([-\d.]+),([-\d.]+),([-\d.]+))?")


@dataclass
class Report:
    """What an import did."""

    created: int = 0
    unplaced: list[dict] = field(default_factory=list)


def start_import(session: Session, settings: dict, user: User, project: Project, data) -> Report | ImportJob:
    """Import a collection now (a Report), or, when it holds more than WORKER_ABOVE annotations,
    queue it for the worker (an ImportJob whose progress and report GET /api/imports/<id> shows)."""
    items = _items(data)
    if len(items) <= WORKER_ABOVE:
        return import_collection(session, user, project, data)
    job = ImportJob(project_id=project.id, user_id=user.id, total=len(items))
    session.add(job)
    session.flush()
    files, key = storage.files(settings), storage.import_key(job.id)
    try:
        files.put_bytes(key, orjson.dumps(data))
        session.commit()
    except BaseException:
        session.rollback()
        files.delete(key)
        raise
    queue.enqueue(queue.IMPORT_ANNOTATIONS, job.id)
    return job


def run_import(settings: dict, sessions: sessionmaker[Session], job_id: int) -> None:
    """The worker's side of start_import: place and write the annotations, reporting progress.

    Progress is written in its own short transactions, while no other is open (SQLite has one
    write lock, and the import holds none while it places quotes)."""
    files, key = storage.files(settings), storage.import_key(job_id)
    with sessions() as session:
        job = session.get(ImportJob, job_id)
        if job is None or job.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING):
            return
        user_id, project_id = job.user_id, job.project_id
    _set_job(sessions, job_id, status=ImportStatus.RUNNING, done=0)
    with sessions() as session:
        try:
            user, project = session.get(User, user_id), session.get(Project, project_id)
            if user is None or project is None:
                raise BadInput("The project or the person who started this import no longer exists.")
            stored = files.read(key)
            if stored is None:
                raise BadInput("The file of this import is missing from storage; upload it again.")
            data = orjson.loads(stored[0])
            report = import_collection(session, user, project, data, lambda done: _set_job(sessions, job_id, done=done))
        except AppError as error:
            session.rollback()
            _set_job(sessions, job_id, status=ImportStatus.FAILED, error=str(error))
        else:
            outcome = orjson.dumps({"created": report.created, "unplaced": report.unplaced}).decode()
            done = report.created + len(report.unplaced)
            _set_job(sessions, job_id, status=ImportStatus.DONE, done=done, report_json=outcome)
        finally:
            files.delete(key)


def _set_job(sessions: sessionmaker[Session], job_id: int, **values) -> None:
    with sessions.begin() as session:
        session.execute(update(ImportJob).where(ImportJob.id == job_id).values(**values))


def get_import(session: Session, user: User, job_id: int) -> ImportJob:
    """An import job of a project the user may open; NotFound otherwise."""
    job = session.get(ImportJob, job_id)
    if job is None or not may_open_project(session, user, job.project_id):
        raise NotFound("That import does not exist, or you do not have access to it.")
    return job


def import_collection(session: Session, user: User, project: Project, data, progress=None) -> Report:
    """Re-create the annotations of an exported collection in this project, in one commit.

    The quotes are placed on a copy of the pages read in a short transaction, with none open
    while they are searched; the annotations are then written in one transaction, each in a
    savepoint so that one that cannot be made is reported and the rest still land. progress(n),
    when given, hears every PROGRESS_EVERY annotations placed."""
    items = _items(data)
    user_id, project_id = user.id, project.id
    texts = _page_texts(session, project_id)
    session.rollback()  # hold no lock while quotes are searched
    placed, report = [], Report()
    for index, item in enumerate(items):
        try:
            placed.append((index, item, _place(texts, item)))
        except AppError as error:
            report.unplaced.append({"index": index, "id": item.get("id"), "reason": str(error)})
        if progress and (index + 1) % PROGRESS_EVERY == 0:
            progress(index + 1)
    user, project = session.get(User, user_id), session.get(Project, project_id)
    for index, item, (document_id, body) in placed:
        try:
            with session.begin_nested():
                body["tags"] = _tags(session, project, body["tags"])
                annotation = add_annotation(
                    session, user, session.get(Document, document_id), validated(NewAnnotation, body)
                )
                _keep_times(annotation, item)
            report.created += 1
        except AppError as error:
            report.unplaced.append({"index": index, "id": item.get("id"), "reason": str(error)})
    session.commit()
    report.unplaced.sort(key=lambda entry: entry["index"])
    return report


def _page_texts(session: Session, project_id: int) -> dict[str, tuple[int, dict[int, str]]]:
    """For each document of the project, by SHA-256: its id and its pages' text by number."""
    documents = dict(
        session.execute(select(Document.sha256, Document.id).where(Document.project_id == project_id)).all()
    )
    texts: dict[str, tuple[int, dict[int, str]]] = {sha: (id_, {}) for sha, id_ in documents.items()}
    by_id = {id_: sha for sha, id_ in documents.items()}
    query = select(Page.document_id, Page.number, Page.text).where(Page.document_id.in_(list(by_id)))
    for document_id, number, text in session.execute(query):
        texts[by_id[document_id]][1][number] = text
    return texts


def _items(data) -> list[dict]:
    if not isinstance(data, dict):
        raise BadInput("Send the JSON-LD of an export: an AnnotationCollection, AnnotationPage or Annotation.")
    kind = data.get("type")
    if kind == "AnnotationCollection":
        items = _dict(data.get("first")).get("items")
    elif kind == "AnnotationPage":
        items = data.get("items")
    elif kind == "Annotation":
        items = [data]
    else:
        raise BadInput('This is not a Web Annotation export: its "type" is not AnnotationCollection.')
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise BadInput("The collection's first page has no list of annotations.")
    if len(items) > MAX_ITEMS:
        raise BadInput(f"At most {MAX_ITEMS} annotations can be imported at once; split the file.")
    return items


def _place(texts: dict, item: dict) -> tuple[int, dict]:
    """The document id and the annotation body for one item, or BadInput with the reason."""
    target = _dict(item.get("target"))
    found = texts.get(target.get("sha256")) if isinstance(target.get("sha256"), str) else None
    if found is None:
        raise BadInput("No document in this project has the file this annotation was made on.")
    document_id, pages = found
    bodies = [b for b in _list(item.get("body")) if isinstance(b, dict)]
    body = {
        "tags": [b.get("value") for b in bodies if b.get("purpose") == "tagging"],
        "note": _capped(next((b.get("value") for b in bodies if b.get("purpose") == "commenting"), None), MAX_NOTE),
    }
    ground = next((b.get("value") for b in bodies if b.get("purpose") == "classifying"), None)
    if ground:
        body["ground"] = ground
    return document_id, body | _anchor(pages, target)


def _dict(value) -> dict:
    """A JSON object of the export, or an empty one where something else stands."""
    return value if isinstance(value, dict) else {}


def _list(value) -> list:
    """A JSON array of the export, or an empty one where something else stands."""
    return value if isinstance(value, list) else []


def _capped(value, limit: int):
    if isinstance(value, str) and len(value) > limit:
        raise BadInput(f"A text field of the annotation is longer than {limit:,} characters.")
    return value


def _tags(session: Session, project: Project, names: list) -> list[str]:
    """The tag names, creating any this project lacks ("Parent: Child" nests under Parent)."""
    names = [n for n in names if isinstance(n, str) and n.strip()]
    if not names:
        raise BadInput("The annotation has no tag.")
    known = {t.full_name.lower() for t in session.scalars(select(Tag).where(Tag.project_id == project.id))}
    for name in names:
        if name.lower() in known:
            continue
        parent, _, child = name.rpartition(": ")
        if parent and parent.lower() not in known:
            add_tag(session, project, validated(NewTag, {"name": parent}))
            known.add(parent.lower())
        fields = {"name": child, "parent": parent} if parent else {"name": name}
        add_tag(session, project, validated(NewTag, fields))
        known.add(name.lower())
    return [t.full_name for t in resolve_tags(session, project.id, names)]


def _anchor(pages: dict[int, str], target: dict) -> dict:
    selectors = [s for s in _list(target.get("selector")) if isinstance(s, dict)]
    quote = next((s for s in selectors if s.get("type") == "TextQuoteSelector"), None)
    page_number, rect = _fragment(selectors)
    if quote is None:
        rects = target.get("rects")
        if isinstance(rects, list) and rects and all(isinstance(r, list) for r in rects):
            rect = None  # the region's own rectangles (its parts), not the view around them
        else:
            rects = None
        if page_number is None or (rect is None and rects is None):
            raise BadInput("The annotation has neither a quote nor a page and rectangle.")
        return {"page": page_number, "rects": rects} if rect is None else {"page": page_number, "rect": rect}
    position = next((s.get("refinedBy") for s in selectors if isinstance(s.get("refinedBy"), dict)), {})
    start = position.get("start")
    whole = isinstance(start, int) and not isinstance(start, bool)
    return _relocate(pages, quote, page_number, start if whole else None)


def _fragment(selectors: list[dict]) -> tuple[int | None, list[float] | None]:
    for selector in selectors:
        if selector.get("type") != "FragmentSelector":
            continue
        match = VIEWRECT.fullmatch(str(selector.get("value", "")))
        if match and match.group(2):
            x, y, w, h = (float(v) for v in match.groups()[1:])
            return int(match.group(1)), [x, y, x + w, y + h]
        if match:
            page_number = int(match.group(1))
            return page_number, None
    return None, None


def _relocate(pages: dict[int, str], quote: dict, page_number, hint) -> dict:
    exact, prefix, suffix = (str(quote.get(k) or "") for k in ("exact", "prefix", "suffix"))
    _capped(exact, MAX_QUOTE), _capped(prefix, MAX_CONTEXT), _capped(suffix, MAX_CONTEXT)
    for number in sorted(pages, key=lambda n: (n != page_number, n)):  # the page it was on first
        found = anchoring.relocate(pages[number], exact, prefix, suffix, hint if number == page_number else None)
        if found:
            return {"page": number, "start": found[0], "end": found[1]}
    raise BadInput(f"The quote “{exact[:60]}” is not in the document's text.")


def _keep_times(annotation: Annotation, item: dict) -> None:
    """Keep the created and modified times the export recorded."""
    for key, column in (("created", "created_at"), ("modified", "updated_at")):
        try:
            when = datetime.fromisoformat(str(item.get(key)))
        except ValueError:
            continue
        setattr(annotation, column, when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC))
