"""The request bodies of annotations."""

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from app.validation import Schema

MAX_NOTE = 20_000
MAX_GROUND = 60
MAX_PARTS = 100  # rectangles of one region


def _tag_names(names: list[str]) -> list[str]:
    if not names:
        raise ValueError("Give one or more tags, as a list of tag names")
    return names


def _rect(rect: list[float]) -> list[float]:
    if len(rect) != 4:
        raise ValueError("rect must be [x0, y0, x1, y1] in PDF points")
    return rect


def _parts(rects: list[list[float]]) -> list[list[float]]:
    if not 1 <= len(rects) <= MAX_PARTS:
        raise ValueError(f"rects must be a list of 1 to {MAX_PARTS} rectangles")
    return [_rect(rect) for rect in rects]


def _words(indexes: list[int]) -> list[int]:
    if len(indexes) != 2:
        raise ValueError("words must be [first, last]: the indexes of the first and last selected words")
    return indexes


TagNames = Annotated[list[str], AfterValidator(_tag_names)]
Note = Annotated[str, Field(max_length=MAX_NOTE), AfterValidator(str.strip)] | None
Offset = Annotated[int, Field(ge=0)]


def _ground(ground: str | None) -> str | None:
    ground = " ".join((ground or "").split())
    if len(ground) > MAX_GROUND:
        raise ValueError(f"A withholding ground is text of at most {MAX_GROUND} characters, such as 9(2)(a)")
    return ground or None


Ground = Annotated[str | None, AfterValidator(_ground)]


# "private": seen by its author alone; "project": by every member (the default).
Visibility = Literal["project", "private"]


class AnnotationChanges(Schema):
    """PATCH /api/annotations/<id>: any of these."""

    tags: TagNames = None
    note: Note = None
    ground: Ground = None
    visibility: Visibility = None


class NewAnnotation(Schema):
    """POST /api/documents/<id>/annotations: a page, tags, and one anchor: start and end
    (character offsets into the page text), words ([first, last] word indexes), rect
    ([x0, y0, x1, y1] in PDF points) or rects (a region in several parts, as a redaction cut
    into its lines)."""

    page: Annotated[int, Field(ge=1)]
    tags: TagNames
    start: Offset = None
    end: Offset = None
    words: Annotated[list[Offset], AfterValidator(_words)] = None
    rect: Annotated[list[float], AfterValidator(_rect)] = None
    rects: Annotated[list[list[float]], AfterValidator(_parts)] = None
    note: Note = None
    ground: Ground = None
    visibility: Visibility = "project"

    @model_validator(mode="after")
    def _one_anchor(self) -> "NewAnnotation":
        offsets = self.start is not None and self.end is not None
        anchors = [offsets, self.words is not None, self.rect is not None, self.rects is not None]
        if anchors.count(True) != 1:
            raise ValueError(
                "Give one anchor: start and end (character offsets into the page text), words, rect or rects"
            )
        return self

    @property
    def region(self) -> list[list[float]] | None:
        """The rectangles of a region (rect, or rects); None for a passage of text."""
        return [self.rect] if self.rect is not None else self.rects
