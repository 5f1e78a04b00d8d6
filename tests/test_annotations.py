"""Tag sets and annotations through the API: anchors, regions, grounds, history, re-anchoring, bad input."""

import pytest
from conftest import upload
from pdfs import scanned_pdf, text_pdf
from sqlalchemy import select, update

from app.annotations.service import reanchor_document
from app.models import AnnotationChange, Document, Page

LINES = [
    (72, 100, "Cabinet paper: supply chain resilience for the Defence industry."),
    (72, 130, "Officials consider the reputational risk could undermine Māori partnerships."),
    (72, 160, "Withheld under s 9(2)(a) of the Official Information Act."),
]


@pytest.fixture
def document(api, project):
    response = upload(api, project["id"], ("release.pdf", text_pdf([LINES, [(72, 100, "Second page text.")]])))
    return api.get(f"/api/documents/{response.get_json()['documents'][0]['id']}").get_json()


@pytest.fixture
def page_one(api, document):
    return api.get(f"/api/documents/{document['id']}/pages/1").get_json()


def annotate(api, document, **body):
    return api.post(f"/api/documents/{document['id']}/annotations", json=body)


def offsets(page, phrase):
    start = page["text"].index(phrase)
    return start, start + len(phrase)


def test_a_new_project_has_the_oia_tag_set(api, project):
    tags = api.get(f"/api/projects/{project['id']}/tags").get_json()["tags"]
    assert [(t["full_name"], t["hotkey"]) for t in tags] == [
        ("Redaction", "1"),
        ("Risk", "2"),
        ("Workstream", "3"),
        ("Workstream: Supply chains", "4"),
        ("Workstream: Sustainment", "5"),
        ("Workstream: Co-production", "6"),
        ("Workstream: Policy and optimisation", "7"),
        ("Key quote", "8"),
        ("Follow up", "9"),
    ]
    assert all(t["colour"].startswith("#") and len(t["colour"]) == 7 for t in tags)


def test_text_annotation_anchors_on_the_servers_words(api, document, page_one):
    start, end = offsets(page_one, "reputational risk could undermine")
    response = annotate(api, document, page=1, start=start, end=end, tags=["Risk"], note="Quote this.")
    assert response.status_code == 201
    created = response.get_json()
    assert created["exact"] == "reputational risk could undermine"
    assert created["prefix"] == page_one["text"][start - 32 : start]
    assert created["suffix"] == page_one["text"][end : end + 32]
    assert (created["start"], created["end"], created["page"], created["kind"]) == (start, end, 1, "text")
    boxes = [[w["x0"], w["y0"], w["x1"], w["y1"]] for w in page_one["words"]]
    words = [w["text"] for w in page_one["words"]]
    first = words.index("reputational")
    assert created["rects"] == boxes[first : first + 4]
    assert created["tags"] == ["Risk"] and created["note"] == "Quote this."
    assert created["author"] == "reporter@example.nz"


def test_word_indexes_and_macrons(api, document, page_one):
    words = [w["text"] for w in page_one["words"]]
    index = words.index("Māori")
    created = annotate(api, document, page=1, words=[index, index + 1], tags=["workstream: supply chains"]).get_json()
    assert created["exact"] == "Māori partnerships."
    assert page_one["text"][created["start"] : created["end"]] == "Māori partnerships."
    assert created["tags"] == ["Workstream: Supply chains"]


def test_overlapping_annotations_are_both_kept(api, document, page_one):
    a = annotate(api, document, page=1, start=0, end=40, tags=["Key quote"]).get_json()
    b = annotate(api, document, page=1, start=20, end=60, tags=["Risk", "Follow up"]).get_json()
    listed = api.get(f"/api/documents/{document['id']}/annotations").get_json()["annotations"]
    assert [x["id"] for x in listed] == [a["id"], b["id"]]
    assert listed[1]["tags"] == ["Risk", "Follow up"]


def test_region_over_words_records_them_as_its_quote(api, document, page_one):
    ground = next(w for w in page_one["words"] if w["text"] == "9(2)(a)")
    rect = [ground["x0"] - 2, ground["y0"] - 2, ground["x1"] + 2, ground["y1"] + 2]
    response = annotate(api, document, page=1, rect=rect, tags=["Redaction"], ground="9(2)(a)")
    assert response.status_code == 201
    created = response.get_json()
    assert (created["kind"], created["exact"], created["ground"]) == ("region", "9(2)(a)", "9(2)(a)")
    assert created["rects"] == [[round(v, 2) for v in rect]]
    assert created["start"] is None


@pytest.mark.parametrize(
    ("ground", "explained"),
    [
        ("9(2)(a)", "9(2)(a)"),
        ("s 6(a)", "6(a)"),
        ("section 9(2)(g)(i)", "9(2)(g)(i)"),
        ("6(a)", "6(a)"),
        ("ask Jo", None),
    ],
)
def test_a_ground_comes_with_its_meaning(api, document, ground, explained):
    created = annotate(api, document, page=1, rect=[300, 500, 400, 540], tags=["Redaction"], ground=ground).get_json()
    about = created["ground_meaning"]
    assert (about and about["ground"]) == explained
    if explained:
        assert about["meaning"] and about["statute"].startswith("Official Information Act 1982")


