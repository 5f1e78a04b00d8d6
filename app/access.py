"""Who may do what: the one place that decides access to a project and everything in it.

Every route has an entry in ROUTES saying what it needs: nobody (public), a signed-in user, an
instance admin, or a role in the project its URL points at (through the project, or through a
document, annotation, tag... that belongs to one). `authorize_request` enforces the table before
any view runs; services check again with `get_openable` and `require_role` where an id arrives
in a body. A user who is not a member is told the object does not exist (404), the same as for
a missing one; a member whose role is too low is told so (403).
"""

from typing import TypeVar

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.db import Base
from app.errors import AppError, NotFound
from app.models import (
    Annotation,
    Document,
    ImportJob,
    Membership,
    Project,
    RedactionBox,
    Role,
    SavedSearch,
    Suggestion,
    Tag,
    TagBatch,
    TagRule,
    User,
)

Found = TypeVar("Found", bound=Base)

PUBLIC, SIGNED_IN, ADMIN = "public", "signed in", "admin"
VIEWER, EDITOR, OWNER = Role.VIEWER, Role.EDITOR, Role.OWNER


class Forbidden(AppError):
    """A member asked for something their role does not allow."""

    status = 403


# What each route needs, by endpoint; a dict where methods differ. A route missing here is
# refused (and a test fails), so a new route cannot be open by accident.
ROUTES: dict[str, str | dict[str, str]] = {
    "static": PUBLIC,
    "auth.setup": PUBLIC,
    "auth.login": PUBLIC,
    "auth.logout": SIGNED_IN,
    "auth.invitation": PUBLIC,
    "auth.account": SIGNED_IN,
    "auth.change_password": SIGNED_IN,
    "auth.create_token_form": SIGNED_IN,
    "auth.revoke_token_form": SIGNED_IN,
    "auth.api_tokens": SIGNED_IN,
    "auth.api_create_token": SIGNED_IN,
    "auth.api_revoke_token": SIGNED_IN,
    "admin.users_page": ADMIN,
    "admin.user_update_form": ADMIN,
    "admin.api_users": ADMIN,
    "admin.api_update_user": ADMIN,
    "auth.signup": PUBLIC,  # refused unless the instance opens sign-up
    "openapi.openapi": SIGNED_IN,
    "audit.project_page": OWNER,
    "audit.api_project": OWNER,
    "audit.everything_page": ADMIN,
    "audit.api_everything": ADMIN,
    "projects.index": SIGNED_IN,
    "projects.create": SIGNED_IN,
    "projects.api_list": SIGNED_IN,
    "projects.api_create": SIGNED_IN,
    "projects.show": VIEWER,
    "projects.api_show": VIEWER,
    "projects.api_update": OWNER,
    "projects.api_delete": OWNER,
    "projects.settings_page": OWNER,
    "projects.settings_form": OWNER,
    "projects.delete_form": OWNER,
    "projects.members_page": VIEWER,
    "projects.members_add_form": OWNER,
    "projects.members_update_form": OWNER,
    "projects.members_remove_form": VIEWER,  # an owner removes anyone; a member may leave
    "projects.invite_form": OWNER,
    "projects.api_members": VIEWER,
    "projects.api_add_member": OWNER,
    "projects.api_update_member": OWNER,
    "projects.api_remove_member": VIEWER,  # as members_remove_form
    "projects.api_invite": OWNER,
    "projects.api_invitations": OWNER,
    "projects.api_revoke_invitation": OWNER,
    "projects.revoke_invitation_form": OWNER,
    "documents.api_list": VIEWER,
    "documents.api_upload": EDITOR,
    "documents.api_show": VIEWER,
    "documents.api_update": EDITOR,
    "documents.api_delete": EDITOR,
    "documents.api_page": VIEWER,
    "documents.show": VIEWER,
    "documents.edit": {"GET": EDITOR, "POST": EDITOR},
    "documents.delete": EDITOR,
    "documents.api_read_again": EDITOR,
    "documents.read_again": EDITOR,
    "documents.page_image": VIEWER,
    "annotations.api_list": VIEWER,
    "annotations.api_create": EDITOR,
    "annotations.api_show": VIEWER,
    "annotations.api_update": EDITOR,
    "annotations.api_delete": EDITOR,
    "exports.api_clip": VIEWER,
    "exports.api_export": VIEWER,
    "exports.export_page": VIEWER,
    "exports.api_import": EDITOR,
    "exports.api_import_status": VIEWER,
    "redactions.api_document": VIEWER,
    "redactions.api_project": VIEWER,
    "redactions.api_hidden_text": VIEWER,
    "redactions.document_page": VIEWER,
    "redactions.project_page": VIEWER,
    "releases.api_release": VIEWER,
    "releases.api_correct": EDITOR,
    "releases.correct_form": EDITOR,
    "releases.api_project_grounds": VIEWER,
    "releases.api_compare": VIEWER,
    "releases.compare_page": VIEWER,
    "releases.project_grounds_page": VIEWER,
    "search.api_search": SIGNED_IN,  # the projects searched are checked by the service
    "search.api_document_search": VIEWER,
    "search.search_page": VIEWER,
    "search.terms_page": {"GET": VIEWER, "POST": VIEWER},  # a list of names is a search: a read
    "search.api_term_list": VIEWER,
    "search.api_saved_searches": VIEWER,
    "search.api_save_search": VIEWER,  # a viewer keeps their own searches
    "search.save_search_form": VIEWER,
    "search.api_delete_saved_search": VIEWER,  # its author, or an owner (checked by the service)
    "search.delete_saved_search_form": VIEWER,
    "search.api_saved_search_new": VIEWER,
    "search.api_update_saved_search": VIEWER,  # its author (checked by the service)
    "search.api_saved_search_seen": VIEWER,
    "search.api_tag_all_hits": EDITOR,
    "search.tag_all_hits_form": EDITOR,
    "search.api_undo_tag_batch": EDITOR,
    "search.undo_tag_batch_form": EDITOR,
    "suggestions.api_document_suggestions": VIEWER,
    "suggestions.api_project_suggestions": VIEWER,
    "suggestions.api_document_accept_all": EDITOR,
    "suggestions.api_document_reject_all": EDITOR,
    "suggestions.api_project_accept_all": EDITOR,
    "suggestions.api_project_reject_all": EDITOR,
    "suggestions.api_accept": EDITOR,
    "suggestions.api_reject": EDITOR,
    "suggestions.document_queue": VIEWER,
    "suggestions.project_queue": VIEWER,
    "suggestions.api_rules": VIEWER,
    "suggestions.api_create_rule": EDITOR,
    "suggestions.api_update_rule": EDITOR,
    "suggestions.api_delete_rule": EDITOR,
    "suggestions.rules_page": VIEWER,
    "suggestions.rules_create": EDITOR,
    "suggestions.rules_delete": EDITOR,
    "tags.api_tags": VIEWER,
    "tags.api_create_tag": EDITOR,
    "tags.api_update_tag": EDITOR,
    "tags.api_delete_tag": EDITOR,
    "tags.tags_page": VIEWER,
    "tags.tags_create": EDITOR,
    "tags.tags_update": EDITOR,
}

