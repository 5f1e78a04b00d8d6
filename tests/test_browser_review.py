"""In Chromium: review the suggestions of a release with the keyboard, then accept the rest at once."""

import pytest
from live import create_project, live_server, request, upload_ready
from pdfs import oia_release
from playwright.sync_api import expect
from test_browser import ARTIFACTS, signed_in_tab

EMAIL, PASSWORD = "reviewer@example.nz", "a long reviewer password"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with live_server(tmp_path_factory.mktemp("review"), EMAIL, PASSWORD) as running:
        project = create_project(running["base"], running["token"], "Reviewing")
        document_id = upload_ready(running, project["id"], "release.pdf", oia_release()[0])
        yield {**running, "document_id": document_id, "project_id": project["id"]}


@pytest.fixture
def page(server):
    with signed_in_tab(server["base"], EMAIL, PASSWORD, {"width": 1300, "height": 1000}) as tab:
        yield tab


def listed(server, status):
    path = f"/api/documents/{server['document_id']}/suggestions?status={status}"
    return request(server["base"], server["token"], path)[1]["suggestions"]


def test_review_with_keys_then_accept_all(server, page):
    waiting = listed(server, "pending")
    page.goto(f"{server['base']}/documents/{server['document_id']}/suggestions")
    items = page.locator("#queue .suggestion")
    expect(items).to_have_count(len(waiting))
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "review-queue.png"), full_page=True)

    page.keyboard.press("j")  # focus the first
    expect(items.first).to_be_focused()
    page.keyboard.press("a")
    expect(items).to_have_count(len(waiting) - 1)
    page.keyboard.press("r")  # focus moved to the next one
    expect(items).to_have_count(len(waiting) - 2)
    expect(page.locator("#queue-count")).to_contain_text(f"{len(waiting) - 2} waiting")
    assert [s["id"] for s in listed(server, "accepted")] == [waiting[0]["id"]]
    assert [s["id"] for s in listed(server, "rejected")] == [waiting[1]["id"]]

    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.keyboard.press("Shift+R")  # asks first; saying no keeps the queue
    expect(items).to_have_count(len(waiting) - 2)
    assert asked == [f"Reject all {len(waiting) - 2} suggestions?"]
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-decide-all=accept]")
    expect(page.locator("#queue-empty")).to_be_visible()
    assert listed(server, "pending") == []
    assert len(listed(server, "accepted")) == len(waiting) - 1

    page.goto(f"{server['base']}/documents/{server['document_id']}")
    expect(page.locator(".bad-redaction-alert")).to_contain_text("still readable")
    expect(page.locator("#page-1 .highlight.region").first).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "viewer-after-review.png"))


def test_export_download_and_import_report(server, page, tmp_path):
    page.goto(f"{server['base']}/projects/{server['project_id']}/export")
    page.check("input[name=format][value=csv]")
    with page.expect_download() as download_info:
        page.click("text=Download")
    download = download_info.value
    assert download.suggested_filename.startswith("reviewing-csv-") and download.suggested_filename.endswith(".csv")
    saved = tmp_path / "export.csv"
    download.save_as(saved)
    assert saved.read_bytes().startswith("\ufeffdocument,title".encode())

    collection = {"type": "AnnotationCollection", "first": {"items": [{"type": "Annotation", "target": {}}]}}
    upload = tmp_path / "stray.jsonld"
    upload.write_text(__import__("json").dumps(collection))
    page.set_input_files("#import-form input[type=file]", str(upload))
    page.click("#import-form button")
    expect(page.locator("#import-result")).to_contain_text("0 annotations imported.")
    expect(page.locator("#import-result li")).to_have_text(
        "#1: No document in this project has the file this annotation was made on."
    )
