"""The audit log's pages and API: a project's owners see its entries, administrators all."""

from flask import Blueprint, render_template, request

from app.access import OWNER
from app.audit.service import event_json, list_events
from app.auth import signed_in_user
from app.projects.service import get_project
from app.validation import whole_number_argument
from app.web import db

bp = Blueprint("audit", __name__)


def _filters() -> dict:
    """?action=, ?email= and ?before=<entry id> (the next page: older entries)."""
    return {
        "action": request.args.get("action", "").strip(),
        "email": request.args.get("email", "").strip(),
        "before": whole_number_argument("before"),
    }


@bp.get("/projects/<int:project_id>/audit")
def project_page(project_id: int):
    """The project's log, newest first, filterable."""
    project = get_project(db(), signed_in_user(), project_id, OWNER)
    filters = _filters()
    events = list_events(db(), project.id, **filters)
    return render_template("audit/log.html", project=project, events=events, filters=filters)


@bp.get("/api/projects/<int:project_id>/audit")
def api_project(project_id: int):
    """GET /api/projects/<id>/audit?action=&email=&before=: the newest 100 entries."""
    project = get_project(db(), signed_in_user(), project_id, OWNER)
    return {"events": [event_json(e) for e in list_events(db(), project.id, **_filters())]}


@bp.get("/admin/audit")
def everything_page():
    """Every entry of the instance, for administrators."""
    filters = _filters()
    return render_template("audit/log.html", project=None, events=list_events(db(), None, **filters), filters=filters)


@bp.get("/api/audit")
def api_everything():
    """GET /api/audit?action=&email=&before=: every project's and account's entries (administrators)."""
    return {"events": [event_json(e) for e in list_events(db(), None, **_filters())]}
