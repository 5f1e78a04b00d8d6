"""Exports read back with real parsers (csv, python-docx, PyMuPDF, JSON), the round trip through
JSON-LD import, filters, file names and access."""

import csv
import io
import json
import re
import zipfile

import docx
import pymupdf
import pytest
from conftest import Api, create_user, upload
from pdfs import active_content_pdf, corpus, text_pdf, turned_scan

from app.auth.service import create_token_for
from app.exports import importing

HOSTILE_TITLE = 'Briefing "A"\nto the Minister'
LINES = [
    (72, 100, "The supply chain resilience workstream reports to Māori partners."),
    (72, 130, "Officials see a reputational risk for the programme."),
    (72, 160, "Contact: s 9(2)(a) withheld."),
]


def annotate(api, document_id, **body):
    response = api.post(f"/api/documents/{document_id}/annotations", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture
def release(api, project):
    """A released document with metadata and three annotations: a risk with a hostile note, a
    workstream passage with macrons, and a redaction box with its ground."""
    document = upload(api, project["id"], ("briefing.pdf", text_pdf([LINES]))).get_json()["documents"][0]
    metadata = {
        "title": HOSTILE_TITLE,
        "agency": "Ministry of Defence",
        "oia_reference": "OIA-2026-042",
        "date_released": "2026-03-02",
        "source_url": "https://example.govt.nz/release.pdf",
    }
    assert api.patch(f"/api/documents/{document['id']}", json=metadata).status_code == 200
    text = api.get(f"/api/documents/{document['id']}/pages/1").get_json()["text"]
    risk_start = text.index("a reputational risk")
    work_start = text.index("supply chain resilience")
    made = [
        annotate(
            api,
            document["id"],
            page=1,
            start=risk_start,
            end=risk_start + len("a reputational risk"),
            tags=["Risk"],
            note='=HYPERLINK("http://evil")\nsecond line',
        ),
        annotate(
            api,
            document["id"],
            page=1,
            start=work_start,
            end=text.index("Māori") + len("Māori"),
            tags=["Workstream: Supply chains", "Key quote"],
        ),
        annotate(api, document["id"], page=1, rect=[300, 150, 420, 166], tags=["Redaction"], ground="9(2)(a)"),
    ]
    return {"document": document, "annotations": made}


def export(api, project, **params):
    response = api.get(f"/api/projects/{project['id']}/export", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response


def test_csv_reads_back_with_macrons_and_no_formulas(api, project, release):
    response = export(api, project, format="csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # the charset once
    body = response.get_data()
    assert body.startswith("\ufeff".encode())  # Excel shows macrons with the BOM
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 3
    work, risk, box = rows  # page order
    assert (risk["title"], risk["agency"], risk["reference"], risk["page"]) == (
        'Briefing "A" to the Minister',  # stored on one line
        "Ministry of Defence",
        "OIA-2026-042",
        "1",
    )
    assert risk["note"].startswith("'=HYPERLINK")  # neutralised, content kept
    assert risk["quote"] == "a reputational risk" and risk["tags"] == "Risk"
    assert work["quote"].endswith("Māori") and work["tags"] == "Workstream: Supply chains; Key quote"
    assert box["ground"] == "9(2)(a)" and "privacy" in box["ground meaning"]
    assert risk["link"].endswith(f"/documents/{release['document']['id']}#annotation-{risk['annotation']}")
    assert risk["author"] == "reporter@example.nz"


def test_markdown_has_citation_and_quotes_line_by_line(api, project, release):
    response = export(api, project, format="md")
    assert response.headers["Content-Type"] == "text/markdown; charset=utf-8"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "# Excerpts from Defence procurement"
    assert lines[2] == '## Briefing "A" to the Minister'  # a title's line break cannot split its heading
    assert lines[4] == (
        '“Briefing "A" to the Minister”, Ministry of Defence, OIA reference OIA-2026-042, '
        "released 2026-03-02, https://example.govt.nz/release.pdf."
    )
    quotes = [line for line in lines if line.startswith("> ")]
    assert quotes == [
        "> supply chain resilience workstream reports to Māori",
        "> a reputational risk",
        "> \\[withheld: a redaction box\\]",
    ]
    facts = [line for line in lines if line.startswith("— p. 1")]
    assert facts[0].startswith("— p. 1 · tags: Workstream: Supply chains, Key quote · [open](http")
    assert "withheld under s 9(2)(a) (to protect the privacy of natural persons" in facts[2]
    assert 'Note: =HYPERLINK("http://evil")  ' in lines
    assert lines[lines.index('Note: =HYPERLINK("http://evil")  ') + 1] == "second line"


def test_word_document_opens_with_quotes_styled_as_quotes(api, project, release):
    data = export(api, project, format="docx").get_data()
    word = docx.Document(io.BytesIO(data))
    quotes = [p.text for p in word.paragraphs if p.style.name == "Quote"]
    assert quotes == [
        "supply chain resilience workstream reports to Māori",
        "a reputational risk",
        "[withheld: a redaction box]",
    ]
    headings = [p.text for p in word.paragraphs if p.style.name == "Heading 1"]
    assert headings == ['Briefing "A" to the Minister']
    assert any(p.text.startswith("Note: =HYPERLINK") for p in word.paragraphs)


def test_jsonld_follows_the_web_annotation_model(api, project, release):
    response = export(api, project, format="jsonld")
    collection = json.loads(response.get_data(as_text=True))
    assert "http://www.w3.org/ns/anno.jsonld" in collection["@context"]
    assert collection["type"] == "AnnotationCollection" and collection["total"] == 3
    items = collection["first"]["items"]
    assert collection["first"]["type"] == "AnnotationPage" and len(items) == 3
    for item in items:
        assert item["type"] == "Annotation" and item["id"].startswith("http")
        assert item["target"]["source"].endswith(f"/documents/{release['document']['id']}")
        assert all(body["type"] == "TextualBody" for body in item["body"])
    work, risk, box = items
    selectors = {s["type"]: s for s in risk["target"]["selector"]}
    assert selectors["TextQuoteSelector"]["exact"] == "a reputational risk"
    fragments = [s for s in risk["target"]["selector"] if s["type"] == "FragmentSelector"]
    assert fragments[0]["value"] == "page=1" and fragments[0]["refinedBy"]["type"] == "TextPositionSelector"
    assert fragments[1]["value"].startswith("page=1&viewrect=")
    purposes = [(b["purpose"], b["value"]) for b in risk["body"]]
    assert purposes == [("tagging", "Risk"), ("commenting", '=HYPERLINK("http://evil")\nsecond line')]
    assert ("classifying", "9(2)(a)") in [(b["purpose"], b["value"]) for b in box["body"]]
    assert [s["value"] for s in box["target"]["selector"]] == ["page=1&viewrect=300,150,120,16"]


def test_annotated_pdf_carries_each_annotation(api, project, release):
    response = export(api, project, format="pdf")
    assert response.mimetype == "application/pdf"
    pdf = pymupdf.open(stream=response.get_data(), filetype="pdf")
    page = pdf[0]  # annotations live as long as their page object
    annotations = list(page.annots())
    kinds = sorted(a.type[1] for a in annotations)
    assert kinds == ["Highlight", "Highlight", "Square"]
    square = next(a for a in annotations if a.type[1] == "Square")
    assert all(abs(a - b) < 2 for a, b in zip(square.rect, (300, 150, 420, 166), strict=True))
    assert "Withheld under s 9(2)(a)" in square.info["content"]
    risk = next(a for a in annotations if "Risk" in a.info["content"])
    assert 'HYPERLINK("http://evil")' in risk.info["content"] and risk.info["title"] == "reporter@example.nz"
    red = next(
        t["colour"] for t in api.get(f"/api/projects/{project['id']}/tags").get_json()["tags"] if t["name"] == "Risk"
    )
    assert tuple(round(c, 2) for c in risk.colors["stroke"]) == tuple(
        round(int(red[i : i + 2], 16) / 255, 2) for i in (1, 3, 5)
    )
    words_under = page.get_textbox(risk.rect)
    assert "reputational risk" in words_under
    assert pdf[0].get_text() == pymupdf.open(stream=text_pdf([LINES]), filetype="pdf")[0].get_text()


def test_annotated_pdf_drops_javascript_and_attachments(api, project):
    for name in ("pymupdf_cms_form_with_javascript.pdf", "pypdf_with_embedded_attachment.pdf"):
        document = upload(api, project["id"], (name, corpus(name))).get_json()["documents"][0]
        annotate(api, document["id"], page=1, rect=[50, 50, 150, 100], tags=["Follow up"])
        data = export(api, project, format="pdf", document=str(document["id"])).get_data()
        pdf = pymupdf.open(stream=data, filetype="pdf")
        assert pdf.embfile_count() == 0
        objects = [pdf.xref_object(x) for x in range(1, pdf.xref_length())]
        assert not [o for o in objects if "/S /JavaScript" in o or "/JS " in o or "/JS(" in o]
        assert not [o for o in objects if "/Type /EmbeddedFile" in o or "/EF " in o or "/Type /Filespec" in o]
        page = pdf[0]
        assert len(list(page.annots(types=[pymupdf.PDF_ANNOT_SQUARE]))) == 1


def test_clip_is_a_captioned_png_at_twice_the_size(api, project, release):
    risk = release["annotations"][0]
    response = api.get(f"/api/annotations/{risk['id']}/clip.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    clip = pymupdf.Pixmap(response.get_data())
    x0, y0 = min(r[0] for r in risk["rects"]), min(r[1] for r in risk["rects"])
    x1, y1 = max(r[2] for r in risk["rects"]), max(r[3] for r in risk["rects"])
    assert clip.width == pytest.approx(2 * (x1 - x0 + 36), abs=3)
    assert clip.height == pytest.approx(2 * (y1 - y0 + 36 + 22), abs=3)


def test_clip_of_a_scan_fed_in_on_its_side_is_upright_as_in_the_viewer(api, project):
    document = upload(api, project["id"], ("scan.pdf", turned_scan(90))).get_json()["documents"][0]
    page = api.get(f"/api/documents/{document['id']}/pages/1").get_json()
    assert page["rotation"] == 90
    word = next(w for w in page["words"] if w["text"] == "Programme")
    assert word["y1"] - word["y0"] > word["x1"] - word["x0"]  # tall on the unrotated (sideways) page
    note = annotate(api, document["id"], page=1, rect=[word["x0"], word["y0"], word["x1"], word["y1"]], tags=["Risk"])
    clip = pymupdf.Pixmap(api.get(f"/api/annotations/{note['id']}/clip.png").get_data())
    assert clip.width > clip.height  # the word reads across, as on the page shown


def test_story_package_zips_markdown_and_clips(api, project, release):
    response = export(api, project, format="package")
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    names = archive.namelist()
    assert names[0] == "excerpts.md" and len(names) == 4
    assert all(n.endswith(".png") and n.startswith("briefing-a-to-the-minister-p1-") for n in names[1:])
    assert "> a reputational risk" in archive.read("excerpts.md").decode()


def test_filters(api, project, release):
    def quotes(**params):
        rows = csv.DictReader(io.StringIO(export(api, project, format="csv", **params).get_data().decode("utf-8-sig")))
        return [row["quote"] for row in rows]

    assert quotes(tag="Workstream") == ["supply chain resilience workstream reports to Māori"]  # a parent: children too
    assert len(quotes(tag=["Risk", "Redaction"])) == 2
    assert quotes(q="reputational") == ["a reputational risk"]
    assert quotes(q="HYPERLINK second") == ["a reputational risk"]  # words in the note count
    assert quotes(q="reputational nowhere") == []
    work = release["annotations"][1]
    assert api.patch(f"/api/annotations/{work['id']}", json={"note": "Ask the ŌTAUTAHI office."}).status_code == 200
    assert quotes(q="ōtautahi") == [work["exact"]]  # upper-case macrons fold too
    assert len(quotes(author="REPORTER@example.nz")) == 3 and quotes(author="other@example.nz") == []
    assert len(quotes(document=str(release["document"]["id"]))) == 3
    assert len(quotes(document="", q="", author="")) == 3  # empty fields of the export form mean "any"


@pytest.mark.parametrize(
    ("params", "sentence"),
    [
        ({"format": "xls"}, "format must be one of"),
        ({"format": "csv", "tag": "Nope"}, "is not a tag in this project"),
        ({"format": "csv", "document": "abc"}, "document must be a document id"),
        ({"format": "csv", "document": "999"}, "not in this project"),
    ],
)
def test_bad_export_requests_get_a_sentence(api, project, release, params, sentence):
    response = api.get(f"/api/projects/{project['id']}/export", query_string=params)
    assert response.status_code == 400 and sentence in response.get_json()["error"]


def test_file_names_come_from_slugs_and_dates(api, release):
    hostile = api.post("/api/projects", json={"name": 'Te Pūtea "Audit"\r\nX-Evil: 1'}).get_json()
    response = api.get(f"/api/projects/{hostile['id']}/export?format=csv")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="te-putea-audit-x-evil-1-csv-20')
    assert disposition.endswith('.csv"') and "\n" not in disposition and "\r" not in disposition
    assert "X-Evil" not in response.headers


def test_round_trip_export_delete_import_export(api, project, release):
    first = json.loads(export(api, project, format="jsonld").get_data(as_text=True))
    for annotation in release["annotations"]:
        assert api.delete(f"/api/annotations/{annotation['id']}").status_code == 204
    report = api.post(f"/api/projects/{project['id']}/import", json=first).get_json()
    assert report == {"created": 3, "unplaced": []}
    second = json.loads(export(api, project, format="jsonld").get_data(as_text=True))

    def without_ids(collection):
        items = collection["first"]["items"]
        return [{k: v for k, v in item.items() if k != "id"} for item in items]

    assert without_ids(second) == without_ids(first)
    assert [i["id"] for i in second["first"]["items"]] != [i["id"] for i in first["first"]["items"]]


def test_import_reports_what_it_cannot_place(api, project, release):
    collection = json.loads(export(api, project, format="jsonld").get_data(as_text=True))
    moved, elsewhere = collection["first"]["items"][:2]
    moved["target"]["selector"][0]["exact"] = "a sentence nobody wrote"
    elsewhere["target"]["sha256"] = "0" * 64
    report = api.post(f"/api/projects/{project['id']}/import", json=collection).get_json()
    assert report["created"] == 1
    reasons = [u["reason"] for u in report["unplaced"]]
    assert reasons[0].startswith("The quote “a sentence nobody wrote” is not in the document")
    assert reasons[1] == "No document in this project has the file this annotation was made on."
    bad = api.post(f"/api/projects/{project['id']}/import", json={"type": "Nonsense"})
    assert bad.status_code == 400 and "not a Web Annotation export" in bad.get_json()["error"]
    junk = api.post(
        f"/api/projects/{project['id']}/import",
        data={"file": (io.BytesIO(b"not json"), "x.jsonld")},
        content_type="multipart/form-data",
    )
    assert junk.status_code == 400 and "is not JSON" in junk.get_json()["error"]


def test_import_creates_missing_tags(api, release):
    source = api.get(f"/api/projects/{release['document']['project_id']}").get_json()
    collection = json.loads(api.get(f"/api/projects/{source['id']}/export?format=jsonld").get_data(as_text=True))
    collection["first"]["items"][0]["body"][0]["value"] = "Workstream: Onshoring"
    report = api.post(f"/api/projects/{source['id']}/import", json=collection).get_json()
    assert report["created"] == 3
    names = [t["full_name"] for t in api.get(f"/api/projects/{source['id']}/tags").get_json()["tags"]]
    assert "Workstream: Onshoring" in names


def test_others_cannot_export_clip_or_import(app, api, project, release):
    other = create_user(app, "other@example.nz")
    with app.extensions["sessions"]() as session:
        intruder = Api(app.test_client(), create_token_for(session, other.email))
    assert intruder.get(f"/api/projects/{project['id']}/export?format=csv").status_code == 404
    assert intruder.get(f"/api/annotations/{release['annotations'][0]['id']}/clip.png").status_code == 404
    assert intruder.post(f"/api/projects/{project['id']}/import", json={"type": "Annotation"}).status_code == 404


def test_pdf_export_of_several_documents_is_a_zip_in_document_order(api, project, release):
    second = upload(api, project["id"], ("second.pdf", text_pdf([[(72, 100, "Another briefing on sustainment.")]])))
    second_id = second.get_json()["documents"][0]["id"]
    annotate(api, second_id, page=1, rect=[60, 80, 200, 110], tags=["Follow up"])
    response = export(api, project, format="pdf")
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    names = archive.namelist()
    assert [n.split("-")[0] for n in names] == ["briefing", "second"]
    counts = [len(list(pymupdf.open(stream=archive.read(n), filetype="pdf")[0].annots())) for n in names]
    assert counts == [3, 1]


def test_export_page_offers_formats_and_filters(api, project, release, client):
    from conftest import sign_in

    sign_in(client)
    html = client.get(f"/projects/{project['id']}/export").get_data(as_text=True)
    for value in ("md", "docx", "csv", "pdf", "jsonld", "package"):
        assert f'name="format" value="{value}"' in html
    assert 'value="Workstream: Supply chains"' in html and "Briefing &#34;A&#34; to the Minister" in html


ACTIVE = ("/JavaScript", "/JS", "/Launch", "/AA", "/OpenAction", "/EmbeddedFile", "/FileAttachment", "/EF")


def test_annotated_pdf_keeps_no_active_content_and_everything_else(api, project):
    original = pymupdf.open(stream=active_content_pdf(), filetype="pdf")
    present = [k for k in ACTIVE if any(k in original.xref_object(x) for x in range(1, original.xref_length()))]
    assert present == list(ACTIVE)  # the test file really carries each kind
    document = upload(api, project["id"], ("active.pdf", active_content_pdf())).get_json()["documents"][0]
    annotate(api, document["id"], page=1, rect=[60, 80, 320, 110], tags=["Follow up"])
    data = export(api, project, format="pdf", document=str(document["id"])).get_data()
    pdf = pymupdf.open(stream=data, filetype="pdf")
    # A key whose value is null is absent (PDF 32000 7.3.9).
    objects = [re.sub(r"/\w+ null", "", pdf.xref_object(x)) for x in range(1, pdf.xref_length())]
    assert [k for k in ACTIVE if any(k in o for o in objects)] == []
    assert pdf.embfile_count() == 0
    assert pdf[0].get_text() == original[0].get_text()
    assert [a.type[1] for a in pdf[0].annots()] == ["Square"]
    assert "Follow up" in next(pdf[0].annots()).info["content"]


def test_a_large_import_runs_in_the_worker_with_progress_then_its_report(api, project, release, monkeypatch):
    monkeypatch.setattr(importing, "WORKER_ABOVE", 2)
    monkeypatch.setattr(importing, "PROGRESS_EVERY", 1)
    exported = export(api, project, format="jsonld").get_json()
    for annotation in release["annotations"]:
        api.delete(f"/api/annotations/{annotation['id']}")
    response = api.post(f"/api/projects/{project['id']}/import", json=exported)
    assert response.status_code == 202
    job = response.get_json()["import"]
    assert response.headers["Location"] == f"/api/imports/{job['id']}"
    # Jobs run at once in the tests: by now the worker has finished it.
    status = api.get(f"/api/imports/{job['id']}").get_json()
    assert (status["status"], status["total"], status["done"], status["progress"]) == ("done", 3, 3, 1.0)
    assert (status["created"], status["unplaced"]) == (3, [])
    assert len(export(api, project, format="jsonld").get_json()["first"]["items"]) == 3
    other = create_user(api.client.application, "other@example.nz")
    with api.client.application.extensions["sessions"]() as session:
        intruder = Api(api.client.application.test_client(), create_token_for(session, other.email))
    assert intruder.get(f"/api/imports/{job['id']}").status_code == 404


def test_an_export_streaming_out_holds_no_lock_that_writers_wait_on(api, project, release, settings):
    import sqlite3

    response = api.get(f"/api/projects/{project['id']}/export", query_string={"format": "csv"}, buffered=False)
    stream = iter(response.response)
    try:
        assert next(stream)  # the export has begun reading, in a session of its own, and is not done
        if settings["DATABASE_URL"].startswith("sqlite:///"):  # PostgreSQL's readers never block writers
            writer = sqlite3.connect(settings["DATABASE_URL"].removeprefix("sqlite:///"), timeout=1)
            writer.execute("BEGIN IMMEDIATE")  # "database is locked" after a second if the export held the lock
            writer.rollback()
            writer.close()
        annotate(api, release["document"]["id"], page=1, start=0, end=3, tags=["Risk"])
    finally:
        response.close()


HOSTILE_JSON = [None, "", "x" * 3000, -1, 0, 2**63, 1e308, [], {}, [None], True, "😀", {"type": "X"}, [{}], "9(2)(a)"]


def _places(node, path=()):
    """Every place in a JSON tree (the first two items of each array), as a path of keys."""
    yield path
    children = node.items() if isinstance(node, dict) else enumerate(node[:2]) if isinstance(node, list) else []
    for key, child in children:
        yield from _places(child, (*path, key))


def _with(tree, path, value):
    """A copy of the tree with the value at path replaced."""
    if not path:
        return value
    copied = json.loads(json.dumps(tree))
    node = copied
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return copied


def test_an_import_with_anything_anywhere_gets_a_report_or_a_sentence_never_a_500(api, project, release):
    collection = json.loads(export(api, project, format="jsonld").get_data(as_text=True))
    tried = 0
    for path in list(_places(collection)):
        for value in HOSTILE_JSON:
            answer = api.post(f"/api/projects/{project['id']}/import", json=_with(collection, path, value))
            assert answer.status_code in (200, 400), (path, value, answer.get_data(as_text=True)[:200])
            report = answer.get_json()
            assert set(report) == {"created", "unplaced"} if answer.status_code == 200 else report["error"]
            tried += 1
    assert tried > 1000
