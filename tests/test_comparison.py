"""Two releases of the same paper compared, through the API: pages aligned, text released now and
withheld now, a box whose ground changed, a page removed and one added."""

import pytest
from conftest import Api, upload
from pdfs import briefing_pdf, scanned_copy
from rapidfuzz import fuzz
from rereleases import LINES, rerelease_pair

from app.auth import service as auth_service


@pytest.fixture
def pair(api, project):
    first, second = rerelease_pair()
    a = upload(api, project["id"], ("first.pdf", first)).get_json()["documents"][0]
    b = upload(api, project["id"], ("second.pdf", second)).get_json()["documents"][0]
    return a, b


def test_a_re_release_is_compared_with_the_first_release(api, pair):
    a, b = pair
    compared = api.get(f"/api/documents/{a['id']}/compare/{b['id']}").get_json()
    assert compared["pages"] == [[1, 1], [2, 2], [3, 3]]
    assert (compared["pages_removed"], compared["pages_added"]) == ([4], [4])
    released = {(r["page_a"], r["page_b"], r["text"], r["ground"]) for r in compared["released_now"]}
    assert released == {(1, 1, LINES[0][4], "9(2)(a)"), (3, 3, LINES[2][3], "9(2)(h)")}
    withheld = {(r["page_a"], r["page_b"], r["text"], r["ground"]) for r in compared["withheld_now"]}
    assert withheld == {(3, 3, LINES[2][4], "9(2)(ba)(i)")}
    changes = [(c["page_a"], c["page_b"], c["ground_a"], c["ground_b"]) for c in compared["ground_changes"]]
    assert changes == [(2, 2, "9(2)(g)(i)", "9(2)(f)(iv)")]
    assert all(len(r["rects"]) == len(r["text"].split()) for r in compared["released_now"])


def test_a_scanned_re_release_is_compared_with_its_scanned_first_release(api, project):
    """The same pair scanned at 200 dpi: read by OCR (a real Tesseract), the pages still align, and
    what was withheld and is released now is found, as OCR read it, with its ground."""
    first, second = (scanned_copy(pdf, 200) for pdf in rerelease_pair())
    a = upload(api, project["id"], ("first-scan.pdf", first)).get_json()["documents"][0]
    b = upload(api, project["id"], ("second-scan.pdf", second)).get_json()["documents"][0]
    compared = api.get(f"/api/documents/{a['id']}/compare/{b['id']}").get_json()
    assert compared["pages"] == [[1, 1], [2, 2], [3, 3]]
    released = sorted((r["page_a"], r["ground"], r["text"]) for r in compared["released_now"])
    assert [(page, ground) for page, ground, _ in released] == [(1, "9(2)(a)"), (3, "9(2)(h)")]
    for (_, _, text), truth in zip(released, (LINES[0][4], LINES[2][3]), strict=True):
        assert fuzz.ratio(text, truth) >= 90, (text, truth)


def test_the_differences_export_as_markdown(api, pair):
    a, b = pair
    markdown = api.get(f"/api/documents/{a['id']}/compare/{b['id']}?format=md")
    assert markdown.mimetype == "text/markdown"
    text = markdown.get_data(as_text=True)
    assert text.startswith("# Compared: “first” and “second”")
    assert "## Released now (withheld before)" in text
    assert f"> {LINES[0][4]}" in text and "first p. 1, second p. 1, withheld before under s 9(2)(a)" in text
    assert "## Ground changed" in text and "s 9(2)(g)(i) → s 9(2)(f)(iv)" in text


def test_comparing_a_document_with_itself_or_across_projects_is_refused(api, pair, project):
    a, _ = pair
    assert api.get(f"/api/documents/{a['id']}/compare/{a['id']}").status_code == 400
    other = api.post("/api/projects", json={"name": "Elsewhere"}).get_json()
    first, _ = rerelease_pair()
    c = upload(api, other["id"], ("first.pdf", first)).get_json()["documents"][0]
    refused = api.get(f"/api/documents/{a['id']}/compare/{c['id']}")
    assert refused.status_code == 400 and "same project" in refused.get_json()["error"]


def test_a_document_of_a_project_one_cannot_open_is_not_compared(app, api, pair):
    a, _ = pair
    with app.extensions["sessions"]() as session:
        stranger = auth_service.create_user(session, "stranger@example.nz", "a long stranger password")
        token = auth_service.create_token_for(session, stranger.email)
    theirs = Api(app.test_client(), token)
    own = theirs.post("/api/projects", json={"name": "Theirs"}).get_json()
    first, _ = rerelease_pair()
    mine = upload(theirs, own["id"], ("mine.pdf", first)).get_json()["documents"][0]
    assert theirs.get(f"/api/documents/{mine['id']}/compare/{a['id']}").status_code == 404


def test_the_side_by_side_page_lights_the_differences_on_both_page_images(api, pair):
    a, b = pair
    picker = api.get(f"/documents/{a['id']}/compare").get_data(as_text=True)
    assert f'<option value="{b["id"]}"' in picker
    page = api.get(f"/documents/{a['id']}/compare?with={b['id']}").get_data(as_text=True)
    assert page.count('class="compared-pair"') == 3  # pages 1, 2 and 3 each changed
    assert page.count('class="lit-released"') == len(LINES[0][4].split()) + len(LINES[2][3].split())
    assert page.count('class="lit-withheld"') == len(LINES[2][4].split())
    assert page.count('class="lit-ground"') == 2  # on both images
    assert f"/documents/{b['id']}/pages/1.png" in page and f"/documents/{a['id']}/pages/3.png" in page
    assert api.get(f"/documents/{a['id']}/compare?with=x").status_code == 400


def test_a_re_release_is_proposed_for_comparison_with_the_first(api, project, pair):
    a, b = pair
    other = upload(api, project["id"], ("briefing.pdf", briefing_pdf(3))).get_json()["documents"][0]
    similar = api.get(f"/api/documents/{b['id']}/release").get_json()["similar"]
    assert [s["id"] for s in similar] == [a["id"]] and similar[0]["similarity"] >= 0.35
    assert api.get(f"/api/documents/{other['id']}/release").get_json()["similar"] == []
    page = api.get(f"/documents/{b['id']}/redactions").get_data(as_text=True)
    assert f"/documents/{a['id']}/compare?with={b['id']}" in page and "another release of the same paper" in page
