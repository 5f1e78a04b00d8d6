"""Suggestions from redaction boxes and keyword rules, and their review queue."""

import json
import sqlite3

import pymupdf
import pytest
from conftest import Api, create_user, csrf_token, sign_in, upload
from pdfs import BLACK, oia_release, ragged_passage_pdf, scanned_copy, text_pdf
from sqlalchemy import update

from app import migrate
from app.auth.service import create_token_for
from app.models import Page, Suggestion
from app.suggestions import service
from app.suggestions.service import crop_as_shown

RISKY = text_pdf(
    [
        [
            (72, 100, "The programme is on track. Officials see a reputational risk"),
            (72, 116, "that could undermine public trust. Costs are stable."),
            (72, 150, "Supply chain resilience is the first workstream, then sustainment."),
        ]
    ]
)


def ready(api, project, name, pdf) -> int:
    document = upload(api, project["id"], (name, pdf)).get_json()["documents"][0]
    assert api.get(f"/api/documents/{document['id']}").get_json()["status"] == "ready"
    return document["id"]


def suggestions(api, document_id, status="pending") -> list[dict]:
    return api.get(f"/api/documents/{document_id}/suggestions?status={status}").get_json()["suggestions"]


def test_boxes_become_redaction_suggestions_with_their_grounds(api, project):
    pdf, truth = oia_release()
    document_id = ready(api, project, "release.pdf", pdf)
    regions = [s for s in suggestions(api, document_id) if s["kind"] == "region"]
    expected = sorted((page, ground or "") for page, boxes in truth["boxes"].items() for _, ground in boxes)
    assert sorted((s["page"], s["ground"] or "") for s in regions) == expected
    assert {s["tag"] for s in regions} == {"Redaction"}
    privacy = next(s for s in regions if s["ground"] == "9(2)(a)")
    assert "privacy of natural persons" in privacy["meaning"]
    assert privacy["statute"].startswith("Official Information Act 1982")
    assert all(s["exact"] is None for s in regions)  # text under a bad redaction only on demand
    leaky = [(s["page"], s["ground"]) for s in regions if s["source"] == "leaky redaction box"]
    assert leaky == [(2, "9(2)(ba)(i)")]


def test_preset_rules_propose_workstreams_and_risky_sentences(api, project):
    document_id = ready(api, project, "risky.pdf", RISKY)
    found = {(s["tag"], s["exact"]) for s in suggestions(api, document_id)}
    assert found == {
        ("Risk", "Officials see a reputational risk\nthat could undermine public trust."),
        ("Workstream: Supply chains", "Supply chain resilience"),
        ("Workstream: Sustainment", "sustainment"),
    }


def test_accepting_makes_an_ordinary_annotation(api, project):
    document_id = ready(api, project, "risky.pdf", RISKY)
    risk = next(s for s in suggestions(api, document_id) if s["tag"] == "Risk")
    accepted = api.post(f"/api/suggestions/{risk['id']}/accept").get_json()
    assert accepted["status"] == "accepted"
    annotation = api.get(f"/api/annotations/{accepted['annotation_id']}").get_json()
    assert (annotation["tags"], annotation["exact"], annotation["start"]) == (["Risk"], risk["exact"], risk["start"])
    assert annotation["history"][0]["action"] == "created"
    again = api.post(f"/api/suggestions/{risk['id']}/accept")
    assert again.status_code == 409 and "already accepted" in again.get_json()["error"]
    assert risk["id"] not in [s["id"] for s in suggestions(api, document_id)]


def test_accepting_a_box_keeps_its_ground(api, project):
    pdf, _ = oia_release()
    document_id = ready(api, project, "release.pdf", pdf)
    box = next(s for s in suggestions(api, document_id) if s["ground"] == "9(2)(g)(i)")
    annotation_id = api.post(f"/api/suggestions/{box['id']}/accept").get_json()["annotation_id"]
    annotation = api.get(f"/api/annotations/{annotation_id}").get_json()
    assert (annotation["kind"], annotation["tags"], annotation["ground"]) == ("region", ["Redaction"], "9(2)(g)(i)")
    assert annotation["rects"] == [[round(v, 2) for v in box["rect"]]]
    leaky = next(s for s in suggestions(api, document_id) if s["source"] == "leaky redaction box")
    annotation_id = api.post(f"/api/suggestions/{leaky['id']}/accept").get_json()["annotation_id"]
    assert api.get(f"/api/annotations/{annotation_id}").get_json()["exact"] == ""  # not "Vendor: Acme ..."


