"""Per-request database sessions and response headers."""

from flask import Flask, current_app, g
from sqlalchemy.orm import Session
from werkzeug.routing import IntegerConverter

from app.db import LARGEST_ID, make_sessionmaker

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


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


def init_app(app: Flask) -> None:
    """Bind the database, bound ids in routes, and add security headers to every response."""
    app.extensions["sessions"] = make_sessionmaker(app.config["DATABASE_URL"])
    app.url_map.converters["int"] = IdConverter

    @app.teardown_appcontext
    def _close_session(_error):
        session = g.pop("db", None)
        if session is not None:
            session.close()

    @app.after_request
    def _security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response
