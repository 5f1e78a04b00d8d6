"""Counts of the matching pages by document, tag, agency and ground, beside the results."""

from collections import Counter

from sqlalchemy import Select, String, cast, func, literal, select, tuple_, union_all
from sqlalchemy.orm import Session

from app.access import visible_annotations
from app.models import Annotation, AnnotationTag, Document, Page, RedactionBox, Tag, User

FACET_SIZE = 20


def counted_facets(session: Session, matching: Select, reader: User) -> tuple[int, dict]:
    """The number of matching pages, and their counts by document, tag (of the annotations the
    reader sees), agency and ground (the
    largest FACET_SIZE of each), from one statement (the match is made once, a materialised CTE)
    and the documents' agencies."""
    slim = matching.with_only_columns(Page.id.label("page_id"), Page.document_id, Page.number)
    pages = slim.cte("matching").prefix_with("MATERIALIZED")
    by_document = (
        select(literal("documents").label("facet"), cast(pages.c.document_id, String).label("key"), func.count())
        .select_from(pages)
        .group_by(pages.c.document_id)
    )
    tagged = (
        select(Tag.name.label("key"), Annotation.document_id, Annotation.page)
        .select_from(AnnotationTag)
        .join(Annotation, Annotation.id == AnnotationTag.annotation_id)
        .join(Tag, Tag.id == AnnotationTag.tag_id)
        .where(visible_annotations(reader))
    )
    boxed = select(RedactionBox.ground.label("key"), RedactionBox.document_id, RedactionBox.page).where(
        RedactionBox.ground.is_not(None)
    )
    rows = session.execute(
        union_all(by_document, _pages_by("tags", tagged, pages), _pages_by("grounds", boxed, pages))
    ).all()
    counts: dict[str, list[tuple[str, int]]] = {"documents": [], "tags": [], "grounds": []}
    for facet, key, n in rows:
        counts[facet].append((key, n))
    total = sum(n for _, n in counts["documents"])
    described = _described(session, [int(key) for key, _ in counts["documents"]])
    counts["agencies"] = _by_agency(counts["documents"], described)
    largest = {facet: sorted(found, key=lambda kn: (-kn[1], kn[0]))[:FACET_SIZE] for facet, found in counts.items()}
    return total, {
        "documents": [{"id": int(d), "title": described[int(d)][0], "count": n} for d, n in largest["documents"]],
        "tags": [{"name": name, "count": n} for name, n in largest["tags"]],
        "agencies": [{"name": name, "count": n} for name, n in largest["agencies"]],
        "grounds": [{"ground": ground, "count": n} for ground, n in largest["grounds"]],
    }


def _pages_by(facet: str, places: Select, pages) -> Select:
    """(facet, key, matching pages) from places, a select of (key, document_id, page): each key's
    places among the matching pages, each page counted once. Written as an IN over the matching
    pages, each is looked up in places' (document, page) index: about 8 ms for 33,331 pages,
    where joining places to them took about 17 ms."""
    document_id, page = places.selected_columns[1], places.selected_columns[2]
    matched = places.where(tuple_(document_id, page).in_(select(pages.c.document_id, pages.c.number))).distinct()
    keyed = matched.subquery()
    return select(literal(facet).label("facet"), cast(keyed.c.key, String), func.count()).group_by(keyed.c.key)


def _described(session: Session, document_ids: list[int]) -> dict[int, tuple[str, str | None]]:
    """The title and agency of each document."""
    rows = session.execute(select(Document.id, Document.title, Document.agency).where(Document.id.in_(document_ids)))
    return {document_id: (title, agency) for document_id, title, agency in rows}


def _by_agency(documents: list[tuple[str, int]], described: dict) -> list[tuple[str, int]]:
    """Matching pages by agency, from the counts by document (a page is in one document)."""
    pages: Counter[str] = Counter()
    for document_id, n in documents:
        agency = described[int(document_id)][1]
        if agency is not None:
            pages[agency] += n
    return list(pages.items())
