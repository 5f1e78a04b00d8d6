"""Counts of the matching pages by document, tag, agency and ground, beside the results."""

from sqlalchemy import Select, String, and_, cast, func, literal, select, union_all
from sqlalchemy.orm import Session

from app.models import Annotation, AnnotationTag, Document, Page, RedactionBox, Tag

FACET_SIZE = 20


def counted_facets(session: Session, matching: Select) -> tuple[int, dict]:
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