def test_rejected_suggestions_do_not_come_back(app, api, project):
    document_id = ready(api, project, "risky.pdf", RISKY)
    first = suggestions(api, document_id)
    rejected = api.post(f"/api/suggestions/{first[0]['id']}/reject").get_json()
    assert rejected["status"] == "rejected"
    assert service.propose(app.extensions["sessions"], document_id) == 0  # the rules run again: nothing new
    assert [s["id"] for s in suggestions(api, document_id)] == [s["id"] for s in first[1:]]
    assert [s["id"] for s in suggestions(api, document_id, "rejected")] == [first[0]["id"]]


def test_accept_all_and_reject_all(api, project):
    pdf, _ = oia_release()
    release = ready(api, project, "release.pdf", pdf)
    risky = ready(api, project, "risky.pdf", RISKY)
    waiting = len(suggestions(api, risky))
    assert api.post(f"/api/documents/{risky}/suggestions/reject-all").get_json() == {"decided": waiting}
    assert suggestions(api, risky) == []
    waiting = len(api.get(f"/api/projects/{project['id']}/suggestions").get_json()["suggestions"])
    assert waiting == len(suggestions(api, release)) > 0
    assert api.post(f"/api/projects/{project['id']}/suggestions/accept-all").get_json() == {"decided": waiting}
    annotations = api.get(f"/api/documents/{release}/annotations").get_json()["annotations"]
    assert len(annotations) == waiting
    assert len(suggestions(api, risky, "rejected")) > 0 and suggestions(api, risky, "accepted") == []


def test_a_new_rule_runs_over_the_project(api, project):
    document_id = ready(api, project, "risky.pdf", RISKY)
    rule = api.post(
        f"/api/projects/{project['id']}/rules",
        json={"tag": "Key quote", "phrases": ["public   trust", "costs are stable"]},
    )
    assert rule.status_code == 201, rule.get_json()
    assert rule.get_json()["phrases"] == ["public   trust", "costs are stable"]
    quotes = sorted(s["exact"] for s in suggestions(api, document_id) if s["tag"] == "Key quote")
    assert quotes == ["Costs are stable", "public trust"]

    regex = api.post(
        f"/api/projects/{project['id']}/rules", json={"tag": "Follow up", "regex": r"on\s+track", "scope": "sentence"}
    ).get_json()
    assert regex["regex"] == r"on\s+track"
    follow = [s["exact"] for s in suggestions(api, document_id) if s["tag"] == "Follow up"]
    assert follow == ["The programme is on track."]
    rules = api.get(f"/api/projects/{project['id']}/rules").get_json()["rules"]
    assert [r["tag"] for r in rules][-2:] == ["Key quote", "Follow up"]
    assert api.delete(f"/api/rules/{regex['id']}").status_code == 204
    assert len(api.get(f"/api/projects/{project['id']}/rules").get_json()["rules"]) == len(rules) - 1
    assert [s for s in suggestions(api, document_id) if s["tag"] == "Follow up"] == []  # withdrawn with it


def test_editing_a_rule_proposes_anew_and_keeps_decisions(api, project):
    document_id = ready(api, project, "risky.pdf", RISKY)
    rule = api.post(f"/api/projects/{project['id']}/rules", json={"tag": "Key quote", "phrases": ["public trust"]})
    rule_id = rule.get_json()["id"]
    [quote] = [s for s in suggestions(api, document_id) if s["tag"] == "Key quote"]
    api.post(f"/api/suggestions/{quote['id']}/reject")
    edited = api.patch(f"/api/rules/{rule_id}", json={"phrases": ["public trust", "on track"]})
    assert edited.status_code == 200 and edited.get_json()["phrases"] == ["public trust", "on track"]
    assert edited.get_json()["tag"] == "Key quote"  # fields not sent are kept
    pending = sorted(s["exact"] for s in suggestions(api, document_id) if s["tag"] == "Key quote")
    assert pending == ["on track"]  # the rejected "public trust" does not come back
    refused = api.patch(f"/api/rules/{rule_id}", json={"regex": "(oops"})
    assert refused.status_code == 400 and "does not compile" in refused.get_json()["error"]
    kept = next(r for r in api.get(f"/api/projects/{project['id']}/rules").get_json()["rules"] if r["id"] == rule_id)
    assert kept["phrases"] == ["public trust", "on track"] and kept["regex"] is None


