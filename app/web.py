"""Per-request database sessions and response headers."""

from flask import Flask, current_app, g
from sqlalchemy.orm import Session

from app.db import make_sessionmaker

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


def init_app(app: Flask) -> None:
    """Bind the database and add security headers to every response."""
    app.extensions["sessions"] = make_sessionmaker(app.config["DATABASE_URL"])

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
