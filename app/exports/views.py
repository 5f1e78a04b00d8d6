"""Export page, export and clip downloads, and JSON-LD import."""

import io
import itertools
import zipfile
from datetime import date

from flask import Blueprint, Response, current_app, render_template, request

from app.annotations.service import get_annotation
from app.auth import signed_in_user
from app.errors import BadInput
from app.exports import complaint, formats, importing, rendering, service
from app.exports.presenters import import_json
from app.models import Document
from app.projects.service import get_project
from app.tags.service import list_tags
from app.web import attachment, db

bp = Blueprint("exports", __name__)


@bp.get("/projects/<int:project_id>/export")
def export_page(project_id: int):
    """Choose what to export and in which format."""
    project = get_project(db(), signed_in_user(), project_id)
    tags = list_tags(db(), project)
    return render_template("exports/export.html", project=project, tags=tags, documents=project.documents)


@bp.get("/api/projects/<int:project_id>/export")
def api_export(project_id: int):
    """GET /api/projects/<id>/export?format=md|docx|csv|jsonld|pdf|package|complaint&tag=&document=&q=&author=."""
    user = signed_in_user()
    project = get_project(db(), user, project_id)
    selection = service.parse_selection(request.args, user.id)
    total = service.count_excerpts(db(), project, selection)  # checks the selection before anything is sent
    if selection.format == "complaint":
        return _complaint(project, selection, request.args.get("as", "md"))
    base, heading = request.url_root, f"Excerpts from {project.name}"
    if selection.format == "csv":
        return _stream(lambda items: formats.csv_chunks(items, base), project, selection, "csv")
    if selection.format == "md":
        return _stream(lambda items: formats.markdown_chunks(items, heading, base), project, selection, "md")
    if selection.format == "jsonld":
        collection = {"id": request.url, "label": heading}
        write = lambda items: formats.jsonld_chunks(items, collection, total, base)  # noqa: E731
        return _stream(write, project, selection, "jsonld")
    items = service.excerpts(db(), project, selection)
    if selection.format == "docx":
        return _download(formats.docx_bytes(items, heading), project, selection, "docx")
    if selection.format == "pdf":
        return _pdfs(items, project, selection)
    return _package(list(items), heading, base, project, selection)


@bp.get("/api/annotations/<int:annotation_id>/clip.png")
def api_clip(annotation_id: int):
    """GET /api/annotations/<id>/clip.png: the passage at 2x, highlighted, with a caption."""
    user = signed_in_user()
    annotation = get_annotation(db(), user, annotation_id)
    project = annotation.document.project
    selection = service.Selection(format="png", document_id=annotation.document_id, reader_id=user.id)
    [excerpt] = [e for e in service.excerpts(db(), project, selection) if e.id == annotation.id]
    if not excerpt.rects:
        raise BadInput("This annotation has no place on the page to clip.")
    [(_, png)] = rendering.clips(current_app.config, [excerpt])
    return Response(png, mimetype="image/png", headers=attachment(service.clip_name(excerpt), inline=True))


@bp.post("/api/projects/<int:project_id>/import")
def api_import(project_id: int):
    """POST /api/projects/<id>/import with a JSON-LD export (as the body, or a file field named file)."""
    user = signed_in_user()
    project = get_project(db(), user, project_id)
    outcome = importing.start_import(db(), current_app.config, user, project, _import_data())
    if isinstance(outcome, importing.Report):
        return {"created": outcome.created, "unplaced": outcome.unplaced}, 200
    return {"import": import_json(outcome)}, 202, {"Location": f"/api/imports/{outcome.id}"}


@bp.get("/api/imports/<int:import_id>")
def api_import_status(import_id: int):
    """GET /api/imports/<id>: a large import's status and progress, then its report."""
    return import_json(importing.get_import(db(), signed_in_user(), import_id))


def _import_data():
    upload = request.files.get("file")
    if upload is None:
        data = request.get_json(silent=True)
        if data is None:
            raise BadInput("Send the JSON-LD export as the request body or as a file field named file.")
        return data
    try:
        return current_app.json.loads(upload.stream.read())
    except ValueError:
        raise BadInput(f"“{upload.filename}” is not JSON; choose a .jsonld file exported by OIA Desk.") from None


def _stream(write, project, selection, extension: str) -> Response:
    body = service.streamed(current_app.extensions["sessions"], project.id, selection, write)
    name = service.download_name(project, selection, extension, date.today())
    return Response(body, mimetype=service.MEDIA_TYPES[selection.format], headers=attachment(name))


def _complaint(project, selection, kind: str) -> Response:
    """A draft complaint to the Ombudsman about one release, as Markdown or (as=docx) Word."""
    if selection.document_id is None:
        raise BadInput("A complaint is about one release: add document=ID to say which.")
    if kind not in ("md", "docx"):
        raise BadInput("as must be md or docx.")
    document = db().get(Document, selection.document_id)
    blocks = complaint.complaint_blocks(db(), document, project.jurisdiction, date.today())
    name = f"complaint-{service.slug(document.title)}-{date.today().isoformat()}.{kind}"
    if kind == "docx":
        data, media_type = complaint.complaint_docx(blocks, formats.xml_safe), service.MEDIA_TYPES["docx"]
    else:
        data, media_type = complaint.complaint_markdown(blocks, formats.markdown_text), service.MEDIA_TYPES["md"]
    return Response(data, mimetype=media_type, headers=attachment(name))


def _download(data: bytes, project, selection, extension: str) -> Response:
    name = service.download_name(project, selection, extension, date.today())
    return Response(data, mimetype=service.MEDIA_TYPES[selection.format], headers=attachment(name))


def _pdfs(items, project, selection) -> Response:
    groups = [(sha, list(group)) for sha, group in itertools.groupby(items, key=lambda e: e.sha256)]
    files = list(rendering.annotated_pdfs(current_app.config, groups))
    if not files:
        raise BadInput("No annotations match this selection, so there is nothing to draw on a PDF.")
    if len(files) == 1:
        return _download(files[0][1], project, selection, "pdf")
    return _zip(files, project, selection)


def _package(items, heading, base, project, selection) -> Response:
    markdown = "".join(formats.markdown_chunks(items, heading, base))
    files = [("excerpts.md", markdown.encode())] + list(rendering.clips(current_app.config, items))
    return _zip(files, project, selection)


def _zip(files, project, selection) -> Response:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(name, data)
    name = service.download_name(project, selection, "zip", date.today())
    return Response(buffer.getvalue(), mimetype="application/zip", headers=attachment(name))
