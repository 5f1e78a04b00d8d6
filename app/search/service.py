"""Search across the pages (or notes) of the projects a user may open: results ranked, facets,
and where a document's hits stand on its pages."""

import json
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import Select, case, func, literal, select, tuple_
from sqlalchemy.orm import Session

from app.access import openable_project_ids, visible_annotations
from app.models import Annotation, AnnotationTag, Document, Page, Tag, User
from app.search import index
from app.search.facets import counted_facets
from app.search.filters import conditions
from app.search.hits import lit_word_indexes, snippet
from app.search.index import Fuzzy
from app.search.query import Query, Term, parse
from app.search.query import fold as folded

PER_PAGE = 50
# A search matching more pages than this ranks only the most recently stored this many of them (the
# total and the facets still count every match): ranking is most of a broad search's time.
RANKED_AT_MOST = 2_000


@dataclass
class SearchResults:
    """One page of results, the total, the facets, and what was not understood."""

    total: int = 0
    results: list[dict] = field(default_factory=list)
    facets: dict = field(default_factory=lambda: {"documents": [], "tags": [], "agencies": [], "grounds": []})
    notices: list[str] = field(default_factory=list)
    page: int = 1
    ranked: int | None = None  # when only the newest matches are ranked: how many
    query: Query | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PER_PAGE))


def search(
    session: Session, user: User, text: str, project_id: int | None = None, page: int = 1, newer_than: int = 0
) -> SearchResults:
    """Pages matching text, ranked, PER_PAGE at a time, in one project or every one the user may
    open; with newer_than, only pages stored after that page id (what is new to a saved search)."""
    query = parse(text)
    found = SearchResults(page=max(1, page), query=query)
    if query.is_empty:
        return found
    projects = openable_project_ids(session, user) if project_id is None else [project_id]
    fuzzy = _fuzzy_words(session, query)
    match = _matching(session, user, query, fuzzy, projects, found.notices, newer_than=newer_than, scored=False)
    found.total, found.facets = counted_facets(session, match.pages, user)
    if not found.total:
        return found
    rows = _ranked_page(session, user, query, fuzzy, projects, newer_than, found)
    places = [(row.document_id, row.number) for row in rows]
    tags = _tags_on(session, user, places)
    notes = _notes_on(session, user, places) if _in_notes(query) else {}
    texts = {} if notes else _texts(session, [row.page_id for row in rows])
    terms = query.lit_words()
    for row in rows:
        shown = notes.get((row.document_id, row.number), "") if notes else texts[row.page_id]
        found.results.append(
            {
                "document": row.document_id,
                "project": row.project_id,
                "title": row.title,
                "page": row.number,
                "snippet": snippet(shown, terms, fuzzy),
                "score": round(float(row.score or 0), 4),
                "tags": tags.get((row.document_id, row.number), []),
            }
        )
    return found


def _ranked_page(
    session: Session,
    reader: User,
    query: Query,
    fuzzy: Fuzzy,
    projects: list[int],
    newer_than: int,
    found: SearchResults,
) -> list:
    """The rows of one page of results, best first. A search matching more than RANKED_AT_MOST
    pages ranks the RANKED_AT_MOST stored last (the newest releases) and lists the rest after
    them, newest first: ranking every one of 30,000 matches is most of a broad search's time, and
    says little about a word on a third of the pages. An engine that does not rank as it reads
    (index.ranks_as_read) ranks only those chosen, after the filters."""
    offset = (found.page - 1) * PER_PAGE
    if offset >= found.total:
        return []
    broad = found.total > RANKED_AT_MOST and bool(query.included)
    ranked_after = bool(query.included) and not index.ranks_as_read(session) and not _in_notes(query)
    match = _matching(session, reader, query, fuzzy, projects, [], newer_than=newer_than, scored=not ranked_after)
    if broad:
        found.ranked = RANKED_AT_MOST
    if broad and offset >= RANKED_AT_MOST:
        unranked = match.pages.add_columns(literal(0.0).label("score"))
        return session.execute(unranked.order_by(match.newest_first).offset(offset).limit(PER_PAGE)).all()
    scored = match.pages.add_columns(match.score.label("score"))
    if not broad and not ranked_after:
        ranked = scored.order_by(match.score.desc(), match.page_id)
        return session.execute(ranked.offset(offset).limit(PER_PAGE)).all()
    chosen = scored.order_by(match.newest_first).limit(RANKED_AT_MOST).subquery()
    score = index.rank_of(session, chosen.c.page_id, query.included, fuzzy) if ranked_after else chosen.c.score
    columns = [chosen.c[name] for name in ("page_id", "document_id", "project_id", "title", "number")]
    ranked = select(*columns, score.label("score")).order_by(score.desc(), chosen.c.page_id)
    return session.execute(ranked.offset(offset).limit(PER_PAGE)).all()


