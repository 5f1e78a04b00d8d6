"""Use cases for exporting: which excerpts a request selects, streamed in document and page order."""

import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from app.core.bundles import place_of
from app.core.grounds import explain_each
from app.db import reading_session, whole_number
from app.errors import BadInput
from app.models import Annotation, AnnotationTag, Document, Page, Project, Suggestion, SuggestionSource, Tag, User
from app.tags.service import resolve_tags

FORMATS = ("md", "docx", "csv", "jsonld", "pdf", "package", "complaint")
# Given as a response's mimetype: Werkzeug adds "; charset=utf-8" to the text ones itself.
MEDIA_TYPES = {
    "md": "text/markdown",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "csv": "text/csv",
    "jsonld": 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"',
    "pdf": "application/pdf",
    "package": "application/zip",
    "zip": "application/zip",
}
BATCH = 500  # annotations read from the database at a time


@dataclass
class Selection:
    """What an export covers: a project, narrowed by tags, one document, words and an author; of
    the private annotations, only the reader's own (None: shared annotations only)."""

    format: str
    tags: list[str] = field(default_factory=list)
    document_id: int | None = None
    words: list[str] = field(default_factory=list)
    author: str | None = None
    reader_id: int | None = None


@dataclass
class Excerpt:
    """One annotation with what a citation needs of its document."""

    id: int
    document_id: int
    title: str
    agency: str | None
    reference: str | None
    released: date | None
    source_url: str | None
    release: str  # how it was released, from its watermark or stamp: "proactively released" or ""
    keyed: bool  # its boxes' grounds were read through the key of codes it prints
    sha256: str
    page: int
    place: str  # how to cite the page: "p. 41", or "Document 7, page 3 (bundle page 41)" in a bundle
    rotation: int  # as the page is shown: the PDF's own, or the turn OCR found for a scan fed in sideways
    kind: str
    start: int | None
    end: int | None
    exact: str
    prefix: str
    suffix: str
    rects: list[list[float]]
    tags: list[str]
    colours: list[str]
    ground: str | None
    ground_meanings: list[dict]  # what each ground it names means (app.core.grounds.explain_each)
    withheld_as: str  # what hid the passage of a region with a ground: "a redaction box", "a blank-space redaction"
    note: str
    author: str | None
    created: str
    updated: str


def parse_selection(args, reader_id: int) -> Selection:
    """A Selection from query arguments (a MultiDict) for a reader; BadInput with a sentence when one is wrong."""
    format_ = args.get("format", "")
    if format_ not in FORMATS:
        raise BadInput(f"format must be one of {', '.join(FORMATS)}.")
    document = (args.get("document") or "").strip()  # the export form sends empty fields
    if document and whole_number(document) is None:
        raise BadInput("document must be a document id.")
    return Selection(
        format=format_,
        tags=[t for t in args.getlist("tag") if t.strip()],
        document_id=whole_number(document),
        words=re.findall(r"\w+", args.get("q", ""))[:20],
        author=(args.get("author") or "").strip() or None,
        reader_id=reader_id,
    )


def count_excerpts(session: Session, project: Project, selection: Selection) -> int:
    """How many annotations a selection covers."""
    query = _query(session, project, selection).with_only_columns(func.count(Annotation.id)).order_by(None)
    return session.scalar(query)


def documents_of(session: Session, project: Project, selection: Selection) -> list[Document]:
    """The documents that have at least one selected annotation, in export order."""
    ids = _query(session, project, selection).with_only_columns(Annotation.document_id).order_by(None).distinct()
    return list(session.scalars(select(Document).where(Document.id.in_(ids)).order_by(Document.id)))


def excerpts(session: Session, project: Project, selection: Selection) -> Iterator[Excerpt]:
    """The selected annotations as excerpts, by document then page, read BATCH at a time.

    The selection is checked now (BadInput for an unknown tag, say); the rows are read as consumed."""
    query = _query(session, project, selection).options(
        selectinload(Annotation.tags).selectinload(Tag.parent),
        selectinload(Annotation.author),
        selectinload(Annotation.document).selectinload(Document.release),
    )
    shown_rotation = (
        select(Page.rotation)
        .where(Page.document_id == Annotation.document_id, Page.number == Annotation.page)
        .scalar_subquery()
    )
    proposed_by = (  # the suggestion accepted into the annotation, if one was: a box or a blank
        select(Suggestion.source).where(Suggestion.annotation_id == Annotation.id).limit(1).scalar_subquery()
    )
    jurisdiction = project.jurisdiction
    rows = session.execute(query.add_columns(shown_rotation, proposed_by).execution_options(yield_per=BATCH))
    return (_excerpt(annotation, jurisdiction, rotation or 0, source) for annotation, rotation, source in rows)


