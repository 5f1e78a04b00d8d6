"""The filters of a query (tag:, doc:, agency:, ground:, ocr:, date:, in:) as SQL conditions on
the pages searched; what cannot be used is said in a notice, never an error."""

import re
from datetime import date

import orjson
from sqlalchemy import and_, false, func, or_, select, tuple_, union_all
from sqlalchemy.orm import aliased

from app.access import visible_annotations
from app.core.grounds import find_citations
from app.db import whole_number
from app.models import Annotation, AnnotationTag, Document, Page, RedactionBox, Tag, User
from app.search.query import Query, fold

DATE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")


def conditions(query: Query, notices: list[str], reader: User, by_id: bool = False) -> list:
    """SQL conditions for the query's filters, as the reader sees the annotations; what cannot be
    understood is said in notices. by_id: how a page marked by a tag or a ground is matched
    (_on_pages)."""
    conditions = []
    for item in query.filters:
        condition = _filter(item.key, item.value, notices, reader, by_id)
        if condition is not None:
            conditions.append(~condition if item.excluded else condition)
    return conditions


def _filter(key: str, value: str, notices: list[str], reader: User, by_id: bool):
    if key == "tag":
        return _has_tag(value, reader, by_id)
    if key == "doc":
        number = whole_number(value)
        if number is None:
            notices.append(f"doc:{value} is not a document number; no document matches it.")
            return false()
        return Document.id == number
    if key == "agency":
        return func.lower(Document.agency).contains(value.lower(), autoescape=True)
    if key == "ground":
        return _has_ground(value, reader, by_id)
    if key == "ocr":
        if fold(value) not in ("yes", "no"):
            notices.append(f"ocr:{value} was left out: say ocr:yes or ocr:no.")
            return None
        return Page.ocr.is_(fold(value) == "yes")
    if key == "date":
        return _released_between(value, notices)
    if key == "in" and fold(value) != "notes":
        notices.append(f"in:{value} was left out: in:notes searches notes; pages are searched without it.")
    return None


def _has_tag(name: str, reader: User, by_id: bool):
    """The page holds a live annotation the reader sees with the tag (by name or full name, any case; a parent
    tag includes its children)."""
    wanted = name.lower()
    parent = Tag.__table__.alias("parent_tag")
    full_name = func.lower(parent.c.name + ": " + Tag.name)
    tagged = (
        select(Annotation.document_id, Annotation.page)
        .join(AnnotationTag, AnnotationTag.annotation_id == Annotation.id)
        .join(Tag, Tag.id == AnnotationTag.tag_id)
        .outerjoin(parent, parent.c.id == Tag.parent_id)
        .where(visible_annotations(reader))
        .where(or_(func.lower(Tag.name) == wanted, full_name == wanted, func.lower(parent.c.name) == wanted))
    )
    return _on_pages(tagged, by_id)


def _has_ground(value: str, reader: User, by_id: bool):
    """A box on the page, or an annotation on it the reader sees, carries the ground ("s 9(2)(a)" is 9(2)(a))."""
    cited = find_citations(value)
    ground = cited[0].ground if cited else value.strip()
    further = RedactionBox.more_grounds_json.contains(orjson.dumps(ground).decode(), autoescape=True)
    boxed = select(RedactionBox.document_id, RedactionBox.page).where(or_(RedactionBox.ground == ground, further))
    noted = select(Annotation.document_id, Annotation.page).where(
        visible_annotations(reader), _names(Annotation.ground, ground)
    )
    return _on_pages(union_all(boxed, noted), by_id)


def _names(grounds, ground: str):
    """An annotation's ground names this one, alone or among others as a label names them
    ("9(2)(f)(iv), 9(2)(g)(i)": app.core.grounds.joined_grounds)."""
    return or_(
        grounds == ground,
        grounds.startswith(f"{ground}, ", autoescape=True),
        grounds.endswith(f", {ground}", autoescape=True),
        grounds.contains(f", {ground}, ", autoescape=True),
    )


def _on_pages(places, by_id: bool) -> object:
    """The page is one of places, a select of (document_id, page). by_id, as the ids of those
    pages, which SQLite looks up once each (it searched a (document, page) list again for every
    document of the project: 93 ms against 35 ms for tag:Risk on 100,000 pages); otherwise by
    (document, page), PostgreSQL's better plan (33 ms against 49 ms on 30,000 pages)."""
    if not by_id:
        return tuple_(Page.document_id, Page.number).in_(places)
    page = aliased(Page)
    return Page.id.in_(select(page.id).where(tuple_(page.document_id, page.number).in_(places)))


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
