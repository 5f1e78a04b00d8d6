"""Accounts and API tokens."""

import hashlib
import re
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from app.db import begin_writing
from app.errors import BadInput, Conflict, NotFound
from app.models import ApiToken, FirstAccount, User

MIN_PASSWORD_LENGTH = 10
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Checked when no account has the email, so that a wrong email costs what a wrong password does.
DUMMY_HASH = generate_password_hash(secrets.token_hex(16))
TOKEN_USE_GRANULARITY = timedelta(minutes=1)


def has_users(session: Session) -> bool:
    """Tell whether any account exists yet."""
    return session.scalar(select(func.count(User.id))) > 0 or session.get(FirstAccount, 1) is not None


def normal_email(email: str | None) -> str:
    """An email address as accounts store it: trimmed, lower case."""
    return (email or "").strip().lower()


def valid_email(email: str) -> bool:
    """Whether a (normalised) email address looks like one."""
    return bool(EMAIL_PATTERN.match(email)) and len(email) <= 254


def create_user(session: Session, email: str, password: str, admin: bool = False) -> User:
    """Create an account with a scrypt-hashed password."""
    user = new_user(session, email, password)
    user.is_admin = admin
    session.commit()
    return user


def create_first_user(session: Session, email: str, password: str) -> User:
    """Create the instance's first account (the setup page): exactly one such request ever succeeds,
    however many arrive at once; the others get Conflict."""
    if has_users(session) or session.get(FirstAccount, 1):
        raise Conflict("This instance already has its first account; sign in instead.")
    try:
        user = new_user(session, email, password)
        user.is_admin = True
        session.add(FirstAccount(id=1, user_id=user.id))
        session.commit()
    except IntegrityError:  # another request claimed it first
        session.rollback()
        raise Conflict("This instance already has its first account; sign in instead.") from None
    return user


def new_user(session: Session, email: str, password: str) -> User:
    """Add an account to the session (not committed), after checking the email and password."""
    email = normal_email(email)
    if not valid_email(email):
        raise BadInput("Enter a valid email address.")
    _check_password(password)
    if session.scalar(select(User).where(User.email == email)):
        raise BadInput("An account with that email address already exists.")
    user = User(email=email, password_hash=generate_password_hash(password))
    session.add(user)
    session.flush()
    return user


def _check_password(password: str | None) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise BadInput(f"Choose a password of at least {MIN_PASSWORD_LENGTH} characters.")


def authenticate(session: Session, email: str, password: str) -> User | None:
    """Return the user whose email and password match, else None (a disabled account too, after
    the same work, so the answer tells nothing)."""
    user = find_user(session, email)
    matches = check_password_hash(user.password_hash if user else DUMMY_HASH, password or "")
    return user if user is not None and matches and user.disabled_at is None else None


def find_user(session: Session, email: str | None) -> User | None:
    """The account with this email address, if any."""
    return session.scalar(select(User).where(User.email == normal_email(email)))


def end_sessions(session: Session, user: User) -> None:
    """Invalidate every signed-in session of a user (sign-out)."""
    user.session_version += 1
    session.commit()


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """Set a new password after checking the current one; every session of the user ends (the
    caller signs this one in again)."""
    if not check_password_hash(user.password_hash, current or ""):
        raise BadInput("Your current password is not right.", {"current_password": "does not match"})
    _check_password(new)
    user.password_hash = generate_password_hash(new)
    user.session_version += 1
    session.commit()


def set_disabled(session: Session, user: User, disabled: bool) -> None:
    """Disable an account (its sessions and tokens stop at once) or enable it again."""
    if disabled and user.disabled_at is None:
        user.disabled_at = datetime.now(UTC)
        user.session_version += 1
    elif not disabled:
        user.disabled_at = None
    session.commit()


def create_token(
    session: Session, user: User, name: str = "", expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Create an API token for a user; return it and its secret (shown once: only its hash is kept)."""
    if expires_at is not None and aware(expires_at) <= datetime.now(UTC):
        raise BadInput("Choose an expiry date in the future.", {"expires_at": "is not in the future"})
    secret = secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, token_hash=_hash(secret), name=name, expires_at=expires_at)
    session.add(token)
    session.commit()
    return token, secret


def create_token_for(session: Session, email: str, name: str = "") -> str:
    """Create an API token for the account with this email and return its secret (the CLI)."""
    user = find_user(session, email)
    if user is None:
        raise BadInput(f"No account has the email address {email!r}.")
    return create_token(session, user, name)[1]


def list_tokens(session: Session, user: User) -> list[ApiToken]:
    """A user's API tokens, newest first."""
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())))


def revoke_token(session: Session, user: User | None, token_id: int) -> ApiToken:
    """Delete an API token of this user (None: any user's, for the CLI)."""
    token = session.get(ApiToken, token_id)
    if token is None or (user is not None and token.user_id != user.id):
        raise NotFound("That token does not exist, or it is not yours.")
    session.delete(token)
    session.commit()
    return token


def user_for_token(session: Session, secret: str) -> User | None:
    """The active user an unexpired API token belongs to, or None; notes when it was last used
    (at most once a minute, so reading does not write on every request)."""
    token = session.scalar(
        select(ApiToken).options(joinedload(ApiToken.user)).where(ApiToken.token_hash == _hash(secret))
    )
    now = datetime.now(UTC)
    if token is None or token.user.disabled_at is not None:
        return None
    if token.expires_at is not None and aware(token.expires_at) <= now:
        return None
    if token.last_used_at is None or now - aware(token.last_used_at) > TOKEN_USE_GRANULARITY:
        begin_writing(session)
        token.last_used_at = now
        session.commit()
    return token.user


def aware(moment: datetime) -> datetime:
    """A stored moment with its time zone: SQLite gives back naive datetimes; they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
