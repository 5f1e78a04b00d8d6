"""Projects and document metadata, through the API and the pages."""

import pytest
from conftest import csrf_token, sign_in, upload
from pdfs import briefing_pdf, text_pdf


def test_create_and_list_projects(api):
    response = api.post("/api/projects", json={"name": "  Health NZ   restructure "})
    assert response.status_code == 201
    created = response.get_json()
    assert created["name"] == "Health NZ restructure" and isinstance(created["id"], int)
    assert [p["name"] for p in api.get("/api/projects").get_json()["projects"]] == ["Health NZ restructure"]


@pytest.mark.parametrize(
    ("body", "sentence"),
    [
        ({"name": ""}, "A project name has 1 to 200 characters."),
        ({}, "name is required."),
        ({"name": 42}, "name must be text."),
        ({"name": "x" * 201}, "A project name has 1 to 200 characters."),
        ([1, 2], "Send a JSON object"),
    ],
)
def test_invalid_project_names(api, body, sentence):
    response = api.post("/api/projects", json=body)
    assert response.status_code == 400
    assert sentence in response.get_json()["error"]


def test_project_pages(client, user):
    sign_in(client)
    token = csrf_token(client, "/")
    response = client.post("/projects", data={"name": "<script>alert(1)</script>", "csrf_token": token})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Drop released PDFs here" in page
    assert "&lt;script&gt;" in client.get("/").get_data(as_text=True)


def test_patch_metadata(api, project):
    document = upload(api, project["id"], ("a.pdf", briefing_pdf(1))).get_json()["documents"][0]
    changes = {
        "title": "Briefing on the Defence Industry Programme",
        "agency": "Ministry of Defence",
        "oia_reference": "OIA-2026-0412",
        "date_released": "2026-10-03",
        "source_url": "https://www.defence.govt.nz/oia/2026-0412.pdf",
        "description": "Released in part under s 9(2)(a).",
    }
    response = api.patch(f"/api/documents/{document['id']}", json=changes)
    assert response.status_code == 200
    shown = api.get(f"/api/documents/{document['id']}").get_json()
    assert {name: shown[name] for name in changes} == changes


@pytest.mark.parametrize(
    ("changes", "sentence"),
    [
        ({"date_released": "3 October 2026"}, "YYYY-MM-DD"),
        ({"source_url": "javascript:alert(1)"}, "http:// or https://"),
        ({"title": ""}, "needs a title"),
        ({"agency": ["a"]}, "agency must be text"),
        ({"status": "ready"}, "status is not a field here. Fields here: title, agency,"),
        ({"agency": "x" * 301}, "at most 300 characters"),
    ],
)
def test_patch_metadata_refuses_bad_fields_and_keeps_nothing(api, project, changes, sentence):
    document = upload(api, project["id"], ("a.pdf", briefing_pdf(1))).get_json()["documents"][0]
    before = api.get(f"/api/documents/{document['id']}").get_json()
    response = api.patch(f"/api/documents/{document['id']}", json={"agency": "Changed", **changes})
    assert response.status_code == 400
    assert sentence in response.get_json()["error"]
    assert api.get(f"/api/documents/{document['id']}").get_json() == before


def test_edit_metadata_in_the_page(api, client, project):
    document = upload(api, project["id"], ("a.pdf", briefing_pdf(1))).get_json()["documents"][0]
    sign_in(client)
    form = client.get(f"/documents/{document['id']}/edit").get_data(as_text=True)
    assert "Document details" in form
    token = csrf_token(client, f"/documents/{document['id']}/edit")
    fields = {"title": "New title", "agency": "MBIE", "oia_reference": "", "date_released": "2026-01-31"}
    fields |= {"source_url": "", "description": "", "csrf_token": token}
    assert client.post(f"/documents/{document['id']}/edit", data=fields).status_code == 302
    shown = api.get(f"/api/documents/{document['id']}").get_json()
    assert (shown["title"], shown["agency"], shown["date_released"]) == ("New title", "MBIE", "2026-01-31")
    bad = client.post(f"/documents/{document['id']}/edit", data={**fields, "date_released": "yesterday"})
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.get_data(as_text=True)


def test_edited_title_survives_reprocessing(api, project, app, sessions):
    from app.ingest.pipeline import process_document
    from app.models import Document

    document = upload(api, project["id"], ("a.pdf", briefing_pdf(1))).get_json()["documents"][0]
    api.patch(f"/api/documents/{document['id']}", json={"title": "My title"})
    with sessions.begin() as session:
        session.get(Document, document["id"]).status = "queued"
    process_document(document["id"], app.config, sessions)
    shown = api.get(f"/api/documents/{document['id']}").get_json()
    assert (shown["status"], shown["title"]) == ("ready", "My title")


def test_page_api_errors(api, project):
    document = upload(api, project["id"], ("a.pdf", briefing_pdf(2))).get_json()["documents"][0]
    missing = api.get(f"/api/documents/{document['id']}/pages/3")
    assert missing.status_code == 404
    assert missing.get_json() == {"error": "Page 3 does not exist; this document has 2 pages."}
    assert api.get(f"/api/documents/{document['id']}/pages/0").status_code == 404
    assert api.get("/api/documents/999").status_code == 404


