"""The JSON view of an API token."""

from app.models import ApiToken


def token_json(token: ApiToken) -> dict:
    """A token as its owner sees it: never its secret (that is shown once, when made)."""
    return {
        "id": token.id,
        "name": token.name,
        "created_at": token.created_at.isoformat(),
        "expires_at": token.expires_at.isoformat() if token.expires_at else None,
        "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
    }
