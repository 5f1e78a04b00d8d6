"""Use cases for a project's tag set: seed, list, add, change, order, delete, and find tags by name.

One owner for which tags take a withholding ground: takes_ground()."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.access import get_openable
from app.core.presets import preset_rows
from app.errors import BadInput
from app.models import Project, Tag, User
from app.tags.schemas import NewTag, TagChanges

REDACTION = "redaction"  # the tag (or parent tag) whose annotations carry a withholding ground


def takes_ground(tag: Tag) -> bool:
    """Whether annotations with this tag carry a withholding ground: the Redaction tag and its children."""
    return REDACTION in (tag.name.lower(), tag.parent.name.lower() if tag.parent else "")


def redaction_tag(session: Session, project_id: int) -> Tag | None:
    """The project's top-level Redaction tag, if it has one."""
    query = select(Tag).where(Tag.project_id == project_id, Tag.parent_id.is_(None), func.lower(Tag.name) == REDACTION)
    return session.scalar(query)


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
    return get_openable(session, user, Tag, tag_id, "tag")


def add_tag(session: Session, project: Project, new: NewTag) -> Tag:
    """Add a tag (flushed; the caller commits); it goes last unless a position is given."""
    last = session.scalar(select(func.max(Tag.position)).where(Tag.project_id == project.id))
    tag = Tag(project_id=project.id, colour="#6b7280", position=(last or 0) + 1)
    _apply_tag_fields(session, tag, new.given())
    session.add(tag)
    session.flush()
    return tag


def create_tag(session: Session, project: Project, new: NewTag) -> Tag:
    """Add a tag; it goes last unless a position is given."""
    tag = add_tag(session, project, new)
    session.commit()
    return tag


def update_tag(session: Session, tag: Tag, changes: TagChanges) -> Tag:
    """Rename, recolour, re-key, move or nest a tag."""
    _apply_tag_fields(session, tag, changes.given())
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
    """Apply checked fields, refusing what clashes with the project's other tags."""
    siblings = [t for t in session.scalars(select(Tag).where(Tag.project_id == tag.project_id)) if t is not tag]
    if "parent" in fields:
        tag.parent = _parent_for(tag, fields["parent"], siblings)
    if "name" in fields:
        tag.name = _unique_name(fields["name"], tag, siblings)
    if fields.get("hotkey"):
        _require_free_hotkey(fields["hotkey"], siblings)
    for name in ("colour", "hotkey", "position"):
        if name in fields:
            setattr(tag, name, fields[name])


def _unique_name(name: str, tag: Tag, siblings: list[Tag]) -> str:
    parent_id = tag.parent.id if tag.parent else None
    if any(t.name.lower() == name.lower() and t.parent_id == parent_id for t in siblings):
        raise BadInput(f"This project already has a tag named “{name}” there.")
    return name


def _require_free_hotkey(key: str, siblings: list[Tag]) -> None:
    owner = next((t for t in siblings if t.hotkey == key), None)
    if owner:
        raise BadInput(f"The key “{key}” already belongs to the tag “{owner.full_name}”.")


def _parent_for(tag: Tag, parent_name: str | None, siblings: list[Tag]) -> Tag | None:
    if parent_name is None:
        return None
    parent = next((t for t in siblings if t.parent_id is None and t.name.lower() == parent_name.lower()), None)
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
