"""End to end in Chromium: sign in, create a project, upload, watch progress, select words in the viewer.

Runs the real thing: `python -m app.run` (waitress + worker) on a free port, driven by Playwright
with Debian's /usr/bin/chromium.
"""

import time
from contextlib import contextmanager

import pytest
from live import live_server, multipart, request
from pdfs import briefing_pdf, scanned_pdf
from playwright import sync_api as playwright_api
from playwright.sync_api import expect
from sqlalchemy import create_engine, update

from app import storage
from app.config import ROOT
from app.models import Document, DocumentStatus

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = ROOT / "test-artifacts"
EMAIL, PASSWORD = "browser@example.nz", "a long browser password"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app and its worker, started as `make run` starts them, on a fresh database."""
    with live_server(tmp_path_factory.mktemp("server"), EMAIL, PASSWORD) as running:
        yield running


@contextmanager
def signed_in_tab(base: str, email: str, password: str, viewport: dict):
    """A Chromium tab signed in to the app at base; the browser closes afterwards."""
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tab = browser.new_context(viewport=viewport).new_page()
        sign_in(tab, base, email, password)
        yield tab
        browser.close()


def sign_in(tab, base: str, email: str, password: str) -> None:
    tab.goto(base + "/login")
    tab.fill("input[name=email]", email)
    tab.fill("input[name=password]", password)
    tab.click("button[type=submit]")


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def stable_box(locator) -> dict:
    """The element's box once it has stopped moving: the same for 0.3 s (a smooth scroll, a late
    image, a scroll bar appearing or the text layer fitting its fonts can each move it)."""
    locator.page.wait_for_load_state("networkidle")
    box, same_since = locator.bounding_box(), time.monotonic()
    deadline = same_since + 10
    while time.monotonic() - same_since < 0.3:
        if time.monotonic() > deadline:
            raise AssertionError("the element kept moving")
        time.sleep(0.05)
        again = locator.bounding_box()
        if again != box:
            box, same_since = again, time.monotonic()
    return box


def select_by_mouse(page, word_span) -> str:
    """Drag the mouse across a word of the text layer and return the selected text."""
    word_span.scroll_into_view_if_needed()
    box = stable_box(word_span)
    middle = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + 1, middle)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2, middle, steps=3)
    page.mouse.move(box["x"] + box["width"] - 1, middle, steps=3)
    page.mouse.up()
    selected = page.evaluate("window.getSelection().toString()")
    if selected.strip() != word_span.inner_text().strip():
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "selection-mismatch.png"))  # for whoever reads the failure
    return selected


def test_upload_watch_progress_and_select_words(server, page, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(server["base"] + "/")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.fill("input[name=name]", "Defence industry OIA")
    page.click("text=Create project")
    page.wait_for_selector("h1:has-text('Defence industry OIA')")

    electronic = tmp_path / "briefing.pdf"
    electronic.write_bytes(briefing_pdf(6))
    scan = tmp_path / "scanned-letter.pdf"
    lines = [(72, 120, "Withheld under section 9(2)(a)"), (72, 300, "Programme resilience review")]
    scan.write_bytes(scanned_pdf(lines, rotation=90, fontsize=16))
    page.set_input_files("#file-input", [str(electronic), str(scan)])

    expect(page.locator("#document-rows tr")).to_have_count(2)
    expect(page.locator("#document-rows tr[data-status=ready]")).to_have_count(2, timeout=90_000)
    bars = page.locator("#document-rows progress")
    for i in range(2):
        expect(bars.nth(i)).to_have_attribute("value", "1")
    expect(page.locator("#document-rows .status-text")).to_have_text(["Ready", "Ready"])
    # A Word file named .pdf is refused with a message, and the list is untouched.
    impostor = tmp_path / "minutes.pdf"
    impostor.write_bytes(b"PK\x03\x04 a Word document, not a PDF")
    page.set_input_files("#file-input", [str(impostor)])
    expect(page.locator("#upload-messages [role=alert]")).to_have_text(
        "minutes.pdf: “minutes.pdf” is not a PDF file. Only PDF documents can be uploaded."
    )
    expect(page.locator("#document-rows tr")).to_have_count(2)
    page.screenshot(path=str(ARTIFACTS / "project.png"), full_page=True)

    # The scanned, rotated page: OCR words under the mouse are the words selected.
    page.click("text=scanned-letter")
    word = page.locator(".text-layer span", has_text="resilience").first
    word.wait_for()
    assert select_by_mouse(page, word).strip() == "resilience"
    page.screenshot(path=str(ARTIFACTS / "viewer-scan.png"))

    # The electronic briefing: a word on page 4, reached with the keyboard.
    page.goto(server["base"] + "/")
    page.click("text=Defence industry OIA")
    page.click("text=Briefing: Defence industry programme")
    page.locator("#page-1 .text-layer span").first.wait_for()
    for _ in range(3):
        page.keyboard.press("j")
    expect(page.locator("#page-jump")).to_have_value("4")
    word = page.locator("#page-4 .text-layer span", has_text="Minister").first
    word.wait_for()
    assert select_by_mouse(page, word).strip() == "Minister"
    page.screenshot(path=str(ARTIFACTS / "viewer-text.png"))


def test_a_page_image_drawn_after_the_viewer_opened_appears_without_a_reload(server, page):
    """While a document is processing, its pages' text is stored before their images are drawn:
    the viewer says so, and asks again for an image that is not there yet."""
    base, token, env = server["base"], server["token"], server["env"]
    headers = {"Content-Type": "application/json"}
    _, project = request(base, token, "/api/projects", "POST", b'{"name": "Images later"}', headers)
    body, content_type = multipart("later.pdf", briefing_pdf(2))
    path = f"/api/projects/{project['id']}/documents"
    _, answer = request(base, token, path, "POST", body, {"Content-Type": content_type})
    document_id = answer["documents"][0]["id"]
    # Ready, images drawn: on a busy machine this can take well over 30 s, and an image the worker
    # draws after the one below is moved away would be there when the viewer asks for it.
    for _ in range(1200):
        if request(base, token, f"/api/documents/{document_id}")[1]["status"] == "ready":
            break
        time.sleep(0.1)
    assert request(base, token, f"/api/documents/{document_id}")[1]["status"] == "ready"
    ARTIFACTS.mkdir(exist_ok=True)
    image = storage.page_image_path(env["UPLOAD_FOLDER"], document_id, 2, False)
    undrawn = image.with_name("undrawn.png")
    image.rename(undrawn)
    _set_status(env["DATABASE_URL"], document_id, DocumentStatus.PROCESSING)  # as it is while images are drawn
    try:
        sign_in(page, base, EMAIL, PASSWORD)
        page.goto(f"{base}/documents/{document_id}")
        expect(page.locator(".viewer-flash")).to_contain_text("every page's text is in and can be searched")
        page.locator("#page-2").evaluate("section => section.scrollIntoView({ block: 'start' })")
        page.locator("#page-2 .text-layer span").first.wait_for(state="attached")
        page.wait_for_timeout(2_000)  # the image was asked for, and is not there
        page.screenshot(path=str(ARTIFACTS / "viewer-image-later.png"))
        assert page.locator("#page-2 img.page-image").evaluate("image => image.naturalWidth") == 0
        assert "drawing" in page.locator("#page-2 .page-frame").get_attribute("class")  # "still being drawn"
        undrawn.rename(image)
        drawn = page.locator("#page-2 img.page-image")
        for _ in range(100):
            if drawn.evaluate("image => image.naturalWidth") > 0:
                break
            page.wait_for_timeout(100)
        assert drawn.evaluate("image => image.naturalWidth") > 0
    finally:
        _set_status(env["DATABASE_URL"], document_id, DocumentStatus.READY)


def _set_status(url: str, document_id: int, status: DocumentStatus) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(update(Document).where(Document.id == document_id).values(status=status))
    engine.dispose()
