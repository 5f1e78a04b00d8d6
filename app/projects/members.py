"""Use cases for a project's members and invitations. The route table (app.access) has already
checked the caller's role; these functions keep the rules that hold whoever calls them: a
project always has an owner, and an invitation works once, for seven days."""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.access import Forbidden, role_in
from app.auth.service import aware, new_user, normal_email, valid_email
from app.errors import BadInput, Conflict, NotFound
from app.models import Invitation, Membership, Project, Role, User

INVITATION_DAYS = 7


def list_members(session: Session, project: Project) -> list[Membership]:
    """The project's members, owners first, then by email."""
    order = (Membership.role != Role.OWNER, Membership.role != Role.EDITOR, User.email)
    query = select(Membership).join(User).where(Membership.project_id == project.id).order_by(*order)
    return list(session.scalars(query))


def add_member(session: Session, project: Project, email: str, role: Role) -> Membership:
    """Give the holder of an existing account a role in the project."""
    user = session.scalar(select(User).where(User.email == normal_email(email)))
    if user is None:
        raise NotFound("No account has that email address; send an invitation instead.")
    if session.get(Membership, (project.id, user.id)) is not None:
        raise Conflict(f"{user.email} is already a member of this project; change their role instead.")
    membership = Membership(project_id=project.id, user_id=user.id, role=role)
    session.add(membership)
    session.commit()
    return membership


def change_role(session: Session, project: Project, user_id: int, role: Role) -> Membership:
    """Change a member's role; the last owner cannot stop being one."""
    membership = _membership(session, project, user_id)
    if membership.role == Role.OWNER and role != Role.OWNER:
        _keep_an_owner(session, project)
    membership.role = role
    session.commit()
    return membership


def remove_member(session: Session, project: Project, actor: User, user_id: int) -> None:
    """Take a member out of the project: an owner may remove anyone, a member only themself;
    the last owner cannot leave."""
    membership = _membership(session, project, user_id)
    if user_id != actor.id and role_in(session, actor, project.id) != Role.OWNER:
        raise Forbidden("Only the project's owners may remove other members.")
    if membership.role == Role.OWNER:
        _keep_an_owner(session, project)
    session.delete(membership)
    session.commit()


def _membership(session: Session, project: Project, user_id: int) -> Membership:
    membership = session.get(Membership, (project.id, user_id))
    if membership is None:
        raise NotFound("That person is not a member of this project.")
    return membership


def _keep_an_owner(session: Session, project: Project) -> None:
    owners = select(func.count()).where(Membership.project_id == project.id, Membership.role == Role.OWNER)
    if session.scalar(owners) <= 1:
        raise Conflict("A project needs at least one owner: make someone else an owner first.")


def invite(session: Session, project: Project, actor: User, email: str, role: Role) -> str:
    """Make a one-time invitation to the project for an email address and return its secret
    (the link carries it; only its hash is kept). It replaces the address's unused invitations
    to the project: their links stop working, so an owner who invites again with a lower role
    has not left the higher one open."""
    email = normal_email(email)
    if not valid_email(email):
        raise BadInput("Enter a valid email address.", {"email": "is not an email address"})
    unused = (Invitation.project_id == project.id, Invitation.email == email, Invitation.accepted_at.is_(None))
    session.execute(delete(Invitation).where(*unused))
    secret = secrets.token_urlsafe(32)
    expires = datetime.now(UTC) + timedelta(days=INVITATION_DAYS)
    invitation = Invitation(
        project_id=project.id, email=email, role=role, token_hash=_hash(secret), invited_by=actor.id, expires_at=expires
    )
    session.add(invitation)
    session.commit()
    return secret


def pending_invitations(session: Session, project: Project) -> list[Invitation]:
    """The project's invitations not yet used and not expired, the newest first."""
    query = select(Invitation).where(Invitation.project_id == project.id, Invitation.accepted_at.is_(None))
    unused = session.scalars(query.order_by(Invitation.created_at.desc(), Invitation.id.desc()))
    return [invitation for invitation in unused if not _expired(invitation)]


def revoke_invitation(session: Session, project: Project, invitation_id: int) -> Invitation:
    """Withdraw an unused invitation of the project: its link stops working at once."""
    invitation = session.get(Invitation, invitation_id)
    if invitation is None or invitation.project_id != project.id or invitation.accepted_at is not None:
        raise NotFound("No unused invitation of this project has that number; it may have been accepted already.")
    session.delete(invitation)
    session.commit()
    return invitation


def open_invitation(session: Session, secret: str) -> Invitation:
    """The invitation behind a link, if it is unused and not expired."""
    invitation = session.scalar(select(Invitation).where(Invitation.token_hash == _hash(secret or "")))
    if invitation is None or invitation.accepted_at is not None:
        raise NotFound("This invitation link is not valid: it was already used, or never existed.")
    if _expired(invitation):
        raise NotFound("This invitation link has expired; ask for a new one.")
    return invitation


def _expired(invitation: Invitation) -> bool:
    return aware(invitation.expires_at) < datetime.now(UTC)


def accept_invitation(session: Session, invitation: Invitation, user: User) -> Membership:
    """Join the invitation's project as the signed-in user (whose email it must be); a member
    already keeps the higher of their role and the invited one."""
    if user.email != invitation.email:
        raise Forbidden(f"This invitation is for {invitation.email}; sign in with that address to accept it.")
    membership = session.get(Membership, (invitation.project_id, user.id))
    if membership is None:
        membership = Membership(project_id=invitation.project_id, user_id=user.id, role=invitation.role)
        session.add(membership)
    elif invitation.role.rank > membership.role.rank:
        membership.role = invitation.role
    invitation.accepted_at = datetime.now(UTC)
    session.commit()
    return membership


def sign_up_by_invitation(session: Session, invitation: Invitation, password: str) -> User:
    """Create the invited address's account and join the project, in one transaction."""
    user = new_user(session, invitation.email, password)
    session.add(Membership(project_id=invitation.project_id, user_id=user.id, role=invitation.role))
    invitation.accepted_at = datetime.now(UTC)
    session.commit()
    return user


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