def count_matching(
    session: Session, reader: User, text: str, project_id: int, newer_than: int = 0
) -> tuple[int, int, int]:
    """How many pages of a project match text (as the reader sees it), in how many documents, and how many of those
    pages were stored after page id newer_than: one statement."""
    query = parse(text)
    if query.is_empty:
        return 0, 0, 0
    matching = _matching(session, reader, query, _fuzzy_words(session, query), [project_id], []).pages
    pages = matching.subquery()
    newer = func.coalesce(func.sum(case((pages.c.page_id > newer_than, 1), else_=0)), 0)
    counts = select(func.count(), func.count(func.distinct(pages.c.document_id)), newer).select_from(pages)
    return tuple(session.execute(counts).one())


def matching_words(session: Session, reader: User, text: str, project_id: int) -> list[tuple[Page, list[int]]]:
    """Every page of the project that matches text (as the reader sees it), with the indexes of
    its words holding a hit."""
    query = parse(text)
    if query.is_empty or _in_notes(query):
        return []
    fuzzy = _fuzzy_words(session, query)
    matching = _matching(session, reader, query, fuzzy, [project_id], []).pages
    ids = session.scalars(select(matching.subquery().c.page_id)).all()
    terms = query.lit_words()
    pages = session.scalars(select(Page).where(Page.id.in_(ids)).order_by(Page.document_id, Page.number))
    return [(page, lit_word_indexes(page.words, terms, fuzzy)) for page in pages]


def newest_page_id(session: Session) -> int:
    """The id of the page stored last: pages stored after it are new."""
    return session.scalar(select(func.max(Page.id))) or 0


def document_hits(session: Session, reader: User, document: Document, text: str) -> list[dict]:
    """Each page of the document that matches text (as the reader sees it), with the rectangles of its lit words (or of
    the annotations whose notes match, with in:notes)."""
    query = parse(text)
    if query.is_empty:
        return []
    fuzzy = _fuzzy_words(session, query)
    match = _matching(session, reader, query, fuzzy, [document.project_id], [])
    rows = session.execute(match.pages.where(Document.id == document.id).order_by(match.number)).all()
    terms, notes, hits = query.lit_words(), _in_notes(query), []
    for row in rows:
        if notes:
            rects = _noted_rects(session, reader, document.id, row.number, terms, fuzzy)
        else:
            words = session.get(Page, row.page_id).words
            rects = [[words[i][k] for k in ("x0", "y0", "x1", "y1")] for i in lit_word_indexes(words, terms, fuzzy)]
        hits.append({"page": row.number, "rects": rects})
    return hits


def _noted_rects(session: Session, reader: User, document_id: int, page: int, terms: list[Term], fuzzy: dict) -> list:
    """The rectangles of the page's live annotations the reader sees whose notes hold a hit."""
    annotations = session.scalars(
        select(Annotation).where(
            Annotation.document_id == document_id, Annotation.page == page, visible_annotations(reader)
        )
    )
    rects = []
    for annotation in annotations:
        if lit_word_indexes([{"text": annotation.note}], terms, fuzzy):
            rects += json.loads(annotation.rects_json)
    return rects


def _texts(session: Session, page_ids: list[int]) -> dict[int, str]:
    """The text of each page, fetched for the results shown only (never carried through a sort)."""
    return dict(session.execute(select(Page.id, Page.text).where(Page.id.in_(page_ids))).all())


class Match(NamedTuple):
    """The select of matching pages (page id, document, project, title, number), its score, the
    order of the newest first (the index's own order of its hits, which SQLite reads as it
    stands; ordered by the pages' ids instead, it sorts every hit), and its page id and number
    columns (the hits', when they carry them, or the pages')."""

    pages: Select
    score: object
    newest_first: object
    page_id: object
    number: object


