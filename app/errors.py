"""Errors with a sentence for a person, and the one place they become responses."""

import logging

from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class AppError(Exception):
    """A refusal to show the user: str(error) is the sentence, status the HTTP code."""

    status = 400

    def __init__(self, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.fields = fields or {}


class BadInput(AppError):
    """The request asked for something invalid."""


class NotFound(AppError):
    """The object does not exist or the user may not see it (we do not tell which)."""

    status = 404


class Conflict(AppError):
    """The object is not in a state that allows this yet."""

    status = 409


HTTP_SENTENCES = {
    400: "The request could not be understood.",
    401: "Please sign in first.",
    403: "You are not allowed to do that.",
    404: "That page or object does not exist, or you do not have access to it.",
    405: "That method is not allowed here.",
    413: "The upload is larger than the size limit.",
    429: "Too many requests; wait a minute and try again.",
}


def wants_json() -> bool:
    """Tell whether the response should be JSON: API paths and JSON clients."""
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_response(message: str, status: int, fields: dict[str, str] | None = None):
    """Answer JSON {"error": ..., "fields": {name: problem}} for the API and an HTML page otherwise."""
    if wants_json():
        return ({"error": message, "fields": fields} if fields else {"error": message}), status
    return render_template("error.html", message=message, status=status), status


def _too_large(app: Flask) -> str:
    """Why a request was too large: its size, or (a form of many small parts) the number of its
    parts, which Werkzeug limits too."""
    length = request.content_length
    if length is not None and length <= app.config["MAX_CONTENT_LENGTH"]:
        most = app.config["MAX_FORM_PARTS"]
        return f"The upload has more than {most:,} parts; send at most {most - 1:,} files at a time."
    return f"The upload is larger than the limit of {app.config['MAX_UPLOAD_MB']} MB."


def init_app(app: Flask) -> None:
    """Register the handlers that turn every failure into a sentence."""

    @app.errorhandler(AppError)
    def _app_error(error: AppError):
        return error_response(str(error), error.status, error.fields)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        sentence = HTTP_SENTENCES.get(error.code, error.description or "The request failed.")
        if error.code == 429 and (error.description or "").endswith("."):  # a limit's own sentence
            sentence = error.description
        if error.code == 413:
            sentence = _too_large(app)
        if error.code == 400 and error.description and "CSRF" in error.description:
            sentence = "The form expired or was sent from elsewhere. Reload the page and try again."
        return error_response(sentence, error.code or 500)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        log.exception("unexpected error on %s %s", request.method, request.path)
        return error_response("Something went wrong on our side; the error has been logged.", 500)
