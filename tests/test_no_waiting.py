"""No request waits on another user's work: while the worker matches a heavy rule set over a
400-page document and runs a large import, another user's requests answer at once.

Runs the app as `make run` does (waitress and the worker, each its own process)."""

import json
import threading
import time

from live import create_account, create_project, live_server, multipart, request
from pdfs import briefing_pdf
from test_worker import wait_for

PAGES = 400
HEAVY_RULES = [r"([a-z ]+)*Z", r"(\w+\s?)*budget$", r"(a|aa)+b", r"((risk|cost)\s*)+delay"] * 5
IMPORT_ITEMS = 3000  # quotes that are not in the document: each is searched for on all its pages


def test_other_users_are_answered_within_a_second_while_the_worker_and_an_import_run(tmp_path):
    with live_server(tmp_path, "heavy@example.nz", "heavy password") as server:
        base, token = server["base"], server["token"]
        other = create_account(server["env"], "other@example.nz", "other password")
        project = create_project(base, token, "Heavy")
        for pattern in HEAVY_RULES:
            body = json.dumps({"tag": "Risk", "regex": pattern}).encode()
            status, _ = request(base, token, f"/api/projects/{project['id']}/rules", "POST", body, JSON)
            assert status == 201
        body, content_type = multipart("briefing.pdf", briefing_pdf(PAGES))
        path = f"/api/projects/{project['id']}/documents"
        status, answer = request(base, token, path, "POST", body, {"Content-Type": content_type})
        assert status == 202
        document = answer["documents"][0]
        timings, stop = [], threading.Event()
        watcher = threading.Thread(target=_time_requests, args=(base, other, timings, stop))
        watcher.start()
        try:
            wait_for(lambda: _document(base, token, document["id"])["pages_done"] >= PAGES // 2, 120)
            status, answer = request(
                base, token, f"/api/projects/{project['id']}/import", "POST", _collection(document["sha256"]), JSON
            )
            assert status == 202  # a large import runs in the worker
            report = wait_for(lambda: _finished_import(base, token, answer["import"]["id"]), 180)
            assert report["status"] == "done" and len(report["unplaced"]) == IMPORT_ITEMS
            finished = wait_for(lambda: _document(base, token, document["id"])["status"] in ("ready", "failed"), 180)
            assert finished and _document(base, token, document["id"])["status"] == "ready"
        finally:
            stop.set()
            watcher.join()
        assert len(timings) > 20
        slow = [(status, round(seconds, 2)) for status, seconds in timings if status != 200 or seconds > 1.0]
        assert slow == [], f"{len(slow)} of {len(timings)} requests were slow or failed"


JSON = {"Content-Type": "application/json"}


def _time_requests(base: str, token: str, timings: list, stop: threading.Event) -> None:
    while not stop.is_set():
        started = time.monotonic()
        status, _ = request(base, token, "/api/projects")
        timings.append((status, time.monotonic() - started))
        time.sleep(0.1)


def _document(base: str, token: str, document_id: int) -> dict:
    return request(base, token, f"/api/documents/{document_id}")[1]


def _finished_import(base: str, token: str, import_id: int) -> dict | None:
    job = request(base, token, f"/api/imports/{import_id}")[1]
    return job if job["status"] in ("done", "failed") else None


def _collection(sha256: str) -> bytes:
    """A JSON-LD export whose quotes (with long context) are nowhere in the document."""
    items = [
        {
            "type": "Annotation",
            "id": f"urn:test:{i}",
            "body": [{"type": "TextualBody", "purpose": "tagging", "value": "Risk"}],
            "target": {
                "sha256": sha256,
                "selector": [
                    {"type": "FragmentSelector", "value": "page=1"},
                    {"type": "TextQuoteSelector", "exact": f"words not there {i}", "prefix": "x" * 900},
                ],
            },
        }
        for i in range(IMPORT_ITEMS)
    ]
    return json.dumps({"type": "AnnotationCollection", "first": {"type": "AnnotationPage", "items": items}}).encode()


def test_a_read_does_not_wait_for_a_writer_holding_the_lock(app, api, project, settings):
    """SQLite (WAL): a GET's transaction begins as a reader, so a writer holding the write lock
    (a long import, the worker storing pages) does not hold it up."""
    import sqlite3

    if not settings["DATABASE_URL"].startswith("sqlite"):
        return  # PostgreSQL readers never wait for writers
    writer = sqlite3.connect(settings["DATABASE_URL"].removeprefix("sqlite:///"), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE projects SET name = name")
    try:
        started = time.monotonic()
        answer = api.get(f"/api/projects/{project['id']}")
        assert answer.status_code == 200 and time.monotonic() - started < 1
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_a_search_counting_its_matches_does_not_wait_for_a_writer_holding_the_lock(app, api, project, settings):
    """On SQLite a search writes its matches to a temporary table of its connection's own: that
    takes no write lock, so a search answers while a writer holds it, with its counts."""
    import sqlite3

    from conftest import upload

    if not settings["DATABASE_URL"].startswith("sqlite"):
        return  # PostgreSQL readers never wait for writers
    upload(api, project["id"], ("briefing.pdf", briefing_pdf(3)))
    writer = sqlite3.connect(settings["DATABASE_URL"].removeprefix("sqlite:///"), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE projects SET name = name")
    try:
        started = time.monotonic()
        answer = api.get("/api/search", query_string={"q": "briefing", "project": project["id"]})
        assert answer.status_code == 200 and time.monotonic() - started < 1
        found = answer.get_json()
        assert found["total"] == 3 and found["facets"]["documents"][0]["count"] == 3
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_a_write_in_a_read_only_request_without_begin_writing_is_caught(app, api, settings):
    """The guard that finds GET routes writing in a reader's transaction (they must call
    begin_writing first) really fires (on SQLite, where it matters: PostgreSQL's readers and
    writers do not lock each other)."""
    if not settings["DATABASE_URL"].startswith("sqlite"):
        return
    from app.models import Project
    from app.web import db

    @app.get("/api/sneaky-write")
    def sneaky_write():
        db().add(Project(name="sneaky", owner_id=1))
        db().commit()
        return {}

    from app import access

    access.ROUTES["sneaky_write"] = access.SIGNED_IN
    try:
        api.get("/api/projects")  # the token's use is noted (a write, begun properly): now it is not, for a minute
        assert api.get("/api/sneaky-write").status_code == 500
    finally:
        del access.ROUTES["sneaky_write"]
