"""The sign-in and session checklist: throttles per account and per address, sessions that end,
cookie flags, HTTPS behind a proxy, CSRF only skipped for a valid token alone, and the headers of
every kind of response (HTML, JSON, files, errors, and the errors waitress writes itself)."""

import re
import socket

import pytest
from conftest import PASSWORD, create_user, csrf_token, sign_in, upload
from live import live_server
from pdfs import text_pdf

from app.web import SECURITY_HEADERS

WRONG = "not the password at all"


def attempt(app, email: str, password: str, address: str):
    """A sign-in from a browser at this address."""
    browser = app.test_client()
    browser.environ_base["REMOTE_ADDR"] = address
    data = {"email": email, "password": password, "csrf_token": csrf_token(browser, "/login")}
    return browser.post("/login", data=data)


def test_an_account_is_locked_at_one_address_after_ten_failures_but_not_elsewhere(app, user):
    for _ in range(10):
        assert attempt(app, user.email, WRONG, "10.0.0.1").status_code == 401
    locked = attempt(app, user.email, PASSWORD, "10.0.0.1")
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts; wait 15 minutes" in locked.get_data(as_text=True)
    assert attempt(app, user.email, PASSWORD, "10.0.0.2").status_code == 302


def test_an_address_is_locked_after_thirty_failures_on_any_accounts_and_others_still_sign_in(app, user):
    for n in range(30):
        assert attempt(app, f"guess{n}@example.nz", WRONG, "10.0.0.9").status_code == 401
    assert attempt(app, user.email, PASSWORD, "10.0.0.9").status_code == 429
    assert attempt(app, user.email, PASSWORD, "10.0.0.10").status_code == 302


def test_an_account_guessed_from_many_addresses_is_locked_everywhere(app, user):
    for n in range(50):
        attempt(app, user.email, WRONG, f"10.1.{n // 200}.{n % 200}")
    assert attempt(app, user.email, PASSWORD, "10.2.0.1").status_code == 429
    other = create_user(app, "colleague@example.nz")
    assert attempt(app, other.email, PASSWORD, "10.2.0.1").status_code == 302


def test_a_wrong_email_and_a_wrong_password_get_the_same_answer(app, user):
    unknown = attempt(app, "nobody@example.nz", WRONG, "10.3.0.1")
    wrong = attempt(app, user.email, WRONG, "10.3.0.2")
    assert unknown.status_code == wrong.status_code == 401

    def page(response, email):
        return re.sub(r'(content|value)="[^"]+"', "", response.get_data(as_text=True)).replace(email, "EMAIL")

    assert page(unknown, "nobody@example.nz") == page(wrong, user.email)


def test_session_cookie_flags_and_no_secure_flag_over_plain_http(app, client, user):
    response = sign_in(client)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert "Strict-Transport-Security" not in response.headers


def test_behind_a_trusted_proxy_over_https_the_cookie_is_secure_and_hsts_is_sent(make_app, user):
    app = make_app(TRUSTED_PROXIES=1)
    browser = app.test_client()
    # (over HTTPS, Flask-WTF also wants a same-site Referer, as a browser sends it)
    https = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7", "Referer": "https://localhost/login"}
    token = csrf_token(browser, "/login")
    response = browser.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}, headers=https
    )
    assert response.status_code == 302
    assert "Secure" in response.headers["Set-Cookie"]
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_an_untrusted_forwarded_header_changes_nothing(app, user):
    browser = app.test_client()
    token = csrf_token(browser, "/login")
    https = {"X-Forwarded-Proto": "https"}
    response = browser.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}, headers=https
    )
    assert "Secure" not in response.headers["Set-Cookie"] and "Strict-Transport-Security" not in response.headers


@pytest.mark.parametrize("method", ["post", "patch", "delete"])
def test_a_write_with_a_session_cookie_needs_the_csrf_token_even_with_a_bearer_token(app, client, user, api, method):
    project = api.post("/api/projects", json={"name": "Mixed"}).get_json()
    sign_in(client)
    headers = dict(api.headers)
    path = {"post": "/api/projects", "patch": f"/api/projects/{project['id']}", "delete": "/api/tokens/999"}[method]
    answer = getattr(client, method)(path, json={"name": "Forged"}, headers=headers)
    assert answer.status_code == 400 and "The form expired" in answer.get_json()["error"]


def test_a_bearer_token_that_is_not_valid_is_refused_not_taken_for_a_form(app, client, user):
    answer = client.post("/api/projects", json={"name": "x"}, headers={"Authorization": "Bearer made-up"})
    assert answer.status_code == 401 and "not valid" in answer.get_json()["error"]