# The URL arguments that point at an object, and the object's model.
OBJECT_ARGUMENTS: dict[str, tuple[type[Base], str]] = {
    "project_id": (Project, "project"),
    "document_id": (Document, "document"),
    "annotation_id": (Annotation, "annotation"),
    "box_id": (RedactionBox, "redaction box"),
    "rule_id": (TagRule, "rule"),
    "saved_id": (SavedSearch, "saved search"),
    "suggestion_id": (Suggestion, "suggestion"),
    "batch_id": (TagBatch, "batch of tags"),
    "tag_id": (Tag, "tag"),
    "import_id": (ImportJob, "import"),
}


def route_need(endpoint: str | None, method: str) -> str | None:
    """What the route needs for this method, or None when the table has no entry for it."""
    need = ROUTES.get(endpoint or "")
    if isinstance(need, dict):
        return need.get("GET" if method == "HEAD" else method)
    return need


def authorize_request(session: Session, user: User | None, endpoint: str | None, method: str, args: dict) -> None:
    """Refuse the request unless ROUTES allows it to this user (None: nobody signed in, which the
    caller has already turned away from every route that is not public)."""
    need = route_need(endpoint, method)
    if need is None:
        raise NotFound("That page or object does not exist, or you do not have access to it.")
    if need == PUBLIC or user is None:
        return
    if need == ADMIN and not user.is_admin:
        raise Forbidden("Only an administrator of this instance may do that.")
    if need in (VIEWER, EDITOR, OWNER):
        project_id = _project_in(session, user, args)
        require_role(session, user, project_id, Role(need))


