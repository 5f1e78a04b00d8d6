"""Use cases for tag sets and annotations. Each write is one transaction and leaves a history entry."""

import json
import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.access import may_open_document, may_open_project
from app.annotations import anchoring
from app.annotations.presets import preset_rows
from app.errors import BadInput, Conflict, NotFound
from app.models import Annotation, AnnotationChange, AnnotationTag, Document, Page, Project, Tag, User, utcnow
from app.redactions.grounds import explain

COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
# Keys the viewer uses itself: box tool, next and previous page.
RESERVED_HOTKEYS = set("bjkn")
MAX_NOTE = 20_000
MAX_GROUND = 60


# Tag sets


def seed_tag_set(session: Session, project: Project) -> None:
    """Give a new project the OIA tag set (the caller commits)."""
    by_name: dict[str, Tag] = {}
    for row in preset_rows():
        tag = Tag(
            project_id=project.id,
            parent=by_name.get(row["parent"]),
            name=row["name"],
            colour=row["colour"],
            hotkey=row["hotkey"],
            position=row["position"],
        )
        session.add(tag)
        by_name[row["name"]] = tag


def list_tags(session: Session, project: Project) -> list[Tag]:
    """The project's tags, parents followed by their children, in the owner's order."""
    tags = list(session.scalars(select(Tag).where(Tag.project_id == project.id).order_by(Tag.position, Tag.id)))
    ordered = []
    for parent in (t for t in tags if t.parent_id is None):
        ordered.append(parent)
        ordered += [t for t in tags if t.parent_id == parent.id]
    return ordered


def get_tag(session: Session, user: User, tag_id: int) -> Tag:
    """A tag of a project the user owns; NotFound otherwise."""
    tag = session.get(Tag, tag_id)
    if tag is None or not may_open_project(session, user, tag.project_id):
        raise NotFound("That tag does not exist, or you do not have access to it.")
    return tag


def create_tag(session: Session, project: Project, fields: dict) -> Tag:
    """Add a tag; it goes last unless a position is given."""
    last = session.scalar(select(func.max(Tag.position)).where(Tag.project_id == project.id))
    tag = Tag(project_id=project.id, colour="#6b7280", position=(last or 0) + 1)
    if "name" not in fields:
        raise BadInput("Give the tag a name.")
    _apply_tag_fields(session, tag, fields)
    session.add(tag)
    session.commit()
    return tag


def update_tag(session: Session, tag: Tag, fields: dict) -> Tag:
    """Rename, recolour, re-key, move or nest a tag."""
    _apply_tag_fields(session, tag, fields)
    session.commit()
    return tag


def move_tag(session: Session, tag: Tag, step: int) -> None:
    """Swap a tag with its neighbour among its siblings (step -1: up, 1: down)."""
    project = session.get(Project, tag.project_id)
    siblings = [t for t in list_tags(session, project) if t.parent_id == tag.parent_id]
    for position, sibling in enumerate(siblings):  # make positions distinct before swapping
        sibling.position = position
    index = siblings.index(tag)
    other = index + step
    if 0 <= other < len(siblings):
        tag.position, siblings[other].position = siblings[other].position, tag.position
    session.commit()


def delete_tag(session: Session, tag: Tag) -> None:
    """Delete a tag (and its children); annotations keep their other tags."""
    session.delete(tag)
    session.commit()


def _apply_tag_fields(session: Session, tag: Tag, fields: dict) -> None:
    unknown = sorted(set(fields) - {"name", "colour", "hotkey", "parent", "position"})
    if unknown:
        raise BadInput(f"Unknown tag fields: {', '.join(unknown)}. Use name, colour, hotkey, parent and position.")
    siblings = [t for t in session.scalars(select(Tag).where(Tag.project_id == tag.project_id)) if t is not tag]
    if "parent" in fields:
        tag.parent = _parent_for(tag, fields["parent"], siblings)
    if "name" in fields:
        tag.name = _tag_name(fields["name"], tag, siblings)
    if "colour" in fields:
        if not isinstance(fields["colour"], str) or not COLOUR.match(fields["colour"]):
            raise BadInput("A colour is written as #rrggbb, for example #d64545.")
        tag.colour = fields["colour"].lower()
    if "hotkey" in fields:
        tag.hotkey = _hotkey(fields["hotkey"], siblings)
    if "position" in fields:
        if not isinstance(fields["position"], int) or isinstance(fields["position"], bool):
            raise BadInput("position must be a whole number.")
        tag.position = fields["position"]


