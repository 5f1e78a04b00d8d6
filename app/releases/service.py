"""A release's response letter: read at ingest, corrected by people, and measured against the
Act's time limit."""

import json
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.letters import LETTER_PAGES, read_letter
from app.core.working_days import Timeliness, timeliness, working_days_between
from app.errors import BadInput
from app.models import Document, Page, ReleaseLetter

# The release's fields that are the document's own metadata, by their names here.
ON_THE_DOCUMENT = {"agency": "agency", "reference": "oia_reference", "response_date": "date_released"}


def settle_letter(session: Session, document_id: int, jurisdiction: str) -> None:
    """Read the response letter from the release's first pages, once they are stored (the caller
    commits): keep what it says, except fields a person corrected, and fill the document's agency,
    reference and date released where they are empty."""
    first_pages = session.scalars(
        select(Page.text).where(Page.document_id == document_id, Page.number <= LETTER_PAGES + 1).order_by(Page.number)
    )
    letter = read_letter(list(first_pages), jurisdiction)
    stored = session.get(ReleaseLetter, document_id) or ReleaseLetter(document_id=document_id)
    session.add(stored)
    read = {
        "page": letter.page if letter else None,
        "request_date": letter.request_date if letter else None,
        "extension_days": letter.extension_days if letter else None,
        "extended_to": letter.extended_to if letter else None,
        "extended": letter.extended if letter else False,
        "transferred": letter.transferred if letter else False,
        "grounds_json": json.dumps(letter.grounds if letter else []),
    }
    edited = set(stored.edited)
    for name, value in read.items():
        if name not in edited:
            setattr(stored, name, value)
    if letter is None:
        return
    document = session.get(Document, document_id)
    found = {"agency": letter.agency, "reference": letter.reference, "response_date": letter.response_date}
    for name, column in ON_THE_DOCUMENT.items():
        if getattr(document, column) is None and found[name] is not None:
            setattr(document, column, found[name])


def release_json(session: Session, document: Document) -> dict:
    """GET /api/documents/<id>/release: the letter's facts and how long the answer took."""
    letter = session.get(ReleaseLetter, document.id) or ReleaseLetter(document_id=document.id, edited_json="[]")
    timing = _timing(letter, document.date_released)
    return {
        "agency": document.agency,
        "reference": document.oia_reference,
        "request_date": _iso(letter.request_date),
        "response_date": _iso(document.date_released),
        "working_days": timing.working_days if timing else None,
        "limit": timing.limit if timing else None,
        "due_date": _iso(timing.due) if timing else None,
        "late": timing.late if timing else None,
        "extension": {"days": letter.extension_days, "until": _iso(letter.extended_to)} if letter.extended else None,
        "transferred": bool(letter.transferred),
        "grounds": letter.grounds,
        "letter_page": letter.page,
        "edited": letter.edited,
        "schedule": [],
    }


def update_release(session: Session, document: Document, changes) -> dict:
    """Apply a person's corrections; they are kept when the release is read again."""
    given = changes.given()
    letter = _stored(session, document)
    received = given.get("request_date", letter.request_date)
    answered = given.get("response_date", document.date_released)
    if received and answered and answered < received:
        session.rollback()
        raise BadInput("The response cannot be dated before the request.", fields={"response_date": "before request"})
    for name, value in given.items():
        if name in ON_THE_DOCUMENT:
            setattr(document, ON_THE_DOCUMENT[name], value)
        else:
            setattr(letter, name, value)
    if {"extension_days", "extended_to"} & given.keys():
        letter.extended = letter.extension_days is not None or letter.extended_to is not None
        given["extended"] = letter.extended
    letter.edited_json = json.dumps(sorted(set(letter.edited) | (given.keys() - ON_THE_DOCUMENT.keys())))
    session.commit()
    return release_json(session, document)


def _stored(session: Session, document: Document) -> ReleaseLetter:
    letter = session.get(ReleaseLetter, document.id)
    if letter is None:
        letter = ReleaseLetter(document_id=document.id, grounds_json="[]", edited_json="[]")
        session.add(letter)
    return letter


def _timing(letter: ReleaseLetter, answered: date | None) -> Timeliness | None:
    """How long the response took, when both dates are known and in order."""
    received = letter.request_date
    if received is None or answered is None or answered < received:
        return None
    if letter.extended_to is not None and letter.extended_to > received:
        limit = working_days_between(received, letter.extended_to)
        return timeliness(received, answered, extension_days=max(0, limit - 20))
    return timeliness(received, answered, extension_days=letter.extension_days or 0)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
