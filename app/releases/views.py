"""A release's response letter: API."""

import csv
import io

from flask import Blueprint, Response, redirect, render_template, request, url_for

from app.auth import signed_in_user
from app.core.spreadsheet import safe_cell
from app.db import whole_number
from app.documents.presenters import document_json
from app.documents.service import get_document
from app.errors import AppError, BadInput
from app.exports.comparison import comparison_markdown
from app.projects.service import get_project
from app.releases import service
from app.releases.schemas import ReleaseChanges
from app.validation import accepts, request_body, validated, whole_number_argument
from app.web import attachment, db

bp = Blueprint("releases", __name__)


@bp.get("/api/documents/<int:document_id>/release")
def api_release(document_id: int):
    """GET /api/documents/<id>/release: the response letter's facts, working days taken, late or not."""
    return service.release_json(db(), get_document(db(), signed_in_user(), document_id))


@bp.patch("/api/documents/<int:document_id>/release")
@accepts(ReleaseChanges)
def api_correct(document_id: int):
    """PATCH /api/documents/<id>/release with any of the letter's fields, to correct what was read."""
    document = get_document(db(), signed_in_user(), document_id)
    return service.update_release(db(), document, request_body())


@bp.get("/api/projects/<int:project_id>/grounds")
def api_project_grounds(project_id: int):
    """GET /api/projects/<id>/grounds: per agency and ground, boxes, pages and documents withheld (format=csv too)."""
    grounds = service.project_grounds(db(), get_project(db(), signed_in_user(), project_id))
    wanted = request.args.get("format", "json")
    if wanted == "csv":
        return Response(_grounds_csv(grounds), mimetype="text/csv", headers=attachment(f"grounds-{project_id}.csv"))
    if wanted != "json":
        raise BadInput("format must be json or csv.")
    return grounds


@bp.get("/projects/<int:project_id>/grounds")
def project_grounds_page(project_id: int):
    """The grounds a project's releases use, per agency: a table with a chart, and its CSV."""
    project = get_project(db(), signed_in_user(), project_id)
    return render_template("releases/grounds.html", project=project, grounds=service.project_grounds(db(), project))


def _grounds_csv(grounds: dict) -> str:
    """UTF-8 with a BOM (Excel shows macrons), formulas neutralised."""
    out = io.StringIO()
    writer = csv.writer(out)
    columns = ["agency", "ground", *grounds["counts"], "meaning"]
    writer.writerow(columns)
    for row in grounds["rows"]:
        writer.writerow([safe_cell(row[column] if row[column] is not None else "") for column in columns])
    return "\ufeff" + out.getvalue()


@bp.get("/api/documents/<int:document_id>/compare/<int:other_id>")
def api_compare(document_id: int, other_id: int):
    """GET /api/documents/<a>/compare/<b>: pages aligned, text released or withheld anew, grounds changed; format=md."""
    user = signed_in_user()
    first, second = get_document(db(), user, document_id), get_document(db(), user, other_id)
    compared = service.compare_documents(db(), first, second)
    wanted = request.args.get("format", "json")
    if wanted == "md":
        markdown = comparison_markdown(first, second, compared)
        return Response(markdown, mimetype="text/markdown", headers=attachment(f"compared-{first.id}-{second.id}.md"))
    if wanted != "json":
        raise BadInput("format must be json or md.")
    return compared


@bp.get("/documents/<int:document_id>/compare")
def compare_page(document_id: int):
    """Two releases side by side: each page pair with a difference, lit on both page images;
    ?with=ID names the other release (without it, a form to pick one)."""
    user = signed_in_user()
    first = get_document(db(), user, document_id)
    other = whole_number_argument("with")
    choices = [d for d in first.project.documents if d.id != first.id]
    if other is None:
        return render_template("releases/compare.html", first=first, second=None, choices=choices)
    second = get_document(db(), user, other)
    compared = service.compare_documents(db(), first, second)
    sizes = {"a": service.page_shapes(db(), first), "b": service.page_shapes(db(), second)}
    return render_template(
        "releases/compare.html", first=first, second=second, choices=choices, compared=compared, sizes=sizes
    )


@bp.post("/documents/<int:document_id>/release")
def correct_form(document_id: int):
    """The letter's facts corrected from the document's details page."""
    document = get_document(db(), signed_in_user(), document_id)
    form = request.form
    days = form.get("extension_days", "").strip()
    number_of_days = whole_number(days)
    fields = {
        "request_date": form.get("request_date", ""),
        "extension_days": days or None if number_of_days is None else number_of_days,
        "extended_to": form.get("extended_to", ""),
        "transferred": form.get("transferred") == "yes",
    }
    try:
        service.update_release(db(), document, validated(ReleaseChanges, fields))
    except AppError as error:
        db().rollback()
        page = render_template(
            "documents/edit.html",
            document=document,
            values=document_json(document),
            release=service.release_json(db(), document),
            error=str(error),
        )
        return page, 400
    return redirect(url_for("redactions.document_page", document_id=document.id))