def test_region_on_a_scanned_page(api, project):
    pdf = scanned_pdf([(72, 120, "Withheld under section 9(2)(a)")])
    document = upload(api, project["id"], ("scan.pdf", pdf)).get_json()["documents"][0]
    created = annotate(api, document, page=1, rect=[300, 500, 400, 540], tags=["Redaction"], ground="9(2)(a)")
    assert created.status_code == 201
    assert created.get_json()["exact"] == ""  # a black box: no words under it


@pytest.mark.parametrize(
    ("body", "status", "sentence"),
    [
        ({"page": 1, "start": 10, "end": 5000, "tags": ["Risk"]}, 400, "Offsets must satisfy 0 <= start <= end <="),
        ({"page": 1, "start": -1, "end": 5, "tags": ["Risk"]}, 400, "start must be at least 0"),
        ({"page": 1, "start": 5, "end": 5, "tags": ["Risk"]}, 400, "The selection is empty"),
        ({"page": 1, "start": 0, "end": 5, "tags": ["Scandal"]}, 400, "“Scandal” is not a tag in this project"),
        ({"page": 1, "start": 0, "end": 5, "tags": []}, 400, "Give one or more tags"),
        ({"page": 1, "start": 0, "end": 5}, 400, "tags is required"),
        ({"page": 3, "start": 0, "end": 5, "tags": ["Risk"]}, 400, "Page 3 does not exist"),
        ({"page": "1", "start": 0, "end": 5, "tags": ["Risk"]}, 400, "page must be a whole number"),
        ({"page": 1, "start": 0, "tags": ["Risk"]}, 400, "Give one anchor: start and end"),
        ({"page": 1, "start": 0, "end": 5, "rect": [1, 1, 9, 9], "tags": ["Risk"]}, 400, "Give one anchor"),
        ({"page": 1, "start": 0, "end": 5, "tags": ["Risk"], "colour": "red"}, 400, "colour is not a field here"),
        ({"page": 1, "rect": [0, 0, 900, 100], "tags": ["Redaction"]}, 400, "must lie inside the page"),
        ({"page": 1, "rect": [50, 50, 40, 100], "tags": ["Redaction"]}, 400, "x0 < x1"),
        ({"page": 1, "rect": [50, 50], "tags": ["Redaction"]}, 400, "rect must be [x0, y0, x1, y1]"),
        ({"page": 1, "rect": [50, 50, 51, 51], "tags": ["Redaction"]}, 400, "too small"),
        ({"page": 1, "words": [5, 2], "tags": ["Risk"]}, 400, "0 <= first <= last"),
        ({"page": 1, "start": 0, "end": 5, "tags": ["Risk"], "ground": "9(2)(a)"}, 400, "goes with the Redaction tag"),
        ({"page": 1, "start": 0, "end": 5, "tags": ["Risk"], "note": 5}, 400, "note must be text"),
    ],
)
def test_invalid_annotations_are_refused_with_a_sentence(api, document, body, status, sentence):
    response = annotate(api, document, **body)
    assert response.status_code == status
    assert sentence in response.get_json()["error"]
    assert api.get(f"/api/documents/{document['id']}/annotations").get_json()["annotations"] == []


def test_a_document_still_processing_cannot_be_annotated(api, document, sessions):
    with sessions.begin() as session:
        session.execute(update(Document).where(Document.id == document["id"]).values(status="processing"))
    response = annotate(api, document, page=1, start=0, end=5, tags=["Risk"])
    assert response.status_code == 409
    assert response.get_json()["error"] == "This document is still being processed; annotate it once it is ready."


def test_filter_by_tag_and_page(api, document, page_one):
    annotate(api, document, page=1, start=0, end=7, tags=["Risk"])
    annotate(api, document, page=1, start=8, end=13, tags=["Workstream: Sustainment"])
    annotate(api, document, page=2, start=0, end=6, tags=["Key quote"])
    base = f"/api/documents/{document['id']}/annotations"
    assert [a["tags"] for a in api.get(f"{base}?tag=Risk").get_json()["annotations"]] == [["Risk"]]
    parent = api.get(f"{base}?tag=Workstream").get_json()["annotations"]
    assert [a["tags"] for a in parent] == [["Workstream: Sustainment"]]
    assert [a["page"] for a in api.get(f"{base}?page=2").get_json()["annotations"]] == [2]
    assert api.get(f"{base}?tag=Nope").status_code == 400


