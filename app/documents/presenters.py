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
        "facts": document.facts,
        "warnings": warnings(document.facts),
    }


def warnings(facts: dict) -> list[str]:
    """What a person should know about a document that was read, in sentences."""
    said = list(facts.get("unreadable_pages", {}).values())
    codes = facts.get("codes_not_in_key")
    if codes:
        shown = ", ".join(f"[{code}]" for code in codes)
        where = "the release's key" if facts.get("ground_key") else "a key (none was found in the release)"
        said.append(f"Boxes marked {shown} carry a code that is not in {where}; their ground is left blank.")
    return said


def page_json(page: Page) -> dict:
    """The API view of a page; word boxes in PDF points on the unrotated page."""
    return {**{name: getattr(page, name) for name in Page.LAYOUT_FIELDS}, "words": page.words}
