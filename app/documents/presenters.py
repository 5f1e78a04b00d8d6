"""The JSON views of documents and pages."""

from app.models import Document, Page


def document_json(document: Document) -> dict:
    """The API view of a document."""
    return {
        "id": document.id,
        "project_id": document.project_id,
        "title": document.title,
        "filename": document.filename,
        "status": document.status,
        "progress": document.progress,
        "error": document.error,
        "page_count": document.page_count,
        "pages_done": document.pages_done,
        "sha256": document.sha256,
        "size": document.size,
        "agency": document.agency,
        "oia_reference": document.oia_reference,
        "date_released": document.date_released.isoformat() if document.date_released else None,
        "source_url": document.source_url,
        "description": document.description,
        "created_at": document.created_at.isoformat(),
    }


def page_json(page: Page) -> dict:
    """The API view of a page; word boxes in PDF points on the unrotated page."""
    return {**{name: getattr(page, name) for name in Page.LAYOUT_FIELDS}, "words": page.words}
