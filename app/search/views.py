"""Search: the JSON API and the search page."""

from flask import Blueprint, render_template, request

from app.auth import signed_in_user
from app.documents.service import get_document
from app.errors import BadInput
from app.projects.service import get_project, list_projects
from app.search import service
from app.search.presenters import results_json
from app.search.query import FILTER_KEYS
from app.web import db

bp = Blueprint("search", __name__)


@bp.get("/api/search")
def api_search():
    """GET /api/search?q=...&project=ID&page=N: ranked pages, total and facets; without project,
    every project the user may open."""
    user = signed_in_user()
    project_id = _whole_number("project")
    if project_id is not None:
        get_project(db(), user, project_id)
    found = service.search(db(), user, request.args.get("q", ""), project_id, _whole_number("page") or 1)
    return results_json(found)


@bp.get("/api/documents/<int:document_id>/search")
def api_document_search(document_id: int):
    """GET /api/documents/<id>/search?q=...: each matching page and the rectangles of its hits."""
    document = get_document(db(), signed_in_user(), document_id)
    return {"hits": service.document_hits(db(), document, request.args.get("q", ""))}


@bp.get("/projects/<int:project_id>/search")
def search_page(project_id: int):
    """The search page of a project; scope=all searches every project the user may open."""
    user = signed_in_user()
    project = get_project(db(), user, project_id)
    everywhere = request.args.get("scope") == "all"
    text = request.args.get("q", "")
    found = service.search(db(), user, text, None if everywhere else project.id, _whole_number("page") or 1)
    titles = {p.id: p.name for p in list_projects(db(), user)} if everywhere else {}
    return render_template(
        "search/search.html",
        project=project,
        text=text,
        everywhere=everywhere,
        found=found,
        filter_keys=FILTER_KEYS,
        project_names=titles,
    )


def _whole_number(name: str) -> int | None:
    """A query-string argument that must be a positive whole number when given."""
    value = request.args.get(name)
    if value is None or value == "":
        return None
    if not value.isdigit() or int(value) < 1:
        raise BadInput(f"{name} must be a whole number of 1 or more.")
    return int(value)
