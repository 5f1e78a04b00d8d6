"""Tag sets: the JSON API and the tag management page."""

from flask import Blueprint, flash, redirect, render_template, request, url_for

from app.auth import signed_in_user
from app.errors import AppError
from app.projects.service import get_project
from app.tags import service
from app.tags.presenters import tag_json
from app.tags.schemas import NewTag, TagChanges
from app.validation import accepts, request_body, validated
from app.web import db

bp = Blueprint("tags", __name__)


@bp.get("/api/projects/<int:project_id>/tags")
def api_tags(project_id: int):
    """GET /api/projects/<id>/tags: the tag set, parents followed by their children."""
    project = get_project(db(), signed_in_user(), project_id)
    return {"tags": [tag_json(t) for t in service.list_tags(db(), project)]}


@bp.post("/api/projects/<int:project_id>/tags")
@accepts(NewTag)
def api_create_tag(project_id: int):
    """POST /api/projects/<id>/tags {"name", "colour", "hotkey", "parent", "position"} -> 201."""
    project = get_project(db(), signed_in_user(), project_id)
    return tag_json(service.create_tag(db(), project, request_body())), 201


@bp.patch("/api/tags/<int:tag_id>")
@accepts(TagChanges)
def api_update_tag(tag_id: int):
    """PATCH /api/tags/<id>: rename, recolour, re-key, move or nest."""
    tag = service.get_tag(db(), signed_in_user(), tag_id)
    return tag_json(service.update_tag(db(), tag, request_body()))


@bp.delete("/api/tags/<int:tag_id>")
def api_delete_tag(tag_id: int):
    """DELETE /api/tags/<id> -> 204."""
    service.delete_tag(db(), service.get_tag(db(), signed_in_user(), tag_id))
    return "", 204


@bp.get("/projects/<int:project_id>/tags")
def tags_page(project_id: int):
    """The tag set of a project, editable by its owner."""
    project = get_project(db(), signed_in_user(), project_id)
    return render_template("tags/tags.html", project=project, tags=service.list_tags(db(), project))


@bp.post("/projects/<int:project_id>/tags")
def tags_create(project_id: int):
    """Add a tag from the form."""
    project = get_project(db(), signed_in_user(), project_id)
    _apply_form(lambda fields: service.create_tag(db(), project, validated(NewTag, fields)))
    return redirect(url_for("tags.tags_page", project_id=project.id))


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
        _apply_form(lambda fields: service.update_tag(db(), tag, validated(TagChanges, fields)))
    return redirect(url_for("tags.tags_page", project_id=project_id))


def _apply_form(save) -> None:
    """Run save(fields) with the tag form's fields, flashing the outcome."""
    fields = {name: request.form.get(name, "").strip() for name in ("name", "colour", "hotkey", "parent")}
    try:
        tag = save(fields)
        flash(f"Saved the tag “{tag.full_name}”.", "info")
    except AppError as error:
        db().rollback()
        flash(str(error), "error")
