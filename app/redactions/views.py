"""Redaction summaries: API and pages."""

from flask import Blueprint, render_template

from app.auth import signed_in_user
from app.documents.service import get_document
from app.projects.service import get_project
from app.redactions import service
from app.redactions.presenters import box_json
from app.releases.service import release_json
from app.web import db

bp = Blueprint("redactions", __name__)


@bp.get("/api/documents/<int:document_id>/redactions")
def api_document(document_id: int):
    """GET /api/documents/<id>/redactions: boxes, counts by ground, pages withheld."""
    return service.document_redactions(db(), get_document(db(), signed_in_user(), document_id))


@bp.get("/api/projects/<int:project_id>/redactions")
def api_project(project_id: int):
    """GET /api/projects/<id>/redactions: the counts over the whole project."""
    return service.project_redactions(db(), get_project(db(), signed_in_user(), project_id))


@bp.get("/api/redaction-boxes/<int:box_id>/hidden-text")
def api_hidden_text(box_id: int):
    """GET /api/redaction-boxes/<id>/hidden-text: the readable text under a bad redaction, on demand."""
    box = service.get_box(db(), signed_in_user(), box_id)
    return {**box_json(box), "hidden_text": box.hidden_text}


@bp.get("/documents/<int:document_id>/redactions")
def document_page(document_id: int):
    """A document's response letter, and its redactions as a table and a bar chart."""
    document = get_document(db(), signed_in_user(), document_id)
    summary = service.document_redactions(db(), document)
    release = release_json(db(), document)
    return render_template(
        "redactions/summary.html", subject=document, document=document, summary=summary, release=release
    )


@bp.get("/projects/<int:project_id>/redactions")
def project_page(project_id: int):
    """A project's redactions as a table and a bar chart, with a line per document."""
    project = get_project(db(), signed_in_user(), project_id)
    summary = service.project_redactions(db(), project)
    return render_template("redactions/summary.html", subject=project, project=project, summary=summary)
