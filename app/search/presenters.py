"""The JSON view of search results."""

from urllib.parse import urlencode

from app.models import TagBatch
from app.search.service import PER_PAGE, SearchResults


def results_json(found: SearchResults) -> dict:
    """GET /api/search's answer: the total, one page of results, facets, notices about what in the
    query was left out, and ranked: null when every match is ranked, or how many of the newest
    were (the rest follow them, newest first)."""
    return {
        "total": found.total,
        "page": found.page,
        "pages": found.pages,
        "per_page": PER_PAGE,
        "results": found.results,
        "facets": found.facets,
        "notices": found.notices,
        "ranked": found.ranked,
    }


def saved_json(counted: dict) -> dict:
    """A saved search with its counts: pages matching now, in how many documents, and new since seen."""
    saved = counted["search"]
    return {
        "id": saved.id,
        "project_id": saved.project_id,
        "name": saved.name,
        "query": saved.query,
        "visibility": "private" if saved.private else "project",
        "total": counted["total"],
        "documents": counted["documents"],
        "new": counted["new"],
        "created_at": saved.created_at.isoformat(),
        "seen_at": saved.seen_at.isoformat(),
    }


def batch_json(batch: TagBatch) -> dict:
    """What tagging all hits made: how many, and the batch to undo it by."""
    return {"created": batch.created, "batch": batch.id, "as": batch.kind}


def terms_json(counted: list[dict], project_id: int) -> dict:
    """Each term's pages and documents, and a link to its search."""
    return {
        "terms": [{**row, "link": f"/projects/{project_id}/search?{urlencode({'q': row['query']})}"} for row in counted]
    }
