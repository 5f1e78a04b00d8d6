"""The request bodies of accounts and tokens."""

from datetime import UTC, date, datetime, time
from typing import Annotated

from pydantic import AfterValidator

from app.validation import Schema, one_line


def _moment(value: str | None) -> datetime | None:
    """A date (the start of that day, UTC) or a date and time with its offset."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value) if "T" in value else datetime.combine(date.fromisoformat(value), time())
    except ValueError:
        raise ValueError("expires_at must be a date (YYYY-MM-DD) or a date and time (ISO 8601)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class NewToken(Schema):
    """POST /api/tokens: a name to recognise it by, and when it stops working (none: never)."""

    name: one_line(100, "A token name")
    expires_at: Annotated[str, AfterValidator(_moment)] | None = None