def test_edit_and_delete_keep_a_history(api, document, sessions):
    created = annotate(api, document, page=1, start=0, end=7, tags=["Risk"]).get_json()
    url = f"/api/annotations/{created['id']}"
    edited = api.patch(url, json={"tags": ["Redaction"], "ground": "9(2)(g)(i)", "note": "Check with source"})
    assert edited.status_code == 200
    body = edited.get_json()
    assert (body["tags"], body["ground"], body["note"]) == (["Redaction"], "9(2)(g)(i)", "Check with source")
    assert [h["action"] for h in body["history"]] == ["created", "updated"]
    change = body["history"][1]
    assert change["user"] == "reporter@example.nz"
    assert change["changes"]["tags"] == [["Risk"], ["Redaction"]]
    assert change["changes"]["note"] == ["", "Check with source"]
    assert change["changes"]["ground"] == [None, "9(2)(g)(i)"]
    assert api.patch(url, json={"exact": "forged"}).status_code == 400
    assert api.delete(url).status_code == 204
    assert api.get(url).status_code == 404
    assert api.get(f"/api/documents/{document['id']}/annotations").get_json()["annotations"] == []
    with sessions() as session:
        actions = session.scalars(
            select(AnnotationChange.action).where(AnnotationChange.annotation_id == created["id"])
        )
        assert list(actions) == ["created", "updated", "deleted"]


def test_removing_the_redaction_tag_drops_the_ground(api, document):
    created = annotate(api, document, page=1, start=0, end=7, tags=["Redaction"], ground="6(a)").get_json()
    edited = api.patch(f"/api/annotations/{created['id']}", json={"tags": ["Risk"]}).get_json()
    assert edited["ground"] is None


def test_annotations_of_others_are_invisible(app, api, document):
    from conftest import Api, create_user

    from app.auth.service import create_token_for

    created = annotate(api, document, page=1, start=0, end=7, tags=["Risk"]).get_json()
    other = create_user(app, "other@example.nz")
    with app.extensions["sessions"]() as session:
        intruder = Api(app.test_client(), create_token_for(session, other.email))
    assert intruder.get(f"/api/annotations/{created['id']}").status_code == 404
    assert intruder.patch(f"/api/annotations/{created['id']}", json={"note": "x"}).status_code == 404
    assert intruder.delete(f"/api/annotations/{created['id']}").status_code == 404
    assert annotate(intruder, document, page=1, start=0, end=7, tags=["Risk"]).status_code == 404
    assert intruder.get(f"/api/documents/{document['id']}/annotations").status_code == 404


def replace_page_text(sessions, document_id, number, new_lines):
    """Store page text and words as a new extraction (a re-OCR, say) would."""
    import json

    words, text_parts = [], []
    y = 100
    for line in new_lines:
        x = 72
        for word in line.split():
            words.append([word, x, y - 10, x + 6 * len(word), y + 3])
            x += 6 * len(word) + 4
        text_parts.append(line)
        y += 30
    with sessions.begin() as session:
        page = session.scalar(select(Page).where(Page.document_id == document_id, Page.number == number))
        page.text = "\n\n".join(text_parts)
        page.words_json = json.dumps(words)


def test_reanchoring_after_new_text_moves_or_orphans(api, document, page_one, sessions):
    start, end = offsets(page_one, "reputational risk")
    moved = annotate(api, document, page=1, start=start, end=end, tags=["Risk"]).get_json()
    start, end = offsets(page_one, "Cabinet paper")
    lost = annotate(api, document, page=1, start=start, end=end, tags=["Key quote"]).get_json()
    replace_page_text(
        sessions,
        document["id"],
        1,
        ["A new heading line from better OCR", "Officials consider the reputational risk could undermine things."],
    )
    with sessions() as session:
        reanchor_document(session, document["id"])
    after = {a["id"]: a for a in api.get(f"/api/documents/{document['id']}/annotations").get_json()["annotations"]}
    page = api.get(f"/api/documents/{document['id']}/pages/1").get_json()
    relocated = after[moved["id"]]
    assert relocated["exact"] == "reputational risk" and not relocated["orphaned"]
    assert page["text"][relocated["start"] : relocated["end"]] == "reputational risk"
    assert relocated["start"] != moved["start"]
    assert len(relocated["rects"]) == 2
    assert after[lost["id"]]["orphaned"] is True  # kept, shown as orphaned, never dropped
    history = api.get(f"/api/annotations/{lost['id']}").get_json()["history"]
    assert history[-1]["action"] == "orphaned"


def test_reprocessing_keeps_annotations_in_place(api, app, document, sessions):
    from app.ingest.pipeline import process_document

    created = annotate(api, document, page=1, start=8, end=30, tags=["Risk"]).get_json()
    with sessions.begin() as session:
        session.execute(update(Document).where(Document.id == document["id"]).values(status="queued"))
    process_document(document["id"], app.config, sessions)
    again = api.get(f"/api/annotations/{created['id']}").get_json()
    assert (again["start"], again["end"], again["rects"], again["orphaned"]) == (8, 30, created["rects"], False)
