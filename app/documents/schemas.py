"""The request body of a document's metadata."""

import re
from datetime import date
from typing import Annotated

from pydantic import AfterValidator

from app.validation import Schema

WEB_ADDRESS = re.compile(r"^https?://[^\s/]+", re.IGNORECASE)


def _text(limit: int, multi_line: bool = False):
    """Optional text: white space tidied, at most `limit` characters, blank meaning none."""

    def tidy(value: str) -> str | None:
        value = value.strip() if multi_line else " ".join(value.split())
        if len(value) > limit:
            raise ValueError(f"can be at most {limit:,} characters")
        return value or None

    return Annotated[str, AfterValidator(tidy)] | None


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise ValueError("date_released must be a date written as YYYY-MM-DD") from None


def _web_address(value: str | None) -> str | None:
    if value and not WEB_ADDRESS.match(value):
        raise ValueError("source_url must be a web address starting with http:// or https://")
    return value


class MetadataChanges(Schema):
    """PATCH /api/documents/<id>: any of these; null or "" clears a field (a title cannot be cleared)."""

    title: _text(500) = None
    agency: _text(300) = None
    oia_reference: _text(200) = None
    date_released: Annotated[_text(40), AfterValidator(_date)] = None
    source_url: Annotated[_text(2000), AfterValidator(_web_address)] = None
    description: _text(20_000, multi_line=True) = None
