"""OIA Desk spread out as a newsroom deploys it on several machines: two web processes and two
workers, each started by its role (`python -m app.run --web`, `--worker`) with a local folder of
its own, sharing only PostgreSQL, a Redis queue (QUEUE_URL, Debian's redis-server in a temporary
folder on loopback) and an object store (STORAGE_URL, moto's S3 server on loopback). Releases
uploaded through either web process become ready; a worker
killed with -9 mid-document loses nothing (the other takes the document up again once its claim
has aged past the lease); search, annotation, page images (from the object store) and export work
through either web process, and the sign-in throttle's count lives on the same Redis.

Runs in `make test`'s PostgreSQL pass (TEST_DATABASE_URL); the SQLite pass skips it."""

import json
import os
import shutil
import signal
import subprocess

import pytest
import redis
from databases import POSTGRES_URL
from live import create_project, descendants, free_port, prepare, request, start_role, upload_queued
from pdfs import briefing_pdf
from services import keys, new_bucket, redis_server, s3_server
from sqlalchemy import create_engine, text
from test_worker import _sign_in_status, wait_for

pytestmark = pytest.mark.skipif(
    not POSTGRES_URL or not shutil.which("redis-server"),
    reason="needs PostgreSQL (TEST_DATABASE_URL, make test's second pass) and Debian's redis-server",
)

RELEASES = 20
LONG_PAGES = 300
LEASE_SECONDS = 4


@pytest.fixture
def redis_url(tmp_path):
    with redis_server(tmp_path) as url:
        yield url


def busy_worker(workers: list[subprocess.Popen]) -> subprocess.Popen | None:
    """The worker reading a document: the one with parsing processes below it (the other's
    consumer and its idle process have none); None while neither, or both, has more."""
    below = [len(descendants(worker.pid)) for worker in workers]
    return workers[below.index(max(below))] if below.count(max(below)) == 1 else None


@pytest.fixture
def object_store():
    """The AWS variables of a throwaway S3 server and a bucket on it."""
    with s3_server() as variables:
        yield variables, new_bucket(variables)


@pytest.fixture
def spread_out(tmp_path, redis_url, object_store):
    """Two web processes and two workers, each with its own local folder (as on four machines),
    on one database, one Redis and one object store."""
    variables, bucket = object_store
    env, token = prepare(
        tmp_path,
        "w@example.nz",
        "worker password",
        QUEUE_URL=redis_url,
        STORAGE_URL=f"s3://{bucket}/desk",
        WORKER_LEASE_SECONDS=LEASE_SECONDS,
        WORKER_CONCURRENCY=1,
        **variables,
    )
    ports = [free_port(), free_port()]
    webs = [
        start_role(["--web"], env, tmp_path / f"web-{n}.log", PORT=port, UPLOAD_FOLDER=tmp_path / f"web-{n}")
        for n, port in enumerate(ports)
    ]
    workers = [
        start_role(["--worker"], env, tmp_path / f"worker-{n}.log", UPLOAD_FOLDER=tmp_path / f"worker-{n}")
        for n in range(2)
    ]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for base in bases:
            wait_for(lambda base=base: request(base, token, "/api/projects")[0] == 200, 30)
        yield {"bases": bases, "token": token, "workers": workers, "env": env, "bucket": bucket, "home": tmp_path}
    finally:
        for process in webs + workers:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)


def document(base: str, token: str, document_id: int) -> dict:
    return request(base, token, f"/api/documents/{document_id}")[1]


def stored_pages(env: dict, document_id: int) -> tuple[int, int, int]:
    """(pages stored, distinct page numbers, attempts at processing it) of a document, read from
    the database itself."""
    engine = create_engine(env["DATABASE_URL"])
    with engine.connect() as connection:
        counted = connection.execute(
            text(
                "SELECT count(*), count(DISTINCT number), (SELECT attempts FROM documents WHERE id = :d) "
                "FROM pages WHERE document_id = :d"
            ),
            {"d": document_id},
        ).one()
    engine.dispose()
    return tuple(counted)


def test_two_web_processes_and_two_workers_on_redis_lose_nothing(spread_out):
    bases, token = spread_out["bases"], spread_out["token"]
    project = create_project(bases[0], token, "Spread out")
    uploaded = [
        upload_queued(bases[n % 2], token, project["id"], f"release-{n}.pdf", briefing_pdf(2 + n))
        for n in range(RELEASES)
    ]

    def all_ready():
        states = [document(bases[n % 2], token, d)["status"] for n, d in enumerate(uploaded)]
        assert "failed" not in states
        return all(state == "ready" for state in states)

    wait_for(all_ready, 120)
    for n, document_id in enumerate(uploaded):
        assert stored_pages(spread_out["env"], document_id) == (2 + n, 2 + n, 1)

    # A worker killed outright mid-document: the other takes the document up again.
    long_id = upload_queued(bases[1], token, project["id"], "long.pdf", briefing_pdf(LONG_PAGES))
    wait_for(lambda: document(bases[0], token, long_id)["pages_done"] > 0, 60)
    busy = wait_for(lambda: busy_worker(spread_out["workers"]), 20)
    os.killpg(busy.pid, signal.SIGKILL)
    busy.wait()
    interrupted = document(bases[0], token, long_id)
    assert interrupted["status"] == "processing"
    finished = wait_for(lambda: (d := document(bases[1], token, long_id))["status"] in ("ready", "failed") and d, 120)
    assert (finished["status"], finished["pages_done"], finished["page_count"]) == ("ready", LONG_PAGES, LONG_PAGES)
    # Taken up again by the other worker, from the start, and stored once.
    assert stored_pages(spread_out["env"], long_id) == (LONG_PAGES, LONG_PAGES, 2)

    # Search, annotation, page images and export through either web process.
    totals = [request(base, token, f"/api/search?q=minister&project={project['id']}")[1]["total"] for base in bases]
    assert totals[0] == totals[1] > 0
    body = json.dumps({"page": 1, "start": 0, "end": 3, "tags": ["Risk"], "note": "made through one"}).encode()
    status, made = request(
        bases[0], token, f"/api/documents/{long_id}/annotations", "POST", body, {"Content-Type": "application/json"}
    )
    assert status == 201, made
    listed = request(bases[1], token, f"/api/documents/{long_id}/annotations")[1]
    assert [a["note"] for a in listed["annotations"]] == ["made through one"]
    status, image = request(bases[1], token, f"/documents/{long_id}/pages/{LONG_PAGES}.png")
    assert status == 200 and image.startswith(b"\x89PNG")
    stored = keys(spread_out["env"], spread_out["bucket"])
    assert f"desk/pages/{long_id}/{LONG_PAGES}.png" in stored
    assert not list(spread_out["home"].glob("*/pages/*/*.png"))  # no machine keeps page images of its own
    status, exported = request(bases[1], token, f"/api/projects/{project['id']}/export?format=csv")
    assert status == 200 and b"made through one" in exported


def test_the_sign_in_throttle_counts_on_the_queues_redis(spread_out, redis_url, tmp_path):
    """Failed sign-ins through either web process are counted in one place, the queue's Redis
    (not the SQLite file a machine alone keeps them in): ten lock the account at the address."""
    bases = spread_out["bases"]
    statuses = [_sign_in_status(bases[n % 2], "wrong password") for n in range(10)]
    assert statuses == [401] * 10
    assert _sign_in_status(bases[0], "worker password") == 429
    assert _sign_in_status(bases[1], "worker password") == 429
    assert redis.Redis.from_url(redis_url).keys("LIMITS*")
    assert not (tmp_path / "sign-in-counts.db").exists()
