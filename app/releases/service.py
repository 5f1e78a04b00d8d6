"""A release read as a release: its response letter and schedule of documents, read at ingest,
corrected by people, and the letter's dates measured against the Act's time limit."""

import itertools
import json
from collections import Counter
from collections.abc import Iterator
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.bundles import TOP_CHARACTERS, locate
from app.core.comparison import SAME_PAPER, ComparedPage, compare, signature, similarity
from app.core.grounds import explain
from app.core.letters import LETTER_PAGES, Letter, read_letter
from app.core.schedules import SCHEDULE_STARTS_BY, ScheduleRow, fuller, read_schedule
from app.core.working_days import SECTION_15_LIMIT, Timeliness, timeliness, working_days_between
from app.errors import BadInput
from app.models import Document, Page, Project, RedactionBox, Release
from app.redactions.service import document_redactions

# The release's fields that are the document's own metadata, by their names here.
ON_THE_DOCUMENT = {"agency": "agency", "reference": "oia_reference", "response_date": "date_released"}
UNKNOWN_AGENCY = "Agency not known"
SIMILAR_SHOWN = 3
GROUND_USES = ("boxes", "pages_withheld", "documents_withheld", "cited", "redactions")
DECISIONS = ("released", "released in part", "withheld in full", "refused", "transferred", "not in scope")


def read_release(session: Session, document_id: int, jurisdiction: str, table_words: dict | None = None) -> None:
    """Read the response letter and the schedule from the release's first pages, where each listed
    document starts, and its signature, once its pages are stored (the caller commits): keep what
    they say, except fields a person corrected, and fill the document's agency, reference and date
    released where they are empty. table_words: scanned pages of the schedule read again as a
    table's rows (page number -> words, see schedule_scans); the reading that says more is kept."""
    texts = list(session.scalars(select(Page.text).where(Page.document_id == document_id).order_by(Page.number)))
    letter = read_letter(texts[: LETTER_PAGES + 1], jurisdiction)
    rows = read_schedule(_page_words(session, document_id), jurisdiction)
    if table_words:
        pages = enumerate(_page_words(session, document_id), 1)
        rows = fuller(rows, read_schedule((table_words.get(number, words) for number, words in pages), jurisdiction))
    schedule = _rows(rows)
    if schedule:
        after = max(row["page"] for row in schedule) + 1
        for row, pages in zip(
            schedule, locate(schedule, [text[:TOP_CHARACTERS] for text in texts], after), strict=True
        ):
            row["pages"] = pages
    release = session.get(Release, document_id) or Release(document_id=document_id)
    session.add(release)
    release.signature_json = json.dumps(signature(texts))
    edited = set(release.edited)
    for name, value in {**_letter_fields(letter), "schedule_json": json.dumps(schedule)}.items():
        if name not in edited:
            setattr(release, name, value)
    if letter is not None:
        _fill_metadata(session.get(Document, document_id), letter)


def schedule_scans(session: Session, document_id: int, jurisdiction: str) -> list[tuple[int, int]]:
    """The scanned pages (number, rotation) that the release's schedule is printed on, as read
    from their stored words: the pages to read again as a table's rows. A release whose first
    pages hold no scan has none (and its schedule is not read here)."""
    first_scan = select(Page.id).where(
        Page.document_id == document_id, Page.ocr.is_(True), Page.number <= SCHEDULE_STARTS_BY
    )
    if session.scalar(first_scan.limit(1)) is None:
        return []
    pages = {row.page for row in read_schedule(_page_words(session, document_id), jurisdiction)}
    scanned = select(Page.number, Page.rotation).where(
        Page.document_id == document_id, Page.ocr.is_(True), Page.number.in_(pages)
    )
    return sorted((number, rotation) for number, rotation in session.execute(scanned))


def _page_words(session: Session, document_id: int) -> Iterator[list[tuple]]:
    """The words of the release's pages in order, as read_schedule takes them: fetched
    SCHEDULE_STARTS_BY pages at a time as it asks for them (it stops where its schedule ends)."""
    for first in itertools.count(1, SCHEDULE_STARTS_BY):
        pages = session.scalars(
            select(Page.words_json)
            .where(Page.document_id == document_id, Page.number >= first, Page.number < first + SCHEDULE_STARTS_BY)
            .order_by(Page.number)
        ).all()
        if not pages:
            return
        for words in pages:
            yield [tuple(word) for word in json.loads(words)]