def test_page_of_a_document_still_processing_is_a_conflict(api, project, sessions):
    from sqlalchemy import delete

    from app.models import Document, Page

    document = upload(api, project["id"], ("a.pdf", briefing_pdf(2))).get_json()["documents"][0]
    with sessions.begin() as session:
        session.execute(delete(Page).where(Page.document_id == document["id"], Page.number == 2))
        session.get(Document, document["id"]).status = "processing"
    response = api.get(f"/api/documents/{document['id']}/pages/2")
    assert response.status_code == 409
    assert response.get_json() == {"error": "Page 2 is still being processed; try again in a moment."}


def test_viewer_page_lists_pages_and_escapes_the_title(api, client, project):
    document = upload(api, project["id"], ("a.pdf", briefing_pdf(3))).get_json()["documents"][0]
    api.patch(f"/api/documents/{document['id']}", json={"title": "</script><b>x</b>"})
    sign_in(client)
    html = client.get(f"/documents/{document['id']}").get_data(as_text=True)
    assert html.count('class="page"') == 3
    assert "</script><b>" not in html
    assert 'id="page-3"' in html


def test_deleting_a_document_removes_its_rows_files_and_search_hits(app, api, project, sessions):
    from app import storage
    from app.models import Document, DocumentStatus, Page

    pdf = briefing_pdf(2)
    document = upload(api, project["id"], ("briefing.pdf", pdf)).get_json()["documents"][0]
    other = api.post("/api/projects", json={"name": "Same file elsewhere"}).get_json()
    upload(api, other["id"], ("briefing.pdf", pdf))
    folder = app.config["UPLOAD_FOLDER"]
    image = storage.page_image_path(folder, document["id"], 1, False)
    assert image.is_file()
    assert api.get("/api/search", query_string={"q": "sustainment", "project": project["id"]}).get_json()["total"] == 2

    assert api.delete(f"/api/documents/{document['id']}").status_code == 204
    assert api.get(f"/api/documents/{document['id']}").status_code == 404
    assert not image.exists()
    assert storage.original_path(folder, document["sha256"]).is_file()  # the other project still holds it
    assert api.get("/api/search", query_string={"q": "sustainment", "project": project["id"]}).get_json()["total"] == 0
    with sessions() as session:
        assert session.query(Page).filter_by(document_id=document["id"]).count() == 0
        last = session.query(Document).filter_by(project_id=other["id"]).one()
        last.status = DocumentStatus.PROCESSING
        session.commit()
    refused = api.delete(f"/api/documents/{last.id}")
    assert refused.status_code == 409
    assert refused.get_json() == {"error": "This document is being read; delete it when reading has finished."}
    with sessions() as session:
        session.get(Document, last.id).status = DocumentStatus.READY
        session.commit()
    assert api.delete(f"/api/documents/{last.id}").status_code == 204
    assert not storage.original_path(folder, document["sha256"]).exists()


def test_the_details_page_deletes_a_document_only_when_confirmed(app, client, user, api, project):
    document = upload(api, project["id"], ("briefing.pdf", briefing_pdf(1))).get_json()["documents"][0]
    sign_in(client)
    token = csrf_token(client, f"/documents/{document['id']}/edit")
    unconfirmed = client.post(f"/documents/{document['id']}/delete", data={"csrf_token": token})
    assert unconfirmed.status_code == 302 and api.get(f"/api/documents/{document['id']}").status_code == 200
    confirmed = client.post(f"/documents/{document['id']}/delete", data={"csrf_token": token, "confirm": "yes"})
    assert confirmed.headers["Location"].endswith(f"/projects/{project['id']}")
    assert api.get(f"/api/documents/{document['id']}").status_code == 404
    assert "Deleted “Briefing: Defence industry programme” with its annotations." in client.get(
        confirmed.headers["Location"]
    ).get_data(as_text=True)


def test_deleting_a_project_needs_its_name_and_takes_everything_with_it(app, api, project, settings, sessions):
    from pathlib import Path

    from sqlalchemy import func, select

    from app.models import Annotation, Document, Membership, Page, Tag

    lines = [(72, 100, "Cabinet paper: supply chain resilience.")]
    document = upload(api, project["id"], ("briefing.pdf", text_pdf([lines]))).get_json()["documents"][0]
    api.post(f"/api/documents/{document['id']}/annotations", json={"page": 1, "start": 0, "end": 7, "tags": ["Risk"]})
    api.get(f"/documents/{document['id']}/pages/1.png")
    uploads = Path(settings["UPLOAD_FOLDER"])
    assert any((uploads / "originals").iterdir()) and any((uploads / "pages").rglob("*.png"))
    wrong = api.delete(f"/api/projects/{project['id']}", json={"confirm": "defence procurement"})
    assert wrong.status_code == 400 and "Type the project's name exactly" in wrong.get_json()["error"]
    assert api.delete(f"/api/projects/{project['id']}", json={"confirm": "Defence procurement"}).status_code == 204
    assert api.get(f"/api/projects/{project['id']}").status_code == 404
    with sessions() as session:
        for model in (Document, Page, Annotation, Tag, Membership):
            assert session.scalar(select(func.count()).select_from(model)) == 0, model
    assert not any((uploads / "originals").iterdir()) and not any((uploads / "pages").rglob("*.png"))
    assert api.get("/api/search?q=resilience").get_json()["total"] == 0
