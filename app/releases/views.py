"""A release's response letter: API."""

from flask import Blueprint

from app.auth import signed_in_user
from app.documents.service import get_document
from app.releases import service
from app.releases.schemas import ReleaseChanges
from app.validation import accepts, request_body
from app.web import db

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
