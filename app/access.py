"""Who may open what: the one place that decides access to a project and everything in it."""

from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import Base
from app.errors import NotFound
from app.models import Document, Project, User

Found = TypeVar("Found", bound=Base)


def may_open_project(session: Session, user: User, project_id: int | None) -> bool:
    """Whether the user may open the project (today: they own it; roles will change only this)."""
    project = session.get(Project, project_id) if project_id is not None else None
    return project is not None and project.owner_id == user.id


def openable_project_ids(session: Session, user: User) -> list[int]:
    """The ids of every project the user may open."""
    return list(session.scalars(select(Project.id).where(Project.owner_id == user.id)))


def may_open_document(session: Session, user: User, document_id: int | None) -> bool:
    """Whether the user may open the project that holds the document."""
    document = session.get(Document, document_id) if document_id is not None else None
    return document is not None and may_open_project(session, user, document.project_id)


def get_openable(session: Session, user: User, model: type[Found], object_id: int, name: str) -> Found:
    """The object with this id if the user may open the project (or document) it belongs to;
    otherwise NotFound, saying the same whether it is missing or not theirs."""
    found = session.get(model, object_id)
    if found is None or not _may_open_holder(session, user, found):
        raise NotFound(f"That {name} does not exist, or you do not have access to it.")
    return found


def _may_open_holder(session: Session, user: User, found: Base) -> bool:
    if hasattr(found, "project_id"):
        return may_open_project(session, user, found.project_id)
    return may_open_document(session, user, found.document_id)
