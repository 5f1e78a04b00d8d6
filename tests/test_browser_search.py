"""Search in Chromium: the search page lists hits with marked snippets and facets; a hit opens
the viewer with the matching words lit where the words are; n steps through the hits and on to
the next document's; the find box searches inside the document. Screenshots go to test-artifacts/."""

import json
import re
import time

import pytest
from live import create_project, live_server, multipart, request
from pdfs import text_pdf
from playwright.sync_api import expect
from test_browser import ARTIFACTS, EMAIL, PASSWORD, signed_in_tab

PLAN = [
    [(72, 100, "Supply chain resilience for the Pacific."), (72, 140, "Officials met on Tuesday.")],
    [(72, 100, "Nothing to find on this page.")],
    [(72, 100, "Budget notes."), (72, 300, "A second supply chain review is due.")],
]
OTHER = [[(72, 100, "The supply chain of munitions.")]]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with live_server(tmp_path_factory.mktemp("server"), EMAIL, PASSWORD) as running:
        yield running


def _upload(server, project_id: int, name: str, pdf: bytes) -> int:
    body, kind = multipart(name, pdf)
    status, answer = request(
        server["base"], server["token"], f"/api/projects/{project_id}/documents", "POST", body, {"Content-Type": kind}
    )
    assert status == 202, answer
    return answer["documents"][0]["id"]


def _wait_ready(server, project_id: int, count: int) -> None:
    for _ in range(300):
        _, answer = request(server["base"], server["token"], f"/api/projects/{project_id}/documents")
        if [d["status"] for d in answer["documents"]].count("ready") == count:
            return
        time.sleep(0.2)
    raise AssertionError(json.dumps(answer))


def _overlap(a: dict, b: dict) -> float:
    """Intersection over union of two bounding boxes from Playwright."""
    x = max(0, min(a["x"] + a["width"], b["x"] + b["width"]) - max(a["x"], b["x"]))
    y = max(0, min(a["y"] + a["height"], b["y"] + b["height"]) - max(a["y"], b["y"]))
    union = a["width"] * a["height"] + b["width"] * b["height"] - x * y
    return x * y / union if union else 0


def test_search_opens_hits_lit_on_the_page_and_steps_through_them(server):
    ARTIFACTS.mkdir(exist_ok=True)
    project = create_project(server["base"], server["token"], "Pacific supply")
    first = _upload(server, project["id"], "briefing.pdf", text_pdf(PLAN, title="Supply briefing"))
    second = _upload(server, project["id"], "munitions.pdf", text_pdf(OTHER, title="Munitions memo"))
    _wait_ready(server, project["id"], 2)
    with signed_in_tab(server["base"], EMAIL, PASSWORD, {"width": 1280, "height": 900}) as tab:
        tab.goto(f"{server['base']}/projects/{project['id']}")
        tab.click("nav.project-links a:has-text('Search')")
        tab.fill("#q", '"supply chain"')
        tab.press("#q", "Enter")
        expect(tab.locator("#result-count")).to_have_text("3 pages match")
        expect(tab.locator(".result .snippet mark")).to_have_count(6)  # "supply" and "chain" on each
        expect(tab.locator(".facets")).to_contain_text("Supply briefing")
        tab.click("summary[aria-label='How to write a search']")
        expect(tab.locator(".search-help-body")).to_contain_text("the exact phrase")
        tab.screenshot(path=str(ARTIFACTS / "search-help.png"))
        tab.click("summary[aria-label='How to write a search']")
        tab.screenshot(path=str(ARTIFACTS / "search-results.png"), full_page=True)

        errors = []
        tab.on("pageerror", lambda error: errors.append(str(error)))
        opening = tab.locator(".result").filter(has_text="Supply briefing").filter(has_text="Pacific")
        opening.locator(".result-title").click()
        hits = tab.locator("#page-1 .hit")
        expect(hits).to_have_count(2)
        assert errors == []
        expect(tab.locator("#find-status")).to_have_text("Hit 1 of 4 · page 1")
        for index, word in enumerate(["Supply", "chain"]):
            span = tab.locator("#page-1 .text-layer span", has_text=word).first.bounding_box()
            assert _overlap(hits.nth(index).bounding_box(), span) > 0.8, word
        tab.screenshot(path=str(ARTIFACTS / "viewer-search-hits.png"))

        tab.keyboard.press("n")
        expect(tab.locator("#find-status")).to_have_text("Hit 2 of 4 · page 1")
        tab.keyboard.press("n")
        expect(tab.locator("#find-status")).to_have_text("Hit 3 of 4 · page 3")
        expect(tab.locator("#page-jump")).to_have_value("3")
        expect(tab.locator("#page-3 .hit.current")).to_have_count(1)
        # Only the pages pane scrolled to page 3: the window keeps its top bar and toolbar in view.
        assert tab.evaluate("window.scrollY") == 0
        assert tab.locator(".topbar").bounding_box()["y"] == 0
        tab.keyboard.press("Shift+N")
        expect(tab.locator("#find-status")).to_have_text("Hit 2 of 4 · page 1")
        tab.keyboard.press("n")
        tab.keyboard.press("n")
        tab.keyboard.press("n")
        tab.wait_for_url(re.compile(rf"/documents/{second}\?q="))
        expect(tab.locator("#find-status")).to_have_text("Hit 1 of 2 · page 1")

        tab.goto(f"{server['base']}/documents/{first}")
        tab.locator("#page-1 .text-layer span").first.wait_for()
        tab.keyboard.press("Control+f")
        expect(tab.locator("#find")).to_be_focused()
        tab.keyboard.type("officials")
        tab.keyboard.press("Enter")
        expect(tab.locator("#find-status")).to_have_text("Hit 1 of 1 · page 1")
        expect(tab.locator("#page-1 .hit")).to_have_count(1)


