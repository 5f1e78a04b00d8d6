"""Project pages and API."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from app import storage
from app.access import OWNER, role_in
from app.auth import signed_in_user
from app.core.grounds import JURISDICTIONS
from app.documents.presenters import document_json
from app.errors import AppError
from app.models import Role
from app.projects import members, service
from app.projects.presenters import invitation_json, member_json, project_json
from app.projects.schemas import MemberChange, NewMember, NewProject, ProjectChanges, ProjectDeletion
from app.search.saved import list_saved_searches
from app.validation import accepts, request_body, validated
from app.web import db

bp = Blueprint("projects", __name__)


@bp.get("/")
def index():
    """List the user's projects, with a form to create one."""
    return render_template("projects/index.html", projects=service.list_projects(db(), signed_in_user()))


@bp.post("/projects")
def create():
    """Create a project from the form."""
    try:
        new = validated(NewProject, {"name": request.form.get("name", "")})
        project = service.create_project(db(), signed_in_user(), new)
    except AppError as error:
        projects = service.list_projects(db(), signed_in_user())
        return render_template("projects/index.html", projects=projects, error=str(error)), error.status
    return redirect(url_for("projects.show", project_id=project.id))


@bp.get("/projects/<int:project_id>")
def show(project_id: int):
    """A project's documents with their processing status, and the upload area."""
    user = signed_in_user()
    project = service.get_project(db(), user, project_id)
    documents = [document_json(d) for d in project.documents]
    saved = list_saved_searches(db(), project, user)
    role = role_in(db(), user, project.id)
    return render_template("projects/show.html", project=project, documents=documents, saved_searches=saved, role=role)


@bp.get("/api/projects")
def api_list():
    """GET /api/projects."""
    return {"projects": [project_json(p) for p in service.list_projects(db(), signed_in_user())]}


@bp.post("/api/projects")
@accepts(NewProject)
def api_create():
    """POST /api/projects {"name": ...}."""
    return project_json(service.create_project(db(), signed_in_user(), request_body())), 201


@bp.patch("/api/projects/<int:project_id>")
@accepts(ProjectChanges)
def api_update(project_id: int):
    """PATCH /api/projects/<id> {"name", "jurisdiction"}."""
    project = service.get_project(db(), signed_in_user(), project_id)
    return project_json(service.update_project(db(), project, request_body()))


@bp.get("/api/projects/<int:project_id>")
def api_show(project_id: int):
    """GET /api/projects/<id>: the project and its documents."""
    project = service.get_project(db(), signed_in_user(), project_id)
    return {**project_json(project), "documents": [document_json(d) for d in project.documents]}


@bp.get("/projects/<int:project_id>/members")
def members_page(project_id: int):
    """Who is in the project with which role; owners add, change, remove and invite here."""
    return _members_page(project_id)


def _members_page(project_id: int, status: int = 200, link: str | None = None, invited: str | None = None):
    user = signed_in_user()
    project = service.get_project(db(), user, project_id)
    people = members.list_members(db(), project)
    role = role_in(db(), user, project.id)
    page = render_template(
        "projects/members.html",
        project=project,
        members=people,
        invitations=members.pending_invitations(db(), project) if role == OWNER else [],
        role=role,
        roles=list(Role),
        link=link,
        invited=invited,
    )
    return page, status


@bp.post("/projects/<int:project_id>/members")
def members_add_form(project_id: int):
    """Add an existing account to the project from the form."""
    return _member_form(project_id, _add_from_form)


@bp.post("/projects/<int:project_id>/members/<int:user_id>")
def members_update_form(project_id: int, user_id: int):
    """Change a member's role from the form."""
    return _member_form(project_id, lambda project: _change_from_form(project, user_id))


@bp.post("/projects/<int:project_id>/members/<int:user_id>/remove")
def members_remove_form(project_id: int, user_id: int):
    """Remove a member (an owner), or leave the project (oneself)."""
    user = signed_in_user()
    project = service.get_project(db(), user, project_id)
    try:
        members.remove_member(db(), project, user, user_id)
    except AppError as error:
        flash(str(error), "error")
        return _members_page(project_id, error.status)
    if user_id == user.id:
        flash(f"You have left “{project.name}”.", "info")
        return redirect(url_for("projects.index"))
    flash("Removed from the project.", "info")
    return redirect(url_for("projects.members_page", project_id=project_id))


@bp.post("/projects/<int:project_id>/invitations")
def invite_form(project_id: int):
    """Make an invitation link from the form and show it once."""
    user = signed_in_user()
    project = service.get_project(db(), user, project_id)
    try:
        new = validated(NewMember, {"email": request.form.get("email", ""), "role": request.form.get("role", "")})
        secret = members.invite(db(), project, user, new.email, Role(new.role))
    except AppError as error:
        flash(str(error), "error")
        return _members_page(project_id, error.status)
    return _members_page(
        project_id, link=_invitation_link(secret), invited=f"{new.email} as {Role(new.role).with_article}"
    )


@bp.post("/projects/<int:project_id>/invitations/<int:invitation_id>/revoke")
def revoke_invitation_form(project_id: int, invitation_id: int):
    """Withdraw an unused invitation from the form: its link stops working."""
    project = service.get_project(db(), signed_in_user(), project_id, OWNER)
    try:
        invitation = members.revoke_invitation(db(), project, invitation_id)
    except AppError as error:
        flash(str(error), "error")
        return _members_page(project_id, error.status)
    flash(f"The invitation for {invitation.email} is withdrawn: its link no longer works.", "info")
    return redirect(url_for("projects.members_page", project_id=project_id))


