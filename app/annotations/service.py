"""Use cases for annotations. Each public write is one transaction and leaves a history entry."""

import json

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.access import Forbidden, get_openable, visible_annotations
from app.annotations.schemas import AnnotationChanges, NewAnnotation
from app.core import anchoring
from app.errors import BadInput, Conflict, NotFound
from app.models import (
    Annotation,
    AnnotationChange,
    AnnotationTag,
    Document,
    DocumentStatus,
    Page,
    RedactionBox,
    Tag,
    User,
    utcnow,
)
from app.tags.service import resolve_tags, takes_ground


def create_annotation(session: Session, user: User, document: Document, body: NewAnnotation) -> Annotation:
    """Anchor a passage or a region of a page from the client's page and offsets (or word indexes) or rect."""
    annotation = add_annotation(session, user, document, body)
    session.commit()
    return annotation


def add_annotation(session: Session, user: User, document: Document, body: NewAnnotation) -> Annotation:
    """create_annotation, flushed but not committed: for use cases that make several things at once."""
    _require_ready(document)
    page = _page(session, document, body.page)
    tags = resolve_tags(session, document.project_id, body.tags)
    annotation = Annotation(document_id=document.id, page=page.number, author_id=user.id, tags=tags)
    if body.region is not None:
        _anchor_region(annotation, page, body.region, _redaction_rects(session, page))
    else:
        _anchor_text(annotation, page, body)
    annotation.note = body.note or ""
    annotation.ground = _ground(body.ground, tags)
    annotation.private = body.visibility == "private"
    session.add(annotation)
    session.flush()
    _record(session, annotation, user, "created", {"tags": [None, _tag_names(tags)], "note": [None, annotation.note]})
    return annotation


def update_annotation(session: Session, user: User, annotation: Annotation, body: AnnotationChanges) -> Annotation:
    """Change an annotation's tags, note, ground or visibility (its author's alone to change),
    recording what changed."""
    given, changes = body.given(), {}
    if "visibility" in given and (given["visibility"] == "private") != annotation.private:
        if annotation.author_id != user.id:
            raise Forbidden("Only the annotation's author may make it private or shared.")
        changes["visibility"] = [_visibility(annotation.private), given["visibility"]]
        annotation.private = given["visibility"] == "private"
    if "tags" in given:
        tags = resolve_tags(session, annotation.document.project_id, given["tags"])
        if tags != annotation.tags:
            changes["tags"] = [_tag_names(annotation.tags), _tag_names(tags)]
            annotation.tags = tags
    if "note" in given and (given["note"] or "") != annotation.note:
        changes["note"] = [annotation.note, given["note"] or ""]
        annotation.note = given["note"] or ""
    ground = _ground(given["ground"], annotation.tags) if "ground" in given else annotation.ground
    if annotation.ground and not any(takes_ground(t) for t in annotation.tags):
        ground = None  # the Redaction tag was removed, and its ground with it
    if ground != annotation.ground:
        changes["ground"] = [annotation.ground, ground]
        annotation.ground = ground
    if changes:
        annotation.updated_at = utcnow()
        _record(session, annotation, user, "updated", changes)
    session.commit()
    return annotation


def _visibility(private: bool) -> str:
    return "private" if private else "project"


def delete_annotation(session: Session, user: User, annotation: Annotation) -> None:
    """Delete an annotation; it leaves the page and lists, its history is kept."""
    remove_annotation(session, user, annotation)
    session.commit()


def remove_annotation(session: Session, user: User, annotation: Annotation) -> None:
    """delete_annotation, flushed but not committed: for use cases that remove several at once."""
    annotation.deleted_at = utcnow()
    _record(session, annotation, user, "deleted", {})


def get_annotation(session: Session, user: User, annotation_id: int) -> Annotation:
    """An annotation in a project the user may open; NotFound otherwise."""
    annotation = get_openable(session, user, Annotation, annotation_id, "annotation")
    if annotation.deleted_at:
        raise NotFound("That annotation does not exist, or you do not have access to it.")
    return annotation


def list_annotations(
    session: Session, reader: User, document: Document, tag: str | None = None, page: int | None = None
) -> list[Annotation]:
    """A document's annotations the reader sees, in page order, optionally with one tag (or a
    child of it) or on one page."""
    query = (
        select(Annotation)
        .where(Annotation.document_id == document.id, visible_annotations(reader))
        .options(selectinload(Annotation.tags).selectinload(Tag.parent), selectinload(Annotation.author))
        .order_by(Annotation.page, Annotation.start.is_(None), Annotation.start, Annotation.id)
    )
    if page is not None:
        query = query.where(Annotation.page == page)
    if tag:
        [wanted] = resolve_tags(session, document.project_id, [tag])
        tagged = (
            select(AnnotationTag.annotation_id).join(Tag).where((Tag.id == wanted.id) | (Tag.parent_id == wanted.id))
        )
        query = query.where(Annotation.id.in_(tagged))
    return list(session.scalars(query))


def history(session: Session, annotation: Annotation) -> list[AnnotationChange]:
    """Every change of an annotation, oldest first."""
    query = (
        select(AnnotationChange).where(AnnotationChange.annotation_id == annotation.id).order_by(AnnotationChange.id)
    )
    return list(session.scalars(query.options(selectinload(AnnotationChange.user))))


