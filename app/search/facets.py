"""Counts of the matching pages by document, tag, agency and ground, beside the results."""

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache

from sqlalchemy import (
    JSON,
    CompoundSelect,
    Float,
    FromClause,
    Select,
    String,
    bindparam,
    cast,
    column,
    delete,
    func,
    insert,
    literal,
    null,
    select,
    table,
    text,
    true,
    union_all,
)
from sqlalchemy.orm import Session

from app.access import annotations_visible_to
from app.models import Annotation, AnnotationTag, Document, RedactionBox, Tag, User
from app.search.index import engine_of

FACET_SIZE = 20
# A page of results ranked from the matching pages made once: given them (page_id, document_id,
# number), a select of (page_id, score), best first.
Ranking = Callable[[FromClause], Select]


def counted_facets(
    session: Session, matching: Select, reader: User, ranking: Ranking | None = None
) -> tuple[int, dict, list[tuple[int, float]]]:
    """The number of matching pages, and their counts by document, tag (of the annotations the
    reader sees), agency and ground (the largest FACET_SIZE of each), from one statement over
    the match made once, and the documents' agencies. With a ranking (PostgreSQL only), the same
    statement ranks a page of results from the same match too, returned as (page_id, score) best
    first: one pass over the index instead of two (a word on a third of 100,000 pages: 36 ms
    against 32 and 40)."""
    with _made_once(session, matching) as pages:
        if pages is MATCHES:
            rows = session.execute(_counts_over_matches(), {"reader": reader.id}).all()
        else:
            parts = _counts_by_facet(pages, reader.id, engine_of(session))
            if ranking is not None:
                parts.append(_ranked_rows(ranking(pages)))
            rows = session.execute(union_all(*parts)).all()
    counts: dict[str, list[tuple[str | int, int]]] = {"documents": [], "tags": [], "grounds": []}
    ranked = []
    for facet, key, n, score in rows:
        if facet == RESULTS:
            ranked.append((n, int(key), float(score or 0)))
        else:
            counts[facet].append((int(key) if facet == "documents" else key, n))  # documents in number order on a tie
    total = sum(n for _, n in counts["documents"])
    described = _described(session, [key for key, _ in counts["documents"]])
    counts["agencies"] = _by_agency(counts["documents"], described)
    largest = {facet: sorted(found, key=lambda kn: (-kn[1], kn[0]))[:FACET_SIZE] for facet, found in counts.items()}
    facets = {
        "documents": [{"id": d, "title": described[d][0], "count": n} for d, n in largest["documents"]],
        "tags": [{"name": name, "count": n} for name, n in largest["tags"]],
        "agencies": [{"name": name, "count": n} for name, n in largest["agencies"]],
        "grounds": [{"ground": ground, "count": n} for ground, n in largest["grounds"]],
    }
    return total, facets, [(page_id, score) for _, page_id, score in sorted(ranked)]


RESULTS = "results"  # the facet column's value on the rows of a ranked page of results


def _ranked_rows(ranked: Select) -> Select:
    """(RESULTS, page id, place in the ranking, score): the ranked page in the facets' columns."""
    best = ranked.subquery("ranked")
    place = func.row_number().over(order_by=(best.c.score.desc(), best.c.page_id))
    return select(literal(RESULTS), cast(best.c.page_id, String), place, cast(best.c.score, Float))


@cache
def _counts_over_matches() -> CompoundSelect:
    """SQLite: the counts' statement over the table of matches, built once (it is the same for
    every search but for its reader, bound when it runs): building it was 1 ms of a search."""
    return union_all(*_counts_by_facet(MATCHES, bindparam("reader"), "sqlite"))


