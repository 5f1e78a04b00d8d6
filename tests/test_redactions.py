"""Redaction boxes, grounds beside them, bad redactions and summaries, on generated and real releases."""

import pymupdf
import pytest
from conftest import upload
from pdfs import BLACK, corpus, oia_release, ragged_passage_pdf, scanned_copy

from app.core.rects import iou


def uploaded(api, project, name, pdf):
    document = upload(api, project["id"], (name, pdf)).get_json()["documents"][0]
    shown = api.get(f"/api/documents/{document['id']}").get_json()
    assert shown["status"] == "ready", shown["error"]
    return shown


def matches(found, truth):
    """Pairs (found box, true rect, true ground) matched at IoU >= 0.5."""
    pairs = []
    for page, expected in truth["boxes"].items():
        for rect, ground in expected:
            candidates = [b for b in found if b["page"] == page and iou(b["rect"], rect) >= 0.5]
            pairs += [(candidates[0], rect, ground)] if candidates else []
    return pairs


def test_electronic_release(api, project):
    pdf, truth = oia_release()
    document = uploaded(api, project, "release.pdf", pdf)
    summary = api.get(f"/api/documents/{document['id']}/redactions").get_json()
    expected = sum(len(boxes) for boxes in truth["boxes"].values())
    assert len(summary["boxes"]) == expected  # table rules and the bold heading are not boxes
    pairs = matches(summary["boxes"], truth)
    assert len(pairs) == expected
    assert all(box["kind"] == "vector" for box, _, _ in pairs)
    assert [(box["ground"], ground) for box, _, ground in pairs if box["ground"] != ground] == []
    bad = [box for box in summary["boxes"] if box["text_under"]]
    assert [(b["page"], tuple(b["rect"])) for b in bad] == [(2, truth["bad"][2][0])]
    assert "hidden_text" not in bad[0]  # only on demand
    assert summary["pages_withheld"] == truth["withheld"]
    assert summary["grounds"] == {"9(2)(a)": 1, "9(2)(g)(i)": 1, "9(2)(b)(ii)": 1, "9(2)(ba)(i)": 1, "6(a)": 1}
    assert "privacy of natural persons" in summary["meanings"]["9(2)(a)"]["meaning"]
    assert summary["bad_redactions"] == 1 and summary["pages_with_redactions"] == 2
    assert 0 < summary["redacted_share"] < 0.05

    hidden = api.get(f"/api/redaction-boxes/{bad[0]['id']}/hidden-text").get_json()
    assert hidden["hidden_text"] == "Vendor: Acme Holdings Limited"


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_boxes_on_a_rotated_page_sit_where_its_words_are(api, project, rotation):
    """Drawings, like words, come in unrotated coordinates: a box over one word and a leaky box
    over another are found there, paired with the ground printed beside them."""
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 100), "Advice on the procurement programme", fontsize=11)
    page.draw_rect(pymupdf.Rect(72, 120, 250, 133), color=(0, 0, 0), fill=(0, 0, 0))
    page.insert_text((255, 130), "s 9(2)(a)", fontsize=8)
    page.draw_rect(pymupdf.Rect(70, 90, 108, 104), color=(0, 0, 0), fill=(0, 0, 0))  # over "Advice"
    page.set_rotation(rotation)
    document = uploaded(api, project, "rotated.pdf", doc.tobytes())
    boxes = api.get(f"/api/documents/{document['id']}/redactions").get_json()["boxes"]
    by_place = sorted(boxes, key=lambda b: b["rect"][1])
    assert [b["rect"] for b in by_place] == [[70, 90, 108, 104], [72, 120, 250, 133]]
    assert [(b["ground"], b["text_under"]) for b in by_place] == [(None, True), ("9(2)(a)", False)]


def test_scanned_release_finds_burned_in_boxes_and_ocr_grounds(api, project):
    pdf, truth = oia_release()
    scan = scanned_copy(pdf)
    document = uploaded(api, project, "scan.pdf", scan)
    summary = api.get(f"/api/documents/{document['id']}/redactions").get_json()
    pairs = matches(summary["boxes"], truth)
    expected = sum(len(boxes) for boxes in truth["boxes"].values())
    assert len(pairs) == expected == len(summary["boxes"])
    assert all(box["kind"] == "image" for box in summary["boxes"])
    assert not any(box["text_under"] for box in summary["boxes"])  # OCR cannot read through ink
    grounds = [(box["ground"], ground) for box, _, ground in pairs]
    right = sum(1 for found, wanted in grounds if found == wanted)
    assert right >= expected - 1  # OCR reads the small white "s6(a)" inside its box as "sé6(a)"
    assert summary["pages_withheld"] == [3]


