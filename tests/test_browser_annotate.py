"""In Chromium: tag a passage with a hotkey and a note, find it again after a reload exactly where it
was made, and draw a Redaction box with its ground on a scanned page."""

import pytest
from live import create_project, live_server, multipart, request
from pdfs import scanned_pdf, text_pdf
from playwright.sync_api import expect
from test_browser import ARTIFACTS, signed_in_tab, stable_box

EMAIL, PASSWORD = "annotator@example.nz", "a long annotator password"
LINES = [
    (72, 100, "Cabinet paper: supply chain resilience for the Defence industry."),
    (72, 130, "Officials consider the reputational risk could undermine the programme."),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with live_server(tmp_path_factory.mktemp("annotate"), EMAIL, PASSWORD) as running:
        project = create_project(running["base"], running["token"], "Annotating")
        ids = []
        for name, pdf in [("briefing.pdf", text_pdf([LINES])), ("scan.pdf", scanned_pdf([(72, 120, "Letter")]))]:
            body, content_type = multipart(name, pdf)
            path = f"/api/projects/{project['id']}/documents"
            _, answer = request(running["base"], running["token"], path, "POST", body, {"Content-Type": content_type})
            ids.append(answer["documents"][0]["id"])
        for document_id in ids:
            for _ in range(300):
                if request(running["base"], running["token"], f"/api/documents/{document_id}")[1]["status"] == "ready":
                    break
                __import__("time").sleep(0.1)
        yield {**running, "text_id": ids[0], "scan_id": ids[1]}


@pytest.fixture
def page(server):
    with signed_in_tab(server["base"], EMAIL, PASSWORD, {"width": 1400, "height": 1000}) as tab:
        yield tab


def drag(page, start, end):
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move((start[0] + end[0]) / 2, (start[1] + end[1]) / 2, steps=4)
    page.mouse.move(*end, steps=4)
    page.mouse.up()


def word_box(page, number, text):
    span = page.locator(f"#page-{number} .text-layer span", has_text=text).first
    span.wait_for()
    span.scroll_into_view_if_needed()
    return stable_box(span)


def test_tag_a_passage_with_a_hotkey_and_find_it_after_reload(server, page):
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(f"{server['base']}/documents/{server['text_id']}")
    first, last = word_box(page, 1, "reputational"), word_box(page, 1, "undermine")
    middle = first["y"] + first["height"] / 2
    drag(page, (first["x"] + 1, middle), (last["x"] + last["width"] - 1, middle))
    expect(page.locator("#annotator")).to_be_visible()
    expect(page.locator("#annotator-quote")).to_have_text("reputational risk could undermine")
    page.keyboard.press("2")  # Risk
    expect(page.locator('#annotator-tags [data-tag="Risk"]')).to_have_attribute("aria-pressed", "true")
    page.keyboard.type("Ask the Ministry about this risk")
    page.keyboard.press("Enter")
    expect(page.locator("#annotator")).to_be_hidden()
    expect(page.locator("#announcer")).to_contain_text("Saved. Risk. Passage on page 1.")

    stored = request(server["base"], server["token"], f"/api/documents/{server['text_id']}/annotations")[1]
    [annotation] = stored["annotations"]
    assert (annotation["exact"], annotation["tags"]) == ("reputational risk could undermine", ["Risk"])
    assert annotation["note"] == "Ask the Ministry about this risk"

    page.reload()
    item = page.locator(".annotation-item").first
    expect(item).to_contain_text("reputational risk could undermine")
    expect(item).to_contain_text("Ask the Ministry about this risk")
    marks = page.locator(f'.highlight[data-annotation-id="{annotation["id"]}"]')
    expect(marks).to_have_count(4)
    frame = page.locator("#page-1 .page-frame").bounding_box()
    scale = frame["width"] / 595  # the page is 595 points wide, shown unrotated
    for mark, (x0, y0, x1, y1) in zip(marks.all(), annotation["rects"], strict=True):
        box = mark.bounding_box()
        assert box["x"] == pytest.approx(frame["x"] + x0 * scale, abs=1)
        assert box["y"] == pytest.approx(frame["y"] + y0 * scale, abs=1)
        assert box["width"] == pytest.approx((x1 - x0) * scale, abs=1)
        assert box["height"] == pytest.approx((y1 - y0) * scale, abs=1)
    # The stored word boxes are the boxes of the words the mouse went over.
    for word in ("reputational", "undermine"):
        span = word_box(page, 1, word)
        assert any(abs(m.bounding_box()["x"] - span["x"]) < 1.5 for m in marks.all())

    # Clicking a highlight opens it for editing.
    box = marks.nth(1).bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator("#annotator-title")).to_have_text("Edit annotation")
    expect(page.locator("#annotator-quote")).to_have_text("reputational risk could undermine")
    page.keyboard.press("Escape")

    # Keyboard alone: reach the list, open the annotation, add a tag by its key, edit the note.
    item.focus()
    page.keyboard.press("e")
    expect(page.locator("#annotator-title")).to_have_text("Edit annotation")
    expect(page.locator("#annotator-history li")).to_have_count(1)
    page.keyboard.press("8")  # Key quote
    page.keyboard.press("9")  # Follow up: tag keys stay tag keys until the note is started
    page.keyboard.press("9")  # and off again
    page.keyboard.type(", confirmed")  # any other key starts typing at the end of the note
    page.keyboard.press("Enter")
    expect(item).to_contain_text("Key quote")
    expect(item).to_contain_text("Ask the Ministry about this risk, confirmed")
    edited = request(server["base"], server["token"], f"/api/annotations/{annotation['id']}")[1]
    assert (edited["tags"], edited["note"]) == (["Risk", "Key quote"], "Ask the Ministry about this risk, confirmed")
    assert [h["action"] for h in edited["history"]] == ["created", "updated"]

    # Filtering by another tag hides it from the list and the page.
    page.select_option("#filter-tag", "Follow up")
    expect(page.locator(".annotation-item")).to_have_count(0)
    expect(marks).to_have_count(0)
    page.select_option("#filter-tag", "")
    expect(marks).to_have_count(4)
    page.screenshot(path=str(ARTIFACTS / "annotated-text.png"))


