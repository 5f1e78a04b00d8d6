"""Fixtures: a migrated database per test (SQLite, or PostgreSQL when TEST_DATABASE_URL is set),
the app, clients signed in by cookie or token."""

import re
import shutil

import pytest
from databases import POSTGRES_URL, new_postgres_database, run_on_postgres, unique_name

import app.ingest.jobs  # noqa: F401 - registers the jobs, and loads PyMuPDF once as the worker does
from app import create_app, migrate
from app.auth import service as auth_service

PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory) -> str:
    """The URL of a database built by the migrations once; each test gets a copy."""
    if POSTGRES_URL:
        url = new_postgres_database("oia_template")
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('template') / 'template.db'}"
    migrate.upgrade(url)
    return url


@pytest.fixture
def database_url(tmp_path, migrated_database):
    """A copy of the migrated database for one test: a file, or a PostgreSQL database."""
    if not POSTGRES_URL:
        shutil.copy(migrated_database.removeprefix("sqlite:///"), tmp_path / "oia-desk.db")
        yield f"sqlite:///{tmp_path / 'oia-desk.db'}"
        return
    name = unique_name("oia_test")
    yield new_postgres_database(name, template="oia_template")
    run_on_postgres(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture
def settings(tmp_path, database_url):
    """Settings for one test: its own database copy and upload folder."""
    return {
        "DATABASE_URL": database_url,
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "QUEUE_DATABASE": str(tmp_path / "queue.db"),
        "SECRET_KEY": "test-secret",
        "QUEUE_IMMEDIATE": True,  # queued work runs at once, in this process
        "PARSE_PROCESSES": 2,
    }


@pytest.fixture
def make_app(settings):
    """Build an app with extra settings; queued work runs at once, in forked parsers."""

    def build(**extra):
        application = create_app(**{**settings, **extra})
        application.config["TESTING"] = True
        return application

    return build


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def sessions(app):
    """The app's session factory, for checking what was stored."""
    return app.extensions["sessions"]


def create_user(app, email="reporter@example.nz"):
    with app.extensions["sessions"]() as session:
        return auth_service.create_user(session, email, PASSWORD)


def csrf_token(client, path="/") -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def sign_in(client, email="reporter@example.nz"):
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


class Api:
    """A test client that sends a bearer token with every call."""

    def __init__(self, client, token: str):
        self.client, self.headers = client, {"Authorization": f"Bearer {token}"}

    def __getattr__(self, method):
        def call(path, **kwargs):
            headers = {**self.headers, **kwargs.pop("headers", {})}
            return getattr(self.client, method)(path, headers=headers, **kwargs)

        return call


@pytest.fixture
def user(app):
    return create_user(app)


@pytest.fixture
def api(app, client, user):
    with app.extensions["sessions"]() as session:
        token = auth_service.create_token_for(session, user.email)
    return Api(client, token)


@pytest.fixture
def api_with(make_app):
    """An API client and a project on an app built with extra settings: api_with(MAX_PAGES=3)."""

    def build(**extra):
        application = make_app(**extra)
        user = create_user(application)
        with application.extensions["sessions"]() as session:
            client = Api(application.test_client(), auth_service.create_token_for(session, user.email))
        return client, client.post("/api/projects", json={"name": "Limits"}).get_json()

    return build


@pytest.fixture
def project(api):
    response = api.post("/api/projects", json={"name": "Defence procurement"})
    return response.get_json()


def upload(api, project_id, *files):
    """POST files (name, bytes) to a project; returns the response."""
    import io

    data = {"file": [(io.BytesIO(content), name) for name, content in files]}
    return api.post(f"/api/projects/{project_id}/documents", data=data, content_type="multipart/form-data")
