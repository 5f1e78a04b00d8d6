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


RoleName = Literal["viewer", "editor", "owner"]


class NewMember(Schema):
    """POST /api/projects/<id>/members and /invitations: who, and with which role."""

    email: one_line(254, "An email address")
    role: RoleName


class ProjectDeletion(Schema):
    """DELETE /api/projects/<id>: the project's name, typed to confirm."""

    confirm: str


class MemberChange(Schema):
    """PATCH /api/projects/<id>/members/<user_id>."""

    role: RoleName
