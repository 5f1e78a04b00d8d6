"""Sign-in for pages and API, the first account, sign-out, CSRF and the CLI."""

import statistics
import threading
import time

from conftest import PASSWORD, create_user, csrf_token, sign_in
from sqlalchemy import func, select

from app.auth import service as auth_service
from app.models import User


def test_first_visit_offers_the_first_account(client):
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/setup")
    assert "Create the first account" in client.get("/setup").get_data(as_text=True)


def test_first_account_is_created_and_signed_in(client):
    token = csrf_token(client, "/setup")
    response = client.post("/setup", data={"email": "Editor@Example.nz", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert "editor@example.nz" in client.get("/").get_data(as_text=True)
    # Once an account exists, /setup sends people to sign in instead.
    other = client.application.test_client()
    assert other.get("/setup").headers["Location"] == "/login"


def test_setup_refuses_a_short_password(client):
    token = csrf_token(client, "/setup")
    response = client.post("/setup", data={"email": "a@b.nz", "password": "short", "csrf_token": token})
    assert response.status_code == 400
    assert "at least 10 characters" in response.get_data(as_text=True)


def test_pages_need_sign_in(app, client, user):
    response = client.get("/projects/1")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/projects/1"


def test_api_needs_a_token_or_session(app, client, user):
    response = client.get("/api/projects")
    assert response.status_code == 401
    assert response.get_json() == {"error": "Sign in, or send the header Authorization: Bearer TOKEN."}
    bad = client.get("/api/projects", headers={"Authorization": "Bearer not-a-token"})
    assert bad.status_code == 401


def test_wrong_password(client, user):
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"email": user.email, "password": "wrong password", "csrf_token": token})
    assert response.status_code == 401
    assert "do not match an account" in response.get_data(as_text=True)


def test_sign_in_is_throttled_after_ten_failures(client, user):
    token = csrf_token(client, "/login")
    for _ in range(10):
        client.post("/login", data={"email": user.email, "password": "nope nope nope", "csrf_token": token})
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.get_data(as_text=True)


def test_sign_in_only_returns_to_local_pages(app, user):
    for target in ("https://evil.example/", "//evil.example/"):
        client = app.test_client()
        data = {"email": user.email, "password": PASSWORD, "csrf_token": csrf_token(client, "/login")}
        assert client.post(f"/login?next={target}", data=data).headers["Location"] == "/"


def test_sign_out_invalidates_a_copied_session_cookie(app, client, user):
    sign_in(client)
    cookie = client.get_cookie("session").value
    token = csrf_token(client, "/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", cookie)
    assert replay.get("/").status_code == 302


def test_forms_without_csrf_token_are_refused(client, user):
    sign_in(client)
    response = client.post("/projects", data={"name": "No token"})
    assert response.status_code == 400
    assert "Reload the page and try again" in response.get_data(as_text=True)
    api = client.post("/api/projects", json={"name": "No token"})
    assert api.status_code == 400
    assert api.get_json() == {"error": "The form expired or was sent from elsewhere. Reload the page and try again."}


def test_session_api_calls_with_csrf_header_work(client, user):
    sign_in(client)
    token = csrf_token(client, "/")
    response = client.post("/api/projects", json={"name": "From the page"}, headers={"X-CSRFToken": token})
    assert response.status_code == 201


def test_cli_creates_users_and_prints_a_token_alone(app, runner, client):
    result = runner.invoke(args=["users", "create", "desk@example.nz", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["tokens", "create", "desk@example.nz"])
    assert result.exit_code == 0
    token = result.stdout.strip()
    assert result.stdout == token + "\n" and len(token) >= 40
    assert client.get("/api/projects", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    missing = runner.invoke(args=["tokens", "create", "nobody@example.nz"])
    assert missing.exit_code != 0 and "No account" in missing.output


def test_passwords_are_stored_with_a_slow_hash(app, user):
    assert user.password_hash.startswith("scrypt:")
    assert PASSWORD not in user.password_hash


def test_projects_of_others_are_invisible(app, api, project):
    from conftest import Api

    other = create_user(app, "other@example.nz")
    with app.extensions["sessions"]() as session:
        from app.auth.service import create_token_for

        other_api = Api(app.test_client(), create_token_for(session, other.email))
    assert other_api.get(f"/api/projects/{project['id']}").status_code == 404
    assert other_api.get("/api/projects").get_json() == {"projects": []}
    upload = other_api.post(f"/api/projects/{project['id']}/documents", data={}, content_type="multipart/form-data")
    assert upload.status_code == 404


def test_of_many_simultaneous_first_accounts_exactly_one_is_made(app):
    clients = [app.test_client() for _ in range(16)]
    tokens = [csrf_token(c, "/setup") for c in clients]
    start = threading.Barrier(len(clients))
    statuses = []

    def sign_up(index):
        start.wait()
        form = {"email": f"first{index}@example.nz", "password": PASSWORD, "csrf_token": tokens[index]}
        statuses.append(clients[index].post("/setup", data=form).status_code)

    threads = [threading.Thread(target=sign_up, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [302] * 16  # the first is signed in, the others sent to sign in
    with app.extensions["sessions"]() as session:
        assert session.scalar(select(func.count(User.id))) == 1
        assert session.scalar(select(User.is_admin))  # the first account is the administrator


def test_a_wrong_email_takes_as_long_as_a_wrong_password(app, user):
    def median_seconds(email):
        with app.extensions["sessions"]() as session:
            times = []
            for _ in range(5):
                started = time.perf_counter()
                assert auth_service.authenticate(session, email, "not the password") is None
                times.append(time.perf_counter() - started)
        return statistics.median(times)

    known, unknown = median_seconds(user.email), median_seconds("nobody@example.nz")
    assert unknown > 0.5 * known, (known, unknown)  # the password hash is checked either way