def _add_from_form(project):
    new = validated(NewMember, {"email": request.form.get("email", ""), "role": request.form.get("role", "")})
    return members.add_member(db(), project, new.email, Role(new.role))


def _change_from_form(project, user_id: int):
    role = validated(MemberChange, {"role": request.form.get("role", "")}).role
    return members.change_role(db(), project, user_id, Role(role))


def _member_form(project_id: int, change):
    project = service.get_project(db(), signed_in_user(), project_id, OWNER)
    try:
        membership = change(project)
    except AppError as error:
        flash(str(error), "error")
        return _members_page(project_id, error.status)
    flash(f"{membership.user.email} is now {membership.role.with_article}.", "info")
    return redirect(url_for("projects.members_page", project_id=project_id))


def _invitation_link(secret: str) -> str:
    return url_for("auth.invitation", secret=secret, _external=True)


@bp.get("/api/projects/<int:project_id>/members")
def api_members(project_id: int):
    """GET /api/projects/<id>/members."""
    project = service.get_project(db(), signed_in_user(), project_id)
    return {"members": [member_json(m) for m in members.list_members(db(), project)]}


@bp.post("/api/projects/<int:project_id>/members")
@accepts(NewMember)
def api_add_member(project_id: int):
    """POST /api/projects/<id>/members {"email", "role"}: an existing account joins."""
    project = service.get_project(db(), signed_in_user(), project_id, OWNER)
    new = request_body()
    return member_json(members.add_member(db(), project, new.email, Role(new.role))), 201


@bp.patch("/api/projects/<int:project_id>/members/<int:user_id>")
@accepts(MemberChange)
def api_update_member(project_id: int, user_id: int):
    """PATCH /api/projects/<id>/members/<user_id> {"role"}."""
    project = service.get_project(db(), signed_in_user(), project_id, OWNER)
    return member_json(members.change_role(db(), project, user_id, Role(request_body().role)))


@bp.delete("/api/projects/<int:project_id>/members/<int:user_id>")
def api_remove_member(project_id: int, user_id: int):
    """DELETE /api/projects/<id>/members/<user_id>: an owner removes a member, or a member leaves."""
    user = signed_in_user()
    members.remove_member(db(), service.get_project(db(), user, project_id), user, user_id)
    return "", 204


@bp.post("/api/projects/<int:project_id>/invitations")
@accepts(NewMember)
def api_invite(project_id: int):
    """POST /api/projects/<id>/invitations {"email", "role"} -> {"link"}: one use, seven days."""
    user = signed_in_user()
    project = service.get_project(db(), user, project_id, OWNER)
    new = request_body()
    secret = members.invite(db(), project, user, new.email, Role(new.role))
    return {"link": _invitation_link(secret), "expires_in_days": members.INVITATION_DAYS}, 201


@bp.get("/api/projects/<int:project_id>/invitations")
def api_invitations(project_id: int):
    """GET /api/projects/<id>/invitations -> {"invitations": [...]}: those unused and unexpired."""
    project = service.get_project(db(), signed_in_user(), project_id, OWNER)
    return {"invitations": [invitation_json(i) for i in members.pending_invitations(db(), project)]}


@bp.delete("/api/projects/<int:project_id>/invitations/<int:invitation_id>")
def api_revoke_invitation(project_id: int, invitation_id: int):
    """DELETE /api/projects/<id>/invitations/<invitation_id>: the link stops working."""
    project = service.get_project(db(), signed_in_user(), project_id, OWNER)
    members.revoke_invitation(db(), project, invitation_id)
    return "", 204


@bp.get("/projects/<int:project_id>/settings")
def settings_page(project_id: int):
    """Rename the project, choose its jurisdiction, or delete it (owners)."""
    return _settings_page(service.get_project(db(), signed_in_user(), project_id, OWNER))


def _settings_page(project, status: int = 200):
    return render_template("projects/settings.html", project=project, jurisdictions=JURISDICTIONS), status


@bp.post("/projects/<int:project_id>/settings")
def settings_form(project_id: int):
    """Save the name and jurisdiction from the form."""
    project = service.get_project(db(), signed_in_user(), project_id, OWNER)
    fields = {"name": request.form.get("name", ""), "jurisdiction": request.form.get("jurisdiction", "")}
    try:
        service.update_project(db(), project, validated(ProjectChanges, fields))
    except AppError as error:
        db().rollback()
        flash(str(error), "error")
        return _settings_page(project, error.status)
    flash("Saved the project's settings.", "info")
    return redirect(url_for("projects.settings_page", project_id=project_id))


@bp.post("/projects/<int:project_id>/delete")
def delete_form(project_id: int):
    """Delete the project once its name is typed."""
    project = service.get_project(db(), signed_in_user(), project_id, OWNER)
    name = project.name
    try:
        service.delete_project(db(), project, request.form.get("confirm"), storage.files(current_app.config))
    except AppError as error:
        flash(str(error), "error")
        return _settings_page(project, error.status)
    flash(f"Deleted the project “{name}” and everything in it.", "info")
    return redirect(url_for("projects.index"))


@bp.delete("/api/projects/<int:project_id>")
@accepts(ProjectDeletion)
def api_delete(project_id: int):
    """DELETE /api/projects/<id> {"confirm": "<its name>"} -> 204."""
    project = service.get_project(db(), signed_in_user(), project_id, OWNER)
    service.delete_project(db(), project, request_body().confirm, storage.files(current_app.config))
    return "", 204
