"""The JSON view of a project."""

from app.models import Project


def project_json(project: Project) -> dict:
    """The API view of a project."""
    return {
        "id": project.id,
        "name": project.name,
        "jurisdiction": project.jurisdiction,
        "created_at": project.created_at.isoformat(),
    }