def _counts_by_facet(pages, reader_id, engine: str) -> list[Select]:
    """Selects of (facet, key, matching pages, no score) for the documents, tags and grounds of the
    matching pages; tags of the annotations the reader (an id, or a parameter bound later) sees;
    every ground a box's label cites (engine: "sqlite" or "postgresql", which read its JSON list
    of further grounds each their own way)."""
    by_document = (
        select(
            literal("documents").label("facet"),
            cast(pages.c.document_id, String).label("key"),
            func.count().label("n"),
            cast(null(), Float).label("score"),
        )
        .select_from(pages)
        .group_by(pages.c.document_id)
    )
    tagged = (
        select(Tag.name.label("key"), Annotation.document_id, Annotation.page)
        .select_from(AnnotationTag)
        .join(Annotation, Annotation.id == AnnotationTag.annotation_id)
        .join(Tag, Tag.id == AnnotationTag.tag_id)
        .where(annotations_visible_to(reader_id))
    )
    first = select(RedactionBox.ground.label("key"), RedactionBox.document_id, RedactionBox.page).where(
        RedactionBox.ground.is_not(None)
    )
    boxed = union_all(first, _further_grounds(engine)).subquery("boxed")
    return [by_document, _pages_by("tags", tagged, pages), _pages_by("grounds", select(boxed), pages)]


def _further_grounds(engine: str) -> Select:
    """(ground, document_id, page) for each further ground a box's label cites, from its JSON list."""
    listed = RedactionBox.more_grounds_json
    if engine == "sqlite":
        each = func.json_each(listed).table_valued("value")
    else:
        each = func.json_array_elements_text(cast(listed, JSON)).table_valued("value")
    further = select(each.c.value.label("key"), RedactionBox.document_id, RedactionBox.page).select_from(RedactionBox)
    return further.join(each, true()).where(listed != "[]")


# SQLite: the places of one search's matching pages, in a temporary table of the connection's
# own, keyed by place alone (a page's place is unique): each match written updates one tree, not
# a table and an index (24 ms to 19 ms for 33,331 matches).
MATCHES = table("search_matches", column("document_id"), column("number"), schema="temp")
MATCHES_TABLE = (
    "CREATE TEMP TABLE IF NOT EXISTS search_matches (document_id INTEGER, number INTEGER, "
    "PRIMARY KEY (document_id, number)) WITHOUT ROWID"
)


@contextmanager
def _made_once(session: Session, matching: Select) -> Iterator:
    """The matching pages' places (document_id, number), made once for the three counts. On
    SQLite, into a temporary table keyed by place (the connection's own, emptied before and
    after), so that the tag and ground counts look their few places up in it instead of each
    of 30,000 matches in the annotations' and boxes' indexes (41 ms to 31 ms for a word on a
    third of 100,000 pages); on PostgreSQL, a materialised CTE, with the pages' ids to rank."""
    placed = matching.selected_columns
    slim = matching.with_only_columns(placed.document_id, placed.number)
    if engine_of(session) != "sqlite":
        yield slim.add_columns(placed.page_id).cte("matching").prefix_with("MATERIALIZED")
        return
    session.execute(text(MATCHES_TABLE))
    session.execute(delete(MATCHES))
    session.execute(insert(MATCHES).from_select(["document_id", "number"], slim))
    yield MATCHES
    session.execute(delete(MATCHES))


def _pages_by(facet: str, places: Select, pages) -> Select:
    """(facet, key, matching pages) from places, a select of (key, document_id, page): each key's
    places among the matching pages, each page counted once. Each place is looked up among the
    matching pages (on SQLite, in their table's index of places): tagged or boxed pages are
    usually far fewer than the pages a broad search matches (1 ms against 10 ms the other way
    round for a word on 33,331 pages)."""
    document_id, page = places.selected_columns[1], places.selected_columns[2]
    keyed = places.join(pages, (pages.c.document_id == document_id) & (pages.c.number == page)).distinct().subquery()
    counted = select(literal(facet).label("facet"), cast(keyed.c.key, String), func.count(), cast(null(), Float))
    return counted.group_by(keyed.c.key)


def _described(session: Session, document_ids: list[int]) -> dict[int, tuple[str, str | None]]:
    """The title and agency of each document."""
    rows = session.execute(select(Document.id, Document.title, Document.agency).where(Document.id.in_(document_ids)))
    return {document_id: (title, agency) for document_id, title, agency in rows}


def _by_agency(documents: list[tuple[int, int]], described: dict) -> list[tuple[str, int]]:
    """Matching pages by agency, from the counts by document (a page is in one document)."""
    pages: Counter[str] = Counter()
    for document_id, n in documents:
        agency = described[document_id][1]
        if agency is not None:
            pages[agency] += n
    return list(pages.items())
