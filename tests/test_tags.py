"""Managing a project's tag set: API, page, and the migration that seeds existing projects."""

import pytest
import sqlalchemy as sa
from conftest import csrf_token, sign_in


def tags_of(api, project):
    return api.get(f"/api/projects/{project['id']}/tags").get_json()["tags"]


def test_add_rename_recolour_rekey_nest_reorder_and_delete(api, project):
    url = f"/api/projects/{project['id']}/tags"
    created = api.post(url, json={"name": "Cost overrun", "colour": "#AA0000", "hotkey": "c"})
    assert created.status_code == 201
    tag = created.get_json()
    assert (tag["full_name"], tag["colour"], tag["hotkey"], tag["parent"]) == ("Cost overrun", "#aa0000", "c", None)
    assert tags_of(api, project)[-1]["name"] == "Cost overrun"

    changed = api.patch(f"/api/tags/{tag['id']}", json={"name": "Costs", "colour": "#00aa00", "parent": "Risk"})
    assert changed.status_code == 200
    assert changed.get_json()["full_name"] == "Risk: Costs"
    names = [t["full_name"] for t in tags_of(api, project)]
    assert names.index("Risk: Costs") == names.index("Risk") + 1  # children follow their parent

    api.patch(f"/api/tags/{tag['id']}", json={"parent": None, "position": -1})
    assert tags_of(api, project)[0]["name"] == "Costs"  # reordered to the front

    assert api.delete(f"/api/tags/{tag['id']}").status_code == 204
    assert "Costs" not in [t["name"] for t in tags_of(api, project)]


@pytest.mark.parametrize(
    ("fields", "sentence"),
    [
        ({"name": "Risk"}, "already has a tag named “Risk”"),
        ({"name": "a: b"}, "no colon"),
        ({"name": ""}, "1 to 100 characters"),
        ({"name": "X", "colour": "red"}, "#rrggbb"),
        ({"name": "X", "hotkey": "2"}, "already belongs to the tag “Risk”"),
        ({"name": "X", "hotkey": "b"}, "used by the viewer"),
        ({"name": "X", "hotkey": "xy"}, "one digit from 1 to 9"),
        ({"name": "X", "hotkey": "²"}, "one digit from 1 to 9"),  # str.isdigit passes it
        ({"name": "X", "parent": "Supply chains"}, "no top-level tag named"),
        ({"name": "X", "size": 3}, "size is not a field here. Fields here: name, colour,"),
        ({"colour": "#000000"}, "name is required"),
    ],
)
def test_bad_tags_are_refused(api, project, fields, sentence):
    response = api.post(f"/api/projects/{project['id']}/tags", json=fields)
    assert response.status_code == 400
    assert sentence in response.get_json()["error"]
    assert len(tags_of(api, project)) == 9


def test_a_parent_cannot_be_nested(api, project):
    workstream = next(t for t in tags_of(api, project) if t["name"] == "Workstream")
    response = api.patch(f"/api/tags/{workstream['id']}", json={"parent": "Risk"})
    assert response.status_code == 400
    assert "nest one level only" in response.get_json()["error"]


def test_deleting_a_tag_leaves_annotations_their_other_tags(api, project):
    from conftest import upload
    from pdfs import text_pdf

    document = upload(api, project["id"], ("a.pdf", text_pdf([[(72, 72, "Some released words")]]))).get_json()
    document_id = document["documents"][0]["id"]
    body = {"page": 1, "start": 0, "end": 4, "tags": ["Risk", "Key quote"]}
    created = api.post(f"/api/documents/{document_id}/annotations", json=body).get_json()
    risk = next(t for t in tags_of(api, project) if t["name"] == "Risk")
    api.delete(f"/api/tags/{risk['id']}")
    assert api.get(f"/api/annotations/{created['id']}").get_json()["tags"] == ["Key quote"]


def test_tag_page_edits_the_tag_set(api, client, project):
    sign_in(client)
    page = client.get(f"/projects/{project['id']}/tags").get_data(as_text=True)
    assert "Policy and optimisation" in page
    token = csrf_token(client, f"/projects/{project['id']}/tags")
    form = {"name": "Ministerial", "colour": "#123456", "hotkey": "m", "parent": "", "csrf_token": token}
    assert client.post(f"/projects/{project['id']}/tags", data=form).status_code == 302
    tag = next(t for t in tags_of(api, project) if t["name"] == "Ministerial")
    assert (tag["colour"], tag["hotkey"]) == ("#123456", "m")
    move = {
        "name": "Ministerial",
        "colour": "#123456",
        "hotkey": "m",
        "parent": "",
        "action": "up",
        "csrf_token": token,
    }
    client.post(f"/tags/{tag['id']}", data=move)
    names = [t["name"] for t in tags_of(api, project)]
    assert names.index("Ministerial") == names.index("Follow up") - 1
    bad = client.post(f"/tags/{tag['id']}", data={**form, "colour": "blue", "action": "save"}, follow_redirects=True)
    assert "#rrggbb" in bad.get_data(as_text=True)
    client.post(f"/tags/{tag['id']}", data={"action": "delete", "csrf_token": token})
    assert "Ministerial" not in [t["name"] for t in tags_of(api, project)]
    assert client.post(f"/tags/{tag['id']}", data={"action": "delete"}).status_code == 400  # no CSRF token


def test_migration_gives_existing_projects_the_tag_set(tmp_path):
    from app import migrate

    url = f"sqlite:///{tmp_path / 'old.db'}"
    migrate.upgrade(url, "0001")
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO users (id, email, password_hash, session_version, created_at) "
                "VALUES (1, 'a@b.nz', 'x', 1, '2026-01-01')"
            )
        )
        connection.execute(
            sa.text("INSERT INTO projects (id, name, owner_id, created_at) VALUES (7, 'Old', 1, '2026-01-01')")
        )
    migrate.upgrade(url)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT t.name, p.name FROM tags t LEFT JOIN tags p ON t.parent_id = p.id WHERE t.project_id = 7 "
                "ORDER BY t.position"
            )
        ).all()
    assert rows[0] == ("Redaction", None)
    assert ("Supply chains", "Workstream") in rows
    assert len(rows) == 9


def test_the_tag_json_says_which_tags_take_a_ground(api, project):
    tags = {
        t["full_name"]: t["takes_ground"] for t in api.get(f"/api/projects/{project['id']}/tags").get_json()["tags"]
    }
    assert tags["Redaction"] is True and tags["Risk"] is False
    child = api.post(f"/api/projects/{project['id']}/tags", json={"name": "Privacy", "parent": "Redaction"})
    assert child.get_json()["takes_ground"] is True
