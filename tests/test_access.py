"""Access by role: a walk over the app's whole URL map with every kind of person, and the rules
of members, invitations, tokens and disabled accounts."""

import pytest
from conftest import PASSWORD, Api, csrf_token, sign_in, upload
from pdfs import oia_release

from app.access import ADMIN, EDITOR, OWNER, PUBLIC, ROUTES, SIGNED_IN, VIEWER, route_need
from app.auth import service as auth_service
from app.models import ImportJob, Role, User

# Who the walk signs in as, from the least to the most trusted; "none" sends no credentials.
PERSONAS = ["none", "disabled", "outsider", "admin", "viewer", "editor", "owner"]
MEMBER_ROLES = {"viewer": Role.VIEWER, "editor": Role.EDITOR, "owner": Role.OWNER}
# What each role may do, written here apart from app.access.ROUTES so that a wrong entry there
# fails the walk: viewers read (GET), plus the writes below that change nothing of the project's;
# editors do everything else in a project but what only owners do.
OWNERS_ONLY = {
    "projects.api_update",
    "projects.api_delete",
    "projects.settings_page",
    "projects.settings_form",
    "projects.delete_form",
    "projects.api_add_member",
    "projects.api_update_member",
    "projects.api_invite",
    "projects.members_add_form",
    "projects.members_update_form",
    "projects.invite_form",
    "projects.api_invitations",
    "projects.api_revoke_invitation",
    "projects.revoke_invitation_form",
    # the walk points these at another member and at the owner's saved search; a member may
    # still leave, and delete their own saved searches (tested below)
    "projects.api_remove_member",
    "projects.members_remove_form",
    "search.api_delete_saved_search",
    "search.delete_saved_search_form",
    "search.api_update_saved_search",  # the owner is the walk's saved search's author, who alone may
    "audit.project_page",
    "audit.api_project",
}
VIEWERS_WRITE = {
    "search.terms_page",  # a list of names is searched, nothing is stored
    "search.api_term_list",
    "search.api_save_search",  # one's own saved search
    "search.save_search_form",
    "search.api_saved_search_seen",
}
EDITORS_READ = {"documents.edit"}  # the form to change a document's details
OBJECT_ARGUMENTS = {"project_id", "document_id", "annotation_id", "box_id", "rule_id", "saved_id"}
OBJECT_ARGUMENTS |= {"suggestion_id", "batch_id", "tag_id", "import_id", "invitation_id"}


def expected_need(endpoint: str, method: str, arguments: set[str]) -> str:
    """What a route should need, by what it does (not by the table)."""
    if endpoint.startswith("admin.") or endpoint in ("audit.everything_page", "audit.api_everything"):
        return ADMIN
    if not arguments & OBJECT_ARGUMENTS:
        return SIGNED_IN
    if endpoint in OWNERS_ONLY:
        return OWNER
    if (method == "GET" and endpoint not in EDITORS_READ) or endpoint in VIEWERS_WRITE:
        return VIEWER
    return EDITOR


def allowed_personas(need: str) -> list[str]:
    """Who the route must let through, by the table's need."""
    if need == SIGNED_IN:
        return ["outsider", "admin", "viewer", "editor", "owner"]
    if need == ADMIN:
        return ["admin"]
    return [name for name, role in MEMBER_ROLES.items() if role.rank >= Role(need).rank]


@pytest.fixture
def people(app):
    """A token for each persona (none: no token), and the users' ids."""
    tokens, ids = {"none": None}, {}
    with app.extensions["sessions"]() as session:
        for name in PERSONAS[1:]:
            user = auth_service.create_user(session, f"{name}@example.nz", PASSWORD, admin=name == "admin")
            tokens[name], ids[name] = auth_service.create_token_for(session, user.email), user.id
    return tokens, ids


def client_for(app, tokens, persona):
    client = app.test_client()
    return Api(client, tokens[persona]) if tokens[persona] else None


