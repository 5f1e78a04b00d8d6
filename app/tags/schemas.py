"""The request bodies of tags."""

import re
from typing import Annotated

from pydantic import AfterValidator

from app.validation import Schema

COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
RESERVED_HOTKEYS = set("bjkn")  # the viewer's own keys: b draws a box, j/k/n step through pages


def _tag_name(name: str) -> str:
    name = " ".join(name.split())
    if not name or len(name) > 100 or ":" in name:
        raise ValueError("A tag name has 1 to 100 characters and no colon (a colon joins a parent to its child)")
    return name


def _colour(colour: str) -> str:
    if not COLOUR.match(colour):
        raise ValueError("A colour is written as #rrggbb, for example #d64545")
    return colour.lower()


def _hotkey(key: str) -> str | None:
    if key == "":
        return None
    if len(key) != 1 or not ("1" <= key <= "9" or key.islower()):
        raise ValueError("A hotkey is one digit from 1 to 9 or one lower-case letter")
    if key in RESERVED_HOTKEYS:
        raise ValueError(f"The key “{key}” is used by the viewer (b: box, j/k/n: pages); choose another")
    return key


def _blank_is_none(text: str) -> str | None:
    return " ".join(text.split()) or None


class TagChanges(Schema):
    """PATCH /api/tags/<id>: any of these. A hotkey or parent of null or "" removes it."""

    name: Annotated[str, AfterValidator(_tag_name)] = None
    colour: Annotated[str, AfterValidator(_colour)] = None
    hotkey: Annotated[str, AfterValidator(_hotkey)] | None = None
    parent: Annotated[str, AfterValidator(_blank_is_none)] | None = None
    position: int = None


class NewTag(TagChanges):
    """POST /api/projects/<id>/tags: a name, and any of the other fields."""

    name: Annotated[str, AfterValidator(_tag_name)]
