"""The request bodies of projects."""

from typing import Literal

from app.core.grounds import JURISDICTIONS
from app.validation import Schema, one_line

MAX_NAME_LENGTH = 200
ProjectName = one_line(MAX_NAME_LENGTH, "A project name")


class NewProject(Schema):
    """POST /api/projects."""

    name: ProjectName


class ProjectChanges(Schema):
    """PATCH /api/projects/<id>: any of these."""

    name: ProjectName = None
    jurisdiction: Literal[tuple(JURISDICTIONS)] = None
