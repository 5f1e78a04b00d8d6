"""Uploading PDFs and reading back text, word boxes, metadata and page images."""

import hashlib
from pathlib import Path

import pymupdf
import pytest
from conftest import upload
from databases import POSTGRES_URL
from pdfs import briefing_pdf, corpus, text_pdf
from sqlalchemy import event
from sqlalchemy.orm import Session

from app import storage
from app.models import Document

KNOWN_LINES = [(72, 100, "Official information release"), (300, 400, "Māori workstream: supply chains")]


def test_upload_extracts_words_at_known_positions(api, project):
    pdf = text_pdf([KNOWN_LINES], title="Cabinet paper: supply chains")
    response = upload(api, project["id"], ("cabinet.pdf", pdf))
    assert response.status_code == 202
    [document] = response.get_json()["documents"]
    assert document["status"] == "queued"

    shown = api.get(f"/api/documents/{document['id']}").get_json()
    assert shown["status"] == "ready"
    assert shown["progress"] == 1.0
    assert shown["page_count"] == 1
    assert shown["title"] == "Cabinet paper: supply chains"
    assert shown["sha256"] == hashlib.sha256(pdf).hexdigest()
    assert shown["error"] is None

    page = api.get(f"/api/documents/{document['id']}/pages/1").get_json()
    assert (page["number"], page["width"], page["height"], page["rotation"], page["ocr"]) == (1, 595, 842, 0, False)
    assert page["text"] == "Official information release\n\nMāori workstream: supply chains"
    words = {w["text"]: w for w in page["words"]}
    assert list(words) == ["Official", "information", "release", "Māori", "workstream:", "supply", "chains"]
    official, maori = words["Official"], words["Māori"]
    # insert_text places the baseline at y; the box spans ascender to descender around it.
    assert official["x0"] == pytest.approx(72, abs=0.5)
    assert official["y0"] < 100 < official["y1"]
    assert 12 <= official["y1"] - official["y0"] <= 18  # one line of 12 pt type, ascender to descender
    assert maori["x0"] == pytest.approx(300, abs=0.5)
    assert maori["y0"] < 400 < maori["y1"]


def test_title_falls_back_to_file_name(api, project):
    response = upload(api, project["id"], ("Response_to_OIA-2026-114.pdf", text_pdf([KNOWN_LINES])))
    document = response.get_json()["documents"][0]
    assert api.get(f"/api/documents/{document['id']}").get_json()["title"] == "Response to OIA-2026-114"


def test_many_files_in_one_request(api, project):
    response = upload(api, project["id"], ("a.pdf", text_pdf([KNOWN_LINES])), ("b.pdf", briefing_pdf(3)))
    assert [d["filename"] for d in response.get_json()["documents"]] == ["a.pdf", "b.pdf"]
    listed = api.get(f"/api/projects/{project['id']}/documents").get_json()["documents"]
    assert [(d["title"], d["status"], d["page_count"]) for d in listed] == [
        ("a", "ready", 1),
        ("Briefing: Defence industry programme", "ready", 3),
    ]


def test_same_file_twice_answers_with_existing_document(api, project, settings, sessions):
    pdf = briefing_pdf(2)
    first = upload(api, project["id"], ("one.pdf", pdf)).get_json()["documents"][0]
    second = upload(api, project["id"], ("copy.pdf", pdf)).get_json()["documents"][0]
    assert second["id"] == first["id"]
    assert second["status"] == "ready"  # answered from the database, not queued again
    listed = api.get(f"/api/projects/{project['id']}/documents").get_json()["documents"]
    assert len(listed) == 1
    originals = list((Path(settings["UPLOAD_FOLDER"]) / "originals").iterdir())
    assert [p.name for p in originals] == [f"{hashlib.sha256(pdf).hexdigest()}.pdf"]
    assert originals[0].read_bytes() == pdf


def test_same_file_in_another_project_is_a_new_document(api, project):
    pdf = briefing_pdf(1)
    other = api.post("/api/projects", json={"name": "Other"}).get_json()
    first = upload(api, project["id"], ("a.pdf", pdf)).get_json()["documents"][0]
    second = upload(api, other["id"], ("a.pdf", pdf)).get_json()["documents"][0]
    assert first["id"] != second["id"]
    assert api.get(f"/api/documents/{second['id']}").get_json()["status"] == "ready"


