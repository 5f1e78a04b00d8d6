"""The JSON view of a redaction box."""

from app.models import RedactionBox


def box_json(box: RedactionBox) -> dict:
    """The API view of a box; its hidden text only through get_hidden_text."""
    return {
        "id": box.id,
        "page": box.page,
        "rect": box.rect,
        "kind": box.kind,
        "ground": box.ground,
        "regime": box.regime,
        "code": box.code,
        "out_of_scope": box.out_of_scope,
        "text_under": box.text_under,
    }
