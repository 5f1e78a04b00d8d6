"""Tag every hit of a search at once, as suggestions to review or as annotations, and undo it."""

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.access import get_openable
from app.annotations.schemas import NewAnnotation
from app.annotations.service import add_annotation, remove_annotation
from app.core.anchoring import words_to_offsets
from app.errors import BadInput, Conflict
from app.models import (
    Annotation,
    Document,
    DocumentStatus,
    Project,
    Suggestion,
    SuggestionSource,
    SuggestionStatus,
    TagBatch,
    User,
    utcnow,
)
from app.search.schemas import TagAllHits
from app.search.service import count_matching, matching_words
from app.tags.service import resolve_tags

MAX_HITS = 5000


def tag_all_hits(session: Session, user: User, project: Project, body: TagAllHits) -> TagBatch:
    """Make a suggestion (or an annotation) with the tag on each hit of the search: each run of
    neighbouring words that match, on every matching page of a ready document. One commit."""
    [tag] = resolve_tags(session, project.id, [body.tag])
    pages, _, _ = count_matching(session, user, body.q, project.id)
    if pages > MAX_HITS:  # every matching page holds a hit: refuse before reading them all
        raise BadInput(f"The search finds {pages:,} pages; narrow it to {MAX_HITS:,} hits or fewer to tag them all.")
    hits = _hits(session, user, body.q, project.id)
    if not hits:
        raise BadInput("The search finds nothing to tag.")
    if len(hits) > MAX_HITS:
        raise BadInput(f"The search finds {len(hits):,} hits; narrow it to {MAX_HITS:,} or fewer to tag them all.")
    batch = TagBatch(project_id=project.id, user_id=user.id, tag_id=tag.id, query=body.q, kind=body.made_as)
    session.add(batch)
    session.flush()
    for page, first, last in hits:
        if body.made_as == "annotations":
            document = session.get(Document, page.document_id)
            new = NewAnnotation(page=page.number, tags=[tag.full_name], words=[first, last])
            add_annotation(session, user, document, new).batch_id = batch.id
        else:
            session.add(_suggestion(page, first, last, tag.id, batch.id))
    batch.created = len(hits)
    session.commit()
    return batch


def _hits(session: Session, reader: User, text: str, project_id: int) -> list[tuple]:
    """(page, first word, last word) of each run of matching words on pages of ready documents."""
    ready = set(
        session.scalars(
            select(Document.id).where(Document.project_id == project_id, Document.status == DocumentStatus.READY)
        )
    )
    hits = []
    for page, lit in matching_words(session, reader, text, project_id):
        if page.document_id not in ready:
            continue
        for first, last in _runs(lit):
            hits.append((page, first, last))
    return hits


def _runs(indexes: list[int]) -> list[tuple[int, int]]:
    """Sorted indexes as (first, last) runs of neighbours: [3, 4, 9] -> [(3, 4), (9, 9)]."""
    runs: list[list[int]] = []
    for index in indexes:
        if runs and index == runs[-1][1] + 1:
            runs[-1][1] = index
        else:
            runs.append([index, index])
    return [(first, last) for first, last in runs]


def _suggestion(page, first: int, last: int, tag_id: int, batch_id: int) -> Suggestion:
    start, end = words_to_offsets(page.text, page.words, first, last)
    return Suggestion(
        document_id=page.document_id,
        page=page.number,
        kind="text",
        start=start,
        end=end,
        exact=page.text[start:end],
        tag_id=tag_id,
        source=SuggestionSource.SEARCH,
        fingerprint=f"search:{batch_id}:{page.number}:{start}:{end}",
        status=SuggestionStatus.PENDING,
        batch_id=batch_id,
    )


def get_batch(session: Session, user: User, batch_id: int) -> TagBatch:
    return get_openable(session, user, TagBatch, batch_id, "batch of tags")


def undo_batch(session: Session, user: User, batch: TagBatch) -> int:
    """Remove what the batch made: its live annotations (their history says so) and its
    suggestions still pending (those a person accepted or rejected since stay). Returns how many."""
    if batch.undone_at is not None:
        raise Conflict("That batch was already undone.")
    annotations = session.scalars(
        select(Annotation).where(Annotation.batch_id == batch.id, Annotation.deleted_at.is_(None))
    ).all()
    for annotation in annotations:
        remove_annotation(session, user, annotation)
    pending = delete(Suggestion).where(Suggestion.batch_id == batch.id, Suggestion.status == SuggestionStatus.PENDING)
    withdrawn = session.execute(pending).rowcount
    batch.undone_at = utcnow()
    session.commit()
    return len(annotations) + withdrawn
