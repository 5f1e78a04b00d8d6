"""Use cases for projects. Access is checked here, in one place."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.access import VIEWER, require_role
from app.models import Membership, Project, Role, User
from app.projects.schemas import NewProject, ProjectChanges
from app.suggestions.service import seed_rules
from app.tags.service import seed_tag_set


def create_project(session: Session, owner: User, new: NewProject) -> Project:
    """Create a project with `owner` as its first owner."""
    project = Project(name=new.name, owner_id=owner.id)
    session.add(project)
    session.flush()
    session.add(Membership(project_id=project.id, user_id=owner.id, role=Role.OWNER))
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
    member = select(Membership.project_id).where(Membership.user_id == user.id)
    return list(session.scalars(select(Project).where(Project.id.in_(member)).order_by(Project.id.desc())))


def get_project(session: Session, user: User, project_id: int, need: Role = VIEWER) -> Project:
    """The project with this id if the user's role in it is at least `need` (NotFound for a
    non-member, Forbidden for a lower role)."""
    require_role(session, user, project_id, need)
    return session.get(Project, project_id)
