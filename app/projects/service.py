"""Use cases for projects. Access is checked here, in one place."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.access import may_open_project
from app.core.grounds import JURISDICTIONS
from app.errors import BadInput, NotFound
from app.models import Project, User
from app.suggestions.service import seed_rules
from app.tags.service import seed_tag_set

MAX_NAME_LENGTH = 200


def create_project(session: Session, owner: User, name: str) -> Project:
    """Create a project owned by `owner`."""
    name = " ".join((name or "").split())
    if not name:
        raise BadInput("Give the project a name.")
    if len(name) > MAX_NAME_LENGTH:
        raise BadInput(f"A project name can be at most {MAX_NAME_LENGTH} characters.")
    project = Project(name=name, owner_id=owner.id)
    session.add(project)
    session.flush()
    seed_tag_set(session, project)
    seed_rules(session, project)
    session.commit()
    return project


def update_project(session: Session, project: Project, fields: dict) -> Project:
    """Rename a project or choose its jurisdiction (whose grounds catalogue applies first)."""
    unknown = sorted(set(fields) - {"name", "jurisdiction"})
    if unknown:
        raise BadInput(f"These fields cannot be changed: {', '.join(unknown)}. Change name or jurisdiction.")
    if "name" in fields:
        name = " ".join(fields["name"].split()) if isinstance(fields["name"], str) else ""
        if not name or len(name) > MAX_NAME_LENGTH:
            raise BadInput(f"A project name has 1 to {MAX_NAME_LENGTH} characters.")
        project.name = name
    if "jurisdiction" in fields:
        if fields["jurisdiction"] not in JURISDICTIONS:
            raise BadInput(f"Unknown jurisdiction. Choose one of: {', '.join(JURISDICTIONS)}.")
        project.jurisdiction = fields["jurisdiction"]
    session.commit()
    return project


def list_projects(session: Session, user: User) -> list[Project]:
    """Projects the user may open, newest first."""
    return list(session.scalars(select(Project).where(Project.owner_id == user.id).order_by(Project.id.desc())))


def get_project(session: Session, user: User, project_id: int) -> Project:
    """The project with this id if the user may open it; NotFound otherwise."""
    if not may_open_project(session, user, project_id):
        raise NotFound("That project does not exist, or you do not have access to it.")
    return session.get(Project, project_id)
