"""The JSON view of a project."""

from app.models import Invitation, Membership, Project


def project_json(project: Project) -> dict:
    """The API view of a project."""
    return {
        "id": project.id,
        "name": project.name,
        "jurisdiction": project.jurisdiction,
        "created_at": project.created_at.isoformat(),
    }


def member_json(membership: Membership) -> dict:
    """The API view of a member: who, with which role, since when."""
    return {
        "user_id": membership.user_id,
        "email": membership.user.email,
        "role": str(membership.role),
        "added_at": membership.added_at.isoformat(),
    }


def invitation_json(invitation: Invitation) -> dict:
    """The API view of an unused invitation (never its link: only its hash is kept)."""
    return {
        "id": invitation.id,
        "email": invitation.email,
        "role": str(invitation.role),
        "created_at": invitation.created_at.isoformat(),
        "expires_at": invitation.expires_at.isoformat(),
    }