def _matching(
    session: Session,
    reader: User,
    query: Query,
    fuzzy: Fuzzy,
    projects: list[int],
    notices: list[str],
    newer_than: int = 0,
    scored: bool = True,
) -> Match:
    """The pages matching the query as the reader sees them (notes, tags and grounds of others'
    private annotations count for nothing); with newer_than, only pages stored after that page
    id; unscored, every score 0 (counting needs none, and ranking 30,000 pages is most of a
    search's time)."""
    notes = _in_notes(query)
    hits = index.hits(session, reader, query.included, fuzzy, notes, scored=scored) if query.included else None
    if hits is not None and not query.filters and index.hits_are_placed(session, notes):
        # Placed by the hits themselves: joining 30,000 hits to the pages to place them was a
        # third of a broad search's time. Not with filters: they test the pages' own columns.
        page_id, document_id, number = hits.c.page_id, hits.c.document_id, hits.c.number
        matching = select(page_id.label("page_id"), document_id, Document.project_id, Document.title, number)
        matching = matching.select_from(hits).join(Document, Document.id == document_id)
    else:
        page_id, document_id, number = Page.id, Page.document_id, Page.number
        matching = select(page_id.label("page_id"), document_id, Document.project_id, Document.title, number)
        matching = matching.join(Document, Document.id == document_id)
        if hits is not None:
            matching = matching.join(hits, hits.c.page_id == Page.id)
        if query.included and not query.filters:
            # Pages found by the index, looked up by id in the narrow index of places, not the
            # wide rows (SQLite takes the rows unless told). Not with filters: a tag or a ground
            # is looked up by (document, page), which that index cannot do, and forced to it
            # SQLite scans it.
            matching = matching.with_hint(Page, f"INDEXED BY {Page.PLACES_INDEX}", "sqlite")
    matching = matching.where(Document.project_id.in_(projects))
    score, newest_first = (hits.c.score, hits.c.page_id.desc()) if hits is not None else (literal(0.0), Page.id.desc())
    if query.excluded:
        matching = matching.where(page_id.not_in(index.excluded_pages(session, reader, query.excluded, fuzzy, notes)))
    if newer_than:
        matching = matching.where(page_id > newer_than)
    for condition in conditions(query, notices, reader, by_id=index.engine_of(session) == "sqlite"):
        matching = matching.where(condition)
    return Match(matching, score, newest_first, page_id, number)


def _in_notes(query: Query) -> bool:
    return any(folded(value) == "notes" for value in query.values("in"))


def _fuzzy_words(session: Session, query: Query) -> dict[str, list[str]]:
    """For each fuzzy word of the query (to find or to leave out), the words of the index it
    stands for: looked up once a search, then used to match and to light hits."""
    words = {term.words[0] for clause in query.clauses for term in clause.options if term.fuzzy}
    return {word: index.near_words(session, word) for word in words}


def _at(places: list[tuple[int, int]]):
    """Annotations on any of these (document, page) places."""
    return tuple_(Annotation.document_id, Annotation.page).in_(sorted(set(places)))


def _notes_on(session: Session, reader: User, places: list[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """The notes of live annotations the reader sees on each (document, page), joined."""
    rows = session.execute(
        select(Annotation.document_id, Annotation.page, Annotation.note)
        .where(visible_annotations(reader), Annotation.note != "", _at(places))
        .order_by(Annotation.id)
    ).all()
    notes: dict[tuple[int, int], str] = {}
    for document_id, page, note in rows:
        key = (document_id, page)
        notes[key] = f"{notes[key]} · {note}" if key in notes else note
    return notes


def _tags_on(session: Session, reader: User, places: list[tuple[int, int]]) -> dict[tuple[int, int], list[str]]:
    """The names of the tags on live annotations the reader sees on each (document, page)."""
    rows = session.execute(
        select(Annotation.document_id, Annotation.page, Tag.name)
        .join(AnnotationTag, AnnotationTag.annotation_id == Annotation.id)
        .join(Tag, Tag.id == AnnotationTag.tag_id)
        .where(visible_annotations(reader), _at(places))
        .distinct()
        .order_by(Tag.name)
    ).all()
    tags: dict[tuple[int, int], list[str]] = {}
    for document_id, page, name in rows:
        tags.setdefault((document_id, page), []).append(name)
    return tags
