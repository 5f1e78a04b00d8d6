"""The JSON views of annotations."""

import orjson

from app.core.grounds import explain_each
from app.models import Annotation, AnnotationChange


def annotation_json(annotation: Annotation, changes: list[AnnotationChange] | None = None) -> dict:
    """The API view of an annotation; with its history when given."""
    meanings = explain_each(annotation.ground, annotation.document.project.jurisdiction)
    data = {
        "id": annotation.id,
        "document_id": annotation.document_id,
        "page": annotation.page,
        "kind": annotation.kind,
        "start": annotation.start,
        "end": annotation.end,
        "exact": annotation.exact,
        "prefix": annotation.prefix,
        "suffix": annotation.suffix,
        "rects": orjson.loads(annotation.rects_json),
        "tags": [t.full_name for t in annotation.tags],
        "colours": [t.colour for t in annotation.tags],
        "note": annotation.note,
        "ground": annotation.ground,
        "ground_meaning": meanings[0] if meanings else None,
        "ground_meanings": meanings,
        "orphaned": annotation.orphaned,
        "visibility": "private" if annotation.private else "project",
        "author": annotation.author.email if annotation.author else None,
        "created_at": annotation.created_at.isoformat(),
        "updated_at": annotation.updated_at.isoformat(),
    }
    if changes is not None:
        data["history"] = [
            {
                "action": c.action,
                "user": c.user.email if c.user else None,
                "at": c.at.isoformat(),
                "changes": orjson.loads(c.changes_json),
            }
            for c in changes
        ]
    return data