def reanchor_document(session: Session, document_id: int) -> None:
    """After the text was extracted again, put each text annotation back on its quote, or mark it orphaned."""
    annotations = session.scalars(
        select(Annotation).where(
            Annotation.document_id == document_id, Annotation.kind == "text", Annotation.deleted_at.is_(None)
        )
    ).all()
    pages = {p.number: p for p in session.scalars(select(Page).where(Page.document_id == document_id))}
    for annotation in annotations:
        _reanchor(session, annotation, pages)
    session.commit()


def _reanchor(session: Session, annotation: Annotation, pages: dict[int, Page]) -> None:
    same_page = pages.get(annotation.page)
    candidates = ([same_page] if same_page else []) + [p for n, p in sorted(pages.items()) if n != annotation.page]
    for page in candidates:
        hint = annotation.start if page is same_page else None
        found = anchoring.relocate(page.text, annotation.exact, annotation.prefix, annotation.suffix, hint)
        if found:
            anchor = anchoring.text_anchor(page.text, page.words, *found)
            moved = (page.number, anchor.start) != (annotation.page, annotation.start)
            if moved or annotation.orphaned:
                change = {"page": [annotation.page, page.number], "start": [annotation.start, anchor.start]}
                _record(session, annotation, None, "re-anchored", change)
            annotation.page, annotation.orphaned = page.number, False
            _set_text_anchor(annotation, anchor)
            return
    if not annotation.orphaned:
        annotation.orphaned = True
        _record(session, annotation, None, "orphaned", {"exact": [annotation.exact, None]})


def _require_ready(document: Document) -> None:
    if document.status != DocumentStatus.READY:
        raise Conflict("This document is still being processed; annotate it once it is ready.")


def _page(session: Session, document: Document, number: int) -> Page:
    page = session.scalar(select(Page).where(Page.document_id == document.id, Page.number == number))
    if page is None:
        raise BadInput(f"Page {number} does not exist; this document has {document.page_count} pages.")
    return page


def _anchor_text(annotation: Annotation, page: Page, body: NewAnnotation) -> None:
    text, words = page.text, page.words
    if body.words is not None:
        first, last = body.words
        if not first <= last < len(words):
            raise BadInput(f"Word indexes must satisfy 0 <= first <= last < {len(words)} on page {page.number}.")
        start, end = anchoring.words_to_offsets(text, words, first, last)
    else:
        start, end = body.start, body.end
        if not start <= end <= len(text):
            raise BadInput(f"Offsets must satisfy 0 <= start <= end <= {len(text)} (the length of page {page.number}).")
    if not text[start:end].strip():
        raise BadInput("The selection is empty: select some text first.")
    annotation.kind = "text"
    _set_text_anchor(annotation, anchoring.text_anchor(text, words, start, end))


def _set_text_anchor(annotation: Annotation, anchor: anchoring.TextAnchor) -> None:
    annotation.start, annotation.end = anchor.start, anchor.end
    annotation.exact, annotation.prefix, annotation.suffix = anchor.exact, anchor.prefix, anchor.suffix
    annotation.rects_json = json.dumps(anchor.rects)


def _redaction_rects(session: Session, page: Page) -> list[list[float]]:
    query = select(RedactionBox).where(RedactionBox.document_id == page.document_id, RedactionBox.page == page.number)
    return [box.rect for box in session.scalars(query)]


def _anchor_region(annotation: Annotation, page: Page, rects: list[list[float]], redactions: list[list[float]]) -> None:
    """A region (of one rectangle, or of several parts) quotes the words inside it, except words
    under a redaction box: what an agency meant to withhold is shown only on demand
    (app.redactions), never stored on an annotation."""
    for rect in rects:
        _require_on_page(rect, page)
    words = page.words
    under_boxes = {i for box in redactions for i in anchoring.words_in_rect(words, box)}
    inside = sorted({i for rect in rects for i in anchoring.words_in_rect(words, rect)} - under_boxes)
    annotation.kind = "region"
    annotation.exact = " ".join(words[i]["text"] for i in inside)
    annotation.rects_json = json.dumps([[round(v, 2) for v in rect] for rect in rects])


def _require_on_page(rect: list[float], page: Page) -> None:
    x0, y0, x1, y1 = rect
    slack = 0.5
    inside = -slack <= x0 < x1 <= page.width + slack and -slack <= y0 < y1 <= page.height + slack
    if not inside:
        raise BadInput(
            f"The rectangle must lie inside the page (0 to {page.width:g} by 0 to {page.height:g} points, "
            "unrotated) with x0 < x1 and y0 < y1."
        )
    if x1 - x0 < 2 or y1 - y0 < 2:
        raise BadInput("The rectangle is too small; draw a box at least 2 points across.")


def _ground(ground: str | None, tags: list[Tag]) -> str | None:
    if ground and not any(takes_ground(t) for t in tags):
        raise BadInput("A withholding ground goes with the Redaction tag; add that tag too.")
    return ground


def _tag_names(tags: list[Tag]) -> list[str]:
    return [t.full_name for t in tags]


def _record(session: Session, annotation: Annotation, user: User | None, action: str, changes: dict) -> None:
    session.add(
        AnnotationChange(
            annotation_id=annotation.id,
            user_id=user.id if user else None,
            action=action,
            changes_json=json.dumps(changes, ensure_ascii=False),
        )
    )
