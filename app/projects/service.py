"""Use cases for projects. Access is checked here, in one place."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.access import may_open_project
from app.errors import NotFound
from app.models import Project, User
from app.projects.schemas import NewProject, ProjectChanges
from app.suggestions.service import seed_rules
from app.tags.service import seed_tag_set


def create_project(session: Session, owner: User, new: NewProject) -> Project:
    """Create a project owned by `owner`."""
    project = Project(name=new.name, owner_id=owner.id)
    session.add(project)
    session.flush()
    seed_tag_set(session, project)
    seed_rules(session, project)
    session.commit()
    return project


def update_project(session: Session, project: Project, changes: ProjectChanges) -> Project:
    """Rename a project or choose its jurisdiction (whose grounds catalogue applies first)."""
    for name, value in changes.given().items():
        setattr(project, name, value)
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
