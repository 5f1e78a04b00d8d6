"""Four processes writing annotations at once for 30 s through the running app (waitress and its
worker, as `make run` starts them): no request fails, no write is lost."""

import json
import time
from multiprocessing import Pool

from live import create_project, live_server, request, upload_ready
from pdfs import text_pdf

EMAIL, PASSWORD = "writers@example.nz", "a long writers password"
WRITERS, SECONDS = 4, 30
LINES = [(72, 100 + 20 * n, f"Line {n} of the briefing about supply chains.") for n in range(20)]


def write_for_a_while(job: tuple) -> tuple[dict[int, str], list[str], int]:
    """One writer: make annotations and change their notes until the time is up; return each
    annotation's last note, the failures, and the requests made."""
    base, token, document, writer, deadline = job
    headers = {"Content-Type": "application/json"}
    last, failures, made = {}, [], 0
    while time.monotonic() < deadline:
        body = {"page": 1, "words": [writer, writer + 2], "tags": ["Risk"], "note": f"writer {writer} new"}
        status, answer = request(
            base, token, f"/api/documents/{document}/annotations", "POST", json.dumps(body).encode(), headers
        )
        made += 1
        if status != 201:
            failures.append(f"create: {status} {answer}")
            continue
        for edit in range(3):
            note = f"writer {writer} edit {edit} of {answer['id']}"
            status, changed = request(
                base, token, f"/api/annotations/{answer['id']}", "PATCH", json.dumps({"note": note}).encode(), headers
            )
            made += 1
            if status != 200:
                failures.append(f"edit: {status} {changed}")
            else:
                last[answer["id"]] = note
    return last, failures, made


def test_four_writers_for_thirty_seconds_lose_nothing(tmp_path):
    with live_server(tmp_path, EMAIL, PASSWORD) as running:
        project = create_project(running["base"], running["token"], "Busy")
        document = upload_ready(running, project["id"], "busy.pdf", text_pdf([LINES]))
        deadline = time.monotonic() + SECONDS
        jobs = [(running["base"], running["token"], document, writer, deadline) for writer in range(WRITERS)]
        with Pool(WRITERS) as pool:
            outcomes = pool.map(write_for_a_while, jobs)
        stored = request(running["base"], running["token"], f"/api/documents/{document}/annotations")[1]["annotations"]
    failures = [failure for _, failed, _ in outcomes for failure in failed]
    assert failures == []
    expected = {id_: note for last, _, _ in outcomes for id_, note in last.items()}
    assert {a["id"]: a["note"] for a in stored} == expected
    assert sum(made for _, _, made in outcomes) > 200  # they really wrote at the same time
