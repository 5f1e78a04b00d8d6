"""The sandbox, crash recovery, start-up cleanup and OCR."""

import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pymupdf
import pytest
from conftest import csrf_token, sign_in, upload
from pdfs import briefing_pdf, oia_release, scanned_pdf, turned_scan
from sqlalchemy import delete, func, select

from app import storage
from app.ingest import pipeline
from app.ingest.claims import requeue_abandoned
from app.ingest.pipeline import claim_document, process_document
from app.models import Document, Page, RedactionBox, Suggestion
from app.pdf import PdfRefused
from app.sandbox import TEMP_PREFIX, Limits, Stopped, run_in_children


def limits(seconds=5, memory_mb=512) -> Limits:
    return Limits(deadline=time.monotonic() + seconds, memory_mb=memory_mb, timeout_seconds=seconds)


def counting(n):
    yield from range(n)


def sleeping(_):
    yield "started"
    time.sleep(60)


def hungry(_):
    hog = []
    while True:
        hog.append(bytearray(50 * 1024 * 1024))
        yield len(hog)


def vanishing(_):
    os._exit(3)  # dies without a word, as a crash in the PDF library would
    yield None


def refusing(_):
    raise PdfRefused("A sentence for the reader.")
    yield None


def test_children_stream_their_results():
    assert sorted(run_in_children(counting, [3, 2], limits())) == [0, 0, 1, 1, 2]


def test_a_child_past_the_deadline_is_stopped():
    started = time.monotonic()
    results = []
    with pytest.raises(Stopped, match="longer than the limit of 1 seconds"):
        results.extend(run_in_children(sleeping, [None, None], limits(seconds=1)))
    assert time.monotonic() - started < 3
    assert results == ["started", "started"]


def test_a_child_over_the_memory_limit_is_stopped():
    with pytest.raises(Stopped, match="more than the memory limit of 300 MB"):
        list(run_in_children(hungry, [None], limits(memory_mb=300)))


def test_a_child_that_dies_becomes_a_sentence():
    with pytest.raises(Stopped, match="unexpected error in the PDF reader"):
        list(run_in_children(vanishing, [None], limits()))


def test_a_refusal_carries_its_sentence():
    with pytest.raises(Stopped, match="^A sentence for the reader.$"):
        list(run_in_children(refusing, [None], limits(), refusals=(PdfRefused,)))


def starting_a_long_program(report_to):
    """Write a temporary file and start a program that outlives us, as Tesseract on a big page does."""
    with tempfile.NamedTemporaryFile(prefix="oia-ocr-", suffix=".pgm", delete=False) as image:
        image.write(b"P5 1 1 255 ")
    program = subprocess.Popen(["sleep", "300"])
    Path(report_to).write_text(f"{program.pid} {image.name}")
    time.sleep(300)
    yield None


def test_a_stopped_child_takes_its_programs_and_temporary_files_with_it(tmp_path):
    report = tmp_path / "report"
    with pytest.raises(Stopped, match="longer than the limit"):
        list(run_in_children(starting_a_long_program, [str(report)], limits(seconds=2)))
    pid, image = report.read_text().split()
    assert not Path(image).exists()
    assert not Path(image).parent.exists()
    time.sleep(0.2)
    assert not _running(int(pid))


