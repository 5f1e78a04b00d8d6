"""Who may open what: the one place that decides access to a project and everything in it."""

from sqlalchemy.orm import Session

from app.models import Document, Project, User


def may_open_project(session: Session, user: User, project_id: int | None) -> bool:
    """Whether the user may open the project (today: they own it; roles will change only this)."""
    project = session.get(Project, project_id) if project_id is not None else None
    return project is not None and project.owner_id == user.id


def may_open_document(session: Session, user: User, document_id: int | None) -> bool:
    """Whether the user may open the project that holds the document."""
    document = session.get(Document, document_id) if document_id is not None else None
    return document is not None and may_open_project(session, user, document.project_id)