def _tag_name(name, tag: Tag, siblings: list[Tag]) -> str:
    name = " ".join(name.split()) if isinstance(name, str) else ""
    if not name or len(name) > 100 or ":" in name:
        raise BadInput("A tag name has 1 to 100 characters and no colon (a colon joins a parent to its child).")
    parent_id = tag.parent.id if tag.parent else None
    if any(t.name.lower() == name.lower() and t.parent_id == parent_id for t in siblings):
        raise BadInput(f"This project already has a tag named “{name}” there.")
    return name


def _hotkey(key, siblings: list[Tag]) -> str | None:
    if key in (None, ""):
        return None
    if not isinstance(key, str) or len(key) != 1 or not (key.isdigit() and key != "0" or key.islower()):
        raise BadInput("A hotkey is one digit from 1 to 9 or one lower-case letter.")
    if key in RESERVED_HOTKEYS:
        raise BadInput(f"The key “{key}” is used by the viewer (b: box, j/k/n: pages); choose another.")
    owner = next((t for t in siblings if t.hotkey == key), None)
    if owner:
        raise BadInput(f"The key “{key}” already belongs to the tag “{owner.full_name}”.")
    return key


def _parent_for(tag: Tag, parent_name, siblings: list[Tag]) -> Tag | None:
    if parent_name in (None, ""):
        return None
    parent = next((t for t in siblings if t.parent_id is None and t.name.lower() == str(parent_name).lower()), None)
    if parent is None:
        raise BadInput(f"There is no top-level tag named “{parent_name}” to nest under.")
    if tag.id is not None and any(t.parent_id == tag.id for t in siblings):
        raise BadInput("A tag with children cannot be nested: tags nest one level only.")
    return parent


def resolve_tags(session: Session, project_id: int, names) -> list[Tag]:
    """The tags named (full "Parent: Child" names, or a bare name that is unique), case-insensitively."""
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise BadInput("Give one or more tags, as a list of tag names.")
    tags = list(session.scalars(select(Tag).where(Tag.project_id == project_id)))
    found = []
    for name in names:
        wanted = " ".join(name.split()).lower()
        matches = [t for t in tags if t.full_name.lower() == wanted] or [t for t in tags if t.name.lower() == wanted]
        if len(matches) != 1:
            known = ", ".join(t.full_name for t in tags)
            problem = "is ambiguous" if matches else "is not a tag in this project"
            raise BadInput(f"“{name}” {problem}. Tags here: {known}.")
        if matches[0] not in found:
            found.append(matches[0])
    return found


def tag_json(tag: Tag) -> dict:
    """The API view of a tag."""
    return {
        "id": tag.id,
        "name": tag.name,
        "full_name": tag.full_name,
        "colour": tag.colour,
        "hotkey": tag.hotkey,
        "parent": tag.parent.name if tag.parent else None,
        "position": tag.position,
    }


# Annotations


def create_annotation(session: Session, user: User, document: Document, body: dict) -> Annotation:
    """Anchor a passage or a region of a page from the client's page and offsets (or word indexes) or rect."""
    _require_ready(document)
    page = _page(session, document, body.get("page"))
    tags = resolve_tags(session, document.project_id, body.get("tags"))
    annotation = Annotation(document_id=document.id, page=page.number, author_id=user.id, tags=tags)
    if "rect" in body:
        _anchor_region(annotation, page, body["rect"])
    else:
        _anchor_text(annotation, page, body)
    annotation.note = _note(body.get("note"))
    annotation.ground = _ground(body.get("ground"), tags)
    session.add(annotation)
    session.flush()
    _record(session, annotation, user, "created", {"tags": [None, _tag_names(tags)], "note": [None, annotation.note]})
    session.commit()
    return annotation