@pytest.mark.parametrize(
    ("body", "sentence"),
    [
        ({"tag": "Risk", "regex": "(unclosed"}, "does not compile"),
        ({"tag": "Nope", "phrases": ["x"]}, "tag"),
        ({"tag": "Risk", "phrases": []}, "at least one phrase"),
        ({"tag": "Risk", "phrases": "x", "scope": "page"}, "scope"),
        ({"tag": "Risk", "phrases": 5}, "phrases"),
        ({"tag": "Risk", "regex": "x" * 501}, "at most 500"),
    ],
)
def test_bad_rules_are_refused_with_a_sentence(api, project, body, sentence):
    before = api.get(f"/api/projects/{project['id']}/rules").get_json()["rules"]
    response = api.post(f"/api/projects/{project['id']}/rules", json=body)
    assert response.status_code == 400
    assert sentence in response.get_json()["error"]
    assert api.get(f"/api/projects/{project['id']}/rules").get_json()["rules"] == before


@pytest.mark.timeout(60)
def test_a_pattern_that_would_backtrack_forever_matches_in_linear_time(api, project):
    """(a+)+$ and ([a-z ]+)*Z take Python's re hours on these lines; RE2 cannot backtrack."""
    lines = [(72, 100 + 14 * i, "a" * 80 + "!") for i in range(40)] + [(72, 700, "lower case words Z")]
    document_id = ready(api, project, "runaway.pdf", text_pdf([lines]))
    for pattern in ("(a+)+$", "([a-z ]+)*Z"):
        response = api.post(f"/api/projects/{project['id']}/rules", json={"tag": "Risk", "regex": pattern})
        assert response.status_code == 201, response.get_json()
    found = [s["exact"] for s in suggestions(api, document_id) if s["source"].startswith("rule")]
    assert "lower case words Z" in found


def test_what_re2_cannot_express_is_refused_with_a_sentence(api, project):
    response = api.post(f"/api/projects/{project['id']}/rules", json={"tag": "Risk", "regex": r"(?<!not )risk"})
    assert response.status_code == 400
    assert "RE2" in response.get_json()["error"] and "look-behind" in response.get_json()["error"]


def test_others_cannot_see_or_decide(app, api, project):
    document_id = ready(api, project, "risky.pdf", RISKY)
    suggestion_id = suggestions(api, document_id)[0]["id"]
    rule_id = api.get(f"/api/projects/{project['id']}/rules").get_json()["rules"][0]["id"]
    other = create_user(app, "other@example.nz")
    with app.extensions["sessions"]() as session:
        intruder = Api(app.test_client(), create_token_for(session, other.email))
    for call, path in [
        (intruder.get, f"/api/documents/{document_id}/suggestions"),
        (intruder.get, f"/api/projects/{project['id']}/suggestions"),
        (intruder.post, f"/api/suggestions/{suggestion_id}/accept"),
        (intruder.post, f"/api/suggestions/{suggestion_id}/reject"),
        (intruder.post, f"/api/documents/{document_id}/suggestions/accept-all"),
        (intruder.post, f"/api/projects/{project['id']}/suggestions/reject-all"),
        (intruder.get, f"/api/projects/{project['id']}/rules"),
        (intruder.delete, f"/api/rules/{rule_id}"),
        (intruder.patch, f"/api/rules/{rule_id}"),
    ]:
        assert call(path).status_code == 404, path
    assert suggestions(api, document_id)[0]["status"] == "pending"


