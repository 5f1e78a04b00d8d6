"""Import a W3C Web Annotation JSON-LD export: annotations re-created on the same documents
(matched by SHA-256), text re-anchored by its quote; what cannot be placed is reported."""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.annotations import anchoring
from app.annotations.service import create_annotation, create_tag, resolve_tags
from app.errors import AppError, BadInput
from app.models import Annotation, Document, Page, Project, Tag, User

MAX_ITEMS = 50_000
VIEWRECT = re.compile(r"page=(\d+)(?:&viewrect=([-\d.]+),([-\d.]+),([-\d.]+),([-\d.]+))?")


@dataclass
class Report:
    """What an import did."""

    created: int = 0
    unplaced: list[dict] = field(default_factory=list)


def import_collection(session: Session, user: User, project: Project, data) -> Report:
    """Re-create the annotations of an exported collection in this project."""
    items = _items(data)
    documents = {d.sha256: d for d in session.scalars(select(Document).where(Document.project_id == project.id))}
    report = Report()
    for index, item in enumerate(items):
        try:
            _import_one(session, user, project, documents, item)
            report.created += 1
        except AppError as error:
            session.rollback()
            report.unplaced.append({"index": index, "id": item.get("id"), "reason": str(error)})
    return report


def _items(data) -> list[dict]:
    if not isinstance(data, dict):
        raise BadInput("Send the JSON-LD of an export: an AnnotationCollection, AnnotationPage or Annotation.")
    kind = data.get("type")
    if kind == "AnnotationCollection":
        items = (data.get("first") or {}).get("items")
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


def _import_one(session: Session, user: User, project: Project, documents: dict, item: dict) -> None:
    target = item.get("target") if isinstance(item.get("target"), dict) else {}
    document = documents.get(target.get("sha256"))
    if document is None:
        raise BadInput("No document in this project has the file this annotation was made on.")
    bodies = [b for b in item.get("body") or [] if isinstance(b, dict)]
    tags = _tags(session, project, [b.get("value") for b in bodies if b.get("purpose") == "tagging"])
    body = {
        "tags": tags,
        "note": next((b.get("value") for b in bodies if b.get("purpose") == "commenting"), None),
    }
    ground = next((b.get("value") for b in bodies if b.get("purpose") == "classifying"), None)
    if ground:
        body["ground"] = ground
    body |= _anchor(session, document, target)
    annotation = create_annotation(session, user, document, body)
    _keep_times(session, annotation, item)


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
            create_tag(session, project, {"name": parent})
            known.add(parent.lower())
        create_tag(session, project, {"name": child, "parent": parent or None} if parent else {"name": name})
        known.add(name.lower())
    return [t.full_name for t in resolve_tags(session, project.id, names)]


def _anchor(session: Session, document: Document, target: dict) -> dict:
    selectors = [s for s in target.get("selector") or [] if isinstance(s, dict)]
    quote = next((s for s in selectors if s.get("type") == "TextQuoteSelector"), None)
    page_number, rect = _fragment(selectors)
    if quote is None:
        rects = target.get("rects")
        if isinstance(rects, list) and rects and isinstance(rects[0], list):
            rect = rects[0]
        if page_number is None or rect is None:
            raise BadInput("The annotation has neither a quote nor a page and rectangle.")
        return {"page": page_number, "rect": rect}
    position = next((s.get("refinedBy") for s in selectors if isinstance(s.get("refinedBy"), dict)), {})
    return _relocate(session, document, quote, page_number, position.get("start"))


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


def _relocate(session: Session, document: Document, quote: dict, page_number, hint) -> dict:
    exact, prefix, suffix = (str(quote.get(k) or "") for k in ("exact", "prefix", "suffix"))
    pages = list(session.scalars(select(Page).where(Page.document_id == document.id).order_by(Page.number)))
    pages.sort(key=lambda p: p.number != page_number)  # the page it was on first
    for page in pages:
        found = anchoring.relocate(page.text, exact, prefix, suffix, hint if page.number == page_number else None)
        if found:
            return {"page": page.number, "start": found[0], "end": found[1]}
    raise BadInput(f"The quote “{exact[:60]}” is not in the document's text.")


def _keep_times(session: Session, annotation: Annotation, item: dict) -> None:
    """Keep the created and modified times the export recorded."""
    for key, column in (("created", "created_at"), ("modified", "updated_at")):
        try:
            when = datetime.fromisoformat(str(item.get(key)))
        except ValueError:
            continue
        setattr(annotation, column, when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC))
    session.commit()
