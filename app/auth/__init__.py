"""Sign-in for pages (session cookie) and for the API (bearer token), and CSRF."""

from flask import Flask, current_app, has_request_context, redirect, request, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_limiter import Limiter
from flask_login import LoginManager, UserMixin, current_user
from flask_wtf.csrf import CSRFProtect

from app import access
from app.auth import counts, service  # noqa: F401 - counts registers the sqlite:// storage
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


# Failed sign-ins allowed in 15 minutes: from one address (to any accounts), and for one account
# from one address. An address over its limit is refused; the account still signs in from
# elsewhere. One account's failures from all addresses together are limited too (a guess spread
# over many addresses), which can keep its owner waiting: 15 minutes, told as much.
SIGN_IN_LIMITS = {
    "address": "30 per 15 minutes",
    "account and address": "10 per 15 minutes",
    "account": "50 per 15 minutes",
}
TOO_MANY = "Too many failed sign-in attempts; wait 15 minutes and try again."
limiter = Limiter(key_func=lambda: request.remote_addr or "", strategy="moving-window")


def _account() -> str:
    return service.normal_email(request.form.get("email"))


def _failed(response) -> bool:
    return response.status_code == 401


def throttled_sign_in(view):
    """The sign-in view, refusing (429) an address or an account with too many failures lately;
    only failed attempts count."""
    keys = {
        "address": lambda: f"address:{request.remote_addr}",
        "account and address": lambda: f"account:{_account()}|{request.remote_addr}",
        "account": lambda: f"account:{_account()}",
    }
    for name, key in keys.items():
        limit = limiter.limit(
            SIGN_IN_LIMITS[name],
            key_func=key,
            methods=["POST"],
            deduct_when=_failed,
            error_message=TOO_MANY,
            scope=name,
        )
        view = limit(view)
    return view


def _by_token_alone() -> bool:
    """Whether the request is authenticated by a valid bearer token and carries no session
    cookie: only then may a write skip the CSRF token (a browser cannot add the header to a
    cross-site form). A token that is not valid is refused here, 401, whatever the cookie."""
    if not bearer_token():
        return False
    if not current_user.is_authenticated:
        raise NotSignedIn("That API token is not valid: it was revoked, has expired, or is mistyped.")
    return _without_session_cookie()


def _without_session_cookie() -> bool:
    return current_app.config["SESSION_COOKIE_NAME"] not in request.cookies


class NotSignedIn(AppError):
    """Credentials were sent and are not good."""

    status = 401


class SecureWhenHttps(SecureCookieSessionInterface):
    """The session cookie is Secure whenever the request came over HTTPS (directly, or through a
    proxy trusted by TRUSTED_PROXIES), not only when configured so."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or (has_request_context() and request.is_secure))

    def should_set_cookie(self, app: Flask, session) -> bool:
        """Not for a script authenticated by its token alone: it needs no session (and having one
        would make its writes need a CSRF token)."""
        by_token = bearer_token() and _without_session_cookie()
        return not by_token and super().should_set_cookie(app, session)


def init_app(app: Flask) -> None:
    """Set up sign-in, CSRF and the rule that everything but sign-in needs a user."""
    login_manager.init_app(app)
    csrf.init_app(app)
    app.config["RATELIMIT_STORAGE_URI"] = app.config["SIGN_IN_COUNTS_URL"]
    limiter.init_app(app)
    app.session_interface = SecureWhenHttps()

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
        if request.method not in ("GET", "HEAD", "OPTIONS") and not _by_token_alone():
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