def _letter_fields(letter: Letter | None) -> dict:
    if letter is None:
        return {"letter_page": None, "request_date": None, "extension_days": None, "extended_to": None,
                "extended": False, "transferred": False, "grounds_json": "[]"}  # fmt: skip
    return {
        "letter_page": letter.page,
        "request_date": letter.request_date,
        "extension_days": letter.extension_days,
        "extended_to": letter.extended_to,
        "extended": letter.extended,
        "transferred": letter.transferred,
        "grounds_json": json.dumps(letter.grounds),
    }


def _rows(schedule: list[ScheduleRow]) -> list[dict]:
    return [
        {
            "number": row.number,
            "date": _iso(row.date),
            "title": row.title,
            "decision": row.decision,
            "grounds": row.grounds,
            "page": row.page,
        }  # fmt: skip
        for row in schedule
    ]


def _fill_metadata(document: Document, letter: Letter) -> None:
    found = {"agency": letter.agency, "reference": letter.reference, "response_date": letter.response_date}
    for name, column in ON_THE_DOCUMENT.items():
        if getattr(document, column) is None and found[name] is not None:
            setattr(document, column, found[name])


def release_json(session: Session, document: Document) -> dict:
    """GET /api/documents/<id>/release: the letter's facts, how long the answer took, and the
    schedule of documents with its counts by decision."""
    release = session.get(Release, document.id) or Release(document_id=document.id)
    timing = _timing(release, document.date_released)
    schedule = [{"pages": None, **row} for row in release.schedule]
    return {
        "agency": document.agency,
        "reference": document.oia_reference,
        "request_date": _iso(release.request_date),
        "response_date": _iso(document.date_released),
        "working_days": timing.working_days if timing else None,
        "limit": timing.limit if timing else None,
        "due_date": _iso(timing.due) if timing else None,
        "late": timing.late if timing else None,
        "extension": {"days": release.extension_days, "until": _iso(release.extended_to)} if release.extended else None,
        "transferred": bool(release.transferred),
        "grounds": release.grounds,
        "letter_page": release.letter_page,
        "edited": release.edited,
        "schedule": schedule,
        "decisions": _decisions(schedule),
        "similar": _similar(session, document, release),
    }


def _similar(session: Session, document: Document, release: Release) -> list[dict]:
    """Other documents of the project that look like another release of the same paper, most alike
    first: the pair to compare."""
    mine = json.loads(release.signature_json or "[]")
    others = session.execute(
        select(Document.id, Document.title, Release.signature_json)
        .join(Release, Release.document_id == Document.id)
        .where(Document.project_id == document.project_id, Document.id != document.id)
    )
    alike = [(similarity(mine, json.loads(theirs)), id_, title) for id_, title, theirs in others]
    return [
        {"id": id_, "title": title, "similarity": round(share, 2)}
        for share, id_, title in sorted(alike, reverse=True)[:SIMILAR_SHOWN]
        if share >= SAME_PAPER
    ]


def _decisions(schedule: list[dict]) -> dict[str, int]:
    """How many of the listed documents had each decision (those the schedule names)."""
    counted = Counter(row["decision"] for row in schedule if row["decision"])
    return {decision: counted[decision] for decision in DECISIONS if counted[decision]}


def update_release(session: Session, document: Document, changes) -> dict:
    """Apply a person's corrections; they are kept when the release is read again."""
    given = changes.given()
    release = session.get(Release, document.id)
    if release is None:
        release = Release(document_id=document.id, grounds_json="[]", schedule_json="[]", edited_json="[]")
        session.add(release)
    received = given.get("request_date", release.request_date)
    answered = given.get("response_date", document.date_released)
    if received and answered and answered < received:
        session.rollback()
        raise BadInput("The response cannot be dated before the request.", fields={"response_date": "before request"})
    for name, value in given.items():
        setattr(*((document, ON_THE_DOCUMENT[name]) if name in ON_THE_DOCUMENT else (release, name)), value)
    if {"extension_days", "extended_to"} & given.keys():
        release.extended = release.extension_days is not None or release.extended_to is not None
        given["extended"] = release.extended
    release.edited_json = json.dumps(sorted(set(release.edited) | (given.keys() - ON_THE_DOCUMENT.keys())))
    session.commit()
    return release_json(session, document)