def test_a_copied_session_stops_working_after_a_password_change(app, user):
    thief, owner = app.test_client(), app.test_client()
    sign_in(owner)
    thief.set_cookie("session", owner.get_cookie("session").value)
    assert thief.get("/account").status_code == 200
    form = {
        "current_password": PASSWORD,
        "password": "another long passphrase",
        "csrf_token": csrf_token(owner, "/account"),
    }
    assert owner.post("/account/password", data=form).status_code == 302
    assert thief.get("/account").status_code == 302


def _assert_headers(response, stored: bool):
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (response.status_code, name)
    assert (response.headers.get("Cache-Control") == "no-store") != stored, response.status_code


def test_security_headers_on_html_json_files_and_errors(app, client, api, project):
    document = upload(api, project["id"], ("a.pdf", text_pdf([[(72, 100, "Words")]]))).get_json()["documents"][0]
    sign_in(client, "reporter@example.nz")
    _assert_headers(client.get("/"), stored=False)
    _assert_headers(api.get("/api/projects"), stored=False)
    _assert_headers(api.get("/api/projects/999999"), stored=False)  # a JSON error
    _assert_headers(client.get("/no/such/page"), stored=False)  # an HTML error
    image = client.get(f"/documents/{document['id']}/pages/1.png")
    assert image.status_code == 200
    _assert_headers(image, stored=True)
    _assert_headers(client.get("/static/css/app.css"), stored=True)


def test_errors_waitress_writes_itself_carry_the_security_headers(tmp_path):
    with live_server(tmp_path, "headers@example.nz", PASSWORD) as running:
        host, port = running["base"].removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as connection:
            connection.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: twelve\r\n\r\n")
            answer = connection.recv(65536).decode("latin-1")
    head = answer.split("\r\n\r\n", 1)[0]
    assert head.startswith("HTTP/1.1 400")
    for name, value in SECURITY_HEADERS.items():
        assert f"{name}: {value}" in head, name
    assert "Cache-Control: no-store" in head


def test_a_script_signed_in_by_its_token_gets_no_session_cookie(api, project):
    answer = api.get(f"/projects/{project['id']}")  # a page whose form fields make a CSRF token
    assert answer.status_code == 200 and "Set-Cookie" not in answer.headers


HOSTILE_VALUES = ["' OR 1=1 --", '"; DROP TABLE pages; --', 'NEAR("a" "b", -1) AND *', "%_\\", "\x00", "9" * 40, "-1"]
QUERY_PARAMETERS = ["q", "page", "tag", "author", "document", "format", "action", "email", "before", "project"]
QUERY_PARAMETERS += ["size", "saved", "scope", "status"]


def test_sql_and_search_syntax_in_every_query_parameter_of_every_read_answer_without_a_500(app, api, project, sessions):
    from sqlalchemy import func, select

    from app.models import Page

    lines = [(72, 100, "Cabinet paper: supply chain resilience.")]
    document = upload(api, project["id"], ("a.pdf", text_pdf([lines]))).get_json()["documents"][0]
    note = {"page": 1, "start": 0, "end": 7, "tags": ["Risk"]}
    annotation = api.post(f"/api/documents/{document['id']}/annotations", json=note).get_json()
    ids = {"project_id": project["id"], "document_id": document["id"], "number": 1, "annotation_id": annotation["id"]}
    tried = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or not set(rule.arguments) <= set(ids):
            continue
        path = rule.build({name: ids[name] for name in rule.arguments}, append_unknown=False)[1]
        for parameter in QUERY_PARAMETERS:
            for value in HOSTILE_VALUES:
                answer = api.get(path, query_string={parameter: value})
                assert answer.status_code < 500, (path, parameter, value, answer.get_data(as_text=True)[:200])
                tried += 1
    assert tried > 2000
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Page)) == 1


# Values each field of a good body is given in turn (and each field is left out once): wrong
# types, numbers no column holds, rectangles that are no rectangle, text at and past its limit.
HOSTILE_FIELD_VALUES = [None, "", "x" * 5000, -1, 0, 2**31, 2**63, -(2**63), 1e308, [], {}, [None], "\x00", "😀"]
HOSTILE_FIELD_VALUES += [True, "2024-02-30", [1, 2], [-1, 10**9], [2**63, 2**63], [0, 0, 1e308, 1e308], [5, 5, 1, 1]]
HOSTILE_FIELD_VALUES += [[-1e9, -1e9, 1e9, 1e9], [0, 0, 0, 0], ["Risk"] * 500, ["x" * 3000], "9(2)(a)" * 100, "private"]


def _one_field_wrong(body: dict):
    for name in body:
        for value in HOSTILE_FIELD_VALUES:
            yield {**body, name: value}
        yield {key: value for key, value in body.items() if key != name}


