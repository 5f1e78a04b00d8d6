"""Document pages (viewer, metadata form, page images) and API."""

import io

from flask import Blueprint, current_app, flash, redirect, render_template, request, send_file, url_for

from app import storage
from app.access import role_in
from app.auth import signed_in_user
from app.documents import service
from app.documents.presenters import document_json, page_json
from app.documents.schemas import MetadataChanges
from app.errors import AppError, NotFound
from app.models import Role
from app.projects.service import get_project
from app.redactions.service import bad_redaction_pages
from app.releases.service import release_json
from app.suggestions.service import count_pending
from app.tags.presenters import tag_json
from app.tags.service import list_tags
from app.validation import accepts, request_body, validated
from app.web import db

bp = Blueprint("documents", __name__)

IMAGE_MAX_AGE = 24 * 3600


@bp.post("/api/projects/<int:project_id>/documents")
def api_upload(project_id: int):
    """POST /api/projects/<id>/documents with one or more multipart `file` fields -> 202."""
    project = get_project(db(), signed_in_user(), project_id)
    uploads = [service.Upload(f.filename or "", f.stream) for f in request.files.getlist("file")]
    documents = service.add_documents(db(), current_app.config, project, signed_in_user(), uploads)
    return {"documents": [document_json(d) for d in documents]}, 202


@bp.get("/api/projects/<int:project_id>/documents")
def api_list(project_id: int):
    """GET /api/projects/<id>/documents: every document with its status and progress."""
    project = get_project(db(), signed_in_user(), project_id)
    return {"documents": [document_json(d) for d in project.documents]}


@bp.get("/api/documents/<int:document_id>")
def api_show(document_id: int):
    """GET /api/documents/<id>: status, progress, error, page count, SHA-256 and metadata."""
    return document_json(service.get_document(db(), signed_in_user(), document_id))


@bp.patch("/api/documents/<int:document_id>")
@accepts(MetadataChanges)
def api_update(document_id: int):
    """PATCH /api/documents/<id> with any of the metadata fields."""
    document = service.get_document(db(), signed_in_user(), document_id)
    return document_json(service.update_metadata(db(), document, request_body()))


@bp.delete("/api/documents/<int:document_id>")
def api_delete(document_id: int):
    """DELETE /api/documents/<id> -> 204: the document, its pages, annotations and files."""
    document = service.get_document(db(), signed_in_user(), document_id)
    service.delete_document(db(), document, storage.files(current_app.config))
    return "", 204


@bp.post("/api/documents/<int:document_id>/read-again")
def api_read_again(document_id: int):
    """POST /api/documents/<id>/read-again -> 202: the document is queued to be read again."""
    document = service.get_document(db(), signed_in_user(), document_id)
    return document_json(service.read_again(db(), document)), 202


@bp.post("/documents/<int:document_id>/read-again")
def read_again(document_id: int):
    """Read a document again, from its details page."""
    document = service.get_document(db(), signed_in_user(), document_id)
    try:
        service.read_again(db(), document)
    except AppError as error:
        flash(str(error), "error")
        return redirect(url_for("documents.edit", document_id=document.id))
    flash(f"“{document.title}” is queued to be read again; its annotations stay.", "info")
    return redirect(url_for("projects.show", project_id=document.project_id))


@bp.get("/api/documents/<int:document_id>/pages/<int:number>")
def api_page(document_id: int, number: int):
    """GET /api/documents/<id>/pages/<n>: text and word boxes of page n (from 1)."""
    document = service.get_document(db(), signed_in_user(), document_id)
    return page_json(service.get_page(db(), document, number))


@bp.get("/documents/<int:document_id>")
def show(document_id: int):
    """The viewer: page images with a selectable text layer."""
    user = signed_in_user()
    document = service.get_document(db(), user, document_id)
    return render_template(
        "documents/show.html",
        document=document,
        can_edit=role_in(db(), user, document.project_id).rank >= Role.EDITOR.rank,
        doc_json=document_json(document),
        pages=service.page_sizes(db(), document),
        tags=[tag_json(t) for t in list_tags(db(), document.project)],
        pending=count_pending(db(), document.id),
        bad_pages=bad_redaction_pages(db(), document.id),
        release=release_json(db(), document),
    )


@bp.route("/documents/<int:document_id>/edit", methods=["GET", "POST"])
def edit(document_id: int):
    """Edit a document's metadata."""
    document = service.get_document(db(), signed_in_user(), document_id)
    if request.method == "POST":
        fields = {name: request.form.get(name, "") for name in MetadataChanges.model_fields}
        try:
            service.update_metadata(db(), document, validated(MetadataChanges, fields))
        except AppError as error:
            db().rollback()
            release = release_json(db(), document)
            page = render_template(
                "documents/edit.html", document=document, values=fields, release=release, error=str(error)
            )
            return page, 400
        return redirect(url_for("documents.show", document_id=document.id))
    values, release = document_json(document), release_json(db(), document)
    return render_template("documents/edit.html", document=document, values=values, release=release, error=None)


@bp.post("/documents/<int:document_id>/delete")
def delete(document_id: int):
    """Delete a document from its details page, once the box saying what goes is ticked."""
    document = service.get_document(db(), signed_in_user(), document_id)
    project_id, title = document.project_id, document.title
    if request.form.get("confirm") != "yes":
        flash("Tick the box to confirm that the document and its annotations are to be deleted.", "error")
        return redirect(url_for("documents.edit", document_id=document.id))
    service.delete_document(db(), document, storage.files(current_app.config))
    flash(f"Deleted “{title}” with its annotations.", "info")
    return redirect(url_for("projects.show", project_id=project_id))


@bp.get("/documents/<int:document_id>/pages/<int:number>.png")
def page_image(document_id: int, number: int):
    """A page rendered at reading size (or ?size=thumb), cached privately by the browser."""
    service.get_document(db(), signed_in_user(), document_id)
    key = storage.page_image_key(document_id, number, request.args.get("size") == "thumb")
    response = _file_response(storage.files(current_app.config), key)
    response.cache_control.public = False
    response.cache_control.private = True
    return response


def _file_response(files: storage.Files, key: str):
    """A stored image, sent as it stands from the upload folder, or streamed through the app from
    an object store (not a redirect to a signed URL: the object store need not be reachable from
    readers' browsers, and an address that works for minutes outlives a revoked membership)."""
    path = files.local_path(key)
    if path is not None:
        return send_file(path, mimetype="image/png", max_age=IMAGE_MAX_AGE, conditional=True)
    stored = files.read(key)
    if stored is None:
        raise NotFound("That page image does not exist yet.")
    data, tag = stored
    return send_file(io.BytesIO(data), mimetype="image/png", max_age=IMAGE_MAX_AGE, conditional=True, etag=tag)