def _timing(release: Release, answered: date | None) -> Timeliness | None:
    """How long the response took, when both dates are known and in order."""
    received = release.request_date
    if received is None or answered is None or answered < received:
        return None
    if release.extended_to is not None and release.extended_to > received:
        allowed = working_days_between(received, release.extended_to)
        return timeliness(received, answered, extension_days=max(0, allowed - SECTION_15_LIMIT))
    return timeliness(received, answered, extension_days=release.extension_days or 0)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def project_grounds(session: Session, project: Project) -> dict:
    """GET /api/projects/<id>/grounds: per agency and per ground, the boxes withheld under it, the
    pages withheld in full with a box citing it, the documents a schedule lists as withheld in
    full under it, how often the pages' text cites it, and the redactions withheld under it (the
    boxes cut from one ragged shape count once). Rows most used first."""
    counts: dict[tuple[str, str], Counter] = {}
    citations = _citations_by_document(session, [d.id for d in project.documents])
    for document in project.documents:
        agency = document.agency or UNKNOWN_AGENCY
        for ground, use in _uses(session, document, citations.get(document.id, [])):
            counts.setdefault((agency, ground), Counter())[use] += 1
    rows = []
    for (agency, ground), counted in counts.items():
        explained = explain(ground, project.jurisdiction)
        meaning = explained["meaning"] if explained else None
        rows.append(
            {"agency": agency, "ground": ground, **{use: counted[use] for use in GROUND_USES}, "meaning": meaning}
        )
    rows.sort(key=lambda r: (-sum(r[use] for use in GROUND_USES), r["agency"], r["ground"]))
    return {"rows": rows, "agencies": sorted({r["agency"] for r in rows}), "counts": list(GROUND_USES)}


def _uses(session: Session, document: Document, citations: list[dict]) -> Iterator[tuple[str, str]]:
    """Each use of a ground in a document, as (ground, one of GROUND_USES)."""
    redactions = document_redactions(session, document)
    boxes = [box for box in redactions["boxes"] if box["ground"] and not box["out_of_scope"]]
    yield from ((box["ground"], "boxes") for box in boxes)
    yield from ((ground, "redactions") for ground, count in redactions["grounds"].items() for _ in range(count))
    withheld = set(redactions["pages_withheld"])
    on_withheld_pages = {(box["ground"], box["page"]) for box in boxes if box["page"] in withheld}
    yield from ((ground, "pages_withheld") for ground, _ in on_withheld_pages)
    for row in document.release.schedule if document.release else []:
        if row["decision"] == "withheld in full":
            yield from ((ground, "documents_withheld") for ground in row["grounds"])
    yield from ((citation["ground"], "cited") for citation in citations)


def _citations_by_document(session: Session, document_ids: list[int]) -> dict[int, list[dict]]:
    found: dict[int, list[dict]] = {}
    rows = session.execute(select(Page.document_id, Page.citations_json).where(Page.document_id.in_(document_ids)))
    for document_id, cited in rows:
        found.setdefault(document_id, []).extend(json.loads(cited or "[]"))
    return found


def compare_documents(session: Session, first: Document, second: Document) -> dict:
    """GET /api/documents/<a>/compare/<b>: what changed from the first release to the second."""
    if first.id == second.id:
        raise BadInput("Pick two different documents to compare.")
    if first.project_id != second.project_id:
        raise BadInput("Both documents must be in the same project to be compared.")
    return compare(_compared_pages(session, first.id), _compared_pages(session, second.id))


def _compared_pages(session: Session, document_id: int) -> list[ComparedPage]:
    pages = {
        number: ComparedPage(number=number, words=[tuple(w) for w in json.loads(words)])
        for number, words in session.execute(
            select(Page.number, Page.words_json).where(Page.document_id == document_id).order_by(Page.number)
        )
    }
    boxes = select(RedactionBox).where(RedactionBox.document_id == document_id, RedactionBox.out_of_scope.is_(False))
    for box in session.scalars(boxes):
        if box.page in pages:
            pages[box.page].boxes.append({"rect": [box.x0, box.y0, box.x1, box.y1], "ground": box.ground})
    return list(pages.values())


def page_shapes(session: Session, document: Document) -> dict[int, dict]:
    """Each page's size in points and turn, to lay differences over its image."""
    rows = session.execute(
        select(Page.number, Page.width, Page.height, Page.rotation).where(Page.document_id == document.id)
    )
    return {number: {"width": w, "height": h, "rotation": r} for number, w, h, r in rows}
