"""In Chromium: script and template payloads planted in PDF text and metadata, a document's title,
notes, tag, project and saved-search names run nowhere and inject nothing, on every page that
shows them."""

import json

import pytest
from live import live_server, request, upload_ready
from pdfs import text_pdf
from playwright.sync_api import sync_playwright
from test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS

EMAIL, PASSWORD = "hostile@example.nz", "a long hostile password"


def payload(n: int) -> str:
    """Markup that would set window.pwned to n if it ran, and a template expression that would
    show 49 if it were evaluated."""
    return f'<img src=x onerror="window.pwned={n}"><script>window.pwned={n}</script>{{{{7*7}}}}${{7*7}}'


def send(server, path: str, body: dict, method: str = "POST") -> dict:
    headers = {"Content-Type": "application/json"}
    status, answer = request(server["base"], server["token"], path, method, json.dumps(body).encode(), headers)
    assert status in (200, 201), (path, answer)
    return answer


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with live_server(tmp_path_factory.mktemp("hostile"), EMAIL, PASSWORD) as running:
        project = send(running, "/api/projects", {"name": "Hostile " + payload(1)})
        lines = [(72, 100, "Briefing " + payload(2)), (72, 130, "Second line about trade.")]
        document = upload_ready(running, project["id"], "x.pdf", text_pdf([lines], title=payload(3)))
        send(running, f"/api/documents/{document}", {"agency": payload(4), "description": payload(5)}, "PATCH")
        send(running, f"/api/projects/{project['id']}/tags", {"name": payload(6)[:95]})
        note = {"page": 1, "start": 0, "end": 8, "tags": ["Risk"], "note": "Note " + payload(7)}
        send(running, f"/api/documents/{document}/annotations", note)
        send(running, f"/api/projects/{project['id']}/saved-searches", {"name": payload(8), "query": "briefing"})
        yield {**running, "project": project["id"], "document": document}


def test_planted_payloads_run_nowhere_and_show_as_text(server):
    base, project, document = server["base"], server["project"], server["document"]
    pages = [
        "/",
        f"/projects/{project}",
        f"/documents/{document}",
        f"/documents/{document}/edit",
        f"/projects/{project}/search?q=briefing",
        f"/projects/{project}/search?q={payload(9)}",
        f"/projects/{project}/tags",
        f"/projects/{project}/suggestions",
        f"/projects/{project}/export",
        f"/projects/{project}/members",
        f"/projects/{project}/audit",
        f"/projects/{project}/redactions",
    ]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tab = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        dialogs = []
        tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        tab.goto(base + "/login")
        tab.fill("input[name=email]", EMAIL)
        tab.fill("input[name=password]", PASSWORD)
        tab.click("button[type=submit]")
        for path in pages:
            tab.goto(base + path)
            tab.wait_for_load_state("networkidle")
            assert tab.evaluate("window.pwned") is None, path
            injected = tab.locator("img[src=x], script:not([src]):not([type='application/json'])")
            assert injected.count() == 0, path
            assert "${7*7}" in tab.locator("body").inner_text(), path  # shown as typed, never evaluated
        tab.goto(f"{base}/documents/{document}")
        tab.locator(".annotation-item").first.wait_for()
        text = tab.locator("body").inner_text()
        assert "Note <img src=x" in text and "{{7*7}}" in text and "Note 49" not in text
        tab.screenshot(path=str(ARTIFACTS / "hostile-viewer.png"))
        assert dialogs == []
        browser.close()
