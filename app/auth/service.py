"""Accounts and API tokens."""

import hashlib
import re
import secrets

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from app.errors import BadInput, Conflict
from app.models import ApiToken, FirstAccount, User

MIN_PASSWORD_LENGTH = 10
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Checked when no account has the email, so that a wrong email costs what a wrong password does.
DUMMY_HASH = generate_password_hash(secrets.token_hex(16))


def has_users(session: Session) -> bool:
    """Tell whether any account exists yet."""
    return session.scalar(select(func.count(User.id))) > 0 or session.get(FirstAccount, 1) is not None


def create_user(session: Session, email: str, password: str) -> User:
    """Create an account with a scrypt-hashed password."""
    user = _new_user(session, email, password)
    session.commit()
    return user


def create_first_user(session: Session, email: str, password: str) -> User:
    """Create the instance's first account (the setup page): exactly one such request ever succeeds,
    however many arrive at once; the others get Conflict."""
    if has_users(session) or session.get(FirstAccount, 1):
        raise Conflict("This instance already has its first account; sign in instead.")
    try:
        user = _new_user(session, email, password)
        session.add(FirstAccount(id=1, user_id=user.id))
        session.commit()
    except IntegrityError:  # another request claimed it first
        session.rollback()
        raise Conflict("This instance already has its first account; sign in instead.") from None
    return user


def _new_user(session: Session, email: str, password: str) -> User:
    email = (email or "").strip().lower()
    if not EMAIL_PATTERN.match(email) or len(email) > 254:
        raise BadInput("Enter a valid email address.")
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise BadInput(f"Choose a password of at least {MIN_PASSWORD_LENGTH} characters.")
    if session.scalar(select(User).where(User.email == email)):
        raise BadInput("An account with that email address already exists.")
    user = User(email=email, password_hash=generate_password_hash(password))
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """Return the user whose email and password match, else None."""
    user = session.scalar(select(User).where(User.email == (email or "").strip().lower()))
    matches = check_password_hash(user.password_hash if user else DUMMY_HASH, password or "")
    return user if user is not None and matches else None


def end_sessions(session: Session, user: User) -> None:
    """Invalidate every signed-in session of a user (sign-out)."""
    user.session_version += 1
    session.commit()


def create_token(session: Session, email: str) -> str:
    """Create an API token for a user and return it; only its hash is kept."""
    user = session.scalar(select(User).where(User.email == (email or "").strip().lower()))
    if user is None:
        raise BadInput(f"No account has the email address {email!r}.")
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=_hash(token)))
    session.commit()
    return token


def user_for_token(session: Session, token: str) -> User | None:
    """Return the user an API token belongs to, or None."""
    found = session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash(token)))
    return found.user if found else None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