def test_every_field_of_every_body_takes_hostile_values_without_a_500(api, project):
    lines = [(72, 100, "Cabinet paper: supply chain resilience.")]
    d = upload(api, project["id"], ("a.pdf", text_pdf([lines]))).get_json()["documents"][0]["id"]
    p = project["id"]
    a = api.post(f"/api/documents/{d}/annotations", json={"page": 1, "start": 0, "end": 7, "tags": ["Risk"]})
    good_bodies = [
        ("POST", f"/api/documents/{d}/annotations", {"page": 1, "start": 0, "end": 7, "tags": ["Risk"], "note": "n"}),
        ("POST", f"/api/documents/{d}/annotations", {"page": 1, "words": [0, 2], "tags": ["Risk"]}),
        (
            "POST",
            f"/api/documents/{d}/annotations",
            {"page": 1, "rect": [10, 10, 50, 50], "tags": ["Redaction"], "ground": "6(a)"},
        ),
        ("PATCH", f"/api/annotations/{a.get_json()['id']}", {"note": "x", "tags": ["Risk"], "visibility": "private"}),
        ("PATCH", f"/api/documents/{d}", {"title": "t", "agency": "MFAT", "date_released": "2024-01-01"}),
        ("PATCH", f"/api/documents/{d}/release", {"reference": "r", "request_date": "2023-12-01", "extension_days": 5}),
        ("POST", f"/api/projects/{p}/tags", {"name": "New", "colour": "#aabbcc"}),
        (
            "POST",
            f"/api/projects/{p}/rules",
            {"tag": "Risk", "scope": "phrase", "phrases": ["supply"], "regex": "su+"},
        ),
        ("POST", f"/api/projects/{p}/saved-searches", {"name": "s", "query": "supply"}),
        ("POST", f"/api/projects/{p}/term-lists", {"terms": ["supply", "chain"]}),
        ("POST", f"/api/projects/{p}/search/tag", {"q": "supply", "tag": "Risk", "as": "suggestions"}),
        ("POST", f"/api/projects/{p}/invitations", {"email": "y@example.nz", "role": "viewer"}),
        ("POST", "/api/tokens", {"name": "t", "expires_at": "2027-01-01"}),
        ("PATCH", f"/api/projects/{p}", {"name": "P2"}),
    ]
    tried = 0
    for method, path, good in good_bodies:
        first = api.open(path, method=method, json=good)
        assert first.status_code < 300, (method, path, first.get_data(as_text=True))
        for body in _one_field_wrong(good):
            answer = api.open(path, method=method, json=body)
            assert answer.status_code < 500, (method, path, body, answer.get_data(as_text=True)[:200])
            if answer.status_code >= 400:
                error = answer.get_json()["error"]
                assert error.endswith(".") and "Traceback" not in error, error  # a sentence
            elif method == "POST" and path.endswith("/annotations"):  # made: its clip and exports still work
                made = answer.get_json()["id"]
                assert api.get(f"/api/annotations/{made}/clip.png").status_code < 500, body
                for kind in ("csv", "pdf"):
                    assert api.get(f"/api/projects/{p}/export", query_string={"format": kind}).status_code < 500
                api.delete(f"/api/annotations/{made}")
            tried += 1
    assert tried > 1000


def test_a_number_no_column_holds_is_refused_with_a_sentence(api, project):
    lines = [(72, 100, "Cabinet paper: supply chain resilience.")]
    d = upload(api, project["id"], ("a.pdf", text_pdf([lines]))).get_json()["documents"][0]["id"]
    answer = api.post(f"/api/documents/{d}/annotations", json={"page": 2**63, "start": 0, "end": 7, "tags": ["Risk"]})
    assert answer.status_code == 400
    assert answer.get_json()["fields"] == {"page": "can hold no number larger than 2,147,483,647"}
    answer = api.post(f"/api/documents/{d}/annotations", json={"page": 1, "words": [0, 2**40], "tags": ["Risk"]})
    assert answer.status_code == 400 and "2,147,483,647" in answer.get_json()["error"]


def test_a_file_name_cannot_reach_outside_the_upload_folder(api, project, settings, tmp_path):
    from pathlib import Path

    name = "../../../../" + str(tmp_path / "escaped.pdf")
    answer = upload(api, project["id"], (name, text_pdf([[(72, 100, "Words")]])))
    assert answer.status_code == 202
    assert not (tmp_path / "escaped.pdf").exists()
    stored = [p for p in Path(settings["UPLOAD_FOLDER"]).rglob("*.pdf")]
    assert len(stored) == 1 and stored[0].parent.name == "originals" and len(stored[0].stem) == 64
    assert "/" not in answer.get_json()["documents"][0]["filename"]
    assert api.get("/static/../app/config.py").status_code == 404


def test_a_nul_character_anywhere_is_refused_with_a_sentence(api, project):
    for answer in (
        api.get(f"/api/projects/{project['id']}/audit?action=a%00b"),
        api.post("/api/projects", json={"name": "a\x00b"}),
        api.post(f"/api/projects/{project['id']}/tags", json={"name": "x", "colour": "#aa\x00000"}),
    ):
        assert answer.status_code == 400 and "NUL character" in answer.get_json()["error"]