def streamed(sessions: sessionmaker[Session], project_id: int, selection: Selection, write) -> Iterator:
    """write(excerpts) run in a session of its own, which outlives the request that started it,
    so that a large export streams; check the selection with the request's session first. It
    only reads."""
    with reading_session(sessions) as session:
        project = session.get(Project, project_id)
        yield from write(excerpts(session, project, selection))


def _query(session: Session, project: Project, selection: Selection):
    query = (
        select(Annotation)
        .join(Document, Document.id == Annotation.document_id)
        .where(Document.project_id == project.id, Annotation.deleted_at.is_(None))
        .where(Annotation.private.is_(False) | (Annotation.author_id == selection.reader_id))
        .order_by(Annotation.document_id, Annotation.page, Annotation.start.is_(None), Annotation.start, Annotation.id)
    )
    if selection.document_id is not None:
        if session.scalar(select(Document.project_id).where(Document.id == selection.document_id)) != project.id:
            raise BadInput("That document is not in this project.")
        query = query.where(Annotation.document_id == selection.document_id)
    if selection.tags:
        wanted = [t.id for t in resolve_tags(session, project.id, selection.tags)]
        tagged = select(AnnotationTag.annotation_id).join(Tag).where(Tag.id.in_(wanted) | Tag.parent_id.in_(wanted))
        query = query.where(Annotation.id.in_(tagged))
    for word in selection.words:
        pattern = "%" + word.lower().replace("_", "\\_") + "%"
        in_quote = func.lower(Annotation.exact).like(pattern, escape="\\")
        query = query.where(or_(in_quote, func.lower(Annotation.note).like(pattern, escape="\\")))
    if selection.author:
        by_author = func.lower(User.email) == selection.author.lower()
        query = query.join(User, User.id == Annotation.author_id).where(by_author)
    return query


def release_kind(facts: dict) -> str:
    """How a release says it was released, in words, from what its furniture said."""
    if facts.get("proactively_released"):
        return "proactively released"
    return "released under the OIA" if facts.get("released_under_oia") else ""


def _excerpt(annotation: Annotation, jurisdiction: str, rotation: int, source: str | None) -> Excerpt:
    document = annotation.document
    return Excerpt(
        id=annotation.id,
        document_id=document.id,
        title=document.title,
        agency=document.agency,
        reference=document.oia_reference,
        released=document.date_released,
        source_url=document.source_url,
        release=release_kind(document.facts),
        keyed=bool(document.facts.get("ground_key")),
        withheld_as="a blank-space redaction" if source == SuggestionSource.BLANK else "a redaction box",
        sha256=document.sha256,
        page=annotation.page,
        place=place_of(annotation.page, document.release.schedule if document.release else []),
        rotation=rotation,
        kind=annotation.kind,
        start=annotation.start,
        end=annotation.end,
        exact=annotation.exact,
        prefix=annotation.prefix,
        suffix=annotation.suffix,
        rects=json.loads(annotation.rects_json),
        tags=[t.full_name for t in annotation.tags],
        colours=[t.colour for t in annotation.tags],
        ground=annotation.ground,
        ground_meanings=explain_each(annotation.ground, jurisdiction),
        note=annotation.note,
        author=annotation.author.email if annotation.author else None,
        created=annotation.created_at.isoformat(timespec="seconds"),
        updated=annotation.updated_at.isoformat(timespec="seconds"),
    )


def download_name(project: Project, selection: Selection, extension: str, today: date) -> str:
    """A safe file name from slugs and a date, never from a raw title."""
    return f"{slug(project.name)}-{selection.format}-{today.isoformat()}.{extension}"


def slug(text: str, limit: int = 60) -> str:
    """Lower-case letters, digits and hyphens only: safe in a header and on any file system."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:limit].strip("-") or "export"


def clip_name(excerpt: "Excerpt") -> str:
    """The file name of an excerpt's PNG clip."""
    return f"{slug(excerpt.title, 40)}-p{excerpt.page}-{excerpt.id}.png"
