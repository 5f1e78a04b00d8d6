"""The JSON views of import jobs."""

import json

from app.models import ImportJob


def import_json(job: ImportJob) -> dict:
    """The API view of a large import: status, progress and, once done, what it did."""
    report = json.loads(job.report_json) if job.report_json else None
    return {
        "id": job.id,
        "project_id": job.project_id,
        "status": job.status,
        "total": job.total,
        "done": job.done,
        "progress": round(job.done / job.total, 3) if job.total else 1.0,
        "error": job.error,
        "created": report["created"] if report else None,
        "unplaced": report["unplaced"] if report else None,
    }