def test_save_a_search_see_what_is_new_tag_all_hits_and_undo(server):
    ARTIFACTS.mkdir(exist_ok=True)
    project = create_project(server["base"], server["token"], "Saved searches")
    _upload(server, project["id"], "briefing.pdf", text_pdf(PLAN, title="Supply briefing"))
    _wait_ready(server, project["id"], 1)
    with signed_in_tab(server["base"], EMAIL, PASSWORD, {"width": 1280, "height": 900}) as tab:
        tab.goto(f"{server['base']}/projects/{project['id']}/search?q=%22supply+chain%22")
        tab.fill("input[name=name]", "Supply chain")
        tab.click("button:has-text('Save search')")
        expect(tab.locator(".flash-info")).to_contain_text("Saved the search “Supply chain”")
        expect(tab.locator(".saved-searches")).to_contain_text("Supply chain")

        _upload(server, project["id"], "munitions.pdf", text_pdf(OTHER, title="Munitions memo"))
        _wait_ready(server, project["id"], 2)
        tab.goto(f"{server['base']}/projects/{project['id']}")
        expect(tab.locator("#saved-searches .new-badge")).to_have_text("1 new")
        tab.screenshot(path=str(ARTIFACTS / "project-saved-searches.png"), full_page=True)
        tab.click("#saved-searches a:has-text('Supply chain')")
        expect(tab.locator(".saved-opened")).to_contain_text("1 new page since you last looked")
        expect(tab.locator(".new-results .result-title")).to_have_text(["Munitions memo"])
        tab.screenshot(path=str(ARTIFACTS / "search-saved-new.png"), full_page=True)
        tab.goto(f"{server['base']}/projects/{project['id']}")
        expect(tab.locator("#saved-searches .new-badge")).to_have_count(0)

        tab.goto(f"{server['base']}/projects/{project['id']}/search?q=%22supply+chain%22")
        tab.select_option("select[name=tag]", "Risk")
        tab.click("button:has-text('Tag all hits')")
        expect(tab.locator(".batch-notice")).to_contain_text("Tagged 3 hits as suggestions to review.")
        tab.screenshot(path=str(ARTIFACTS / "search-tagged-all.png"), full_page=True)
        _, queue = request(server["base"], server["token"], f"/api/projects/{project['id']}/suggestions")
        assert sum(1 for s in queue["suggestions"] if s["source"] == "search") == 3
        tab.click(".batch-notice button:has-text('Undo')")
        expect(tab.locator(".flash-info")).to_contain_text("removed the 3 annotations or suggestions")
        _, queue = request(server["base"], server["token"], f"/api/projects/{project['id']}/suggestions")
        assert sum(1 for s in queue["suggestions"] if s["source"] == "search") == 0

        tab.click("a:has-text('Search a list of names at once')")
        tab.fill("textarea[name=terms]", "Supply chain\nMunitions\nNobody at all")
        tab.click("button:has-text('Count')")
        expect(tab.locator(".terms-table tbody tr")).to_have_count(3)
        expect(tab.locator(".terms-table tbody tr").first).to_contain_text("Supply chain")
        expect(tab.locator(".terms-table tbody tr").first.locator("td.number").first).to_have_text("3")
        tab.screenshot(path=str(ARTIFACTS / "search-names.png"), full_page=True)
