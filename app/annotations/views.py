"""Tag sets and annotations: the JSON API and the tag management page."""

from flask import Blueprint, flash, redirect, render_template, request, url_for

from app.annotations import service
from app.auth import signed_in_user
from app.documents.service import get_document
from app.errors import AppError, BadInput
from app.projects.service import get_project
from app.web import db, json_body

bp = Blueprint("annotations", __name__)


@bp.get("/api/projects/<int:project_id>/tags")
def api_tags(project_id: int):
    """GET /api/projects/<id>/tags: the tag set, parents followed by their children."""
    project = get_project(db(), signed_in_user(), project_id)
    return {"tags": [service.tag_json(t) for t in service.list_tags(db(), project)]}


@bp.post("/api/projects/<int:project_id>/tags")
def api_create_tag(project_id: int):
    """POST /api/projects/<id>/tags {"name", "colour", "hotkey", "parent", "position"} -> 201."""
    project = get_project(db(), signed_in_user(), project_id)
    return service.tag_json(service.create_tag(db(), project, json_body())), 201


@bp.patch("/api/tags/<int:tag_id>")
def api_update_tag(tag_id: int):
    """PATCH /api/tags/<id>: rename, recolour, re-key, move or nest."""
    tag = service.get_tag(db(), signed_in_user(), tag_id)
    return service.tag_json(service.update_tag(db(), tag, json_body()))


@bp.delete("/api/tags/<int:tag_id>")
def api_delete_tag(tag_id: int):
    """DELETE /api/tags/<id> -> 204."""
    service.delete_tag(db(), service.get_tag(db(), signed_in_user(), tag_id))
    return "", 204


@bp.post("/api/documents/<int:document_id>/annotations")
def api_create(document_id: int):
    """POST /api/documents/<id>/annotations: {"page", "start", "end" | "words" | "rect", "tags", "note", "ground"}."""
    user = signed_in_user()
    document = get_document(db(), user, document_id)
    return service.annotation_json(service.create_annotation(db(), user, document, json_body())), 201


@bp.get("/api/documents/<int:document_id>/annotations")
def api_list(document_id: int):
    """GET /api/documents/<id>/annotations, filtered by ?tag= and ?page=."""
    document = get_document(db(), signed_in_user(), document_id)
    page = request.args.get("page")
    if page is not None and not page.isdigit():
        raise BadInput("page must be a page number.")
    annotations = service.list_annotations(db(), document, request.args.get("tag"), int(page) if page else None)
    return {"annotations": [service.annotation_json(a) for a in annotations]}


@bp.get("/api/annotations/<int:annotation_id>")
def api_show(annotation_id: int):
    """GET /api/annotations/<id>, with its history."""
    annotation = service.get_annotation(db(), signed_in_user(), annotation_id)
    return service.annotation_json(annotation, service.history(db(), annotation))


@bp.patch("/api/annotations/<int:annotation_id>")
def api_update(annotation_id: int):
    """PATCH /api/annotations/<id> with any of tags, note, ground."""
    user = signed_in_user()
    annotation = service.update_annotation(db(), user, service.get_annotation(db(), user, annotation_id), json_body())
    return service.annotation_json(annotation, service.history(db(), annotation))


@bp.delete("/api/annotations/<int:annotation_id>")
def api_delete(annotation_id: int):
    """DELETE /api/annotations/<id> -> 204; the history is kept."""
    user = signed_in_user()
    service.delete_annotation(db(), user, service.get_annotation(db(), user, annotation_id))
    return "", 204


@bp.get("/projects/<int:project_id>/tags")
def tags_page(project_id: int):
    """The tag set of a project, editable by its owner."""
    project = get_project(db(), signed_in_user(), project_id)
    return render_template("annotations/tags.html", project=project, tags=service.list_tags(db(), project))


@bp.post("/projects/<int:project_id>/tags")
def tags_create(project_id: int):
    """Add a tag from the form."""
    project = get_project(db(), signed_in_user(), project_id)
    _apply_form(lambda fields: service.create_tag(db(), project, fields))
    return redirect(url_for("annotations.tags_page", project_id=project.id))


@bp.post("/tags/<int:tag_id>")
def tags_update(tag_id: int):
    """Save one tag's row of the form, move it up or down, or delete it."""
    tag = service.get_tag(db(), signed_in_user(), tag_id)
    project_id, action = tag.project_id, request.form.get("action", "save")
    if action == "delete":
        service.delete_tag(db(), tag)
        flash(f"Deleted the tag “{tag.full_name}”.", "info")
    elif action in ("up", "down"):
        service.move_tag(db(), tag, -1 if action == "up" else 1)
    else:
        _apply_form(lambda fields: service.update_tag(db(), tag, fields))
    return redirect(url_for("annotations.tags_page", project_id=project_id))


def _apply_form(save) -> None:
    """Run save(fields) with the tag form's fields, flashing the outcome."""
    fields = {name: request.form.get(name, "").strip() for name in ("name", "colour", "hotkey", "parent")}
    try:
        tag = save(fields)
        flash(f"Saved the tag “{tag.full_name}”.", "info")
    except AppError as error:
        db().rollback()
        flash(str(error), "error")
