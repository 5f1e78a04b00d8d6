"""Search across the pages (or notes) of the projects a user may open: results ranked, facets,
and where a document's hits stand on its pages."""

import json
import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, String, and_, cast, false, func, literal, or_, select, tuple_, union_all
from sqlalchemy.orm import Session

from app.access import openable_project_ids
from app.core.grounds import find_citations
from app.models import Annotation, AnnotationTag, Document, Page, RedactionBox, Tag, User
from app.search import index
from app.search.hits import lit_word_indexes, snippet
from app.search.query import Query, Term, parse
from app.search.query import fold as folded

PER_PAGE = 50
FACET_SIZE = 20
DATE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")


@dataclass
class SearchResults:
    """One page of results, the total, the facets, and what was not understood."""

    total: int = 0
    results: list[dict] = field(default_factory=list)
    facets: dict = field(default_factory=lambda: {"documents": [], "tags": [], "agencies": [], "grounds": []})
    notices: list[str] = field(default_factory=list)
    page: int = 1
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
    matching, score = _matching(session, query, projects, found.notices)
    if newer_than:
        matching = matching.where(Page.id > newer_than)
    found.total, found.facets = _facets(session, matching)
    if not found.total:
        return found
    rows = session.execute(
        matching.add_columns(score.label("score"))
        .order_by(score.desc(), Document.id, Page.number)
        .offset((found.page - 1) * PER_PAGE)
        .limit(PER_PAGE)
    ).all()
    fuzzy = _fuzzy_words(session, query)
    places = [(row.document_id, row.number) for row in rows]
    tags = _tags_on(session, places)
    notes = _notes_on(session, places) if _in_notes(query) else {}
    texts = {} if notes else _texts(session, [row.page_id for row in rows])
    for row in rows:
        shown = notes.get((row.document_id, row.number), "") if notes else texts[row.page_id]
        found.results.append(
            {
                "document": row.document_id,
                "project": row.project_id,
                "title": row.title,
                "page": row.number,
                "snippet": snippet(shown, query.lit_words(), fuzzy),
                "score": round(float(row.score or 0), 4),
                "tags": tags.get((row.document_id, row.number), []),
            }
        )
    return found


def count_matching(session: Session, text: str, project_id: int, newer_than: int = 0) -> tuple[int, int]:
    """How many pages, and in how many documents, of a project match text (only pages stored
    after page id newer_than, when given)."""
    query = parse(text)
    if query.is_empty:
        return 0, 0
    matching, _ = _matching(session, query, [project_id], [])
    pages = matching.where(Page.id > newer_than).subquery()
    row = session.execute(select(func.count(), func.count(func.distinct(pages.c.document_id))).select_from(pages)).one()
    return row[0], row[1]


def matching_words(session: Session, text: str, project_id: int) -> list[tuple[Page, list[int]]]:
    """Every page of the project that matches text, with the indexes of its words holding a hit."""
    query = parse(text)
    if query.is_empty or _in_notes(query):
        return []
    matching, _ = _matching(session, query, [project_id], [])
    ids = session.scalars(select(matching.subquery().c.page_id)).all()
    fuzzy, terms = _fuzzy_words(session, query), query.lit_words()
    pages = session.scalars(select(Page).where(Page.id.in_(ids)).order_by(Page.document_id, Page.number))
    return [(page, lit_word_indexes(page.words, terms, fuzzy)) for page in pages]


def newest_page_id(session: Session) -> int:
    """The id of the page stored last: pages stored after it are new."""
    return session.scalar(select(func.max(Page.id))) or 0


def document_hits(session: Session, document: Document, text: str) -> list[dict]:
    """Each page of the document that matches text, with the rectangles of its lit words (or of
    the annotations whose notes match, with in:notes)."""
    query = parse(text)
    if query.is_empty:
        return []
    matching, _ = _matching(session, query, [document.project_id], [])
    rows = session.execute(matching.where(Document.id == document.id).order_by(Page.number)).all()
    fuzzy = _fuzzy_words(session, query)
    terms, hits = query.lit_words(), []
    for row in rows:
        if _in_notes(query):
            rects = _noted_rects(session, document.id, row.number, terms, fuzzy)
        else:
            words = session.get(Page, row.page_id).words
            rects = [[words[i][k] for k in ("x0", "y0", "x1", "y1")] for i in lit_word_indexes(words, terms, fuzzy)]
        hits.append({"page": row.number, "rects": rects})
    return hits


