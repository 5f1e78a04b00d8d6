"""Use cases of an instance administrator: the accounts of everyone."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth.service import set_disabled
from app.errors import Conflict, NotFound
from app.models import Membership, User


def list_users(session: Session) -> list[tuple[User, int]]:
    """Every account, oldest first, with how many projects it belongs to."""
    projects = select(func.count()).where(Membership.user_id == User.id).scalar_subquery()
    return [(user, count) for user, count in session.execute(select(User, projects).order_by(User.id))]


def update_user(session: Session, admin: User, user_id: int, disabled: bool | None, is_admin: bool | None) -> User:
    """Disable or enable an account, or make it an administrator or not; an admin cannot lock
    themself out, and the instance keeps at least one active admin."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("That account does not exist.")
    if user.id == admin.id and (disabled or is_admin is False):
        raise Conflict("You cannot disable yourself or stop being an administrator; ask another administrator.")
    if is_admin is not None:
        user.is_admin = is_admin
    if disabled is not None:
        set_disabled(session, user, disabled)
    session.commit()
    return user