def test_queue_and_rules_pages(app, api, project, client):
    pdf, _ = oia_release()
    document_id = ready(api, project, "release.pdf", pdf)
    sign_in(client)
    html = client.get(f"/documents/{document_id}/suggestions").get_data(as_text=True)
    assert html.count('class="suggestion"') == len(suggestions(api, document_id))
    assert "withheld under <strong>9(2)(a)</strong>" in html and "privacy of natural persons" in html
    assert 'class="crop"' in html
    project_html = client.get(f"/projects/{project['id']}/suggestions").get_data(as_text=True)
    assert "release" in project_html and project_html.count('class="suggestion"') == html.count('class="suggestion"')
    viewer = client.get(f"/documents/{document_id}").get_data(as_text=True)
    assert html.count("Text under this box is still readable") == 1
    assert "still readable" in viewer and 'href="#page-2"' in viewer  # the bad redaction on page 2

    token = csrf_token(client, f"/projects/{project['id']}/rules")
    form = {"tag": "Key quote", "pattern": "<b>Minister</b>\nMinister", "scope": "phrase", "csrf_token": token}
    assert client.post(f"/projects/{project['id']}/rules", data=form).status_code == 302
    rules_html = client.get(f"/projects/{project['id']}/rules").get_data(as_text=True)
    assert "&lt;b&gt;Minister&lt;/b&gt;" in rules_html and "<b>Minister" not in rules_html
    refused = {**form, "pattern": "(", "is_regex": "1"}
    client.post(f"/projects/{project['id']}/rules", data=refused)
    assert "does not compile" in client.get(f"/projects/{project['id']}/rules").get_data(as_text=True)
    no_csrf = {k: v for k, v in form.items() if k != "csrf_token"}
    assert client.post(f"/projects/{project['id']}/rules", data=no_csrf).status_code == 400


def test_migration_gives_existing_projects_the_preset_rules(tmp_path):
    path = tmp_path / "old.db"
    migrate.upgrade(f"sqlite:///{path}", "0001")
    with sqlite3.connect(path) as connection:
        connection.execute(
            "INSERT INTO users (id, email, password_hash, created_at, session_version) "
            "VALUES (1, 'a@example.nz', 'x', '2026-01-01', 1)"
        )
        connection.execute("INSERT INTO projects (id, name, owner_id, created_at) VALUES (1, 'Old', 1, '2026-01-01')")
    migrate.upgrade(f"sqlite:///{path}")
    with sqlite3.connect(path) as connection:
        rows = connection.execute(
            "SELECT t.name, r.scope FROM tag_rules r JOIN tags t ON t.id = r.tag_id WHERE r.project_id = 1"
        ).fetchall()
    assert sorted(rows) == sorted(
        [
            ("Risk", "sentence"),
            ("Supply chains", "phrase"),
            ("Sustainment", "phrase"),
            ("Co-production", "phrase"),
            ("Policy and optimisation", "phrase"),
        ]
    )


def test_a_box_on_a_turned_page_gets_a_crop_too(api, project, client):
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 100), "Advice on the procurement programme", fontsize=11)
    page.draw_rect(pymupdf.Rect(72, 120, 250, 133), color=(0, 0, 0), fill=(0, 0, 0))
    page.insert_text((255, 130), "s 9(2)(a)", fontsize=8)
    page.set_rotation(90)
    document_id = ready(api, project, "turned.pdf", doc.tobytes())
    sign_in(client)
    html = client.get(f"/documents/{document_id}/suggestions").get_data(as_text=True)
    assert html.count('class="crop"') == 1


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_a_crop_shows_the_box_where_the_turned_page_image_has_it(rotation):
    """The review queue crops the page image as shown: the box is mapped as PyMuPDF maps it."""
    page = pymupdf.open().new_page(width=600, height=800)
    page.set_rotation(rotation)
    box = [100.0, 200.0, 250.0, 215.0]
    crop = crop_as_shown(box, 600, 800, rotation)
    assert (crop["width"], crop["height"]) == (abs(page.rect.width), abs(page.rect.height))
    assert crop["rect"] == pytest.approx(list(pymupdf.Rect(box) * page.rotation_matrix))


