"""Every kind of bad upload ends in a sentence a person understands, and nothing is left behind."""

import io
from pathlib import Path

import pymupdf
import pytest
from conftest import upload
from pdfs import briefing_pdf, corpus, text_pdf


def leftover_files(settings) -> list[str]:
    """Files under the upload folder other than originals of documents and their page images."""
    root = Path(settings["UPLOAD_FOLDER"])
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and p.parts[-2] == "incoming")


def document_rows(api, project) -> list[dict]:
    return api.get(f"/api/projects/{project['id']}/documents").get_json()["documents"]


def test_a_form_of_more_parts_than_allowed_says_so_not_that_it_is_too_large(api, project, settings):
    many = {"file": [(io.BytesIO(b"%PDF-1.7 small"), f"{n}.pdf") for n in range(1001)]}
    response = api.post(f"/api/projects/{project['id']}/documents", data=many, content_type="multipart/form-data")
    assert response.status_code == 413
    assert response.get_json() == {"error": "The upload has more than 1,000 parts; send at most 999 files at a time."}
    assert leftover_files(settings) == []


@pytest.mark.parametrize(
    ("name", "content", "sentence"),
    [
        ("notes.pdf", b"oops\n", "is not a PDF file"),
        ("report.pdf", corpus("pymupdf_docx_named_pdf.pdf"), "is not a PDF file"),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 100, "is not a PDF file"),
        ("empty.pdf", corpus("plumber_empty_0_bytes.pdf"), "is empty"),
    ],
)
def test_refused_at_upload_with_a_sentence(api, project, settings, name, content, sentence):
    response = upload(api, project["id"], (name, content))
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert sentence in error and name in error
    assert document_rows(api, project) == []
    assert leftover_files(settings) == []
    assert not (Path(settings["UPLOAD_FOLDER"]) / "originals").exists() or not any(
        (Path(settings["UPLOAD_FOLDER"]) / "originals").iterdir()
    )


def test_one_bad_file_refuses_the_whole_request_and_keeps_nothing(api, project, settings):
    response = upload(api, project["id"], ("good.pdf", briefing_pdf(1)), ("bad.pdf", b"not a pdf at all"))
    assert response.status_code == 400
    assert "bad.pdf" in response.get_json()["error"]
    assert document_rows(api, project) == []
    assert leftover_files(settings) == []
    assert list((Path(settings["UPLOAD_FOLDER"]) / "originals").glob("*")) == []


