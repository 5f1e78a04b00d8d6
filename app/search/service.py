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
from app.search.facets import Ranking, counted_facets
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
    ranking = _ranking_in_one_pass(session, query, fuzzy, found.page)
    found.total, found.facets, ranked = counted_facets(session, match.pages, user, ranking)
    if not found.total:
        return found
    if found.total > RANKED_AT_MOST and query.included:
        found.ranked = RANKED_AT_MOST
    if ranking is None:
        ranked = _ranked_page(session, user, query, fuzzy, projects, newer_than, found)
    shown = _shown(session, [page_id for page_id, _ in ranked])
    places = [(page.document_id, page.number) for page in shown.values()]
    tags = _tags_on(session, user, places)
    notes = _notes_on(session, user, places) if _in_notes(query) else {}
    terms = query.lit_words()
    for page_id, score in ranked:
        page = shown.get(page_id)
        if page is None:  # deleted (its document removed) since it was ranked
            continue
        place = (page.document_id, page.number)
        found.results.append(
            {
                "document": page.document_id,
                "project": page.project_id,
                "title": page.title,
                "page": page.number,
                "snippet": snippet(notes.get(place, "") if notes else page.text, terms, fuzzy),
                "score": round(float(score or 0), 4),
                "tags": tags.get(place, []),
            }
        )
    return found


def _ranking_in_one_pass(session: Session, query: Query, fuzzy: Fuzzy, page: int) -> Ranking | None:
    """How an engine that does not rank as it reads (index.ranks_as_read: PostgreSQL reads each
    page's vector out of line to rank it) ranks a page of results in the facets' statement, from
    the match made once for them: the RANKED_AT_MOST stored last chosen first, then only those
    ranked. None where _ranked_page does it: on SQLite, for notes, for filters alone (nothing to
    rank), and beyond the ranked pages of results."""
    offset = (page - 1) * PER_PAGE
    if index.ranks_as_read(session) or not query.included or _in_notes(query) or offset >= RANKED_AT_MOST:
        return None

    def ranking(pages) -> Select:
        chosen = select(pages.c.page_id).order_by(pages.c.page_id.desc()).limit(RANKED_AT_MOST).subquery()
        score = index.rank_of(session, chosen.c.page_id, query.included, fuzzy).label("score")
        best_first = select(chosen.c.page_id, score).order_by(score.desc(), chosen.c.page_id)
        return best_first.offset(offset).limit(PER_PAGE)

    return ranking


def _ranked_page(
    session: Session,
    reader: User,
    query: Query,
    fuzzy: Fuzzy,
    projects: list[int],
    newer_than: int,
    found: SearchResults,
) -> list[tuple[int, float]]:
    """(page id, score) of one page of results, best first. A search matching more than
    RANKED_AT_MOST pages ranks the RANKED_AT_MOST stored last (the newest releases) and lists the
    rest after them, newest first: ranking every one of 30,000 matches is most of a broad
    search's time, and says little about a word on a third of the pages. SQLite ranks its hits
    as it reads them; PostgreSQL's words are ranked by _ranking_in_one_pass, except beyond the
    ranked pages."""
    offset = (found.page - 1) * PER_PAGE
    if offset >= found.total:
        return []
    beyond = found.ranked is not None and offset >= RANKED_AT_MOST
    match = _matching(session, reader, query, fuzzy, projects, [], newer_than=newer_than, scored=not beyond)
    if beyond:
        return _newest_unranked(session, match, offset)
    scored = match.pages.add_columns(match.score.label("score"))
    if found.ranked is None:
        ranked = scored.order_by(match.score.desc(), match.page_id)
    else:
        chosen = scored.order_by(match.newest_first).limit(RANKED_AT_MOST).subquery()
        ranked = select(chosen.c.page_id, chosen.c.score).order_by(chosen.c.score.desc(), chosen.c.page_id)
    rows = session.execute(ranked.offset(offset).limit(PER_PAGE))
    return [(row.page_id, row.score) for row in rows]


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
    rows = session.execute(match.pages.where(match.document_id == document.id).order_by(match.number)).all()
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


def _newest_unranked(session: Session, match: "Match", offset: int) -> list[tuple[int, float]]:
    """(page id, no score) of a page of results beyond the ranked ones, newest first. SQLite reads
    its hits newest first as they stand in the index; PostgreSQL is given them whole first:
    asked for the newest a page at a time, it walks the pages backwards reading each one's vector
    (page 300 of a word on 33,331 pages: 0.5 to 1.7 s, against 65 ms)."""
    if index.ranks_as_read(session):
        newest = match.pages.order_by(match.newest_first)
    else:
        whole = match.pages.cte("whole").prefix_with("MATERIALIZED")
        newest = select(whole.c.page_id).order_by(whole.c.page_id.desc())
    rows = session.execute(newest.offset(offset).limit(PER_PAGE))
    return [(row.page_id, 0.0) for row in rows]


def _shown(session: Session, page_ids: list[int]) -> dict:
    """The place, text and document of each page shown, fetched for the results shown only (a
    page's text is never carried through a sort)."""
    rows = session.execute(
        select(Page.id, Page.document_id, Page.number, Page.text, Document.project_id, Document.title)
        .join(Document, Document.id == Page.document_id)
        .where(Page.id.in_(page_ids))
    )
    return {row.id: row for row in rows}


class Match(NamedTuple):
    """The select of matching pages (page_id, document_id, number), its score, the order of the
    newest first (the index's own order of its hits, which SQLite reads as it stands; ordered by
    the pages' ids instead, it sorts every hit), and its page id, document and number columns
    (the hits', when they carry them, or the pages')."""

    pages: Select
    score: object
    newest_first: object
    page_id: object
    document_id: object
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
        # Their documents are looked up, not joined (36 against 40 ms for a word on a third of
        # 100,000 pages).
        page_id, document_id, number = hits.c.page_id, hits.c.document_id, hits.c.number
        matching = select(page_id.label("page_id"), document_id, number).select_from(hits)
        matching = matching.where(document_id.in_(select(Document.id).where(Document.project_id.in_(projects))))
    else:
        page_id, document_id, number = Page.id, Page.document_id, Page.number
        matching = select(page_id.label("page_id"), document_id, number).join(Document, Document.id == document_id)
        matching = matching.where(Document.project_id.in_(projects))
        if hits is not None:
            matching = matching.join(hits, hits.c.page_id == Page.id)
        if query.included and not query.filters:
            # Pages found by the index, looked up by id in the narrow index of places, not the
            # wide rows (SQLite takes the rows unless told). Not with filters: a tag or a ground
            # is looked up by (document, page), which that index cannot do, and forced to it
            # SQLite scans it.
            matching = matching.with_hint(Page, f"INDEXED BY {Page.PLACES_INDEX}", "sqlite")
    score, newest_first = (hits.c.score, hits.c.page_id.desc()) if hits is not None else (literal(0.0), Page.id.desc())
    if query.excluded:
        matching = matching.where(page_id.not_in(index.excluded_pages(session, reader, query.excluded, fuzzy, notes)))
    if newer_than:
        matching = matching.where(page_id > newer_than)
    for condition in conditions(query, notices, reader, by_id=index.engine_of(session) == "sqlite"):
        matching = matching.where(condition)
    return Match(matching, score, newest_first, page_id, document_id, number)


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
