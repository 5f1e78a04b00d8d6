"""The JSON view of search results."""

from app.search.service import PER_PAGE, SearchResults


def results_json(found: SearchResults) -> dict:
    """GET /api/search's answer: the total, one page of results, facets, and notices about what
    in the query was left out."""
    return {
        "total": found.total,
        "page": found.page,
        "pages": found.pages,
        "per_page": PER_PAGE,
        "results": found.results,
        "facets": found.facets,
        "notices": found.notices,
    }