def test_no_file_field(api, project):
    response = api.post(f"/api/projects/{project['id']}/documents", data={}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Choose at least one PDF" in response.get_json()["error"]


def test_file_over_the_size_limit(api_with, settings):
    api, project = api_with(MAX_UPLOAD_MB=1)
    big = b"%PDF-1.7\n" + b"0" * (2 * 1024 * 1024)
    response = upload(api, project["id"], ("big.pdf", big))
    assert response.status_code == 413
    assert response.get_json() == {"error": "The upload is larger than the limit of 1 MB."}
    assert leftover_files(settings) == []


@pytest.mark.parametrize(
    ("name", "content", "sentence"),
    [
        ("header-then-eof.pdf", corpus("ocrmypdf_invalid_header_then_eof.pdf"), "damaged"),
        ("zero-pages.pdf", corpus("qpdf_valid_zero_pages.pdf"), "has no readable pages"),
        ("locked.pdf", corpus("pdfminer_aes256_password_foo.pdf"), "protected by a password"),
        ("truncated.pdf", briefing_pdf(3)[:1500], "The PDF is incomplete"),
        ("half.pdf", briefing_pdf(3)[:-3000], "The PDF is incomplete"),
    ],
)
def test_unreadable_pdf_ends_as_a_failed_document(api, project, settings, name, content, sentence):
    response = upload(api, project["id"], (name, content))
    assert response.status_code == 202
    document = api.get(f"/api/documents/{response.get_json()['documents'][0]['id']}").get_json()
    assert document["status"] == "failed"
    assert sentence in document["error"]
    assert document["error"].endswith(".")
    page = api.get(f"/api/documents/{document['id']}/pages/1")
    assert page.status_code in (404, 409) and "error" in page.get_json()
    images = Path(settings["UPLOAD_FOLDER"]) / "pages" / str(document["id"])
    assert not images.exists() or not any(images.iterdir())


def test_repaired_xref_is_read(api, project):
    """MuPDF repairs a broken cross-reference table; the text is still there."""
    response = upload(api, project["id"], ("bad-xref.pdf", corpus("qpdf_bad_xref_repaired.pdf")))
    document_id = response.get_json()["documents"][0]["id"]
    assert api.get(f"/api/documents/{document_id}").get_json()["status"] == "ready"
    assert api.get(f"/api/documents/{document_id}/pages/1").get_json()["text"] == "Potato"


def test_over_the_page_limit(api_with):
    api, project = api_with(MAX_PAGES=3)
    document_id = upload(api, project["id"], ("long.pdf", briefing_pdf(5))).get_json()["documents"][0]["id"]
    document = api.get(f"/api/documents/{document_id}").get_json()
    assert document["status"] == "failed"
    assert document["error"].startswith("The PDF has 5 pages, more than the limit of 3.")


def test_over_the_time_limit(api_with):
    api, project = api_with(PARSE_TIMEOUT_SECONDS=1)
    long = briefing_pdf(300)  # 300 pages to render take several seconds
    document_id = upload(api, project["id"], ("long.pdf", long)).get_json()["documents"][0]["id"]
    document = api.get(f"/api/documents/{document_id}").get_json()
    assert document["status"] == "failed"
    assert "took longer than the limit of 1 seconds" in document["error"]
    assert document["pages_done"] == 0
    # The next document is processed as usual.
    good = upload(api, project["id"], ("ok.pdf", text_pdf([[(72, 72, "Fine")]]))).get_json()["documents"][0]
    assert api.get(f"/api/documents/{good['id']}").get_json()["status"] == "ready"


def huge_page_pdf() -> bytes:
    """A small file whose one page is 100 inches square: rendering it at 150 dpi needs 675 MB."""
    doc = pymupdf.open()
    page = doc.new_page(width=7200, height=7200)
    page.draw_rect(page.rect, color=(0, 0, 0), fill=(0.5, 0.5, 0.5))
    page.insert_text((72, 72), "Enormous page", fontsize=12)
    return doc.tobytes()


def large_page_pdf() -> bytes:
    """A page 40 inches square: its page image at 150 dpi takes about 110 MB to render."""
    doc = pymupdf.open()
    page = doc.new_page(width=2880, height=2880)
    page.insert_text((72, 72), "A large plan of the site", fontsize=24)
    return doc.tobytes()


def test_over_the_memory_limit(api_with):
    api, project = api_with(PARSE_MEMORY_MB=600)
    document_id = upload(api, project["id"], ("huge.pdf", huge_page_pdf())).get_json()["documents"][0]["id"]
    document = api.get(f"/api/documents/{document_id}").get_json()
    assert document["status"] == "failed"
    assert "more than the memory limit of 600 MB" in document["error"]


def test_the_memory_limit_counts_what_a_parse_adds_not_what_its_parent_holds(api_with):
    """A parsing child is forked from the worker (here, from the test process): a grown parent,
    a gigabyte of address space reserved, must not leave a 600 MB parse no room for a large page."""
    import mmap

    api, project = api_with(PARSE_MEMORY_MB=600)
    reserved = mmap.mmap(-1, 1 << 30)  # address space only: its pages are never touched
    try:
        document_id = upload(api, project["id"], ("large.pdf", large_page_pdf())).get_json()["documents"][0]["id"]
    finally:
        reserved.close()
    document = api.get(f"/api/documents/{document_id}").get_json()
    assert document["status"] == "ready", document["error"]


def test_a_racing_duplicate_upload_is_a_conflict_and_keeps_no_file(api, project, settings, monkeypatch):
    """Two requests with the same new file at once (possible on PostgreSQL; SQLite's write lock
    serialises them): the loser's lookup found nothing, its insert hits the unique constraint."""
    from app.documents import service

    pdf = briefing_pdf(1)
    upload(api, project["id"], ("a.pdf", pdf))
    monkeypatch.setattr(service, "_find", lambda *_: None)  # as if the other request had not committed yet
    response = upload(api, project["id"], ("b.pdf", pdf))
    assert response.status_code == 409
    assert "being uploaded to this project right now" in response.get_json()["error"]
    assert leftover_files(settings) == []
    assert len(list((Path(settings["UPLOAD_FOLDER"]) / "originals").iterdir())) == 1
