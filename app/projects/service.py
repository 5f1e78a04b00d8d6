"""Use cases for projects. Access is checked here, in one place."""

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.access import VIEWER, require_role
from app.documents.service import remove_files
from app.errors import BadInput, Conflict
from app.models import DocumentStatus, Membership, Project, Role, User
from app.projects.schemas import NewProject, ProjectChanges
from app.storage import Files
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


def delete_project(session: Session, project: Project, confirm: str | None, files: Files) -> None:
    """Delete a project and everything in it (documents, pages, annotations, suggestions, tags,
    rules, members, invitations, saved searches, index entries; its files), once its name is typed
    to confirm. Refused while one of its documents is being read."""
    if (confirm or "").strip() != project.name:
        problem = {"confirm": "does not match the project's name"}
        raise BadInput("Type the project's name exactly to confirm that you want to delete it.", problem)
    if any(document.status == DocumentStatus.PROCESSING for document in project.documents):
        raise Conflict("A document of this project is being read; delete the project when reading has finished.")
    stored = [(document.id, document.sha256) for document in project.documents]
    session.execute(delete(Project).where(Project.id == project.id))  # the database cascades to the rest
    session.commit()
    for document_id, sha256 in stored:
        remove_files(session, files, document_id, sha256)
