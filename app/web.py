"""Per-request database sessions, response headers, and the reverse proxies trusted."""

from collections.abc import Callable
from datetime import date
from typing import Any

import orjson
from flask import Flask, Response, current_app, g, request
from flask.json.provider import DefaultJSONProvider
from sqlalchemy.orm import Session
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from app.db import LARGEST_ID, make_sessionmaker, reading_only
from app.errors import BadInput

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
HSTS = "max-age=31536000; includeSubDomains"
# Pages and API answers hold confidential work: no cache anywhere keeps them.
NOT_STORED = ("text/html", "application/json")


class FastJson(DefaultJSONProvider):
    """The API's answers written by orjson, about ten times faster than the standard library's
    json (a page of 400 words with their boxes is most of a page read's JSON); the same keys in
    the same order, and what orjson does not write itself (dates, dataclasses) goes through
    Flask's own conversions, as before. Non-ASCII text is written as UTF-8, not escaped."""

    OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME
    OPTIONS |= orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_APPEND_NEWLINE

    def response(self, *args, **kwargs) -> Response:
        if (self.compact is None and self._app.debug) or self.compact is False:
            return super().response(*args, **kwargs)
        body = orjson.dumps(self._prepare_response_obj(args, kwargs), default=self.default, option=self.OPTIONS)
        return self._app.response_class(body, mimetype=self.mimetype)

    def loads(self, s: str | bytes, **kwargs) -> Any:
        """Request bodies read by orjson too: it refuses, with a ValueError, what the standard
        library let through to a 500 (arrays nested thousands deep overflowed Python's stack; a
        lone surrogate, "\\ud800", is text no database can store) and NaN, which is not JSON."""
        return orjson.loads(s)


def db() -> Session:
    """The current request's database session."""
    if "db" not in g:
        g.db = current_app.extensions["sessions"]()
    return g.db


class IdConverter(IntegerConverter):
    """<int:...> in a route: a whole number the database can hold; a larger one matches no
    route (404), where it would have overflowed the database driver (500)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(url_map, *args, **kwargs)


def only_reads(view: Callable) -> Callable:
    """Mark a view that takes a POST (a body too large for a query string) but only reads: its
    transactions begin as a reader's, as a GET's do, and keep no writer waiting while it works."""
    view.only_reads = True
    return view


def long_date(iso: str) -> str:
    """A date as a New Zealand letter writes it: "2024-04-12" -> "12 April 2024"."""
    day = date.fromisoformat(iso)
    return f"{day.day} {day:%B %Y}"


def attachment(name: str, inline: bool = False) -> dict:
    """The header that makes a response a download (or, inline, shown) under a safe file name."""
    return {"Content-Disposition": f'{"inline" if inline else "attachment"}; filename="{name}"'}


def init_app(app: Flask) -> None:
    """Bind the database, bound ids in routes, trust the configured proxies, and add security
    headers to every response."""
    app.extensions["sessions"] = make_sessionmaker(app.config["DATABASE_URL"])
    app.json = FastJson(app)
    app.add_template_filter(long_date)
    app.url_map.converters["int"] = IdConverter
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:  # the client's address and scheme come from X-Forwarded-For and -Proto
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    @app.before_request
    def _reading_only():
        view = current_app.view_functions.get(request.endpoint)
        reading_only.set(request.method in ("GET", "HEAD") or getattr(view, "only_reads", False))

    @app.before_request
    def _no_nul_characters():
        # PostgreSQL text cannot hold one (it answered 500); no field here means one.
        if any("\x00" in value for values in (request.args, request.form) for value in values.values()):
            raise BadInput("A field or query argument holds a NUL character (\\x00); remove it and try again.")

    @app.teardown_request
    def _done_reading(_error):
        reading_only.set(False)  # work done outside requests in this thread writes as before

    @app.teardown_appcontext
    def _close_session(_error):
        session = g.pop("db", None)
        if session is not None:
            session.close()

    @app.after_request
    def _security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        if response.mimetype in NOT_STORED:
            response.headers["Cache-Control"] = "no-store"
        return response
