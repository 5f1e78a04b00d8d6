"""Two real NZ releases through the browser, end to end: uploaded on the project page, read to
ready (the Treasury release once failed whole on one palette-colour scan), and shown as they are:
the viewer says what the release is (proactively released, its key of ground codes) with no
false alarm of text under a box, and the redaction summary shows keyed codes, grey boxes and
out-of-scope pages. Screenshots go to test-artifacts/ for a person to look at."""

import pytest
from live import live_server
from playwright.sync_api import expect
from test_browser import ARTIFACTS, EMAIL, PASSWORD, browser, signed_in_tab  # noqa: F401 - fixtures

from app.config import ROOT

TREASURY = ROOT / "tests" / "corpus" / "nz-treasury-wage-subsidy-keyed-codes.pdf"
IRD = ROOT / "tests" / "corpus" / "nz-ird-covid-out-of-scope-pages.pdf"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with live_server(tmp_path_factory.mktemp("server"), EMAIL, PASSWORD) as running:
        yield running


def test_real_releases_are_read_and_shown_as_releases(server):
    ARTIFACTS.mkdir(exist_ok=True)
    with signed_in_tab(server["base"], EMAIL, PASSWORD, {"width": 1280, "height": 900}) as page:
        page.fill("input[name=name]", "Wage subsidy")
        page.click("text=Create project")
        page.wait_for_selector("h1:has-text('Wage subsidy')")
        page.set_input_files("#file-input", [str(TREASURY), str(IRD)])
        expect(page.locator("#document-rows tr[data-status=ready]")).to_have_count(2, timeout=120_000)
        expect(page.locator("#document-rows .status-text")).to_have_text(["Ready", "Ready"])
        project_url = page.url

        page.locator("#document-rows a", has_text="wage").first.click()
        page.locator("#page-1 .text-layer span").first.wait_for()
        facts = page.locator(".viewer-facts")
        expect(facts).to_contain_text("Proactively released")
        expect(facts).to_contain_text("[33] 9(2)(f)(iv)")
        expect(page.locator(".bad-redaction-alert")).to_have_count(0)
        expect(page.locator(".document-warning")).to_have_count(0)
        page.screenshot(path=str(ARTIFACTS / "viewer-real-release.png"))

        page.click("a.small:has-text('Redactions')")
        expect(page.locator("#ground-key")).to_contain_text("[33]")
        expect(page.locator("#release-facts")).to_contain_text("Proactively released")
        expect(page.locator("#bad-count")).to_have_text("0")
        expect(page.locator("table.grounds")).to_contain_text("9(2)(f)(iv)")
        page.screenshot(path=str(ARTIFACTS / "redactions-keyed-codes.png"), full_page=True)

        page.goto(project_url)
        page.locator("#document-rows a", has_text="ird-covid").first.click()
        page.locator("#page-1 .text-layer span").first.wait_for()
        page.click("a.small:has-text('Redactions')")
        expect(page.locator("#out-of-scope-count")).to_contain_text("2")
        expect(page.locator("h2", has_text="Pages out of scope")).to_be_visible()
        expect(page.locator("#bad-count")).to_have_text("0")
        expect(page.locator("table.grounds")).to_contain_text("9(2)(a)")
        page.screenshot(path=str(ARTIFACTS / "redactions-out-of-scope.png"), full_page=True)
