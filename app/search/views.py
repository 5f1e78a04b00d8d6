"""Search: the JSON API and the pages (search, saved searches, tag all hits, lists of names)."""

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from app.auth import signed_in_user
from app.documents.service import get_document
from app.errors import AppError, BadInput
from app.projects.service import get_project, list_projects
from app.search import saved as saved_searches
from app.search import service, tagging, terms
from app.search.presenters import batch_json, results_json, saved_json, terms_json
from app.search.query import FILTER_KEYS
from app.search.schemas import NewSavedSearch, SavedSearchChanges, TagAllHits, TermList
from app.tags.service import list_tags
from app.validation import accepts, request_body, validated, whole_number_argument
from app.web import db, only_reads

bp = Blueprint("search", __name__)


@bp.get("/api/search")
def api_search():
    """GET /api/search?q=...&project=ID&page=N: ranked pages, total and facets; without project,
    every project the user may open."""
    user = signed_in_user()
    project_id = whole_number_argument("project")
    if project_id is not None:
        get_project(db(), user, project_id)
    found = service.search(db(), user, request.args.get("q", ""), project_id, whole_number_argument("page") or 1)
    return results_json(found)


@bp.get("/api/documents/<int:document_id>/search")
def api_document_search(document_id: int):
    """GET /api/documents/<id>/search?q=...: each matching page and the rectangles of its hits."""
    user = signed_in_user()
    document = get_document(db(), user, document_id)
    return {"hits": service.document_hits(db(), user, document, request.args.get("q", ""))}


@bp.get("/api/projects/<int:project_id>/saved-searches")
def api_saved_searches(project_id: int):
    """GET /api/projects/<id>/saved-searches: each with its pages matching now and those new since seen."""
    user = signed_in_user()
    listed = saved_searches.list_saved_searches(db(), get_project(db(), user, project_id), user)
    return {"saved_searches": [saved_json(row) for row in listed]}


@bp.post("/api/projects/<int:project_id>/saved-searches")
@accepts(NewSavedSearch)
def api_save_search(project_id: int):
    """POST /api/projects/<id>/saved-searches {"name", "query"} -> 201 saved search."""
    user = signed_in_user()
    project = get_project(db(), user, project_id)
    saved = saved_searches.save_search(db(), user, project, request_body())
    return saved_json(saved_searches.counted(db(), user, saved)), 201


@bp.delete("/api/saved-searches/<int:saved_id>")
def api_delete_saved_search(saved_id: int):
    """DELETE /api/saved-searches/<id> -> 204."""
    user = signed_in_user()
    saved_searches.delete_saved_search(db(), user, saved_searches.get_saved_search(db(), user, saved_id))
    return "", 204


@bp.patch("/api/saved-searches/<int:saved_id>")
@accepts(SavedSearchChanges)
def api_update_saved_search(saved_id: int):
    """PATCH /api/saved-searches/<id> {"visibility": "private" | "project"}: its author only."""
    user = signed_in_user()
    saved = saved_searches.get_saved_search(db(), user, saved_id, own=True)
    changed = saved_searches.set_visibility(db(), saved, request_body().visibility)
    return saved_json(saved_searches.counted(db(), user, changed))


@bp.get("/api/saved-searches/<int:saved_id>/new")
def api_saved_search_new(saved_id: int):
    """GET /api/saved-searches/<id>/new?page=N: the pages matching it that are new since it was seen."""
    user = signed_in_user()
    saved = saved_searches.get_saved_search(db(), user, saved_id)
    page = whole_number_argument("page") or 1
    return results_json(service.search(db(), user, saved.query, saved.project_id, page, saved.seen_page_id))


@bp.post("/api/saved-searches/<int:saved_id>/seen")
def api_saved_search_seen(saved_id: int):
    """POST /api/saved-searches/<id>/seen: what matches now counts as seen -> the saved search."""
    user = signed_in_user()
    saved = saved_searches.get_saved_search(db(), user, saved_id)
    return saved_json(saved_searches.counted(db(), user, saved_searches.mark_seen(db(), saved)))


@bp.post("/api/projects/<int:project_id>/search/tag")
@accepts(TagAllHits)
def api_tag_all_hits(project_id: int):
    """POST /api/projects/<id>/search/tag {"q", "tag", "as": "suggestions" | "annotations"}
    -> 201 {"created", "batch"}."""
    user = signed_in_user()
    project = get_project(db(), user, project_id)
    return batch_json(tagging.tag_all_hits(db(), user, project, request_body())), 201


@bp.delete("/api/tag-batches/<int:batch_id>")
def api_undo_tag_batch(batch_id: int):
    """DELETE /api/tag-batches/<id>: undo tagging all hits -> {"removed": n}."""
    user = signed_in_user()
    return {"removed": tagging.undo_batch(db(), user, tagging.get_batch(db(), user, batch_id))}


@bp.post("/api/projects/<int:project_id>/term-lists")
@accepts(TermList)
@only_reads
def api_term_list(project_id: int):
    """POST /api/projects/<id>/term-lists {"terms": [...]} or a multipart `file` (a line a term,
    or a CSV column) -> {"terms": [{"term", "query", "pages", "documents", "link"}]}; ?format=csv."""
    project = get_project(db(), signed_in_user(), project_id)
    upload = request.files.get("file")
    given = terms.terms_from_file(upload.read()) if upload else request_body().terms
    counted = terms.count_terms(db(), signed_in_user(), project, given)
    if request.args.get("format") == "csv":
        return _terms_csv(counted, project.id)
    return terms_json(counted, project.id)


