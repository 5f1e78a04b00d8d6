"""Project pages and API."""

from flask import Blueprint, redirect, render_template, request, url_for

from app.auth import signed_in_user
from app.documents.presenters import document_json
from app.errors import AppError
from app.projects import service
from app.projects.presenters import project_json
from app.projects.schemas import NewProject, ProjectChanges
from app.search.saved import list_saved_searches
from app.validation import accepts, request_body, validated
from app.web import db

bp = Blueprint("projects", __name__)


@bp.get("/")
def index():
    """List the user's projects, with a form to create one."""
    return render_template("projects/index.html", projects=service.list_projects(db(), signed_in_user()))


@bp.post("/projects")
def create():
    """Create a project from the form."""
    try:
        new = validated(NewProject, {"name": request.form.get("name", "")})
        project = service.create_project(db(), signed_in_user(), new)
    except AppError as error:
        projects = service.list_projects(db(), signed_in_user())
        return render_template("projects/index.html", projects=projects, error=str(error)), error.status
    return redirect(url_for("projects.show", project_id=project.id))


@bp.get("/projects/<int:project_id>")
def show(project_id: int):
    """A project's documents with their processing status, and the upload area."""
    project = service.get_project(db(), signed_in_user(), project_id)
    documents = [document_json(d) for d in project.documents]
    saved = list_saved_searches(db(), project)
    return render_template("projects/show.html", project=project, documents=documents, saved_searches=saved)


@bp.get("/api/projects")
def api_list():
    """GET /api/projects."""
    return {"projects": [project_json(p) for p in service.list_projects(db(), signed_in_user())]}


@bp.post("/api/projects")
@accepts(NewProject)
def api_create():
    """POST /api/projects {"name": ...}."""
    return project_json(service.create_project(db(), signed_in_user(), request_body())), 201


@bp.patch("/api/projects/<int:project_id>")
@accepts(ProjectChanges)
def api_update(project_id: int):
    """PATCH /api/projects/<id> {"name", "jurisdiction"}."""
    project = service.get_project(db(), signed_in_user(), project_id)
    return project_json(service.update_project(db(), project, request_body()))


@bp.get("/api/projects/<int:project_id>")
def api_show(project_id: int):
    """GET /api/projects/<id>: the project and its documents."""
    project = service.get_project(db(), signed_in_user(), project_id)
    return {**project_json(project), "documents": [document_json(d) for d in project.documents]}
