"""The request bodies of search."""

from typing import Annotated, Literal

from pydantic import Field

from app.validation import Schema, one_line

MAX_QUERY = 2000
MAX_TERMS = 2000
Query = Annotated[str, Field(min_length=1, max_length=MAX_QUERY)]


class NewSavedSearch(Schema):
    """POST /api/projects/<id>/saved-searches."""

    name: one_line(200, "A saved search's name")
    query: Query
    visibility: Literal["project", "private"] = "project"


class SavedSearchChanges(Schema):
    """PATCH /api/saved-searches/<id>: its author shares it with the project or keeps it private."""

    visibility: Literal["project", "private"]


class TagAllHits(Schema):
    """POST /api/projects/<id>/search/tag: every hit of q tagged, as suggestions (the default,
    to review) or as annotations."""

    q: Query
    tag: Annotated[str, Field(min_length=1, max_length=200)]
    made_as: Literal["suggestions", "annotations"] = Field("suggestions", alias="as")


class TermList(Schema):
    """POST /api/projects/<id>/term-lists: one search per term."""

    terms: Annotated[list[Annotated[str, Field(max_length=MAX_QUERY)]], Field(min_length=1, max_length=MAX_TERMS)]
