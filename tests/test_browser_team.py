"""In Chromium: an owner invites a viewer on the Members page; the viewer joins by the link, reads
the release without the tools to change it, and never sees the owner's private note."""

import json

import pytest
from live import create_project, live_server, request, upload_ready
from pdfs import text_pdf
from playwright.sync_api import expect, sync_playwright
from test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, signed_in_tab

EMAIL, PASSWORD = "owner@example.nz", "a long owner password"
VIEWER, VIEWER_PASSWORD = "lawyer@example.nz", "a long lawyer password"
LINES = [(72, 100, "Cabinet paper: supply chain resilience for the Defence industry.")]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with live_server(tmp_path_factory.mktemp("team"), EMAIL, PASSWORD) as running:
        project = create_project(running["base"], running["token"], "Shared investigation")
        document_id = upload_ready(running, project["id"], "briefing.pdf", text_pdf([LINES]))
        yield {**running, "project": project["id"], "document": document_id}


def annotate(server, note: str, visibility: str) -> None:
    body = json.dumps({"page": 1, "start": 0, "end": 13, "tags": ["Risk"], "note": note, "visibility": visibility})
    path = f"/api/documents/{server['document']}/annotations"
    status, _ = request(
        server["base"], server["token"], path, "POST", body.encode(), {"Content-Type": "application/json"}
    )
    assert status == 201


def test_an_owner_invites_a_viewer_who_reads_but_cannot_change_or_see_private_notes(server):
    ARTIFACTS.mkdir(exist_ok=True)
    annotate(server, "shared with the team", "project")
    annotate(server, "my source said so", "private")
    with signed_in_tab(server["base"], EMAIL, PASSWORD, {"width": 1280, "height": 900}) as owner:
        owner.goto(f"{server['base']}/projects/{server['project']}/members")
        invite = owner.locator("form[action$='/invitations']")
        invite.locator("input[name=email]").fill(VIEWER)
        invite.locator("select[name=role]").select_option("viewer")
        invite.locator("button").click()
        link = owner.locator("#invitation-link").input_value()
        assert link.startswith(server["base"] + "/invitations/")
        owner.screenshot(path=str(ARTIFACTS / "members.png"), full_page=True)
        owner.goto(f"{server['base']}/projects/{server['project']}/settings")
        owner.fill("input[name=confirm]", "Shared")
        owner.click("text=Delete the project")
        expect(owner.locator(".flash-error")).to_contain_text("Type the project's name exactly to confirm")
        owner.screenshot(path=str(ARTIFACTS / "project-settings.png"), full_page=True)
        owner.goto(f"{server['base']}/documents/{server['document']}")
        expect(owner.locator(".annotation-item")).to_have_count(2)
        expect(owner.locator(".private-badge")).to_have_count(1)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        viewer = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        viewer.goto(link)
        expect(viewer.locator("h1")).to_have_text("Join “Shared investigation”")
        viewer.fill("input[name=password]", VIEWER_PASSWORD)
        viewer.click("button[type=submit]")
        expect(viewer.locator(".flash")).to_contain_text("You have joined “Shared investigation” as a viewer.")
        expect(viewer.locator("#dropzone")).to_have_count(0)
        viewer.goto(f"{server['base']}/documents/{server['document']}")
        expect(viewer.locator(".annotation-item")).to_have_count(1)
        expect(viewer.locator(".annotation-item")).to_contain_text("shared with the team")
        expect(viewer.locator("body")).not_to_contain_text("my source said so")
        expect(viewer.locator("#box-tool")).to_be_hidden()
        expect(viewer.locator("#viewer-only")).to_be_visible()
        viewer.locator(".annotation-item").first.focus()
        viewer.keyboard.press("e")
        expect(viewer.locator("#annotator-title")).to_have_text("Annotation")
        expect(viewer.locator("#annotator-save")).to_be_hidden()
        expect(viewer.locator("#private-field")).to_be_hidden()
        viewer.screenshot(path=str(ARTIFACTS / "viewer-read-only.png"))
        viewer.goto(f"{server['base']}/account")
        expect(viewer.locator("h1")).to_have_text("Your account")
        viewer.screenshot(path=str(ARTIFACTS / "account.png"), full_page=True)
        browser.close()