def _project_in(session: Session, user: User, args: dict) -> int | None:
    """The project the URL's first object argument belongs to, after checking the user may see
    that object."""
    for argument, (model, name) in OBJECT_ARGUMENTS.items():
        if argument in args:
            return project_of(session, get_openable(session, user, model, args[argument], name))
    return None


def role_in(session: Session, user: User, project_id: int | None) -> Role | None:
    """The user's role in the project, or None when they are not a member (or are disabled).
    Looked up by primary key: asked again in the same transaction (the route table, then the
    service), the session answers from what it holds."""
    if project_id is None or user.disabled_at is not None:
        return None
    membership = keep(session, session.get(Membership, (project_id, user.id)))
    return membership.role if membership is not None else None


def require_role(session: Session, user: User, project_id: int | None, need: Role) -> Role:
    """The user's role in the project if it is at least `need`: NotFound for a non-member,
    Forbidden for a member with a lower role."""
    role = role_in(session, user, project_id)
    if role is None:
        raise NotFound("That project does not exist, or you do not have access to it.")
    if role.rank < need.rank:
        raise Forbidden(f"You are a {role} in this project; only {_who_may(need)} may do that.")
    return role


def _who_may(need: Role) -> str:
    return {VIEWER: "members", EDITOR: "editors and owners", OWNER: "its owners"}[need]


def may_open_project(session: Session, user: User, project_id: int | None) -> bool:
    """Whether the user may open the project (any role)."""
    return role_in(session, user, project_id) is not None


def openable_project_ids(session: Session, user: User) -> list[int]:
    """The ids of every project the user may open."""
    if user.disabled_at is not None:
        return []
    return list(session.scalars(select(Membership.project_id).where(Membership.user_id == user.id)))


def may_open_document(session: Session, user: User, document_id: int | None) -> bool:
    """Whether the user may open the project that holds the document."""
    document = session.get(Document, document_id) if document_id is not None else None
    return document is not None and may_open_project(session, user, document.project_id)


def get_openable(session: Session, user: User, model: type[Found], object_id: int, name: str) -> Found:
    """The object with this id if the user may open the project (or document) it belongs to, and
    it is not someone else's private one; otherwise NotFound, saying the same whether it is
    missing or not theirs."""
    found = keep(session, session.get(model, object_id))
    if found is None or not may_open_project(session, user, project_of(session, found)) or not visible_to(found, user):
        raise NotFound(f"That {name} does not exist, or you do not have access to it.")
    return found


def keep(session: Session, found: Found | None) -> Found | None:
    """The object, held for as long as the session lives. The session's identity map holds what it
    loaded weakly: without this, the object the route table checked is gone by the time the view
    asks for it, and it (and the membership) would be loaded again."""
    if found is not None:
        session.info.setdefault("checked", []).append(found)
    return found


def project_of(session: Session, found: Base) -> int | None:
    """The id of the project an object belongs to (directly, or through its document)."""
    if isinstance(found, Project):
        return found.id
    if hasattr(found, "project_id"):
        return found.project_id
    document = keep(session, session.get(Document, found.document_id))
    return document.project_id if document is not None else None


def visible_to(found: Base, user: User) -> bool:
    """Whether the user may see this object: someone else's private one is hidden."""
    if not getattr(found, "private", False):
        return True
    return getattr(found, "author_id", getattr(found, "user_id", None)) == user.id


def visible_annotations(user: User):
    """A condition on Annotation: not deleted, and shared with the project or the user's own."""
    return annotations_visible_to(user.id)


def annotations_visible_to(user_id):
    """visible_annotations for the user whose id is user_id (a number, or a parameter bound later)."""
    return Annotation.deleted_at.is_(None) & or_(Annotation.private.is_(False), Annotation.author_id == user_id)


def visible_saved_searches(user: User):
    """A condition on SavedSearch: shared with the project or the user's own."""
    return or_(SavedSearch.private.is_(False), SavedSearch.user_id == user.id)
