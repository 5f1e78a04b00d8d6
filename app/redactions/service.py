"""Redaction summaries for a document and a project, and a box's hidden text on demand."""

import json
from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.access import may_open_document
from app.core.catalogue import meaning, statute
from app.errors import NotFound
from app.models import Document, Page, Project, RedactionBox, User
from app.redactions.presenters import box_json

WITHHELD_SHARE = 0.5  # a page whose boxes cover this much of it is withheld in full


def document_redactions(session: Session, document: Document) -> dict:
    """Boxes, counts by ground, pages withheld, share of area redacted and bad redactions of one document."""
    boxes, pages = _load(session, [document.id])
    summary = _summary(boxes, pages)
    withheld = [number for _, number in summary.pop("withheld")]
    return summary | {"pages_withheld": withheld, "boxes": [box_json(b) for b in boxes]}


def project_redactions(session: Session, project: Project) -> dict:
    """The same counts over every document of a project, with a line per document."""
    boxes, pages = _load(session, [d.id for d in project.documents])
    lines = []
    for document in project.documents:
        mine = _summary([b for b in boxes if b.document_id == document.id], [p for p in pages if p[0] == document.id])
        lines.append({"document_id": document.id, "title": document.title, **_counts(mine)})
    summary = _summary(boxes, pages)
    return {**_counts(summary), "grounds": summary["grounds"], "meanings": summary["meanings"], "documents": lines}


def bad_redaction_pages(session: Session, document_id: int) -> list[int]:
    """The pages of a document where text is still readable under a box."""
    query = select(RedactionBox.page).where(RedactionBox.document_id == document_id, RedactionBox.text_under)
    return sorted(set(session.scalars(query)))


def _load(session: Session, document_ids: list[int]) -> tuple[list[RedactionBox], list[tuple]]:
    boxes = session.scalars(
        select(RedactionBox)
        .where(RedactionBox.document_id.in_(document_ids))
        .order_by(RedactionBox.document_id, RedactionBox.page, RedactionBox.y0, RedactionBox.x0)
    )
    pages = session.execute(
        select(Page.document_id, Page.number, Page.width, Page.height, Page.citations_json).where(
            Page.document_id.in_(document_ids)
        )
    )
    return list(boxes), list(pages)


def _counts(summary: dict) -> dict:
    keys = ("box_count", "bad_redactions", "pages", "pages_with_redactions", "redacted_share")
    return {key: summary[key] for key in keys} | {"pages_withheld": len(summary["withheld"])}


def _summary(boxes: list[RedactionBox], pages: list[tuple]) -> dict:
    """Counts over boxes and pages, pages keyed by (document id, page number)."""
    sizes = {(doc, number): (width, height) for doc, number, width, height, _ in pages}
    area_by_page: Counter = Counter()
    for box in boxes:
        area_by_page[(box.document_id, box.page)] += (box.x1 - box.x0) * (box.y1 - box.y0)
    shares = {key: min(area_by_page[key] / (w * h), 1.0) for key, (w, h) in sizes.items() if w and h}
    cited = {(doc, number) for doc, number, _, _, citations in pages if json.loads(citations or "[]")}
    boxed = {(box.document_id, box.page) for box in boxes}
    withheld = sorted({key for key, share in shares.items() if share >= WITHHELD_SHARE} | (cited - boxed))
    total_area = sum(w * h for w, h in sizes.values()) or 1
    grounds = Counter(box.ground for box in boxes if box.ground)
    regimes = {box.ground: box.regime for box in boxes if box.ground}
    return {
        "box_count": len(boxes),
        "bad_redactions": sum(1 for box in boxes if box.text_under),
        "pages": len(sizes),
        "pages_with_redactions": len(boxed),
        "withheld": withheld,
        "redacted_share": round(sum(area_by_page.values()) / total_area, 4),
        "grounds": dict(grounds.most_common()),
        "meanings": {
            ground: {
                "regime": regimes[ground],
                "meaning": meaning(regimes[ground], ground),
                "statute": statute(regimes[ground], ground),
            }
            for ground in grounds
        },
    }


def get_box(session: Session, user: User, box_id: int) -> RedactionBox:
    """A box of a document the user may open; NotFound otherwise."""
    box = session.get(RedactionBox, box_id)
    if box is None or not may_open_document(session, user, box.document_id):
        raise NotFound("That redaction box does not exist, or you do not have access to it.")
    return box