def test_properly_applied_redactions_are_not_called_bad(api, project):
    """A real 49-page filing with 419 black boxes and no text under any of them."""
    document = uploaded(api, project, "motion.pdf", corpus("xray_class_cert_motion_redacted_49p.pdf"))
    summary = api.get(f"/api/documents/{document['id']}/redactions").get_json()
    assert summary["box_count"] >= 410
    assert summary["bad_redactions"] == 0
    # Court rules such as "Rule 23(b)(3)" and "30(b)(6)" are not FOIA grounds.
    assert summary["grounds"] == {}


def test_leaky_redactions_in_a_real_opinion_are_flagged(api, project):
    """A real court opinion whose 56 boxes all have extractable text centred under them."""
    document = uploaded(api, project, "opinion.pdf", corpus("xray_court_opinion_redacted_12p.pdf"))
    summary = api.get(f"/api/documents/{document['id']}/redactions").get_json()
    assert summary["box_count"] == 56
    assert summary["bad_redactions"] >= 50


def test_unapplied_redaction_annotations_are_found(api, project):
    document = uploaded(api, project, "form.pdf", corpus("pymupdf_irs_form_unapplied_redact_annots.pdf"))
    boxes = api.get(f"/api/documents/{document['id']}/redactions").get_json()["boxes"]
    annotations = [b for b in boxes if b["kind"] == "annotation"]
    assert len(annotations) == 2
    assert all(b["text_under"] for b in annotations)


def test_project_summary_and_access(app, api, project):
    pdf, _ = oia_release()
    uploaded(api, project, "release.pdf", pdf)
    summary = api.get(f"/api/projects/{project['id']}/redactions").get_json()
    assert (summary["box_count"], summary["bad_redactions"], summary["pages_withheld"]) == (6, 1, 1)
    assert summary["grounds"]["9(2)(a)"] == 1
    assert [d["title"] for d in summary["documents"]] == ["release"]

    from conftest import Api, create_user

    from app.auth.service import create_token_for

    other = create_user(app, "other@example.nz")
    with app.extensions["sessions"]() as session:
        intruder = Api(app.test_client(), create_token_for(session, other.email))
    box_id = api.get("/api/documents/1/redactions").get_json()["boxes"][0]["id"]
    assert intruder.get(f"/api/redaction-boxes/{box_id}/hidden-text").status_code == 404
    assert intruder.get(f"/api/projects/{project['id']}/redactions").status_code == 404


@pytest.mark.parametrize("jurisdiction", ["us-foia", "nz-lgoima"])
def test_jurisdiction_can_be_chosen(api, project, jurisdiction):
    response = api.patch(f"/api/projects/{project['id']}", json={"jurisdiction": jurisdiction})
    assert response.status_code == 200 and response.get_json()["jurisdiction"] == jurisdiction
    bad = api.patch(f"/api/projects/{project['id']}", json={"jurisdiction": "mars"})
    assert bad.status_code == 400 and "jurisdiction must be one of 'nz-oia'" in bad.get_json()["error"]


def test_summary_pages(api, client, project):
    from conftest import sign_in

    pdf, _ = oia_release()
    document = uploaded(api, project, "release.pdf", pdf)
    sign_in(client)
    html = client.get(f"/documents/{document['id']}/redactions").get_data(as_text=True)
    assert "Text under these boxes is still readable" in html
    assert "Acme" not in html  # hidden text is never in the page until asked for
    assert "to protect the privacy of natural persons" in html
    project_html = client.get(f"/projects/{project['id']}/redactions").get_data(as_text=True)
    assert "By document" in project_html and "release" in project_html


