"""Sign-in for pages (session cookie) and for the API (bearer token), and CSRF."""

import time
from collections import defaultdict

from flask import Flask, redirect, request, url_for
from flask_login import LoginManager, UserMixin, current_user
from flask_wtf.csrf import CSRFProtect

from app import access
from app.auth import service
from app.errors import AppError, error_response
from app.models import User
from app.web import db

login_manager = LoginManager()
csrf = CSRFProtect()


class SignedIn(UserMixin):
    """Flask-Login's view of a user; the id carries the session version."""

    def __init__(self, user: User):
        self.user = user

    def get_id(self) -> str:
        return f"{self.user.id}:{self.user.session_version}"


def signed_in_user() -> User:
    """The user making this request."""
    return current_user.user


def bearer_token() -> str | None:
    """The token of an `Authorization: Bearer` header, if any."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    return header[7:].strip() or None


class TooManyAttempts(AppError):
    """Sign-in attempts over the limit."""

    status = 429


class SignInThrottle:
    """Refuse sign-in after too many failures from one address (kept in memory)."""

    def __init__(self, limit: int = 10, window_seconds: int = 900):
        self.limit, self.window = limit, window_seconds
        self.failures: dict[str, list[float]] = defaultdict(list)

    def check(self, key: str) -> None:
        """Raise TooManyAttempts when key failed too often lately."""
        now = time.monotonic()
        self.failures[key] = [t for t in self.failures[key] if now - t < self.window]
        if len(self.failures[key]) >= self.limit:
            raise TooManyAttempts("Too many failed sign-in attempts; wait 15 minutes and try again.")

    def failed(self, key: str) -> None:
        """Record a failure for key."""
        self.failures[key].append(time.monotonic())


def init_app(app: Flask) -> None:
    """Set up sign-in, CSRF and the rule that everything but sign-in needs a user."""
    login_manager.init_app(app)
    csrf.init_app(app)
    app.extensions["sign_in_throttle"] = SignInThrottle()

    @login_manager.user_loader
    def _load_from_session(key: str):
        if bearer_token():  # a request with a token is authenticated by the token alone
            return None
        user_id, _, version = key.partition(":")
        user = db().get(User, int(user_id)) if user_id.isdigit() else None
        current = user is not None and user.disabled_at is None and str(user.session_version) == version
        return SignedIn(user) if current else None

    @login_manager.request_loader
    def _load_from_token(_request):
        token = bearer_token()
        user = service.user_for_token(db(), token) if token else None
        return SignedIn(user) if user else None

    @app.before_request
    def _require_sign_in():
        # Browsers cannot add an Authorization header to a cross-site form, so only
        # cookie-authenticated writes need the CSRF token (form field or X-CSRFToken).
        if request.method not in ("GET", "HEAD", "OPTIONS") and not bearer_token():
            csrf.protect()
        if request.routing_exception is not None:  # no such page: Flask answers 404 or 405
            return None
        if access.route_need(request.endpoint, request.method) == access.PUBLIC:
            return None
        if not current_user.is_authenticated:
            if request.path.startswith("/api/"):
                return error_response("Sign in, or send the header Authorization: Bearer TOKEN.", 401)
            target = "auth.login" if service.has_users(db()) else "auth.setup"
            return redirect(url_for(target, next=request.full_path.rstrip("?")))
        access.authorize_request(db(), signed_in_user(), request.endpoint, request.method, request.view_args or {})
        return None