def test_draw_a_redaction_box_on_a_scan(server, page):
    page.goto(f"{server['base']}/documents/{server['scan_id']}")
    page.locator("#page-1 .text-layer").wait_for(state="attached")
    frame = page.locator("#page-1 .page-frame").bounding_box()
    page.keyboard.press("b")
    expect(page.locator("#box-tool")).to_have_attribute("aria-pressed", "true")
    scale = frame["width"] / 612
    start = (frame["x"] + 300 * scale, frame["y"] + 400 * scale)
    end = (frame["x"] + 450 * scale, frame["y"] + 440 * scale)
    drag(page, start, end)
    expect(page.locator("#annotator-title")).to_have_text("Tag this box")
    page.keyboard.press("1")  # Redaction
    expect(page.locator("#ground-field")).to_be_visible()
    page.fill("#annotator-ground", "9(2)(a)")
    page.press("#annotator-ground", "Enter")
    expect(page.locator("#annotator")).to_be_hidden()
    stored = request(server["base"], server["token"], f"/api/documents/{server['scan_id']}/annotations")[1]
    [box] = stored["annotations"]
    assert (box["kind"], box["tags"], box["ground"]) == ("region", ["Redaction"], "9(2)(a)")
    assert box["rects"][0] == pytest.approx([300, 400, 450, 440], abs=1.5)
    expect(page.locator(f'.highlight.region[data-annotation-id="{box["id"]}"]')).to_have_count(1)
    expect(page.locator(".annotation-item .ground")).to_have_text("9(2)(a)")
    page.screenshot(path=str(ARTIFACTS / "annotated-scan.png"))
