"""The JSON view of a redaction box, and which boxes make one redaction."""

from app.models import RedactionBox


def redaction_of(box_id: int, page: int, shape: int | None, document_id: int | None = None) -> tuple:
    """What a box is part of: one redaction with the other boxes of its shape on its page (a
    passage redacted in one ragged shape, cut into its lines), or a redaction alone. The
    document's id is needed only where boxes of several documents are counted together."""
    return (document_id, page, "shape", shape) if shape is not None else ("box", box_id)


def box_json(box: RedactionBox) -> dict:
    """The API view of a box; its hidden text only through get_hidden_text."""
    return {
        "id": box.id,
        "page": box.page,
        "rect": box.rect,
        "kind": box.kind,
        "ground": box.ground,
        "grounds": box.grounds,
        "regime": box.regime,
        "code": box.code,
        "out_of_scope": box.out_of_scope,
        "text_under": box.text_under,
        "shape": box.shape,
    }
