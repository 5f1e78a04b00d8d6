"""The request body of a document's metadata."""

import re
from typing import Annotated

from pydantic import AfterValidator

from app.validation import OptionalDate, Schema, optional_text

WEB_ADDRESS = re.compile(r"^https?://[^\s/]+", re.IGNORECASE)


def _web_address(value: str | None) -> str | None:
    if value and not WEB_ADDRESS.match(value):
        raise ValueError("source_url must be a web address starting with http:// or https://")
    return value


class MetadataChanges(Schema):
    """PATCH /api/documents/<id>: any of these; null or "" clears a field (a title cannot be cleared)."""

    title: optional_text(500) = None
    agency: optional_text(300) = None
    oia_reference: optional_text(200) = None
    date_released: OptionalDate = None
    source_url: Annotated[optional_text(2000), AfterValidator(_web_address)] = None
    description: optional_text(20_000, multi_line=True) = None