def build_world(app, tokens, ids) -> dict:
    """A project with the owner, an editor, a viewer and a (then disabled) editor as members, and
    one object of every kind a URL can point at."""
    owner = client_for(app, tokens, "owner")
    project = owner.post("/api/projects", json={"name": "Walk"}).get_json()
    for name in ("editor", "viewer", "disabled"):
        role = "editor" if name == "disabled" else name
        added = owner.post(f"/api/projects/{project['id']}/members", json={"email": f"{name}@example.nz", "role": role})
        assert added.status_code == 201, added.get_json()
    pdf, _ = oia_release()
    document = upload(owner, project["id"], ("release.pdf", pdf)).get_json()["documents"][0]
    tag = owner.post(f"/api/projects/{project['id']}/tags", json={"name": "Budget"}).get_json()
    body = {"page": 1, "start": 0, "end": 8, "tags": ["Budget"], "note": "shared note"}
    annotation = owner.post(f"/api/documents/{document['id']}/annotations", json=body).get_json()
    rule = owner.post(f"/api/projects/{project['id']}/rules", json={"tag": "Budget", "phrases": ["minister"]})
    saved = owner.post(f"/api/projects/{project['id']}/saved-searches", json={"name": "S", "query": "supply"})
    batch = owner.post(f"/api/projects/{project['id']}/search/tag", json={"q": "contract", "tag": "Budget"})
    boxes = owner.get(f"/api/documents/{document['id']}/redactions").get_json()["boxes"]
    suggestions = owner.get(f"/api/documents/{document['id']}/suggestions").get_json()["suggestions"]
    invitation = owner.post(
        f"/api/projects/{project['id']}/invitations", json={"email": "new@example.nz", "role": "viewer"}
    )
    invitation_id = owner.get(f"/api/projects/{project['id']}/invitations").get_json()["invitations"][0]["id"]
    assert invitation.status_code == 201
    with app.extensions["sessions"]() as session:
        job = ImportJob(project_id=project["id"], user_id=ids["owner"], total=0)
        session.add(job)
        auth_service.set_disabled(session, session.get(User, ids["disabled"]), True)
        session.commit()
        job_id = job.id
    return {
        "project_id": project["id"],
        "document_id": document["id"],
        "other_id": document["id"],  # compared with itself: refused (400) to those who may open it, 404 to others
        "number": 1,
        "annotation_id": annotation["id"],
        "tag_id": tag["id"],
        "rule_id": rule.get_json()["id"],
        "saved_id": saved.get_json()["id"],
        "batch_id": batch.get_json()["batch"],
        "box_id": boxes[0]["id"],
        "suggestion_id": suggestions[0]["id"],
        "import_id": job_id,
        "invitation_id": invitation_id,
        "user_id": ids["disabled"],  # a member the walk never signs in as
    }


def refused(response) -> bool:
    """Whether access was refused: not signed in, not allowed, not found (which a stranger is
    told for an object that exists), or a write with neither a token nor a CSRF token."""
    if response.status_code == 302:  # sent to sign in first (signing out also ends on /login)
        return response.headers["Location"].startswith("/login?next=")
    if response.status_code == 400:
        return "The form expired or was sent from elsewhere" in response.get_data(as_text=True)
    return response.status_code in (401, 403, 404)


def call(app, tokens, persona, method, path):
    json_body = {} if path.startswith("/api/") and method in ("POST", "PATCH") else None
    api = client_for(app, tokens, persona)
    if api is None:
        return app.test_client().open(path, method=method, json=json_body)
    return api.open(path, method=method, json=json_body)


def walked_routes(app):
    """(endpoint, method, rule) of every route but the public ones, reads first."""
    routes = [
        (rule.endpoint, method, rule)
        for rule in app.url_map.iter_rules()
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
        if route_need(rule.endpoint, method) != PUBLIC
    ]
    return sorted(routes, key=lambda route: (route[1] != "GET", route[2].rule))


def path_for(rule, world, persona_token_id=None) -> str:
    values = {**world, "token_id": persona_token_id}
    return rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)[1]