def test_text_under_a_box_is_stored_nowhere_a_region_over_it_reaches(api, project):
    """A region drawn by hand over a leaky box quotes what is beside the box, never what is under it."""
    pdf, truth = oia_release()
    document_id = ready(api, project, "release.pdf", pdf)
    [leaky] = truth["bad"][2]
    x0, y0, x1, y1 = leaky
    region = [x0 - 2, y0 - 30, x1 + 2, y1 + 2]  # the box and the line above it
    created = api.post(
        f"/api/documents/{document_id}/annotations", json={"page": 2, "rect": region, "tags": ["Follow up"]}
    )
    assert created.status_code == 201, created.get_json()
    assert "contract price" in created.get_json()["exact"]
    exported = [
        api.get(f"/api/projects/{project['id']}/export", query_string={"format": kind}).get_data(as_text=True)
        for kind in ("md", "csv", "jsonld")
    ]
    for text in [created.get_json()["exact"], *exported]:
        assert "Acme" not in text and "Vendor" not in text
    box = next(b for b in api.get(f"/api/documents/{document_id}/redactions").get_json()["boxes"] if b["text_under"])
    assert "Acme" in api.get(f"/api/redaction-boxes/{box['id']}/hidden-text").get_json()["hidden_text"]


def test_accept_all_is_one_commit_all_or_nothing(app, api, project):
    pdf, _ = oia_release()
    document_id = ready(api, project, "release.pdf", pdf)
    pending = suggestions(api, document_id)
    assert len(pending) > 3
    with app.extensions["sessions"].begin() as session:  # one of them cannot become an annotation now
        session.execute(update(Page).where(Page.document_id == document_id, Page.number == 2).values(number=99))
    response = api.post(f"/api/documents/{document_id}/suggestions/accept-all")
    assert response.status_code == 400
    assert [s["id"] for s in suggestions(api, document_id)] == [s["id"] for s in pending]  # none decided
    assert api.get(f"/api/documents/{document_id}/annotations").get_json()["annotations"] == []


def test_text_under_a_leaky_box_reaches_nothing_but_the_hidden_text_call(api, project):
    """The page's text and words, a text selection across the box and keyword rules all see it
    blacked out; only GET /api/redaction-boxes/<id>/hidden-text shows it."""
    rule = {"tag": "Key quote", "phrases": ["Acme Holdings"]}
    assert api.post(f"/api/projects/{project['id']}/rules", json=rule).status_code == 201
    pdf, _ = oia_release()
    document_id = ready(api, project, "release.pdf", pdf)
    page = api.get(f"/api/documents/{document_id}/pages/2").get_json()
    assert "Acme" not in page["text"] and not [w for w in page["words"] if "Acme" in w["text"]]
    assert "█" in page["text"]
    line = [i for i, w in enumerate(page["words"]) if abs(w["y1"] - 162) < 4]
    selection = {"page": 2, "words": [line[0], line[-1]], "tags": ["Follow up"]}
    quoted = api.post(f"/api/documents/{document_id}/annotations", json=selection).get_json()
    assert "Acme" not in quoted["exact"] + quoted["prefix"] + quoted["suffix"] and "█" in quoted["exact"]
    assert not [s for s in suggestions(api, document_id) if s["tag"] == "Key quote"]
    box = next(b for b in api.get(f"/api/documents/{document_id}/redactions").get_json()["boxes"] if b["text_under"])
    assert "Acme Holdings" in api.get(f"/api/redaction-boxes/{box['id']}/hidden-text").get_json()["hidden_text"]


