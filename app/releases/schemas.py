"""The request body of corrections to what a release's letter was read to say."""

from typing import Annotated

from pydantic import Field

from app.validation import OptionalDate, Schema, optional_text


class ReleaseChanges(Schema):
    """PATCH /api/documents/<id>/release: any of these; null or "" clears a field. agency,
    reference and response_date are the document's own metadata (agency, oia_reference,
    date_released)."""

    agency: optional_text(300) = None
    reference: optional_text(200) = None
    request_date: OptionalDate = None
    response_date: OptionalDate = None
    extension_days: Annotated[int, Field(ge=1, le=250)] | None = None
    extended_to: OptionalDate = None
    transferred: bool | None = None