def test_a_passage_redacted_in_one_ragged_shape_counts_as_one_redaction(api, project):
    """A scanned page: a passage redacted from part way along its first line to part way along its
    last (found as three boxes, one shape) and a box alone. Two redactions, one under each ground,
    in three boxes; the complaint to the Ombudsman counts two too (it counted three)."""
    pdf, _ = ragged_passage_pdf("both", BLACK)
    page = pymupdf.open(stream=pdf, filetype="pdf")
    page[0].draw_rect((72, 440, 200, 454), color=None, fill=BLACK)
    page[0].insert_text((206, 451), "s 9(2)(a)", fontsize=9)
    document = uploaded(api, project, "ragged.pdf", scanned_copy(page.tobytes()))
    summary = api.get(f"/api/documents/{document['id']}/redactions").get_json()
    passage = [box for box in summary["boxes"] if box["rect"][1] < 300]
    assert len(passage) >= 2 and len({box["shape"] for box in passage}) == 1 and passage[0]["shape"] is not None
    assert (summary["redaction_count"], summary["box_count"]) == (2, len(passage) + 1)
    assert summary["grounds"] == {"9(2)(g)(i)": 1, "9(2)(a)": 1}
    path = f"/api/projects/{project['id']}/export?format=complaint&document={document['id']}"
    draft = api.get(path).get_data(as_text=True)
    assert "(2 redactions)" in draft and "1 redaction under s 9(2)(g)(i)" in draft
    grounds = api.get(f"/api/projects/{project['id']}/grounds").get_json()["rows"]
    assert {row["ground"]: (row["redactions"], row["boxes"]) for row in grounds} == {
        "9(2)(g)(i)": (1, len(passage)),
        "9(2)(a)": (1, 1),
    }


def two_ground_release() -> bytes:
    """Page 1: a box labelled with two grounds ("s 9(2)(f)(iv), 9(2)(g)(i)"); page 2: a box with one."""
    doc = pymupdf.open()
    for label in ("s 9(2)(f)(iv), 9(2)(g)(i)", "s 9(2)(a)"):
        page = doc.new_page(width=595, height=842)
        page.insert_text((72, 100), "The funding options considered were:", fontsize=11)
        page.draw_rect((72, 110, 300, 124), color=BLACK, fill=BLACK)
        page.insert_text((306, 121), label, fontsize=9)
    return doc.tobytes()


def test_a_box_labelled_with_two_grounds_is_withheld_under_both_everywhere(api, project):
    """The box, the summary's counts, the search filter and facets, the suggestion, the annotation
    made from it, the Markdown export and the complaint to the Ombudsman all carry both grounds."""
    document = uploaded(api, project, "funding.pdf", two_ground_release())
    summary = api.get(f"/api/documents/{document['id']}/redactions").get_json()
    assert [(b["page"], b["ground"], b["grounds"]) for b in summary["boxes"]] == [
        (1, "9(2)(f)(iv)", ["9(2)(f)(iv)", "9(2)(g)(i)"]),
        (2, "9(2)(a)", ["9(2)(a)"]),
    ]
    assert summary["grounds"] == {"9(2)(f)(iv)": 1, "9(2)(g)(i)": 1, "9(2)(a)": 1}
    assert "commercial" not in summary["meanings"]["9(2)(g)(i)"]["meaning"]  # its own meaning, not (f)(iv)'s

    def search(q):
        return api.get("/api/search", query_string={"q": q, "project": project["id"]}).get_json()

    assert [r["page"] for r in search("funding ground:9(2)(g)(i)")["results"]] == [1]
    assert [r["page"] for r in search("funding ground:9(2)(a)")["results"]] == [2]
    facets = search("funding")["facets"]["grounds"]
    assert sorted((f["ground"], f["count"]) for f in facets) == [("9(2)(a)", 1), ("9(2)(f)(iv)", 1), ("9(2)(g)(i)", 1)]

    suggestions = api.get(f"/api/documents/{document['id']}/suggestions?status=pending").get_json()["suggestions"]
    [both] = [s for s in suggestions if s["page"] == 1 and s["source"] == "redaction box"]
    assert (both["ground"], both["grounds"]) == ("9(2)(f)(iv)", ["9(2)(f)(iv)", "9(2)(g)(i)"])
    annotation_id = api.post(f"/api/suggestions/{both['id']}/accept").get_json()["annotation_id"]
    annotation = api.get(f"/api/annotations/{annotation_id}").get_json()
    assert annotation["ground"] == "9(2)(f)(iv), 9(2)(g)(i)"
    assert [m["ground"] for m in annotation["ground_meanings"]] == ["9(2)(f)(iv)", "9(2)(g)(i)"]
    api.post(f"/api/documents/{document['id']}/suggestions/reject-all")

    markdown = api.get(f"/api/projects/{project['id']}/export?format=md").get_data(as_text=True)
    said = next(line for line in markdown.splitlines() if "withheld under" in line)
    assert "s 9(2)(f)(iv) (" in said and ") and s 9(2)(g)(i) (" in said
    complaint = api.get(f"/api/projects/{project['id']}/export?format=complaint&document={document['id']}")
    draft = complaint.get_data(as_text=True)
    assert "1 redaction under s 9(2)(f)(iv)" in draft and ") and s 9(2)(g)(i) (" in draft
    assert "Section 9(2)(g)(i)" in draft  # its own question in the grounds relied on
