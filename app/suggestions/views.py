"""Keyword rules and the review queue of suggestions: API and pages."""

from flask import Blueprint, flash, redirect, render_template, request, url_for

from app.auth import signed_in_user
from app.documents.service import get_document
from app.errors import AppError, BadInput
from app.projects.service import get_project
from app.suggestions import service
from app.suggestions.presenters import rule_json, suggestion_json
from app.suggestions.schemas import NewRule, RuleChanges
from app.tags.service import list_tags
from app.validation import accepts, request_body, validated
from app.web import db

bp = Blueprint("suggestions", __name__)


@bp.get("/api/projects/<int:project_id>/rules")
def api_rules(project_id: int):
    """GET /api/projects/<id>/rules."""
    project = get_project(db(), signed_in_user(), project_id)
    return {"rules": [rule_json(r) for r in service.list_rules(db(), project)]}


@bp.post("/api/projects/<int:project_id>/rules")
@accepts(NewRule)
def api_create_rule(project_id: int):
    """POST /api/projects/<id>/rules {"tag", "phrases": [...] | "regex", "scope"} -> 201; rules run again."""
    project = get_project(db(), signed_in_user(), project_id)
    rule = service.create_rule(db(), project, request_body())
    return rule_json(rule), 201


@bp.patch("/api/rules/<int:rule_id>")
@accepts(RuleChanges)
def api_update_rule(rule_id: int):
    """PATCH /api/rules/<id> with any of "tag", "phrases", "regex", "scope"; the rules run again."""
    rule = service.update_rule(db(), service.get_rule(db(), signed_in_user(), rule_id), request_body())
    return rule_json(rule)


@bp.delete("/api/rules/<int:rule_id>")
def api_delete_rule(rule_id: int):
    """DELETE /api/rules/<id> -> 204."""
    service.delete_rule(db(), service.get_rule(db(), signed_in_user(), rule_id))
    return "", 204


@bp.get("/api/documents/<int:document_id>/suggestions")
def api_document_suggestions(document_id: int):
    """GET /api/documents/<id>/suggestions (?status=pending|accepted|rejected|all)."""
    document = get_document(db(), signed_in_user(), document_id)
    return _listing([document.id])


@bp.get("/api/projects/<int:project_id>/suggestions")
def api_project_suggestions(project_id: int):
    """GET /api/projects/<id>/suggestions: the project's review queue."""
    project = get_project(db(), signed_in_user(), project_id)
    return _listing([d.id for d in project.documents])


@bp.post("/api/suggestions/<int:suggestion_id>/accept")
def api_accept(suggestion_id: int):
    """POST /api/suggestions/<id>/accept: the suggestion becomes an annotation."""
    user = signed_in_user()
    return suggestion_json(service.accept(db(), user, service.get_suggestion(db(), user, suggestion_id)))


@bp.post("/api/suggestions/<int:suggestion_id>/reject")
def api_reject(suggestion_id: int):
    """POST /api/suggestions/<id>/reject: it will not be proposed again."""
    return suggestion_json(service.reject(db(), service.get_suggestion(db(), signed_in_user(), suggestion_id)))


@bp.post("/api/documents/<int:document_id>/suggestions/accept-all")
def api_document_accept_all(document_id: int):
    """POST /api/documents/<id>/suggestions/accept-all."""
    return _decide_all(_document_ids(document_id=document_id), "accept")


@bp.post("/api/documents/<int:document_id>/suggestions/reject-all")
def api_document_reject_all(document_id: int):
    """POST /api/documents/<id>/suggestions/reject-all."""
    return _decide_all(_document_ids(document_id=document_id), "reject")


@bp.post("/api/projects/<int:project_id>/suggestions/accept-all")
def api_project_accept_all(project_id: int):
    """POST /api/projects/<id>/suggestions/accept-all."""
    return _decide_all(_document_ids(project_id=project_id), "accept")


@bp.post("/api/projects/<int:project_id>/suggestions/reject-all")
def api_project_reject_all(project_id: int):
    """POST /api/projects/<id>/suggestions/reject-all."""
    return _decide_all(_document_ids(project_id=project_id), "reject")


@bp.get("/documents/<int:document_id>/suggestions")
def document_queue(document_id: int):
    """The review queue of one document."""
    document = get_document(db(), signed_in_user(), document_id)
    return _queue_page([document.id], project=document.project, document=document)


@bp.get("/projects/<int:project_id>/suggestions")
def project_queue(project_id: int):
    """The review queue of a whole project."""
    project = get_project(db(), signed_in_user(), project_id)
    titles = {d.id: d.title for d in project.documents}
    return _queue_page(list(titles), project=project, titles=titles)


@bp.get("/projects/<int:project_id>/rules")
def rules_page(project_id: int):
    """The project's keyword rules, with a form to add one."""
    project = get_project(db(), signed_in_user(), project_id)
    rules = service.list_rules(db(), project)
    return render_template("suggestions/rules.html", project=project, rules=rules, tags=list_tags(db(), project))


@bp.post("/projects/<int:project_id>/rules")
def rules_create(project_id: int):
    """Add a rule from the form."""
    project = get_project(db(), signed_in_user(), project_id)
    text = request.form.get("pattern", "")
    fields = {"tag": request.form.get("tag", ""), "scope": request.form.get("scope", "phrase")}
    fields |= {"regex": text} if request.form.get("is_regex") else {"phrases": text}
    try:
        service.create_rule(db(), project, validated(NewRule, fields))
        flash("Rule added; its suggestions are in the review queue.", "info")
    except AppError as error:
        db().rollback()
        flash(str(error), "error")
    return redirect(url_for("suggestions.rules_page", project_id=project.id))


@bp.post("/rules/<int:rule_id>/delete")
def rules_delete(rule_id: int):
    """Delete a rule from the form."""
    rule = service.get_rule(db(), signed_in_user(), rule_id)
    project_id = rule.project_id
    service.delete_rule(db(), rule)
    flash("Rule deleted.", "info")
    return redirect(url_for("suggestions.rules_page", project_id=project_id))


def _queue_page(document_ids: list[int], **context):
    pending = service.list_suggestions(db(), document_ids)
    crops = service.crops(db(), pending)
    items = [suggestion_json(s) for s in pending]
    return render_template("suggestions/queue.html", pending=items, crops=crops, **context)


def _listing(document_ids: list[int]) -> dict:
    status = request.args.get("status", "pending")
    if status not in ("pending", "accepted", "rejected", "all"):
        raise BadInput("status is pending, accepted, rejected or all.")
    found = service.list_suggestions(db(), document_ids, None if status == "all" else status)
    return {"suggestions": [suggestion_json(s) for s in found]}


def _document_ids(document_id: int | None = None, project_id: int | None = None) -> list[int]:
    """The documents a request speaks of, once the user's access is checked."""
    if document_id is not None:
        return [get_document(db(), signed_in_user(), document_id).id]
    return [d.id for d in get_project(db(), signed_in_user(), project_id).documents]


def _decide_all(document_ids: list[int], decision: str) -> dict:
    return {"decided": service.decide_all(db(), signed_in_user(), document_ids, decision)}
