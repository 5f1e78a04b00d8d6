"""Pages to create the first account, sign in and sign out."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from app import auth
from app.auth import service
from app.auth.presenters import token_json
from app.auth.schemas import NewToken
from app.errors import AppError, Conflict
from app.projects import members
from app.validation import accepts, request_body, validated
from app.web import db

bp = Blueprint("auth", __name__)


def _safe_next() -> str:
    """The local page to return to after sign-in; never another site."""
    target = request.args.get("next") or ""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("projects.index")
    return target


@bp.route("/setup", methods=["GET", "POST"])
def setup():
    """Create the first account; only while there is none."""
    if service.has_users(db()):
        return redirect(url_for("auth.login"))
    if request.method == "POST":
        try:
            user = service.create_first_user(db(), request.form.get("email", ""), request.form.get("password", ""))
        except Conflict:
            return redirect(url_for("auth.login"))
        except AppError as error:
            flash(str(error), "error")
            return render_template("auth/setup.html", email=request.form.get("email", "")), 400
        _start_session(user)
        return redirect(url_for("projects.index"))
    return render_template("auth/setup.html", email="")


def _start_session(user) -> None:
    """Sign the user in on a new session: nothing from before (a session or CSRF token an
    attacker may have planted) survives."""
    session.clear()
    login_user(auth.SignedIn(user))


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    """Create an account, when the instance opens sign-up (OPEN_SIGNUP); by invitation otherwise."""
    if not current_app.config["OPEN_SIGNUP"]:
        message = "Accounts on this instance are made by invitation: ask a project owner for a link."
        return render_template("error.html", message=message, status=404), 404
    if request.method == "POST":
        try:
            user = service.create_user(db(), request.form.get("email", ""), request.form.get("password", ""))
        except AppError as error:
            flash(str(error), "error")
            return render_template("auth/setup.html", email=request.form.get("email", ""), signup=True), 400
        _start_session(user)
        return redirect(url_for("projects.index"))
    return render_template("auth/setup.html", email="", signup=True)


@bp.route("/login", methods=["GET", "POST"])
@auth.throttled_sign_in
def login():
    """Sign in with email and password."""
    if not service.has_users(db()):
        return redirect(url_for("auth.setup"))
    if request.method == "POST":
        email = request.form.get("email", "")
        user = service.authenticate(db(), email, request.form.get("password", ""))
        if user is None:
            flash("That email and password do not match an account.", "error")
            return render_template("auth/login.html", email=email), 401
        _start_session(user)
        return redirect(_safe_next())
    return render_template("auth/login.html", email="")


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out, ending every session of this user."""
    service.end_sessions(db(), auth.signed_in_user())
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/invitations/<secret>", methods=["GET", "POST"])
def invitation(secret: str):
    """Accept an invitation: a new address sets a password; an existing account signs in first."""
    try:
        invited = members.open_invitation(db(), secret)
    except AppError as error:
        return render_template("error.html", message=str(error), status=error.status), error.status
    account = service.find_user(db(), invited.email)
    signed_in = auth.signed_in_user() if current_user.is_authenticated else None
    if request.method == "POST":
        return _accept(invited, account, signed_in)
    return render_template("auth/invitation.html", invitation=invited, account=account, signed_in=signed_in)


def _accept(invited, account, signed_in):
    try:
        if signed_in is not None:
            members.accept_invitation(db(), invited, signed_in)
            user = signed_in
        elif account is None:
            user = members.sign_up_by_invitation(db(), invited, request.form.get("password", ""))
        else:
            return redirect(url_for("auth.login", next=request.path))
    except AppError as error:
        flash(str(error), "error")
        page = render_template("auth/invitation.html", invitation=invited, account=account, signed_in=signed_in)
        return page, error.status
    _start_session(user)
    flash(f"You have joined “{invited.project.name}” as {invited.role.with_article}.", "info")
    return redirect(url_for("projects.show", project_id=invited.project_id))


@bp.get("/account")
def account():
    """The signed-in user's password form and API tokens."""
    user = auth.signed_in_user()
    return render_template("auth/account.html", tokens=service.list_tokens(db(), user), secret=None)


@bp.post("/account/password")
def change_password():
    """Change the password; every other session of the account ends."""
    user = auth.signed_in_user()
    try:
        service.change_password(db(), user, request.form.get("current_password", ""), request.form.get("password", ""))
    except AppError as error:
        flash(str(error), "error")
        return render_template("auth/account.html", tokens=service.list_tokens(db(), user), secret=None), error.status
    _start_session(user)
    flash("Your password is changed; every other session of your account has ended.", "info")
    return redirect(url_for("auth.account"))


@bp.post("/account/tokens")
def create_token_form():
    """Make an API token from the form and show its secret once."""
    user = auth.signed_in_user()
    try:
        new = validated(NewToken, _token_fields(request.form))
        token, secret = service.create_token(db(), user, new.name, new.expires_at)
    except AppError as error:
        flash(str(error), "error")
        return render_template("auth/account.html", tokens=service.list_tokens(db(), user), secret=None), error.status
    tokens = service.list_tokens(db(), user)
    return render_template("auth/account.html", tokens=tokens, secret=secret, made=token)


def _token_fields(form) -> dict:
    return {"name": form.get("name", ""), "expires_at": form.get("expires_on") or None}


@bp.post("/account/tokens/<int:token_id>/revoke")
def revoke_token_form(token_id: int):
    """Revoke one of the user's API tokens."""
    token = service.revoke_token(db(), auth.signed_in_user(), token_id)
    flash(f"Revoked the token “{token.name or token.id}”: scripts using it are refused from now on.", "info")
    return redirect(url_for("auth.account"))


@bp.get("/api/tokens")
def api_tokens():
    """GET /api/tokens: the caller's tokens (never their secrets)."""
    return {"tokens": [token_json(t) for t in service.list_tokens(db(), auth.signed_in_user())]}


@bp.post("/api/tokens")
@accepts(NewToken)
def api_create_token():
    """POST /api/tokens {"name", "expires_at"?} -> the token with its secret, shown this once."""
    new = request_body()
    token, secret = service.create_token(db(), auth.signed_in_user(), new.name, new.expires_at)
    return {**token_json(token), "token": secret}, 201


@bp.delete("/api/tokens/<int:token_id>")
def api_revoke_token(token_id: int):
    """DELETE /api/tokens/<id> -> 204."""
    service.revoke_token(db(), auth.signed_in_user(), token_id)
    return "", 204
