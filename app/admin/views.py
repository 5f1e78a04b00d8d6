"""The administrator's page and API for accounts."""

from flask import Blueprint, flash, redirect, render_template, request, url_for

from app.admin import service
from app.admin.schemas import UserChanges
from app.auth import signed_in_user
from app.errors import AppError
from app.validation import accepts, request_body
from app.web import db

bp = Blueprint("admin", __name__)
# The users page's buttons: action -> (disabled, admin), None leaving it as it is.
FORM_ACTIONS = {
    "disable": (True, None),
    "enable": (False, None),
    "make-admin": (None, True),
    "unmake-admin": (None, False),
}


@bp.get("/admin/users")
def users_page():
    """Every account, with forms to disable, enable and make administrators."""
    return render_template("admin/users.html", users=service.list_users(db()))


@bp.post("/admin/users/<int:user_id>")
def user_update_form(user_id: int):
    """Apply one change from the users page."""
    action = request.form.get("action", "")
    changes = FORM_ACTIONS
    if action not in changes:
        flash("Choose disable, enable, or a change of administrator.", "error")
        return redirect(url_for("admin.users_page"))
    try:
        user = service.update_user(db(), signed_in_user(), user_id, *changes[action])
    except AppError as error:
        flash(str(error), "error")
        return render_template("admin/users.html", users=service.list_users(db())), error.status
    flash(f"{user.email}: {action.replace('-', ' ')} done.", "info")
    return redirect(url_for("admin.users_page"))


@bp.get("/api/users")
def api_users():
    """GET /api/users: every account (administrators only)."""
    return {"users": [user_json(user, projects) for user, projects in service.list_users(db())]}


@bp.patch("/api/users/<int:user_id>")
@accepts(UserChanges)
def api_update_user(user_id: int):
    """PATCH /api/users/<id> {"disabled"?, "admin"?} (administrators only)."""
    body = request_body()
    user = service.update_user(db(), signed_in_user(), user_id, body.disabled, body.admin)
    return user_json(user, None)


def user_json(user, projects: int | None) -> dict:
    """An account as an administrator sees it."""
    shown = {
        "id": user.id,
        "email": user.email,
        "admin": user.is_admin,
        "disabled": user.disabled_at is not None,
        "created_at": user.created_at.isoformat(),
    }
    return shown if projects is None else {**shown, "projects": projects}