def test_page_images_are_rendered_and_served_with_cache_headers(api, project):
    document = upload(api, project["id"], ("a.pdf", briefing_pdf(2))).get_json()["documents"][0]
    image = api.get(f"/documents/{document['id']}/pages/2.png")
    assert image.status_code == 200
    assert image.mimetype == "image/png"
    assert image.data.startswith(b"\x89PNG")
    assert "max-age=86400" in image.headers["Cache-Control"]
    assert "private" in image.headers["Cache-Control"]
    thumb = api.get(f"/documents/{document['id']}/pages/2.png?size=thumb")
    assert thumb.status_code == 200 and len(thumb.data) < len(image.data)
    width = int.from_bytes(image.data[16:20], "big")
    assert width == pytest.approx(595 * 150 / 72, abs=2)  # reading size is 150 dpi
    assert api.get(f"/documents/{document['id']}/pages/3.png").status_code == 404


def test_a_page_in_black_and_white_is_stored_grey_and_a_page_in_colour_in_colour(api, project):
    """Page images are written by app.pdf.png: a page with no colour as one grey channel (PNG colour
    type 0), a page with colour in RGB (type 2); each decodes to the page as rendered."""
    colour = pymupdf.open()
    page = colour.new_page()
    page.insert_text((72, 100), "Withheld under s 9(2)(a)", color=(0.8, 0, 0), fontsize=14)
    grey = text_pdf([KNOWN_LINES])
    types = {}
    for name, pdf in (("grey", grey), ("colour", colour.tobytes())):
        document = upload(api, project["id"], (f"{name}.pdf", pdf)).get_json()["documents"][0]
        image = api.get(f"/documents/{document['id']}/pages/1.png").data
        types[name] = image[25]  # the IHDR chunk's colour type
        decoded = pymupdf.Pixmap(image)
        rendered = pymupdf.open(stream=pdf, filetype="pdf")[0].get_pixmap(dpi=150, alpha=False)
        assert (decoded.width, decoded.height) == (rendered.width, rendered.height)
        if name == "colour":
            assert decoded.samples == rendered.samples
    assert types == {"grey": 0, "colour": 2}


def test_rotated_page_keeps_unrotated_boxes(api, project):
    pdf = text_pdf([KNOWN_LINES], rotation=90)
    document = upload(api, project["id"], ("r.pdf", pdf)).get_json()["documents"][0]
    page = api.get(f"/api/documents/{document['id']}/pages/1").get_json()
    assert (page["width"], page["height"], page["rotation"]) == (595, 842, 90)
    official = page["words"][0]
    assert official["text"] == "Official"
    assert official["x0"] == pytest.approx(72, abs=0.5)  # the same box as on the unrotated page
    assert official["y0"] < 100 < official["y1"]


def test_real_release_mixed_text_and_scans(api, project):
    """DocumentCloud's 3-page fixture: page 2 has text, pages 1 and 3 are images."""
    document = upload(api, project["id"], ("doc.pdf", corpus("documentcloud_mixed_image_text_3p.pdf")))
    document_id = document.get_json()["documents"][0]["id"]
    assert api.get(f"/api/documents/{document_id}").get_json()["status"] == "ready"
    pages = [api.get(f"/api/documents/{document_id}/pages/{n}").get_json() for n in (1, 2, 3)]
    assert [p["ocr"] for p in pages] == [True, False, True]
    assert pages[1]["text"].startswith("fermentum luctus. Sed mattis pretium tristique.")
    assert "fermentum" in pages[0]["text"].lower() or "lorem" in pages[0]["text"].lower()
    assert len(pages[0]["words"]) > 100


@pytest.mark.skipif(not POSTGRES_URL, reason="SQLite's write lock runs two uploads one after the other")
def test_an_upload_losing_a_race_keeps_the_original_the_winner_uses(api, project, sessions, settings):
    """Two people upload the same release at once: ours places the original, theirs finds it in
    place and commits first; ours then fails with a sentence and must not delete their file."""
    pdf = briefing_pdf(1)
    sha = hashlib.sha256(pdf).hexdigest()

    def theirs_commits_first(session, _context, _instances):
        with sessions.begin() as other:
            other.add(Document(project_id=project["id"], sha256=sha, filename="theirs.pdf", size=len(pdf), title="t"))

    event.listen(Session, "before_flush", theirs_commits_first, once=True)
    try:
        response = upload(api, project["id"], ("ours.pdf", pdf))
    finally:
        if event.contains(Session, "before_flush", theirs_commits_first):
            event.remove(Session, "before_flush", theirs_commits_first)
    assert response.status_code == 409 and "right now" in response.get_json()["error"]
    assert storage.original_path(settings["UPLOAD_FOLDER"], sha).exists()
