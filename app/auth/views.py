"""Pages to create the first account, sign in and sign out."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_user, logout_user

from app import auth
from app.auth import service
from app.errors import AppError, Conflict
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
        login_user(auth.SignedIn(user))
        return redirect(url_for("projects.index"))
    return render_template("auth/setup.html", email="")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with email and password."""
    if not service.has_users(db()):
        return redirect(url_for("auth.setup"))
    if request.method == "POST":
        throttle = current_app.extensions["sign_in_throttle"]
        throttle.check(request.remote_addr or "")
        email = request.form.get("email", "")
        user = service.authenticate(db(), email, request.form.get("password", ""))
        if user is None:
            throttle.failed(request.remote_addr or "")
            flash("That email and password do not match an account.", "error")
            return render_template("auth/login.html", email=email), 401
        login_user(auth.SignedIn(user))
        return redirect(_safe_next())
    return render_template("auth/login.html", email="")


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out, ending every session of this user."""
    service.end_sessions(db(), auth.signed_in_user())
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))