def update_annotation(session: Session, user: User, annotation: Annotation, body: dict) -> Annotation:
    """Change an annotation's tags, note or ground, recording what changed."""
    unknown = sorted(set(body) - {"tags", "note", "ground"})
    if unknown:
        raise BadInput(f"These fields cannot be changed: {', '.join(unknown)}. Change tags, note or ground.")
    changes = {}
    if "tags" in body:
        tags = resolve_tags(session, annotation.document.project_id, body["tags"])
        if tags != annotation.tags:
            changes["tags"] = [_tag_names(annotation.tags), _tag_names(tags)]
            annotation.tags = tags
    if "note" in body:
        note = _note(body["note"])
        if note != annotation.note:
            changes["note"] = [annotation.note, note]
            annotation.note = note
    ground = _ground(body["ground"], annotation.tags) if "ground" in body else annotation.ground
    if annotation.ground and not _is_redaction(annotation.tags):
        ground = None  # the Redaction tag was removed, and its ground with it
    if ground != annotation.ground:
        changes["ground"] = [annotation.ground, ground]
        annotation.ground = ground
    if changes:
        annotation.updated_at = utcnow()
        _record(session, annotation, user, "updated", changes)
    session.commit()
    return annotation


def delete_annotation(session: Session, user: User, annotation: Annotation) -> None:
    """Delete an annotation; it leaves the page and lists, its history is kept."""
    annotation.deleted_at = utcnow()
    _record(session, annotation, user, "deleted", {})
    session.commit()


def get_annotation(session: Session, user: User, annotation_id: int) -> Annotation:
    """An annotation in a project the user may open; NotFound otherwise."""
    annotation = session.get(Annotation, annotation_id)
    if annotation is None or annotation.deleted_at or not may_open_document(session, user, annotation.document_id):
        raise NotFound("That annotation does not exist, or you do not have access to it.")
    return annotation


