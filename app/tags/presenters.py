"""The JSON views of tags."""

from app.models import Tag
from app.tags.service import takes_ground


def tag_json(tag: Tag) -> dict:
    """The API view of a tag."""
    return {
        "id": tag.id,
        "name": tag.name,
        "full_name": tag.full_name,
        "colour": tag.colour,
        "hotkey": tag.hotkey,
        "parent": tag.parent.name if tag.parent else None,
        "position": tag.position,
        "takes_ground": takes_ground(tag),
    }
