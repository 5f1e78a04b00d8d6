"""Request bodies checked by pydantic, in one place: every endpoint and form reports a bad field
the same way, {"error": sentence, "fields": {name: problem}}, and the same schemas describe the
bodies in /api/openapi.json."""

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, TypeVar

from flask import current_app, request
from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError, field_validator

from app.db import whole_number
from app.errors import BadInput

Body = TypeVar("Body", bound=BaseModel)
# The largest whole number a body may hold: what every integer column holds (PostgreSQL's
# integer; SQLite's is wider). Larger, a page number could not even be looked up (a 500).
LARGEST_NUMBER = 2**31 - 1

# What each kind of pydantic error means, said to a person; {name} fields come from the error's ctx.
PROBLEMS = {
    "missing": "is required",
    "extra_forbidden": "is not a field here",
    "string_type": "must be text",
    "int_type": "must be a whole number",
    "float_type": "must be a number",
    "bool_type": "must be true or false",
    "list_type": "must be a list",
    "literal_error": "must be one of {expected}",
    "string_too_long": "can be at most {max_length:,} characters",
    "string_too_short": "cannot be empty",
    "too_long": "must have at most {max_length} items",
    "greater_than_equal": "must be at least {ge}",
    "finite_number": "must be a finite number",
}


def optional_text(limit: int, multi_line: bool = False):
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
        raise ValueError("must be a date written as YYYY-MM-DD") from None


OptionalDate = Annotated[optional_text(40), AfterValidator(_date)]  # "" or null: none


class Schema(BaseModel):
    """A request body: unknown fields are refused and no type is coerced (no "3" for 3)."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)

    @field_validator("*", mode="after")
    @classmethod
    def _storable_numbers(cls, value: Any) -> Any:
        if _too_large(value):
            raise ValueError(f"can hold no number larger than {LARGEST_NUMBER:,}")
        return value

    def given(self) -> dict[str, Any]:
        """The fields the request actually sent, for partial updates, as validated (a date, not
        the text it was sent as)."""
        return {name: getattr(self, name) for name in self.model_fields_set}


def one_line(limit: int, what: str) -> Any:
    """A str field whose runs of white space become one space, with 1 to `limit` characters."""

    def check(value: str) -> str:
        value = " ".join(value.split())
        if not value or len(value) > limit:
            raise ValueError(f"{what} has 1 to {limit:,} characters")
        return value

    return Annotated[str, AfterValidator(check)]


def validated(schema: type[Body], data: Any) -> Body:
    """data checked against schema, or BadInput naming each bad field and its problem."""
    if not isinstance(data, dict):
        raise BadInput("Send a JSON object in the request body, with Content-Type: application/json.")
    if _holds_nul(data):  # PostgreSQL text cannot hold one (it answered 500)
        raise BadInput("A field holds a NUL character (\\u0000); remove it and try again.")
    try:
        return schema.model_validate(data)
    except ValidationError as error:
        problems = {_field(e): _problem(e) for e in error.errors()}
        raise BadInput(_sentence(schema, problems), fields=problems) from None


def _too_large(value: Any) -> bool:
    """Whether a field's value is, or holds, a whole number beyond ±LARGEST_NUMBER."""
    if isinstance(value, int) and not isinstance(value, bool):
        return abs(value) > LARGEST_NUMBER
    if isinstance(value, list | tuple):
        return any(_too_large(item) for item in value)
    return False


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


def accepts(schema: type[Schema]) -> Callable:
    """Declare that a view takes a JSON body of this schema (read with request_body(), after the
    view has checked access, so that a stranger learns nothing from a 400). /api/openapi.json
    publishes the schema."""

    def declare(view: Callable) -> Callable:
        view.request_schema = schema
        return view

    return declare


def request_body() -> Any:
    """The request's JSON body checked against the schema its view declared with @accepts."""
    schema = current_app.view_functions[request.endpoint].request_schema
    return validated(schema, request.get_json(silent=True))


def _field(error: dict) -> str:
    return ".".join(str(part) for part in error["loc"]) or "body"


def _problem(error: dict) -> str:
    if error["type"] == "value_error":
        return str(error["ctx"]["error"])
    template = PROBLEMS.get(error["type"])
    return template.format(**error.get("ctx", {})) if template else error["msg"]


def _sentence(schema: type[Schema], problems: dict[str, str]) -> str:
    parts = [problem if problem[0].isupper() else f"{field} {problem}" for field, problem in problems.items()]
    sentence = "; ".join(parts) + "."
    if "is not a field here" in problems.values():
        sentence += f" Fields here: {', '.join(schema.model_fields)}."
    return sentence


def whole_number_argument(name: str) -> int | None:
    """A query-string argument that must be a positive whole number the database can hold, when
    given; BadInput with a sentence otherwise."""
    value = request.args.get(name)
    if value is None or value == "":
        return None
    number = whole_number(value)
    if not number:
        raise BadInput(f"{name} must be a whole number of 1 or more.")
    return number
