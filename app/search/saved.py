"""Saved searches, with what is new since their author last looked, and the history of searches."""

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.access import Forbidden, get_openable, role_in, visible_saved_searches
from app.db import begin_writing
from app.errors import BadInput
from app.models import Project, Role, SavedSearch, SearchHistory, User, utcnow
from app.search.schemas import NewSavedSearch
from app.search.service import count_matching, newest_page_id

HISTORY_KEPT = 50


def save_search(session: Session, user: User, project: Project, new: NewSavedSearch) -> SavedSearch:
    """Keep a query by name; what matches now counts as seen."""
    if not new.query.strip():
        raise BadInput("Type a search to save.", fields={"query": "cannot be empty"})
    saved = SavedSearch(
        project_id=project.id,
        user_id=user.id,
        name=new.name,
        query=new.query,
        seen_page_id=newest_page_id(session),
        private=new.visibility == "private",
    )
    session.add(saved)
    session.commit()
    return saved


def list_saved_searches(session: Session, project: Project, user: User) -> list[dict]:
    """The project's saved searches the user may see, each with its pages matching now and those
    new since seen."""
    visible = (SavedSearch.project_id == project.id) & visible_saved_searches(user)
    saved = session.scalars(select(SavedSearch).where(visible).order_by(SavedSearch.id))
    return [counted(session, user, search) for search in saved]


def counted(session: Session, reader: User, saved: SavedSearch) -> dict:
    """A saved search with its pages (and documents) matching now, and its pages new since seen,
    as the reader sees them."""
    total, documents, new = count_matching(session, reader, saved.query, saved.project_id, saved.seen_page_id)
    return {"search": saved, "total": total, "documents": documents, "new": new}


def get_saved_search(session: Session, user: User, saved_id: int, own: bool = False) -> SavedSearch:
    """A saved search the user may see; with own, only their own (Forbidden otherwise)."""
    saved = get_openable(session, user, SavedSearch, saved_id, "saved search")
    if own and saved.user_id != user.id:
        raise Forbidden("Only whoever saved this search may make it private or shared.")
    return saved


def set_visibility(session: Session, saved: SavedSearch, visibility: str) -> SavedSearch:
    """Share a saved search with the project, or keep it private (its author's choice: see
    get_saved_search(own=True))."""
    saved.private = visibility == "private"
    session.commit()
    return saved


def mark_seen(session: Session, saved: SavedSearch) -> SavedSearch:
    """Everything that matches now has been seen."""
    begin_writing(session)
    saved.seen_page_id, saved.seen_at = newest_page_id(session), utcnow()
    session.commit()
    return saved


def delete_saved_search(session: Session, user: User, saved: SavedSearch) -> None:
    """Delete a saved search: its author's, or any for a project owner."""
    if saved.user_id != user.id and role_in(session, user, saved.project_id) != Role.OWNER:
        raise Forbidden("Only whoever saved this search, or a project owner, may delete it.")
    session.delete(saved)
    session.commit()


def remember_search(session: Session, user: User, project_id: int | None, text: str) -> None:
    """Add a search to the user's history (the same query again moves to the top), keeping the last HISTORY_KEPT."""
    text = " ".join(text.split())
    if not text:
        return
    begin_writing(session)
    session.execute(
        delete(SearchHistory).where(
            SearchHistory.user_id == user.id, SearchHistory.query == text, SearchHistory.project_id == project_id
        )
    )
    session.add(SearchHistory(user_id=user.id, project_id=project_id, query=text))
    session.flush()
    kept = select(SearchHistory.id).where(SearchHistory.user_id == user.id)
    kept = kept.order_by(SearchHistory.searched_at.desc(), SearchHistory.id.desc()).limit(HISTORY_KEPT)
    session.execute(
        delete(SearchHistory).where(SearchHistory.user_id == user.id, SearchHistory.id.not_in(kept.scalar_subquery()))
    )
    session.commit()


def recent_searches(session: Session, user: User, project_id: int, count: int = 10) -> list[str]:
    """The user's latest searches in a project, newest first."""
    return list(
        session.scalars(
            select(SearchHistory.query)
            .where(SearchHistory.user_id == user.id, SearchHistory.project_id == project_id)
            .order_by(SearchHistory.searched_at.desc(), SearchHistory.id.desc())
            .limit(count)
        )
    )
