"""Tag sets and annotations: the JSON API and the tag management page."""

from flask import Blueprint, request

from app.annotations import service
from app.annotations.presenters import annotation_json
from app.annotations.schemas import AnnotationChanges, NewAnnotation
from app.auth import signed_in_user
from app.documents.service import get_document
from app.validation import accepts, request_body, whole_number_argument
from app.web import db

bp = Blueprint("annotations", __name__)


@bp.post("/api/documents/<int:document_id>/annotations")
@accepts(NewAnnotation)
def api_create(document_id: int):
    """POST /api/documents/<id>/annotations: {"page", "start", "end" | "words" | "rect", "tags", "note", "ground"}."""
    user = signed_in_user()
    document = get_document(db(), user, document_id)
    return annotation_json(service.create_annotation(db(), user, document, request_body())), 201


@bp.get("/api/documents/<int:document_id>/annotations")
def api_list(document_id: int):
    """GET /api/documents/<id>/annotations, filtered by ?tag= and ?page=."""
    document = get_document(db(), signed_in_user(), document_id)
    tag, number = request.args.get("tag"), whole_number_argument("page")
    annotations = service.list_annotations(db(), signed_in_user(), document, tag, number)
    return {"annotations": [annotation_json(a) for a in annotations]}


@bp.get("/api/annotations/<int:annotation_id>")
def api_show(annotation_id: int):
    """GET /api/annotations/<id>, with its history."""
    annotation = service.get_annotation(db(), signed_in_user(), annotation_id)
    return annotation_json(annotation, service.history(db(), annotation))


@bp.patch("/api/annotations/<int:annotation_id>")
@accepts(AnnotationChanges)
def api_update(annotation_id: int):
    """PATCH /api/annotations/<id> with any of tags, note, ground."""
    user = signed_in_user()
    annotation = service.update_annotation(
        db(), user, service.get_annotation(db(), user, annotation_id), request_body()
    )
    return annotation_json(annotation, service.history(db(), annotation))


@bp.delete("/api/annotations/<int:annotation_id>")
def api_delete(annotation_id: int):
    """DELETE /api/annotations/<id> -> 204; the history is kept."""
    user = signed_in_user()
    service.delete_annotation(db(), user, service.get_annotation(db(), user, annotation_id))
    return "", 204
