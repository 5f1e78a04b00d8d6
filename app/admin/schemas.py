"""The request bodies of an administrator."""

from app.validation import Schema


class UserChanges(Schema):
    """PATCH /api/users/<id>: any of these."""

    disabled: bool = None
    admin: bool = None