def list_annotations(
    session: Session, document: Document, tag: str | None = None, page: int | None = None
) -> list[Annotation]:
    """A document's annotations in page order, optionally with one tag (or a child of it) or on one page."""
    query = (
        select(Annotation)
        .where(Annotation.document_id == document.id, Annotation.deleted_at.is_(None))
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


def annotation_json(annotation: Annotation, changes: list[AnnotationChange] | None = None) -> dict:
    """The API view of an annotation; with its history when given."""
    data = {
        "id": annotation.id,
        "document_id": annotation.document_id,
        "page": annotation.page,
        "kind": annotation.kind,
        "start": annotation.start,
        "end": annotation.end,
        "exact": annotation.exact,
        "prefix": annotation.prefix,
        "suffix": annotation.suffix,
        "rects": json.loads(annotation.rects_json),
        "tags": _tag_names(annotation.tags),
        "colours": [t.colour for t in annotation.tags],
        "note": annotation.note,
        "ground": annotation.ground,
        "ground_meaning": explain(annotation.ground, annotation.document.project.jurisdiction),
        "orphaned": annotation.orphaned,
        "author": annotation.author.email if annotation.author else None,
        "created_at": annotation.created_at.isoformat(),
        "updated_at": annotation.updated_at.isoformat(),
    }
    if changes is not None:
        data["history"] = [
            {
                "action": c.action,
                "user": c.user.email if c.user else None,
                "at": c.at.isoformat(),
                "changes": json.loads(c.changes_json),
            }
            for c in changes
        ]
    return data


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
    if document.status != "ready":
        raise Conflict("This document is still being processed; annotate it once it is ready.")


def _page(session: Session, document: Document, number) -> Page:
    if not isinstance(number, int) or isinstance(number, bool):
        raise BadInput("Give the page number (from 1) as a whole number.")
    page = session.scalar(select(Page).where(Page.document_id == document.id, Page.number == number))
    if page is None:
        raise BadInput(f"Page {number} does not exist; this document has {document.page_count} pages.")
    return page


def _anchor_text(annotation: Annotation, page: Page, body: dict) -> None:
    text, words = page.text, page.words
    if "words" in body:
        indexes = body["words"]
        if not (isinstance(indexes, list) and len(indexes) == 2 and all(_is_int(i) for i in indexes)):
            raise BadInput("words must be [first, last]: the indexes of the first and last selected words.")
        first, last = indexes
        if not 0 <= first <= last < len(words):
            raise BadInput(f"Word indexes must satisfy 0 <= first <= last < {len(words)} on page {page.number}.")
        start, end = anchoring.words_to_offsets(text, words, first, last)
    else:
        start, end = body.get("start"), body.get("end")
        if not (_is_int(start) and _is_int(end)):
            raise BadInput("Give start and end (character offsets into the page text), a rect, or words.")
        if not 0 <= start <= end <= len(text):
            raise BadInput(f"Offsets must satisfy 0 <= start <= end <= {len(text)} (the length of page {page.number}).")
    if not text[start:end].strip():
        raise BadInput("The selection is empty: select some text first.")
    annotation.kind = "text"
    _set_text_anchor(annotation, anchoring.text_anchor(text, words, start, end))


def _set_text_anchor(annotation: Annotation, anchor: anchoring.TextAnchor) -> None:
    annotation.start, annotation.end = anchor.start, anchor.end
    annotation.exact, annotation.prefix, annotation.suffix = anchor.exact, anchor.prefix, anchor.suffix
    annotation.rects_json = json.dumps(anchor.rects)


def _anchor_region(annotation: Annotation, page: Page, rect) -> None:
    if not (isinstance(rect, list) and len(rect) == 4 and all(isinstance(v, int | float) for v in rect)):
        raise BadInput("rect must be [x0, y0, x1, y1] in PDF points.")
    x0, y0, x1, y1 = (float(v) for v in rect)
    slack = 0.5
    inside = -slack <= x0 < x1 <= page.width + slack and -slack <= y0 < y1 <= page.height + slack
    if not inside:
        raise BadInput(
            f"The rectangle must lie inside the page (0 to {page.width:g} by 0 to {page.height:g} points, "
            "unrotated) with x0 < x1 and y0 < y1."
        )
    if x1 - x0 < 2 or y1 - y0 < 2:
        raise BadInput("The rectangle is too small; draw a box at least 2 points across.")
    words = page.words
    inside_words = [words[i]["text"] for i in anchoring.words_in_rect(words, [x0, y0, x1, y1])]
    annotation.kind = "region"
    annotation.exact = " ".join(inside_words)
    annotation.rects_json = json.dumps([[round(x0, 2), round(y0, 2), round(x1, 2), round(y1, 2)]])


def _note(note) -> str:
    if note is None:
        return ""
    if not isinstance(note, str):
        raise BadInput("note must be text.")
    if len(note) > MAX_NOTE:
        raise BadInput(f"A note can be at most {MAX_NOTE} characters.")
    return note.strip()


def _ground(ground, tags: list[Tag]) -> str | None:
    if ground in (None, ""):
        return None
    if not isinstance(ground, str) or len(ground) > MAX_GROUND:
        raise BadInput(f"A withholding ground is text of at most {MAX_GROUND} characters, such as 9(2)(a).")
    if not _is_redaction(tags):
        raise BadInput("A withholding ground goes with the Redaction tag; add that tag too.")
    return " ".join(ground.split())


def _is_redaction(tags: list[Tag]) -> bool:
    return any("redaction" in (t.name.lower(), t.parent.name.lower() if t.parent else "") for t in tags)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


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