def _noted_rects(session: Session, document_id: int, page: int, terms: list[Term], fuzzy: dict) -> list:
    """The rectangles of the page's live annotations whose notes hold a hit."""
    annotations = session.scalars(
        select(Annotation).where(
            Annotation.document_id == document_id, Annotation.page == page, Annotation.deleted_at.is_(None)
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


def _matching(session: Session, query: Query, projects: list[int], notices: list[str]) -> tuple[Select, object]:
    """The select of matching pages (page id, document, project, title, number) and its score column."""
    notes = _in_notes(query)
    matching = (
        select(Page.id.label("page_id"), Page.document_id, Document.project_id, Document.title, Page.number)
        .join(Document, Document.id == Page.document_id)
        .where(Document.project_id.in_(projects))
    )
    score = literal(0.0)
    if query.included:
        hits = index.hits(session, query.included, notes)
        matching = matching.join(hits, hits.c.page_id == Page.id)
        score = hits.c.score
    if query.excluded:
        matching = matching.where(Page.id.not_in(index.excluded_pages(session, query.excluded, notes)))
    for condition in _filters(query, notices):
        matching = matching.where(condition)
    return matching, score


def _in_notes(query: Query) -> bool:
    return any(folded(value) == "notes" for value in query.values("in"))


def _filters(query: Query, notices: list[str]) -> list:
    """SQL conditions for the query's filters; what cannot be understood is said in notices."""
    conditions = []
    for item in query.filters:
        condition = _filter(item.key, item.value, notices)
        if condition is not None:
            conditions.append(~condition if item.excluded else condition)
    return conditions


def _filter(key: str, value: str, notices: list[str]):
    if key == "tag":
        return _has_tag(value)
    if key == "doc":
        if not value.isdigit():
            notices.append(f"doc:{value} is not a document number; no document matches it.")
            return false()
        return Document.id == int(value)
    if key == "agency":
        return func.lower(Document.agency).contains(value.lower(), autoescape=True)
    if key == "ground":
        return _has_ground(value)
    if key == "ocr":
        if folded(value) not in ("yes", "no"):
            notices.append(f"ocr:{value} was left out: say ocr:yes or ocr:no.")
            return None
        return Page.ocr.is_(folded(value) == "yes")
    if key == "date":
        return _released_between(value, notices)
    if key == "in" and folded(value) != "notes":
        notices.append(f"in:{value} was left out: in:notes searches notes; pages are searched without it.")
    return None


def _has_tag(name: str):
    """The page holds a live annotation with the tag (by name or full name, any case; a parent
    tag includes its children)."""
    wanted = name.lower()
    parent = Tag.__table__.alias("parent_tag")
    full_name = func.lower(parent.c.name + ": " + Tag.name)
    tagged = (
        select(Annotation.document_id, Annotation.page)
        .join(AnnotationTag, AnnotationTag.annotation_id == Annotation.id)
        .join(Tag, Tag.id == AnnotationTag.tag_id)
        .outerjoin(parent, parent.c.id == Tag.parent_id)
        .where(Annotation.deleted_at.is_(None))
        .where(or_(func.lower(Tag.name) == wanted, full_name == wanted, func.lower(parent.c.name) == wanted))
    )
    return tuple_(Page.document_id, Page.number).in_(tagged)


def _has_ground(value: str):
    """A box on the page, or an annotation on it, carries the ground ("s 9(2)(a)" is 9(2)(a))."""
    cited = find_citations(value)
    ground = cited[0].ground if cited else value.strip()
    boxed = select(RedactionBox.document_id, RedactionBox.page).where(RedactionBox.ground == ground)
    noted = select(Annotation.document_id, Annotation.page).where(
        Annotation.deleted_at.is_(None), Annotation.ground == ground
    )
    return tuple_(Page.document_id, Page.number).in_(union_all(boxed, noted))


def _released_between(value: str, notices: list[str]):
    """date:2024, date:2024-01..2024-06, date:..2024-06, date:2024-03-01..: the date released."""
    first, _, last = value.partition("..")
    ranged = ".." in value
    start = _day(first, start=True) if first else None
    end = _day(last if ranged else first, start=False) if (last or not ranged) else None
    if (first and start is None) or ((last or not ranged) and end is None):
        notices.append(
            f"date:{value} was left out: write dates as 2024, 2024-06 or 2024-06-30, a range as 2024-01..2024-06."
        )
        return None
    conditions = [Document.date_released.is_not(None)]
    if start:
        conditions.append(Document.date_released >= start)
    if end:
        conditions.append(Document.date_released <= end)
    return and_(*conditions)


def _day(text: str, start: bool) -> date | None:
    """The first (or last) day a year, month or day stands for; None if it is not a date."""
    found = DATE.match(text.strip())
    if not found:
        return None
    year, month, day = (int(part) if part else None for part in found.groups())
    try:
        if month is None:
            return date(year, 1, 1) if start else date(year, 12, 31)
        if day is None:
            if start:
                return date(year, month, 1)
            following = date(year + month // 12, month % 12 + 1, 1)
            return date.fromordinal(following.toordinal() - 1)
        return date(year, month, day)
    except ValueError:
        return None


def _fuzzy_words(session: Session, query: Query) -> dict[str, list[str]]:
    """For each fuzzy word, the words of the index it stands for."""
    terms = [term for term in query.lit_words() if term.fuzzy]
    if not terms:
        return {}
    expand = index.expander(session)
    return {term.words[0]: expand(term.words[0]) for term in terms}


def _notes_on(session: Session, places: list[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """The notes of live annotations on each (document, page), joined."""
    rows = session.execute(
        select(Annotation.document_id, Annotation.page, Annotation.note)
        .where(Annotation.deleted_at.is_(None), Annotation.note != "")
        .where(or_(*(and_(Annotation.document_id == d, Annotation.page == p) for d, p in set(places))))
        .order_by(Annotation.id)
    ).all()
    notes: dict[tuple[int, int], str] = {}
    for document_id, page, note in rows:
        key = (document_id, page)
        notes[key] = f"{notes[key]} · {note}" if key in notes else note
    return notes


def _tags_on(session: Session, places: list[tuple[int, int]]) -> dict[tuple[int, int], list[str]]:
    """The names of the tags on live annotations of each (document, page)."""
    if not places:
        return {}
    rows = session.execute(
        select(Annotation.document_id, Annotation.page, Tag.name)
        .join(AnnotationTag, AnnotationTag.annotation_id == Annotation.id)
        .join(Tag, Tag.id == AnnotationTag.tag_id)
        .where(Annotation.deleted_at.is_(None))
        .where(or_(*(and_(Annotation.document_id == d, Annotation.page == p) for d, p in set(places))))
        .distinct()
        .order_by(Tag.name)
    ).all()
    tags: dict[tuple[int, int], list[str]] = {}
    for document_id, page, name in rows:
        tags.setdefault((document_id, page), []).append(name)
    return tags


def _facets(session: Session, matching: Select) -> tuple[int, dict]:
    """The number of matching pages, and their counts by document, tag, agency and ground (the
    largest FACET_SIZE of each), from one statement: the match is made once (a materialised CTE)."""
    slim = matching.with_only_columns(Page.id.label("page_id"), Page.document_id, Page.number)
    pages = slim.cte("matching").prefix_with("MATERIALIZED")
    distinct_pages = func.count(func.distinct(pages.c.page_id))

    def grouped(facet: str, column, joins=(), count=distinct_pages):
        source = pages
        for target, on in joins:
            source = source.join(target, on)
        key = cast(column, String).label("key")
        return (
            select(literal(facet).label("facet"), key, count.label("n"))
            .select_from(source)
            .where(column.is_not(None))
            .group_by(column)
        )

    on_page = and_(
        Annotation.document_id == pages.c.document_id,
        Annotation.page == pages.c.number,
        Annotation.deleted_at.is_(None),
    )
    box_on_page = and_(RedactionBox.document_id == pages.c.document_id, RedactionBox.page == pages.c.number)
    rows = session.execute(
        union_all(
            grouped("documents", pages.c.document_id, count=func.count()),
            grouped("agencies", Document.agency, [(Document, Document.id == pages.c.document_id)]),
            grouped(
                "tags",
                Tag.name,
                [
                    (Annotation, on_page),
                    (AnnotationTag, AnnotationTag.annotation_id == Annotation.id),
                    (Tag, Tag.id == AnnotationTag.tag_id),
                ],
            ),
            grouped("grounds", RedactionBox.ground, [(RedactionBox, box_on_page)]),
        )
    ).all()
    counts: dict[str, list[tuple[str, int]]] = {"documents": [], "agencies": [], "tags": [], "grounds": []}
    for facet, key, n in rows:
        counts[facet].append((key, n))
    total = sum(n for _, n in counts["documents"])
    largest = {facet: sorted(found, key=lambda kn: (-kn[1], kn[0]))[:FACET_SIZE] for facet, found in counts.items()}
    titles = _titles(session, [int(key) for key, _ in largest["documents"]])
    return total, {
        "documents": [{"id": int(d), "title": titles.get(int(d), ""), "count": n} for d, n in largest["documents"]],
        "tags": [{"name": name, "count": n} for name, n in largest["tags"]],
        "agencies": [{"name": name, "count": n} for name, n in largest["agencies"]],
        "grounds": [{"ground": ground, "count": n} for ground, n in largest["grounds"]],
    }


def _titles(session: Session, document_ids: list[int]) -> dict[int, str]:
    rows = session.execute(select(Document.id, Document.title).where(Document.id.in_(document_ids)))
    return dict(rows.all())