def test_every_route_has_an_entry_in_the_access_table(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - set(ROUTES) == set(), "a route with no entry in app.access.ROUTES"
    assert set(ROUTES) - endpoints == set(), "an entry in app.access.ROUTES for no route"
    for rule in app.url_map.iter_rules():
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert route_need(rule.endpoint, method) is not None, (rule.endpoint, method)


def test_a_route_missing_from_the_table_is_refused_to_everyone(app, people):
    tokens, _ = people

    @app.get("/api/forgotten")
    def forgotten():
        return {"secret": "everything"}

    for persona in PERSONAS:
        assert refused(call(app, tokens, persona, "GET", "/api/forgotten")), persona


def test_the_url_map_walk_lets_each_person_do_what_their_role_allows_and_no_more(app, people):
    tokens, ids = people
    reads = build_world(app, tokens, ids)
    checked = 0
    for endpoint, method, rule in walked_routes(app):
        world = reads if method == "GET" else build_world(app, tokens, ids)
        need = expected_need(endpoint, method, set(rule.arguments))
        allowed = allowed_personas(need)
        for persona in [p for p in PERSONAS if p not in allowed] + allowed[:1]:
            token_id = _token_of(app, ids.get(persona)) if "token_id" in rule.arguments else None
            path = path_for(rule, world, token_id)
            response = call(app, tokens, persona, method, path)
            expected = persona in allowed
            assert refused(response) != expected, (
                f"{method} {path} ({endpoint}, needs {need}) as {persona}: "
                f"{response.status_code} {response.get_data(as_text=True)[:200]}"
            )
            checked += 1
    assert checked > 400


def _token_of(app, user_id):
    """A fresh token of the user, for the routes that take a token id (one's own)."""
    if user_id is None:
        return 1
    with app.extensions["sessions"]() as session:
        token, _ = auth_service.create_token(session, session.get(User, user_id), "walk")
        return token.id


def test_a_viewer_reads_searches_and_exports_but_cannot_change_anything(app, people):
    tokens, ids = people
    world = build_world(app, tokens, ids)
    viewer = client_for(app, tokens, "viewer")
    project, document = world["project_id"], world["document_id"]
    assert viewer.get(f"/api/projects/{project}").status_code == 200
    assert viewer.get(f"/api/search?q=supply&project={project}").get_json()["total"] >= 1
    assert viewer.get(f"/api/projects/{project}/export?format=csv").status_code == 200
    body = {"page": 1, "start": 0, "end": 8, "tags": ["Budget"]}
    refusal = viewer.post(f"/api/documents/{document}/annotations", json=body)
    assert refusal.status_code == 403
    assert refusal.get_json()["error"] == "You are a viewer in this project; only editors and owners may do that."


def test_an_outsider_finds_nothing_of_the_project_in_search(app, people):
    tokens, ids = people
    build_world(app, tokens, ids)
    outsider = client_for(app, tokens, "outsider")
    assert outsider.get("/api/search?q=supply").get_json()["total"] == 0
    assert outsider.get("/api/projects").get_json()["projects"] == []


def test_members_are_added_changed_and_removed_and_a_project_keeps_an_owner(app, people):
    tokens, ids = people
    world = build_world(app, tokens, ids)
    owner, viewer = client_for(app, tokens, "owner"), client_for(app, tokens, "viewer")
    members = f"/api/projects/{world['project_id']}/members"
    listed = owner.get(members).get_json()["members"]
    assert [(m["email"], m["role"]) for m in listed][0] == ("owner@example.nz", "owner")
    assert {m["email"] for m in listed} == {f"{n}@example.nz" for n in ("owner", "editor", "viewer", "disabled")}
    unknown = owner.post(members, json={"email": "nobody@example.nz", "role": "viewer"})
    assert unknown.status_code == 404 and "send an invitation" in unknown.get_json()["error"]
    again = owner.post(members, json={"email": "viewer@example.nz", "role": "editor"})
    assert again.status_code == 409
    last = owner.patch(f"{members}/{ids['owner']}", json={"role": "editor"})
    assert last.status_code == 409 and "at least one owner" in last.get_json()["error"]
    assert owner.delete(f"{members}/{ids['owner']}").status_code == 409
    assert owner.patch(f"{members}/{ids['editor']}", json={"role": "owner"}).get_json()["role"] == "owner"
    assert owner.delete(f"{members}/{ids['owner']}").status_code == 204  # another owner is left
    assert viewer.delete(f"{members}/{ids['viewer']}").status_code == 204  # a member leaves
    assert viewer.get(f"/api/projects/{world['project_id']}").status_code == 404


def invited(app, tokens, email: str, role: str) -> tuple[int, str]:
    """A new project of the owner's and the path of an invitation to it."""
    owner = client_for(app, tokens, "owner")
    project = owner.post("/api/projects", json={"name": "Invited"}).get_json()["id"]
    made = owner.post(f"/api/projects/{project}/invitations", json={"email": email, "role": role})
    assert made.status_code == 201 and made.get_json()["expires_in_days"] == 7
    return project, "/" + made.get_json()["link"].split("://", 1)[1].split("/", 1)[1]


def test_an_invitation_link_makes_an_account_joins_the_project_and_works_once(app, people):
    tokens, _ = people
    project, path = invited(app, tokens, "New@Example.nz", "editor")
    browser = app.test_client()
    page = browser.get(path).get_data(as_text=True)
    assert "new@example.nz" in page and "an editor" in page
    answer = browser.post(path, data={"password": PASSWORD, "csrf_token": csrf_token(browser, path)})
    assert answer.status_code == 302 and answer.headers["Location"] == f"/projects/{project}"
    assert browser.get(f"/projects/{project}").status_code == 200
    used = app.test_client().get(path)
    assert used.status_code == 404 and "already used" in used.get_data(as_text=True)
    assert app.test_client().get("/invitations/made-up").status_code == 404


def test_an_owner_sees_the_invitations_not_yet_used_and_withdraws_one(app, people):
    """Listed: unused and unexpired ones only, never their links; withdrawn, the link stops working."""
    tokens, _ = people
    owner = client_for(app, tokens, "owner")
    project, path = invited(app, tokens, "first@example.nz", "editor")
    second = owner.post(f"/api/projects/{project}/invitations", json={"email": "second@example.nz", "role": "viewer"})
    listed = owner.get(f"/api/projects/{project}/invitations").get_json()["invitations"]
    assert [(i["email"], i["role"]) for i in listed] == [
        ("second@example.nz", "viewer"),
        ("first@example.nz", "editor"),
    ]
    assert "link" not in listed[0] and second.get_json()["link"].split("/")[-1] not in str(listed)
    page = owner.get(f"/projects/{project}/members")
    assert "second@example.nz" in page.get_data(as_text=True) and "Withdraw" in page.get_data(as_text=True)
    first = next(i for i in listed if i["email"] == "first@example.nz")
    assert owner.delete(f"/api/projects/{project}/invitations/{first['id']}").status_code == 204
    gone = app.test_client().get(path)
    assert gone.status_code == 404 and "not valid" in gone.get_data(as_text=True)
    assert [i["email"] for i in owner.get(f"/api/projects/{project}/invitations").get_json()["invitations"]] == [
        "second@example.nz"
    ]
    again = owner.delete(f"/api/projects/{project}/invitations/{first['id']}")
    assert again.status_code == 404 and "No unused invitation" in again.get_json()["error"]
    browser = app.test_client()
    sign_in(browser, "owner@example.nz")
    members = f"/projects/{project}/members"
    withdraw = f"/projects/{project}/invitations/{listed[0]['id']}/revoke"
    answer = browser.post(withdraw, data={"csrf_token": csrf_token(browser, members)}, follow_redirects=True)
    assert "The invitation for second@example.nz is withdrawn" in answer.get_data(as_text=True)
    assert owner.get(f"/api/projects/{project}/invitations").get_json()["invitations"] == []


def test_inviting_an_address_again_replaces_its_unused_link(app, people):
    """An owner who invites as editor, then again as viewer, has not left the editor's link open."""
    tokens, _ = people
    owner = client_for(app, tokens, "owner")
    project, editor_path = invited(app, tokens, "twice@example.nz", "editor")
    again = owner.post(f"/api/projects/{project}/invitations", json={"email": "Twice@Example.nz", "role": "viewer"})
    viewer_path = "/" + again.get_json()["link"].split("://", 1)[1].split("/", 1)[1]
    listed = owner.get(f"/api/projects/{project}/invitations").get_json()["invitations"]
    assert [(i["email"], i["role"]) for i in listed] == [("twice@example.nz", "viewer")]
    stale = app.test_client().get(editor_path)
    assert stale.status_code == 404 and "not valid" in stale.get_data(as_text=True)
    browser = app.test_client()
    browser.post(viewer_path, data={"password": PASSWORD, "csrf_token": csrf_token(browser, viewer_path)})
    member = owner.get(f"/api/projects/{project}/members").get_json()["members"]
    assert ("twice@example.nz", "viewer") in [(m["email"], m["role"]) for m in member]


def test_an_accepted_invitation_is_no_longer_listed_nor_withdrawn(app, people):
    tokens, _ = people
    owner = client_for(app, tokens, "owner")
    project, path = invited(app, tokens, "joiner@example.nz", "viewer")
    [invitation] = owner.get(f"/api/projects/{project}/invitations").get_json()["invitations"]
    browser = app.test_client()
    browser.post(path, data={"password": PASSWORD, "csrf_token": csrf_token(browser, path)})
    assert owner.get(f"/api/projects/{project}/invitations").get_json()["invitations"] == []
    assert owner.delete(f"/api/projects/{project}/invitations/{invitation['id']}").status_code == 404
    other, _ = invited(app, tokens, "else@example.nz", "viewer")  # another project's invitation, by number
    [elsewhere] = owner.get(f"/api/projects/{other}/invitations").get_json()["invitations"]
    assert owner.delete(f"/api/projects/{project}/invitations/{elsewhere['id']}").status_code == 404


def test_an_invitation_for_an_existing_account_needs_that_account_signed_in(app, people):
    tokens, _ = people
    project, path = invited(app, tokens, "outsider@example.nz", "viewer")
    stranger = client_for(app, tokens, "admin")
    assert stranger.post(path).status_code == 403  # signed in as someone else
    outsider = client_for(app, tokens, "outsider")
    assert outsider.post(path).status_code == 302
    assert outsider.get(f"/api/projects/{project}").status_code == 200


def test_sign_up_is_by_invitation_unless_the_instance_opens_it(make_app):
    closed = make_app()
    assert closed.test_client().get("/signup").status_code == 404
    opened = make_app(OPEN_SIGNUP=True).test_client()
    data = {"email": "walk-in@example.nz", "password": PASSWORD, "csrf_token": csrf_token(opened, "/signup")}
    assert opened.post("/signup", data=data).status_code == 302
    assert opened.get("/api/projects").get_json() == {"projects": []}


def test_tokens_are_listed_made_with_an_expiry_and_revoked(app, user, api):
    made = api.post("/api/tokens", json={"name": "newsroom script", "expires_at": "2099-01-01"})
    assert made.status_code == 201
    secret, token_id = made.get_json()["token"], made.get_json()["id"]
    script = Api(app.test_client(), secret)
    assert script.get("/api/projects").status_code == 200
    listed = api.get("/api/tokens").get_json()["tokens"]
    mine = next(t for t in listed if t["id"] == token_id)
    assert mine["name"] == "newsroom script" and mine["expires_at"].startswith("2099-01-01")
    assert mine["last_used_at"] is not None and "token" not in mine
    assert api.post("/api/tokens", json={"name": "past", "expires_at": "2001-01-01"}).status_code == 400
    assert api.delete(f"/api/tokens/{token_id}").status_code == 204
    assert script.get("/api/projects").status_code == 401


def test_an_expired_token_is_refused(app, user):
    from datetime import UTC, datetime, timedelta

    with app.extensions["sessions"]() as session:
        token, secret = auth_service.create_token(
            session, session.get(User, user.id), "soon", datetime.now(UTC) + timedelta(seconds=1)
        )
        token.expires_at = datetime.now(UTC) - timedelta(seconds=1)
        session.commit()
    assert Api(app.test_client(), secret).get("/api/projects").status_code == 401


def test_the_token_commands_list_and_revoke(app, runner, user):
    secret = runner.invoke(args=["tokens", "create", user.email, "--name", "cron"]).output.strip()
    listed = runner.invoke(args=["tokens", "list", user.email]).output
    token_id, name = listed.split("\t")[:2]
    assert name == "cron"
    assert Api(app.test_client(), secret).get("/api/projects").status_code == 200
    assert runner.invoke(args=["tokens", "revoke", token_id]).exit_code == 0
    assert Api(app.test_client(), secret).get("/api/projects").status_code == 401
    assert runner.invoke(args=["tokens", "revoke", token_id]).exit_code != 0


def test_disabling_an_account_stops_its_sessions_and_tokens_at_once(app, people):
    tokens, ids = people
    browser = app.test_client()
    data = {"email": "viewer@example.nz", "password": PASSWORD, "csrf_token": csrf_token(browser, "/login")}
    assert browser.post("/login", data=data).status_code == 302
    assert browser.get("/").status_code == 200
    admin = client_for(app, tokens, "admin")
    assert admin.patch(f"/api/users/{ids['viewer']}", json={"disabled": True}).get_json()["disabled"] is True
    assert browser.get("/").status_code == 302
    assert client_for(app, tokens, "viewer").get("/api/projects").status_code == 401
    again = app.test_client()
    data["csrf_token"] = csrf_token(again, "/login")
    assert again.post("/login", data=data).status_code == 401
    assert admin.patch(f"/api/users/{ids['admin']}", json={"disabled": True}).status_code == 409
    assert client_for(app, tokens, "owner").get("/api/users").status_code == 403


def test_changing_the_password_ends_the_other_sessions_but_not_this_one(app, user):
    here, elsewhere = app.test_client(), app.test_client()
    for browser in (here, elsewhere):
        data = {"email": user.email, "password": PASSWORD, "csrf_token": csrf_token(browser, "/login")}
        assert browser.post("/login", data=data).status_code == 302
    form = {
        "current_password": PASSWORD,
        "password": "a brand new passphrase",
        "csrf_token": csrf_token(here, "/account"),
    }
    assert here.post("/account/password", data=form).status_code == 302
    assert here.get("/account").status_code == 200
    assert elsewhere.get("/account").status_code == 302
    wrong = {
        "current_password": "not it at all",
        "password": "another passphrase",
        "csrf_token": csrf_token(here, "/account"),
    }
    assert here.post("/account/password", data=wrong).status_code == 400


def test_the_first_account_is_the_instance_administrator(app, client):
    data = {"email": "first@example.nz", "password": PASSWORD, "csrf_token": csrf_token(client, "/setup")}
    assert client.post("/setup", data=data).status_code == 302
    assert client.get("/api/users").get_json()["users"][0]["admin"] is True


def test_a_csrf_token_from_before_sign_in_does_not_survive_it(app, user):
    browser = app.test_client()
    before = csrf_token(browser, "/login")
    data = {"email": user.email, "password": PASSWORD, "csrf_token": before}
    assert browser.post("/login", data=data).status_code == 302
    assert browser.post("/projects", data={"name": "Planted", "csrf_token": before}).status_code == 400
    assert browser.post("/projects", data={"name": "Fresh", "csrf_token": csrf_token(browser, "/")}).status_code == 302


def test_an_invitation_expires_after_seven_days(app, people):
    from datetime import UTC, datetime, timedelta

    from app.models import Invitation

    tokens, _ = people
    _, path = invited(app, tokens, "late@example.nz", "viewer")
    with app.extensions["sessions"]() as session:
        invitation = session.query(Invitation).one()
        assert abs(invitation.expires_at.replace(tzinfo=UTC) - datetime.now(UTC) - timedelta(days=7)) < timedelta(
            minutes=1
        )
        invitation.expires_at = datetime.now(UTC) - timedelta(seconds=1)
        session.commit()
    late = app.test_client().get(path)
    assert late.status_code == 404 and "expired" in late.get_data(as_text=True)


def test_a_viewer_deletes_their_own_saved_search_but_not_the_owners(app, people):
    tokens, ids = people
    world = build_world(app, tokens, ids)
    viewer = client_for(app, tokens, "viewer")
    mine = viewer.post(
        f"/api/projects/{world['project_id']}/saved-searches", json={"name": "Mine", "query": "minister"}
    )
    assert viewer.delete(f"/api/saved-searches/{world['saved_id']}").status_code == 403
    assert viewer.delete(f"/api/saved-searches/{mine.get_json()['id']}").status_code == 204


def test_a_private_note_never_appears_to_another_member(app, people):
    tokens, ids = people
    world = build_world(app, tokens, ids)
    project, document = world["project_id"], world["document_id"]
    editor, owner = client_for(app, tokens, "editor"), client_for(app, tokens, "owner")
    owner.post(f"/api/projects/{project}/tags", json={"name": "Whistleblower"})
    body = {
        "page": 2,
        "start": 0,
        "end": 5,
        "tags": ["Whistleblower"],
        "note": "zanzibar met us",
        "visibility": "private",
    }
    made = editor.post(f"/api/documents/{document}/annotations", json=body)
    assert made.status_code == 201 and made.get_json()["visibility"] == "private"
    private = made.get_json()["id"]
    # Where the annotation shows, and what its author sees there.
    places = {
        f"/api/documents/{document}/annotations": "zanzibar",
        f"/api/documents/{document}/annotations?page=2": "zanzibar",
        f"/api/search?q=zanzibar+in:notes&project={project}": "zanzibar",
        f"/api/search?q=tag:Whistleblower&project={project}": '"total":1',
        f"/api/search?q=costs&project={project}": "Whistleblower",  # page 2's tags, and the tag facet
        f"/api/documents/{document}/search?q=zanzibar+in:notes": '"page":2',
        f"/projects/{project}/search?q=zanzibar+in:notes": "<mark>zanzibar</mark>",
    }
    places |= {f"/api/projects/{project}/export?format={f}": "zanzibar" for f in ("md", "csv", "jsonld")}
    for path, mark in places.items():
        assert mark in editor.get(path).get_data(as_text=True), path
        for other in ("owner", "viewer"):
            shown = client_for(app, tokens, other).get(path).get_data(as_text=True)
            assert mark not in shown and "met us" not in shown and "Whistleblower" not in shown, (other, path)
    for path in (f"/api/annotations/{private}", f"/api/annotations/{private}/clip.png"):
        assert owner.get(path).status_code == 404, path
    assert owner.patch(f"/api/annotations/{private}", json={"note": "seen"}).status_code == 404
    assert owner.delete(f"/api/annotations/{private}").status_code == 404
    shared = editor.patch(f"/api/annotations/{private}", json={"visibility": "project"})
    assert shared.get_json().get("visibility") == "project", shared.get_json()
    assert owner.get(f"/api/annotations/{private}").get_json()["note"] == "zanzibar met us"
    assert owner.patch(f"/api/annotations/{private}", json={"visibility": "private"}).status_code == 403


def test_a_private_saved_search_shows_to_its_author_alone(app, people):
    tokens, ids = people
    world = build_world(app, tokens, ids)
    editor, owner = client_for(app, tokens, "editor"), client_for(app, tokens, "owner")
    listing = f"/api/projects/{world['project_id']}/saved-searches"
    body = {"name": "Source names", "query": "minister", "visibility": "private"}
    mine = editor.post(listing, json=body).get_json()
    assert mine["visibility"] == "private"
    assert "Source names" in editor.get(listing).get_data(as_text=True)
    assert "Source names" not in owner.get(listing).get_data(as_text=True)
    assert "Source names" not in owner.get(f"/projects/{world['project_id']}").get_data(as_text=True)
    assert owner.get(f"/api/saved-searches/{mine['id']}/new").status_code == 404
    assert owner.patch(f"/api/saved-searches/{world['saved_id']}", json={"visibility": "private"}).status_code == 200
    assert editor.patch(f"/api/saved-searches/{world['saved_id']}", json={"visibility": "project"}).status_code == 404
    shared = editor.patch(f"/api/saved-searches/{mine['id']}", json={"visibility": "project"})
    assert shared.get_json().get("visibility") == "project", shared.get_json()
    assert "Source names" in owner.get(listing).get_data(as_text=True)


def test_the_audit_log_says_who_did_what_and_owners_see_their_projects(app, people):
    tokens, ids = people
    world = build_world(app, tokens, ids)
    project, document = world["project_id"], world["document_id"]
    owner, editor = client_for(app, tokens, "owner"), client_for(app, tokens, "editor")
    editor.get(f"/api/projects/{project}/export?format=csv&tag=Budget")
    editor.delete(f"/api/annotations/{world['annotation_id']}")
    attempt = app.test_client()
    attempt.environ_base["REMOTE_ADDR"] = "198.51.100.4"
    form = {"email": "owner@example.nz", "password": "wrong guess here", "csrf_token": csrf_token(attempt, "/login")}
    assert attempt.post("/login", data=form).status_code == 401
    events = owner.get(f"/api/projects/{project}/audit").get_json()["events"]
    said = [(e["email"], e["action"], e["target"]) for e in events]
    assert ("editor@example.nz", "deleted an annotation", f"annotation {world['annotation_id']}") in said
    assert ("editor@example.nz", "exported annotations", f"project {project}") in said
    assert ("owner@example.nz", "uploaded documents", f"project {project}") in said
    assert ("owner@example.nz", "added a member", f"project {project}") in said
    exported = next(e for e in events if e["action"] == "exported annotations")
    assert exported["details"] == {"format": ["csv"], "tag": ["Budget"]} and exported["address"] == "127.0.0.1"
    assert all(e["project_id"] == project for e in events)
    assert "failed to sign in" not in [e["action"] for e in events]  # not the project's
    assert client_for(app, tokens, "editor").get(f"/api/projects/{project}/audit").status_code == 403
    everything = client_for(app, tokens, "admin").get("/api/audit?action=failed+to+sign+in").get_json()["events"]
    assert [(e["email"], e["address"]) for e in everything] == [("owner@example.nz", "198.51.100.4")]
    assert "deleted an annotation" in owner.get(f"/projects/{project}/audit").get_data(as_text=True)
    assert document


def test_deleting_things_is_in_their_project_s_audit_log(app, people):
    """What is deleted is gone when the request is answered: its project is looked up before, or
    the entry would belong to no project and its owners would never see it."""
    tokens, ids = people
    world = build_world(app, tokens, ids)
    owner = client_for(app, tokens, "owner")
    deleted = {
        f"/api/tag-batches/{world['batch_id']}": ("undid a tagging of every hit", f"batch of tags {world['batch_id']}"),
        f"/api/rules/{world['rule_id']}": ("deleted a keyword rule", f"rule {world['rule_id']}"),
        f"/api/documents/{world['document_id']}": ("deleted a document", f"document {world['document_id']}"),
        f"/api/tags/{world['tag_id']}": ("deleted a tag", f"tag {world['tag_id']}"),
    }
    for url in deleted:
        assert owner.delete(url).status_code < 300, url
    events = owner.get(f"/api/projects/{world['project_id']}/audit").get_json()["events"]
    assert set(deleted.values()) <= {(e["action"], e["target"]) for e in events}


def test_the_database_refuses_to_change_or_delete_an_audit_entry(app, user, api):
    from sqlalchemy import text
    from sqlalchemy.exc import DatabaseError

    api.post("/api/projects", json={"name": "Audited"})
    for statement in ("UPDATE audit_events SET action = 'nothing'", "DELETE FROM audit_events"):
        with app.extensions["sessions"]() as session, pytest.raises(DatabaseError, match="append-only"):
            session.execute(text(statement))
            session.commit()
    with app.extensions["sessions"]() as session:
        assert session.scalar(text("SELECT action FROM audit_events")) == "created a project"