@bp.get("/projects/<int:project_id>/search")
def search_page(project_id: int):
    """The search page of a project; scope=all searches every project the user may open;
    saved=ID opens a saved search, showing what is new since it was last seen."""
    user = signed_in_user()
    project = get_project(db(), user, project_id)
    saved = _opened_saved_search(project.id)
    everywhere = request.args.get("scope") == "all"
    text = saved.query if saved else request.args.get("q", "")
    scope = None if everywhere else project.id
    found = service.search(db(), user, text, scope, whole_number_argument("page") or 1)
    new = service.search(db(), user, text, project.id, 1, saved.seen_page_id) if saved else None
    batch_id = whole_number_argument("batch")
    batch = tagging.get_batch(db(), user, batch_id) if batch_id else None
    if saved:
        saved_searches.mark_seen(db(), saved)
    elif text.strip():
        saved_searches.remember_search(db(), user, scope, text)
    return render_template(
        "search/search.html",
        project=project,
        text=text,
        everywhere=everywhere,
        found=found,
        new=new,
        opened=saved,
        batch=batch if batch and batch.project_id == project.id else None,
        saved_searches=saved_searches.list_saved_searches(db(), project, user),
        recent=saved_searches.recent_searches(db(), user, project.id),
        tags=list_tags(db(), project),
        filter_keys=FILTER_KEYS,
        project_names={p.id: p.name for p in list_projects(db(), user)} if everywhere else {},
    )


@bp.post("/projects/<int:project_id>/saved-searches")
def save_search_form(project_id: int):
    """Save the search on the page under a name."""
    user = signed_in_user()
    project = get_project(db(), user, project_id)
    fields = {"name": request.form.get("name", ""), "query": request.form.get("query", "")}
    try:
        saved = saved_searches.save_search(db(), user, project, validated(NewSavedSearch, fields))
        flash(f"Saved the search “{saved.name}”. The project page shows when new pages match it.", "info")
    except AppError as error:
        db().rollback()
        flash(str(error), "error")
    return redirect(url_for("search.search_page", project_id=project.id, q=fields["query"]))


@bp.post("/saved-searches/<int:saved_id>/delete")
def delete_saved_search_form(saved_id: int):
    """Forget a saved search."""
    user = signed_in_user()
    saved = saved_searches.get_saved_search(db(), user, saved_id)
    project_id, name = saved.project_id, saved.name
    saved_searches.delete_saved_search(db(), user, saved)
    flash(f"Deleted the saved search “{name}”.", "info")
    return redirect(url_for("search.search_page", project_id=project_id))


@bp.post("/projects/<int:project_id>/search/tag")
def tag_all_hits_form(project_id: int):
    """Tag every hit of the search on the page, then offer to undo it."""
    user = signed_in_user()
    project = get_project(db(), user, project_id)
    text = request.form.get("q", "")
    body = {"q": text, "tag": request.form.get("tag", ""), "as": request.form.get("as", "suggestions")}
    try:
        batch = tagging.tag_all_hits(db(), user, project, validated(TagAllHits, body))
    except AppError as error:
        db().rollback()
        flash(str(error), "error")
        return redirect(url_for("search.search_page", project_id=project.id, q=text))
    return redirect(url_for("search.search_page", project_id=project.id, q=text, batch=batch.id))


@bp.post("/tag-batches/<int:batch_id>/undo")
def undo_tag_batch_form(batch_id: int):
    """Undo tagging all hits."""
    user = signed_in_user()
    batch = tagging.get_batch(db(), user, batch_id)
    try:
        removed = tagging.undo_batch(db(), user, batch)
        flash(f"Undone: removed the {removed} annotations or suggestions that tagging all hits made.", "info")
    except AppError as error:
        flash(str(error), "error")
    return redirect(url_for("search.search_page", project_id=batch.project_id, q=batch.query))


@bp.route("/projects/<int:project_id>/terms", methods=["GET", "POST"])
@only_reads
def terms_page(project_id: int):
    """Lists of names: paste or upload terms, see where each appears, download the table."""
    project = get_project(db(), signed_in_user(), project_id)
    pasted, counted, error = request.form.get("terms", ""), None, None
    if request.method == "POST":
        upload = request.files.get("file")
        try:
            given = terms.terms_from_file(upload.read()) if upload and upload.filename else pasted.splitlines()
            counted = terms.count_terms(db(), signed_in_user(), project, given)
        except AppError as problem:
            error = str(problem)
        if counted and request.form.get("format") == "csv":
            return _terms_csv(counted, project.id)
    return render_template("search/terms.html", project=project, pasted=pasted, counted=counted, error=error)


def _terms_csv(counted: list[dict], project_id: int) -> Response:
    name = f"term-list-project-{project_id}.csv"
    return Response(
        "\ufeff" + terms.terms_csv(counted),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _opened_saved_search(project_id: int):
    """The saved search asked for by ?saved=ID, if it belongs to this project."""
    saved_id = whole_number_argument("saved")
    if saved_id is None:
        return None
    saved = saved_searches.get_saved_search(db(), signed_in_user(), saved_id)
    if saved.project_id != project_id:
        raise BadInput("That saved search belongs to another project.")
    return saved
