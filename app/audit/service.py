"""Adding to the audit log and reading it."""

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import AuditEvent, User

PAGE_SIZE = 100


def record(
    session: Session,
    user: User | None,
    email: str | None,
    address: str,
    action: str,
    project_id: int | None = None,
    target: str = "",
    details: dict | None = None,
) -> None:
    """Add one entry, in a transaction of its own."""
    event = AuditEvent(
        user_id=user.id if user else None,
        email=(email or "")[:254] or None,
        address=address[:64],
        action=action,
        project_id=project_id,
        target=target[:200],
        details_json=json.dumps(details or {}),
    )
    session.add(event)
    session.commit()


def list_events(
    session: Session, project_id: int | None, action: str = "", email: str = "", before: int | None = None
) -> list[AuditEvent]:
    """The newest PAGE_SIZE entries, of one project (None: of everything), optionally of one
    action or person, older than the entry `before`."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(PAGE_SIZE)
    if project_id is not None:
        query = query.where(AuditEvent.project_id == project_id)
    if action:
        query = query.where(AuditEvent.action == action)
    if email:
        query = query.where(AuditEvent.email == email.strip().lower())
    if before is not None:
        query = query.where(AuditEvent.id < before)
    return list(session.scalars(query))


def event_json(event: AuditEvent) -> dict:
    """An entry as the API shows it."""
    return {
        "id": event.id,
        "at": event.at.isoformat(),
        "user_id": event.user_id,
        "email": event.email,
        "address": event.address,
        "action": event.action,
        "project_id": event.project_id,
        "target": event.target,
        "details": event.details,
    }