def test_a_passage_redacted_in_one_ragged_shape_is_proposed_and_annotated_once(app, api, project):
    """A scanned page with a passage redacted in one ragged shape (found as several boxes) and a
    box alone: two proposals, not one a box. Accepting the shape's makes one annotation of its
    parts, which the annotated PDF draws part by part and an export and import keep whole."""
    pdf, _ = ragged_passage_pdf("both", BLACK)
    page = pymupdf.open(stream=pdf, filetype="pdf")
    page[0].draw_rect((72, 440, 200, 454), color=None, fill=BLACK)
    page[0].insert_text((206, 451), "s 9(2)(a)", fontsize=9)
    document_id = ready(api, project, "ragged.pdf", scanned_copy(page.tobytes()))
    boxes = api.get(f"/api/documents/{document_id}/redactions").get_json()["boxes"]
    passage = sorted((b["rect"] for b in boxes if b["rect"][1] < 300), key=lambda r: (r[1], r[0]))
    assert len(passage) >= 2
    regions = [s for s in suggestions(api, document_id) if s["kind"] == "region"]
    assert sorted((s["ground"], len(s["rects"])) for s in regions) == [("9(2)(a)", 1), ("9(2)(g)(i)", len(passage))]
    shape = next(s for s in regions if s["ground"] == "9(2)(g)(i)")
    assert sorted(shape["rects"], key=lambda r: (r[1], r[0])) == passage
    assert shape["rect"] == [min(r[0] for r in passage), passage[0][1], max(r[2] for r in passage), passage[-1][3]]
    browser = app.test_client()  # the review queue as a person sees it: the box alone, and the shape's parts
    sign_in(browser)
    queue = browser.get(f"/documents/{document_id}/suggestions").get_data(as_text=True)
    assert f"One redaction in {len(passage)} boxes" in queue and queue.count('class="crop-mark"') == len(passage) + 1

    accepted = api.post(f"/api/suggestions/{shape['id']}/accept")
    assert accepted.status_code == 200, accepted.get_json()
    annotation_id = accepted.get_json()["annotation_id"]
    annotation = api.get(f"/api/annotations/{annotation_id}").get_json()
    assert (annotation["kind"], annotation["ground"]) == ("region", "9(2)(g)(i)")
    assert annotation["rects"] == [[round(v, 2) for v in rect] for rect in shape["rects"]]
    drawn = api.get(f"/api/projects/{project['id']}/export?format=pdf").get_data()
    squares = list(pymupdf.open(stream=drawn, filetype="pdf")[0].annots(types=[pymupdf.PDF_ANNOT_SQUARE]))
    assert len(squares) == len(passage)

    exported = api.get(f"/api/projects/{project['id']}/export?format=jsonld").get_json()
    assert api.delete(f"/api/annotations/{annotation_id}").status_code == 204
    report = api.post(f"/api/projects/{project['id']}/import", json=exported).get_json()
    assert report == {"created": 1, "unplaced": []}
    [imported] = api.get(f"/api/documents/{document_id}/annotations").get_json()["annotations"]
    assert imported["rects"] == annotation["rects"]


def test_a_shape_proposed_box_by_box_before_is_not_proposed_again(app, api, project):
    """A document whose ragged shape was proposed a box at a time (before shapes were proposed
    whole) keeps those proposals when the rules run again: the shape is not proposed a second time."""
    pdf, _ = ragged_passage_pdf("both", BLACK)
    document_id = ready(api, project, "ragged.pdf", scanned_copy(pdf))
    [shape] = [s for s in suggestions(api, document_id) if s["kind"] == "region"]
    assert len(shape["rects"]) >= 2
    sessions = app.extensions["sessions"]
    with sessions.begin() as session:
        whole = session.get(Suggestion, shape["id"])
        for part in shape["rects"]:
            box = {k: getattr(whole, k) for k in ("document_id", "page", "kind", "tag_id", "ground", "source")}
            fingerprint = f"box:{whole.page}:{','.join(f'{v:.0f}' for v in part)}"
            session.add(Suggestion(**box, rect_json=json.dumps(part), fingerprint=fingerprint))
        session.delete(whole)
    assert service.propose(sessions, document_id) == 0
    regions = [s for s in suggestions(api, document_id) if s["kind"] == "region"]
    assert len(regions) == len(shape["rects"]) and all(len(s["rects"]) == 1 for s in regions)


@pytest.mark.parametrize(
    ("rects", "sentence"),
    [
        ([], "rects must be a list of 1 to 100 rectangles"),
        ([[72, 100, 200, 112], [72, 120]], "rect must be [x0, y0, x1, y1]"),
        ([[72, 100, 200, 112], [72, 120, 9000, 130]], "The rectangle must lie inside the page"),
    ],
)
def test_a_region_in_parts_refuses_bad_rectangles_with_a_sentence(api, project, rects, sentence):
    document_id = ready(api, project, "risky.pdf", RISKY)
    body = {"page": 1, "tags": ["Redaction"], "rects": rects}
    response = api.post(f"/api/documents/{document_id}/annotations", json=body)
    assert response.status_code == 400 and sentence in response.get_json()["error"]
    assert api.get(f"/api/documents/{document_id}/annotations").get_json()["annotations"] == []
