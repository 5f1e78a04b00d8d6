"""The audit log, kept in one place: after every request that does something worth a record
(AUDITED, AUDITED_READS), one entry says who did it, when, what, to which object, from which
address. Failed and refused sign-ins are recorded too. Request bodies are never copied in: a note's text would
reach owners who may not see it."""

import logging

from flask import Flask, g, request
from flask_login import current_user

from app.access import OBJECT_ARGUMENTS, project_of
from app.audit.service import record
from app.db import begin_writing
from app.web import db

log = logging.getLogger(__name__)

# endpoint -> what was done, in words, for the requests that change something.
AUDITED = {
    "auth.setup": "created the first account",
    "auth.signup": "signed up",
    "auth.logout": "signed out",
    "auth.invitation": "accepted an invitation",
    "auth.change_password": "changed their password",
    "auth.create_token_form": "made an API token",
    "auth.api_create_token": "made an API token",
    "auth.revoke_token_form": "revoked an API token",
    "auth.api_revoke_token": "revoked an API token",
    "admin.user_update_form": "changed an account",
    "admin.api_update_user": "changed an account",
    "projects.create": "created a project",
    "projects.api_create": "created a project",
    "projects.api_update": "changed the project's settings",
    "projects.settings_form": "changed the project's settings",
    "projects.api_delete": "deleted a project",
    "projects.delete_form": "deleted a project",
    "projects.members_add_form": "added a member",
    "projects.api_add_member": "added a member",
    "projects.members_update_form": "changed a member's role",
    "projects.api_update_member": "changed a member's role",
    "projects.members_remove_form": "removed a member",
    "projects.api_remove_member": "removed a member",
    "projects.invite_form": "made an invitation",
    "projects.api_invite": "made an invitation",
    "projects.revoke_invitation_form": "withdrew an invitation",
    "projects.api_revoke_invitation": "withdrew an invitation",
    "documents.api_upload": "uploaded documents",
    "documents.api_update": "changed a document's details",
    "releases.api_correct": "corrected what a release's letter was read to say",
    "releases.correct_form": "corrected what a release's letter was read to say",
    "documents.edit": "changed a document's details",
    "documents.api_delete": "deleted a document",
    "documents.delete": "deleted a document",
    "documents.api_read_again": "had a document read again",
    "documents.read_again": "had a document read again",
    "annotations.api_create": "made an annotation",
    "annotations.api_update": "changed an annotation",
    "annotations.api_delete": "deleted an annotation",
    "suggestions.api_accept": "accepted a suggestion",
    "suggestions.api_reject": "rejected a suggestion",
    "suggestions.api_document_accept_all": "accepted every suggestion",
    "suggestions.api_project_accept_all": "accepted every suggestion",
    "suggestions.api_document_reject_all": "rejected every suggestion",
    "suggestions.api_project_reject_all": "rejected every suggestion",
    "suggestions.api_create_rule": "made a keyword rule",
    "suggestions.rules_create": "made a keyword rule",
    "suggestions.api_update_rule": "changed a keyword rule",
    "suggestions.api_delete_rule": "deleted a keyword rule",
    "suggestions.rules_delete": "deleted a keyword rule",
    "tags.api_create_tag": "made a tag",
    "tags.tags_create": "made a tag",
    "tags.api_update_tag": "changed a tag",
    "tags.tags_update": "changed a tag",
    "tags.api_delete_tag": "deleted a tag",
    "search.api_tag_all_hits": "tagged every hit of a search",
    "search.tag_all_hits_form": "tagged every hit of a search",
    "search.api_undo_tag_batch": "undid a tagging of every hit",
    "search.undo_tag_batch_form": "undid a tagging of every hit",
    "exports.api_import": "imported annotations",
}
# The reads recorded: what leaves the app, and what was meant to stay hidden.
AUDITED_READS = {
    "exports.api_export": "exported annotations",
    "exports.api_clip": "clipped an annotation",
    "redactions.api_hidden_text": "read the text under a redaction",
}
SIGN_IN = {302: "signed in", 401: "failed to sign in", 429: "was refused sign-in (too many failures)"}
# Query arguments worth keeping with the record (an export's format and filters).
KEPT_ARGUMENTS = ("format", "tag", "document", "q", "author")


def init_app(app: Flask) -> None:
    """Record each audited request once it has been answered, with the object its URL pointed at
    as it was before the request (a deleted document's project is known only before)."""

    @app.before_request
    def _remember_object():
        if request.method not in ("GET", "HEAD") and request.endpoint in AUDITED and request.view_args:
            g.audited_object = _object(db())

    @app.after_request
    def _audit(response):
        action = _action(response)
        if action is not None:
            try:
                _record(action, response)
            except Exception:  # the answer stands; the failure to record it is logged loudly
                db().rollback()
                log.exception("could not record %s in the audit log", action)
        return response


def _action(response) -> str | None:
    if request.endpoint == "auth.login" and request.method == "POST":
        return SIGN_IN.get(response.status_code)
    if response.status_code >= 400:
        return None
    return (AUDITED_READS if request.method in ("GET", "HEAD") else AUDITED).get(request.endpoint or "")


def _record(action: str, response) -> None:
    """Add the entry in the request's own session (a second one would wait for the lock the
    request's transaction holds on SQLite)."""
    user = current_user.user if current_user.is_authenticated else None
    session = db()
    begin_writing(session)
    project_id, target = g.pop("audited_object", None) or _object(session)
    details = {name: request.args.getlist(name) for name in KEPT_ARGUMENTS if name in request.args}
    email = user.email if user else (request.form.get("email") or None)
    record(session, user, email, request.remote_addr or "", action, project_id, target, details)


def _object(session) -> tuple[int | None, str]:
    """The project the request's URL points at, and the object named in it."""
    args = request.view_args or {}
    for argument, (model, name) in OBJECT_ARGUMENTS.items():
        if argument in args:
            found = session.get(model, args[argument])
            project_id = project_of(session, found) if found is not None else None
            target = f"{name} {args[argument]}"
            if "user_id" in args:
                target += f", member {args['user_id']}"
            return project_id, target
    return None, ""