def _running(pid: int) -> bool:
    """Whether a process runs (a zombie waiting for init to reap it does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_cleanup_removes_temporary_folders_a_crash_left_and_spares_those_in_use(runner):
    gone = _finished_pid()
    leftover = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{gone}-"))
    unnamed = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX))  # made before folders carried their owner
    in_use = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-"))
    for folder in (leftover, unnamed, in_use):
        (folder / "page.pgm").write_bytes(b"P5")
    result = runner.invoke(args=["cleanup"])
    assert result.exit_code == 0, result.output
    assert not leftover.exists() and not unnamed.exists()
    assert in_use.exists()  # another process's child may be reading a page into it right now
    shutil.rmtree(in_use)


def _finished_pid() -> int:
    """The pid of a process that has ended."""
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_children_are_reaped():
    list(run_in_children(counting, [2, 2], limits()))
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_interrupted_document_is_requeued_and_finished(api, project, app, sessions):
    document = upload(api, project["id"], ("a.pdf", briefing_pdf(4))).get_json()["documents"][0]
    with sessions.begin() as session:  # as a crash leaves it: processing, half its pages stored
        session.get(Document, document["id"]).status = "processing"
        session.get(Document, document["id"]).pages_done = 2
        pages = session.scalars(select(Page).where(Page.document_id == document["id"], Page.number > 2))
        for page in pages:
            session.delete(page)
    assert requeue_abandoned(sessions, app.config["WORKER_LEASE_SECONDS"]) == [document["id"]]
    process_document(document["id"], app.config, sessions)
    shown = api.get(f"/api/documents/{document['id']}").get_json()
    assert (shown["status"], shown["pages_done"], shown["page_count"]) == ("ready", 4, 4)
    with sessions() as session:
        assert session.scalar(select(func.count()).where(Page.document_id == document["id"])) == 4


def test_every_pages_text_is_stored_before_the_images_after_page_1_are_drawn(api, project, app, sessions, monkeypatch):
    """Page 1 comes whole (text and images) so that it can be read at once; the other pages' text
    is stored (searchable) before their images, which take far longer, are drawn."""
    seen = {}
    draw = pipeline._draw_images

    def watched(options, numbers, limits, processes):
        with sessions() as session:
            seen["stored"] = session.scalar(select(func.count()).where(Page.document_id == options.document_id))
        seen["drawn"] = sorted(
            path.name for path in storage.page_images_dir(options.drawing_root, options.document_id).iterdir()
        )
        seen["later"] = sorted(numbers)  # as the children arrived; drawn in page order
        return draw(options, numbers, limits, processes)

    monkeypatch.setattr(pipeline, "_draw_images", watched)
    document = upload(api, project["id"], ("a.pdf", briefing_pdf(4))).get_json()["documents"][0]
    folder = app.config["UPLOAD_FOLDER"]
    first = sorted(storage.page_image_path(folder, document["id"], 1, thumb).name for thumb in (False, True))
    assert (seen["stored"], seen["later"], seen["drawn"]) == (4, [2, 3, 4], first)
    assert api.get(f"/api/documents/{document['id']}").get_json()["status"] == "ready"
    for number in (2, 3, 4):
        assert api.get(f"/documents/{document['id']}/pages/{number}.png").status_code == 200


def test_a_document_interrupted_three_times_is_given_up(api, project, app, sessions):
    document = upload(api, project["id"], ("a.pdf", briefing_pdf(1))).get_json()["documents"][0]
    with sessions.begin() as session:
        row = session.get(Document, document["id"])
        row.status, row.attempts = "queued", 3
    process_document(document["id"], app.config, sessions)
    shown = api.get(f"/api/documents/{document['id']}").get_json()
    assert shown["status"] == "failed" and "interrupted 3 times" in shown["error"]


def test_a_ready_document_is_not_processed_again(api, project, app, sessions):
    document = upload(api, project["id"], ("a.pdf", briefing_pdf(1))).get_json()["documents"][0]
    process_document(document["id"], app.config, sessions)
    with sessions() as session:
        assert session.get(Document, document["id"]).attempts == 1


def test_two_workers_cannot_claim_one_document(api, project, sessions):
    """A restarted worker queues again what it finds queued, so two jobs may race for one
    document: while one worker's claim is open, the other's waits and then finds it taken."""
    document = upload(api, project["id"], ("a.pdf", briefing_pdf(1))).get_json()["documents"][0]
    with sessions.begin() as session:
        session.get(Document, document["id"]).status = "queued"
    claims = []
    first = sessions()
    first.begin()
    first.get(Document, document["id"], with_for_update=True).status = "processing"
    first.flush()
    second = threading.Thread(target=lambda: claims.append(claim_document(sessions, document["id"])))
    second.start()
    second.join(timeout=1)
    assert second.is_alive()  # waiting for the first claim to end
    first.commit()
    first.close()
    second.join(timeout=30)
    assert claims == [None]


def test_cleanup_removes_leftovers_and_keeps_what_documents_use(api, project, runner, settings):
    document = upload(api, project["id"], ("a.pdf", briefing_pdf(1))).get_json()["documents"][0]
    folder = Path(settings["UPLOAD_FOLDER"])
    kept_original = storage.original_path(str(folder), document["sha256"])
    kept_image = storage.page_image_path(str(folder), document["id"], 1, thumb=False)
    leftovers = [
        folder / "incoming" / "tmpabc.part",
        folder / "originals" / f"{'0' * 64}.pdf",
        folder / "pages" / "999" / "1.png",
        folder / "pages" / str(document["id"]) / "2.png.tmp",
    ]
    fresh = [folder / "incoming" / "tmpnew.part", folder / "originals" / f"{'1' * 64}.pdf"]  # an upload under way
    two_hours_ago = time.time() - 7200
    for path in leftovers + fresh:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"left over")
    for path in leftovers:
        os.utime(path, (two_hours_ago, two_hours_ago))
    result = runner.invoke(args=["cleanup"])
    assert result.exit_code == 0
    assert [p.exists() for p in leftovers] == [False, False, False, False]
    assert kept_original.exists() and kept_image.exists()
    assert all(path.exists() for path in fresh)  # written in the last hour: kept
    assert runner.invoke(args=["cleanup", "--older-than", "0"]).exit_code == 0
    assert not any(path.exists() for path in fresh)


def test_scanned_page_is_read_by_ocr_with_word_boxes(api, project):
    lines = [(72, 120, "Withheld under section 9(2)(a)"), (72, 400, "Supply chain resilience briefing")]
    document = upload(api, project["id"], ("scan.pdf", scanned_pdf(lines))).get_json()["documents"][0]
    page = api.get(f"/api/documents/{document['id']}/pages/1").get_json()
    assert page["ocr"] is True
    assert "Supply chain resilience briefing" in page["text"]
    assert "9(2)(a)" in page["text"]
    supply = next(w for w in page["words"] if w["text"] == "Supply")
    assert supply["x0"] == pytest.approx(72, abs=3)
    assert supply["y0"] < 400 < supply["y1"] + 2  # the box sits on the baseline written at y=400


def test_a_stamp_typed_over_a_scan_is_shown_and_read(api, project):
    """Agencies stamp scanned pages electronically: the stamp is part of the page image and the text."""
    doc = pymupdf.open(stream=scanned_pdf([(72, 120, "Cabinet in confidence"), (72, 300, "Programme risks")]))
    doc[0].insert_text((72, 760), "RELEASED UNDER THE OIA", fontsize=14)
    document = upload(api, project["id"], ("stamped.pdf", doc.tobytes())).get_json()["documents"][0]
    page = api.get(f"/api/documents/{document['id']}/pages/1").get_json()
    assert page["ocr"] is True and "RELEASED UNDER THE OIA" in page["text"]
    image = pymupdf.Pixmap(api.get(f"/documents/{document['id']}/pages/1.png").data)
    band = pymupdf.Pixmap(pymupdf.csGRAY, image)
    scale = band.width / 612
    darkest = min(band.pixel(int(x * scale), int(755 * scale))[0] for x in range(72, 250))
    assert darkest < 128  # the stamp's letters are on the page image


def test_rotated_scan_is_read_upright_and_stored_unrotated(api, project):
    lines = [(72, 120, "Cabinet in confidence"), (72, 300, "Programme sustainment risks")]
    document = upload(api, project["id"], ("scan.pdf", scanned_pdf(lines, rotation=90))).get_json()["documents"][0]
    page = api.get(f"/api/documents/{document['id']}/pages/1").get_json()
    assert (page["rotation"], page["ocr"], page["width"], page["height"]) == (90, True, 792, 612)
    assert "Programme sustainment risks" in page["text"]
    word = next(w for w in page["words"] if w["text"] == "Programme")
    # Map the stored unrotated box to the page as displayed: it must land where the text was written.
    displayed = pymupdf.Rect(word["x0"], word["y0"], word["x1"], word["y1"]) * pymupdf.Matrix(0, 1, -1, 0, 612, 0)
    assert displayed.x0 == pytest.approx(72, abs=3)
    assert displayed.y0 < 300 < displayed.y1 + 2
    assert word["y1"] - word["y0"] > word["x1"] - word["x0"]  # a horizontal word is tall on the unrotated page


# Unrotated page -> page as displayed, for each /Rotate (PyMuPDF's rotation_matrix).
DISPLAYED = {
    90: pymupdf.Matrix(0, 1, -1, 0, 612, 0),
    180: pymupdf.Matrix(-1, 0, 0, -1, 612, 792),
}


@pytest.mark.parametrize("turn", [180, 90])
def test_a_scan_fed_in_upside_down_or_on_its_side_is_turned_upright(api, project, turn):
    """No /Rotate says so: Tesseract's orientation detection finds which way is up, and the page
    is stored with the rotation that shows it upright, its words read and their boxes unrotated."""
    pdf = turned_scan(turn)
    assert pymupdf.open(stream=pdf)[0].rotation == 0
    document = upload(api, project["id"], ("scan.pdf", pdf)).get_json()["documents"][0]
    page = api.get(f"/api/documents/{document['id']}/pages/1").get_json()
    assert (page["rotation"], page["ocr"]) == (turn, True)
    assert "Programme sustainment risks" in page["text"]
    word = next(w for w in page["words"] if w["text"] == "Programme")
    displayed = pymupdf.Rect(word["x0"], word["y0"], word["x1"], word["y1"]) * DISPLAYED[turn]
    assert displayed.x0 == pytest.approx(72, abs=3)
    assert displayed.y0 < 180 < displayed.y1 + 2
    image = pymupdf.Pixmap(api.get(f"/documents/{document['id']}/pages/1.png").data)
    assert image.width < image.height  # the page image is upright (portrait), too


def proposal(suggestion: dict) -> tuple:
    return suggestion["page"], suggestion["kind"], suggestion["rect"], suggestion["start"], suggestion["ground"]


def test_a_document_read_again_is_read_anew_and_keeps_what_people_did(api, project, app, sessions):
    """Reading a release again (after an upgrade that reads boxes better, or to retry a failure):
    its pages and boxes are read anew; annotations stay anchored, decided suggestions stay decided
    and are not proposed again, pending ones are proposed anew; it is refused while it is read."""
    pdf, truth = oia_release()
    document_id = upload(api, project["id"], ("release.pdf", pdf)).get_json()["documents"][0]["id"]
    expected_boxes = sum(len(boxes) for boxes in truth["boxes"].values())
    pending = api.get(f"/api/documents/{document_id}/suggestions").get_json()["suggestions"]
    accepted, rejected = pending[0]["id"], pending[1]["id"]
    assert api.post(f"/api/suggestions/{accepted}/accept").status_code == 200
    assert api.post(f"/api/suggestions/{rejected}/reject").status_code == 200
    note = {"page": 1, "words": [0, 2], "tags": ["Risk"], "note": "Ask the ministry"}
    annotation = api.post(f"/api/documents/{document_id}/annotations", json=note).get_json()
    stale = [10, 10, 50, 20]
    with sessions.begin() as session:  # as an older version read it: a box missed, one misplaced, the document given up
        session.get(Suggestion, pending[2]["id"]).rect_json = json.dumps(stale)
        session.execute(delete(RedactionBox).where(RedactionBox.document_id == document_id, RedactionBox.page == 1))
        row = session.get(Document, document_id)
        row.status, row.error, row.attempts = "failed", "Processing was interrupted 3 times", 3
    old_boxes = {box["id"] for box in api.get(f"/api/documents/{document_id}/redactions").get_json()["boxes"]}

    again = api.post(f"/api/documents/{document_id}/read-again")
    assert again.status_code == 202 and again.get_json()["id"] == document_id
    shown = api.get(f"/api/documents/{document_id}").get_json()
    assert (shown["status"], shown["error"]) == ("ready", None)
    boxes = api.get(f"/api/documents/{document_id}/redactions").get_json()["boxes"]
    assert len(boxes) == expected_boxes
    # Found anew, the boxes have new ids (on SQLite too, though theirs were the highest): an id
    # from before names no box now, not another one.
    assert old_boxes and not old_boxes & {box["id"] for box in boxes}
    assert api.get(f"/api/redaction-boxes/{max(old_boxes)}/hidden-text").status_code == 404
    kept = api.get(f"/api/annotations/{annotation['id']}").get_json()
    assert (kept["exact"], kept["note"], kept["orphaned"]) == (annotation["exact"], "Ask the ministry", False)
    decided = {
        s["id"]: s["status"]
        for s in api.get(f"/api/documents/{document_id}/suggestions?status=all").get_json()["suggestions"]
    }
    assert decided[accepted] == "accepted" and decided[rejected] == "rejected"
    now_pending = api.get(f"/api/documents/{document_id}/suggestions").get_json()["suggestions"]
    assert [proposal(s) for s in now_pending] == [proposal(s) for s in pending[2:]]
    assert stale not in [s["rect"] for s in now_pending]  # withdrawn: the new reading has no such box
    audit = api.get(f"/api/projects/{project['id']}/audit?action=had a document read again").get_json()["events"]
    assert [event["target"] for event in audit] == [f"document {document_id}"]

    with sessions.begin() as session:
        session.get(Document, document_id).status = "processing"
    busy = api.post(f"/api/documents/{document_id}/read-again")
    assert busy.status_code == 409 and "being read already" in busy.get_json()["error"]


def test_a_document_is_read_again_from_its_details_page(api, project, client):
    document_id = upload(api, project["id"], ("a.pdf", briefing_pdf(1))).get_json()["documents"][0]["id"]
    sign_in(client)
    token = csrf_token(client, f"/documents/{document_id}/edit")
    assert client.post(f"/documents/{document_id}/read-again").status_code == 400  # no CSRF token
    answer = client.post(f"/documents/{document_id}/read-again", data={"csrf_token": token}, follow_redirects=True)
    assert "is queued to be read again; its annotations stay." in answer.get_data(as_text=True)
    assert api.get(f"/api/documents/{document_id}").get_json()["status"] == "ready"


def test_documents_are_read_again_from_the_command_line(api, project, runner, sessions):
    ids = [upload(api, project["id"], (f"{n}.pdf", briefing_pdf(n))).get_json()["documents"][0]["id"] for n in (1, 2)]
    with sessions.begin() as session:
        session.get(Document, ids[0]).status, session.get(Document, ids[0]).error = "failed", "It broke"
        session.get(Document, ids[1]).status = "processing"
    result = runner.invoke(args=["documents", "read-again", "--project", str(project["id"])])
    assert result.exit_code == 0 and "Queued 1 document(s) to be read again; 1 being read already." in result.output
    assert api.get(f"/api/documents/{ids[0]}").get_json()["status"] == "ready"
    assert api.get(f"/api/documents/{ids[1]}").get_json()["status"] == "processing"
    unknown = runner.invoke(args=["documents", "read-again", str(ids[0]), "999"])
    assert unknown.exit_code == 1 and "No such document: 999." in unknown.output
    vague = runner.invoke(args=["documents", "read-again"])
    assert vague.exit_code == 2 and "Name the documents: their ids, --project ID, or --all." in vague.output
