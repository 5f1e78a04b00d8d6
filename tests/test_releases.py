"""A release read as a release, through the API: the response letter on its first page gives
the document its agency, reference and date, and the time the answer took."""

import csv
import io

import docx
import pymupdf
import pytest
from conftest import csrf_token, sign_in, upload
from letters import LETTERS, letter_pdf
from pdfs import oia_release, rough_scan, text_pdf
from schedules import bundle_pdf, schedule_pdf
from sqlalchemy import update

from app.ingest.pipeline import process_document
from app.models import Document


@pytest.fixture
def treasury(api, project):
    letter, _ = LETTERS[0]  # received 4 March 2024, extended by 15 working days, answered 12 April 2024
    return upload(api, project["id"], ("treasury-release.pdf", letter_pdf(letter))).get_json()["documents"][0]


def test_the_letter_gives_the_release_its_facts_and_its_timing(api, treasury):
    release = api.get(f"/api/documents/{treasury['id']}/release").get_json()
    assert release["agency"] == "The Treasury"
    assert release["reference"] == "20240123"
    assert (release["request_date"], release["response_date"]) == ("2024-03-04", "2024-04-12")
    assert release["grounds"] == ["9(2)(a)", "9(2)(f)(iv)"]
    assert release["extension"] == {"days": 15, "until": None}
    # March 5 to April 12, less Good Friday (29 March) and Easter Monday (1 April): 27 working days,
    # over 20 but within the 35 the extension allowed
    assert (release["working_days"], release["limit"], release["late"]) == (27, 35, False)
    assert release["due_date"] == "2024-04-24"  # the 35th working day
    assert (release["letter_page"], release["transferred"], release["schedule"]) == (1, False, [])
    document = api.get(f"/api/documents/{treasury['id']}").get_json()
    assert (document["agency"], document["oia_reference"], document["date_released"]) == (
        "The Treasury",
        "20240123",
        "2024-04-12",
    )


def test_metadata_a_person_set_is_not_replaced_by_the_letter(api, project):
    letter, _ = LETTERS[3]
    document = upload(api, project["id"], ("minister.pdf", letter_pdf(letter))).get_json()["documents"][0]
    api.patch(f"/api/documents/{document['id']}", json={"agency": "Ministry of Finance (as I know it)"})
    release = api.get(f"/api/documents/{document['id']}/release").get_json()
    assert release["agency"] == "Ministry of Finance (as I know it)"


def test_corrections_are_kept_when_the_release_is_read_again(api, app, sessions, treasury):
    path = f"/api/documents/{treasury['id']}/release"
    corrected = api.patch(path, json={"request_date": "2024-03-01", "extension_days": None}).get_json()
    assert corrected["request_date"] == "2024-03-01" and corrected["extension"] is None
    assert (corrected["working_days"], corrected["limit"], corrected["late"]) == (28, 20, True)
    assert set(corrected["edited"]) >= {"request_date", "extension_days", "extended"}
    with sessions.begin() as session:
        session.execute(update(Document).where(Document.id == treasury["id"]).values(status="queued"))
    process_document(treasury["id"], app.config, sessions)
    again = api.get(path).get_json()
    assert (again["request_date"], again["extension"], again["late"]) == ("2024-03-01", None, True)
    assert again["grounds"] == ["9(2)(a)", "9(2)(f)(iv)"]  # read again, not corrected
    api.patch(path, json={"reference": "TSY-2024-0001"})  # the document's own reference
    assert api.get(f"/api/documents/{treasury['id']}").get_json()["oia_reference"] == "TSY-2024-0001"


def test_a_response_before_its_request_is_refused_and_nothing_changes(api, treasury):
    path = f"/api/documents/{treasury['id']}/release"
    refused = api.patch(path, json={"response_date": "2024-03-01", "transferred": True})
    assert refused.status_code == 400
    assert "before the request" in refused.get_json()["error"]
    release = api.get(path).get_json()
    assert (release["response_date"], release["transferred"]) == ("2024-04-12", False)
    assert api.patch(path, json={"request_date": "next Tuesday"}).status_code == 400


def test_a_release_without_a_letter_says_nothing_it_does_not_know(api, project):
    pdf = text_pdf([[(72, 72, "Briefing to the Minister of Finance"), (72, 100, "Out of scope")]])
    document = upload(api, project["id"], ("briefing.pdf", pdf)).get_json()["documents"][0]
    release = api.get(f"/api/documents/{document['id']}/release").get_json()
    assert release["letter_page"] is None
    assert (release["agency"], release["request_date"], release["working_days"], release["late"]) == (
        None,
        None,
        None,
        None,
    )


def test_the_documents_summary_page_shows_the_letter_and_its_timing(api, treasury):
    page = api.get(f"/documents/{treasury['id']}/redactions").get_data(as_text=True)
    letter = page[page.index('id="release-letter"') : page.index("</section>")]
    for shown in ("The Treasury", "20240123", "4 March 2024", "12 April 2024", "On time", "24 April 2024"):
        assert shown in letter
    assert "by 15 working days" in letter and "s 9(2)(f)(iv)" in letter
    api.patch(f"/api/documents/{treasury['id']}/release", json={"extension_days": None})
    late = api.get(f"/documents/{treasury['id']}/redactions").get_data(as_text=True)
    assert 'class="alarm" id="working-days"' in late and "Late" in late


def test_the_schedule_of_documents_is_listed_with_its_decisions(api, project):
    headings = {"number": "No.", "date": "Date", "title": "Description", "decision": "Decision", "grounds": "Grounds"}
    pdf, expected = schedule_pdf(headings, ruled=False, rows_per_page=6, repeat_heading=False)
    document = upload(api, project["id"], ("scheduled.pdf", pdf)).get_json()["documents"][0]
    release = api.get(f"/api/documents/{document['id']}/release").get_json()
    assert [(row["number"], row["decision"], row["grounds"]) for row in release["schedule"]] == [
        (row["number"], row["decision"], row["grounds"]) for row in expected
    ]
    assert release["schedule"][2] == {
        "number": "3",
        "date": "2024-02-01",
        "title": "Email: Minister's office to Treasury officials",
        "decision": "withheld in full",
        "grounds": ["9(2)(g)(i)"],
        "page": 2,
        "pages": None,
    }
    assert release["decisions"] == {
        "released": 2,
        "released in part": 4,
        "withheld in full": 3,
        "refused": 1,
        "transferred": 1,
        "not in scope": 1,
    }
    page = api.get(f"/documents/{document['id']}/redactions").get_data(as_text=True)
    assert "3 of 12 documents withheld in full" in page
    assert "Email: Minister&#39;s office to Treasury officials" in page


def test_a_schedule_on_a_rough_scan_is_read_again_as_a_table(api, project):
    """A rough 150 dpi scan on which Tesseract's page layout drops the small grounds of three rows
    (6(c), 9(2)(ba)(i) and the 9(2)(h) of row 8; 9 of 12 rows right): the schedule's pages are
    OCRed again as a table's rows, and that reading, which says more, is kept."""
    headings = {"number": "No.", "date": "Date", "title": "Description", "decision": "Decision", "grounds": "Grounds"}
    pdf, expected = schedule_pdf(headings, ruled=True, rows_per_page=12, repeat_heading=True)
    scan, _ = rough_scan(pdf, [{"boxes": []}] * 2, 150, seed=4242)
    document = upload(api, project["id"], ("scanned-schedule.pdf", scan)).get_json()["documents"][0]
    release = api.get(f"/api/documents/{document['id']}/release").get_json()
    read = {row["number"]: (row["decision"], row["grounds"]) for row in release["schedule"]}
    right = [read.get(row["number"]) == (row["decision"], row["grounds"]) for row in expected]
    assert sum(right) >= 11
    assert read["10"] == ("released in part", ["6(c)"])


def test_a_bundle_is_shown_as_its_documents(api, project):
    pdf, expected = bundle_pdf()
    document = upload(api, project["id"], ("bundle.pdf", pdf)).get_json()["documents"][0]
    release = api.get(f"/api/documents/{document['id']}/release").get_json()
    assert [row["pages"] for row in release["schedule"]] == expected
    viewer = api.get(f"/documents/{document['id']}").get_data(as_text=True)
    contents = viewer[viewer.index('id="bundle-contents"') :]
    assert 'href="#page-3"' in contents and "Briefing: Wage subsidy scheme options" in contents
    assert "withheld in full" in contents  # listed, though it has no pages


def test_exports_cite_a_page_of_a_bundle_by_its_document(api, project):
    pdf, expected = bundle_pdf()  # document 2 runs over pages 5 to 7
    document = upload(api, project["id"], ("bundle.pdf", pdf)).get_json()["documents"][0]
    for page in (6, 1):
        made = api.post(
            f"/api/documents/{document['id']}/annotations",
            json={"page": page, "rect": [56, 150, 300, 170], "tags": ["Risk"]},
        )
        assert made.status_code == 201, made.get_json()
    markdown = api.get(f"/api/projects/{project['id']}/export?format=md").get_data(as_text=True)
    assert "Document 2, page 2 (bundle page 6)" in markdown
    assert "— p. 1 ·" in markdown  # the letter is in no listed document
    rows = list(
        csv.DictReader(
            io.StringIO(
                api.get(f"/api/projects/{project['id']}/export?format=csv").get_data(as_text=True).lstrip("\ufeff")
            )
        )
    )
    assert sorted(row["place"] for row in rows) == ["Document 2, page 2 (bundle page 6)", "p. 1"]


def test_grounds_across_the_project_per_agency(api, project):
    pdf, _ = bundle_pdf()
    bundle = upload(api, project["id"], ("bundle.pdf", pdf)).get_json()["documents"][0]
    api.patch(f"/api/documents/{bundle['id']}", json={"agency": "The Treasury"})
    release, _ = oia_release()  # boxes with grounds beside them; no agency set
    upload(api, project["id"], ("release.pdf", release))
    grounds = api.get(f"/api/projects/{project['id']}/grounds").get_json()
    rows = {(row["agency"], row["ground"]): row for row in grounds["rows"]}
    treasury = rows[("The Treasury", "9(2)(g)(i)")]  # document 3 of the schedule: withheld in full
    assert (treasury["documents_withheld"], treasury["boxes"], treasury["redactions"]) == (1, 0, 0)
    assert rows[("The Treasury", "9(2)(f)(iv)")]["documents_withheld"] == 1  # document 9
    assert rows[("The Treasury", "9(2)(ba)(i)")]["meaning"]
    unknown = [row for row in grounds["rows"] if row["agency"] == "Agency not known"]
    assert unknown and all(row["boxes"] + row["cited"] > 0 for row in unknown)
    assert grounds["agencies"] == ["Agency not known", "The Treasury"]
    exported = api.get(f"/api/projects/{project['id']}/grounds?format=csv")
    assert exported.mimetype == "text/csv"
    lines = exported.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0] == "agency,ground,boxes,pages_withheld,documents_withheld,cited,redactions,meaning"
    assert len(lines) == len(grounds["rows"]) + 1
    assert api.get(f"/api/projects/{project['id']}/grounds?format=xml").status_code == 400
    page = api.get(f"/projects/{project['id']}/grounds").get_data(as_text=True)
    assert 'id="grounds-table"' in page and "The Treasury" in page


def test_a_complaint_to_the_ombudsman_is_drafted_from_the_release(api, project):
    letter = pymupdf.open(stream=letter_pdf(LETTERS[0][0]), filetype="pdf")
    bundle, _ = bundle_pdf()
    release = pymupdf.open(stream=bundle, filetype="pdf")
    release.delete_page(0)
    release.insert_pdf(letter, to_page=0, start_at=0)  # the Treasury's letter, then the schedule and documents
    document = upload(api, project["id"], ("release.pdf", release.tobytes())).get_json()["documents"][0]
    api.patch(f"/api/documents/{document['id']}/release", json={"extension_days": None})  # so it was late
    path = f"/api/projects/{project['id']}/export?format=complaint&document={document['id']}"
    response = api.get(path)
    assert response.status_code == 200 and response.mimetype == "text/markdown"
    draft = response.get_data(as_text=True)
    assert draft.startswith("# Draft complaint to the Ombudsman")
    assert "DRAFT for you to edit" in draft
    assert "The Treasury received my request on 4 March 2024" in draft
    assert "That is 27 working days after it received the request; the limit was 20 working days" in draft
    assert "The response was late by 7 working days" in draft
    assert "Documents withheld in full (3 of 12 listed)" in draft
    assert (
        "Document 3, “Email: Minister's office to Treasury officials” (1 February 2024): withheld under s 9(2)(g)(i)"
        in draft
    )
    assert "### Section 9(2)(a): to protect the privacy of natural persons" in draft
    assert "Section 9(1) allows information to be withheld" in draft  # the public-interest question
    assert "Section 6 reasons are conclusive" in draft  # 6(c), cited in the schedule
    assert draft.count("[Your argument:") >= 5
    word = api.get(path + "&as=docx")
    assert word.status_code == 200 and word.data[:2] == b"PK"
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(word.data)).paragraphs)
    assert "The response was late by 7 working days" in text
    assert api.get(f"/api/projects/{project['id']}/export?format=complaint").status_code == 400  # which release?
    assert api.get(path + "&as=pdf").status_code == 400


def test_a_complaint_lists_the_redactions_by_ground_and_page(api, project):
    pdf, _ = oia_release()
    document = upload(api, project["id"], ("release.pdf", pdf)).get_json()["documents"][0]
    redactions = api.get(f"/api/documents/{document['id']}/redactions").get_json()
    boxes = redactions["grounds"]
    draft = api.get(f"/api/projects/{project['id']}/export?format=complaint&document={document['id']}").get_data(
        as_text=True
    )
    assert f"Information withheld from the released pages ({redactions['redaction_count']} redactions)" in draft
    for ground, count in boxes.items():
        assert f"{count} redaction{'s' if count != 1 else ''} under s {ground}" in draft
    assert "the date it received your request" in draft  # no letter: the draft says what to fill in
    assert "with no ground printed beside it" in draft
    page = api.get(f"/documents/{document['id']}/redactions").get_data(as_text=True)
    assert f"format=complaint&amp;document={document['id']}" in page


def test_a_failure_reading_the_letter_does_not_sink_the_document(api, project, monkeypatch):
    def broken(*_):
        raise RuntimeError("an unforeseen page")

    monkeypatch.setattr("app.releases.service.read_letter", broken)  # a true edge: a reader that fails
    letter, _ = LETTERS[0]
    document = upload(api, project["id"], ("release.pdf", letter_pdf(letter))).get_json()["documents"][0]
    assert api.get(f"/api/documents/{document['id']}").get_json()["status"] == "ready"
    assert api.get(f"/api/documents/{document['id']}/release").get_json()["letter_page"] is None


def test_the_letters_facts_are_corrected_in_a_form(app, api, treasury, user):
    browser = app.test_client()
    sign_in(browser, user.email)
    edit = f"/documents/{treasury['id']}/edit"
    page = browser.get(edit).get_data(as_text=True)
    assert 'id="letter-form"' in page and 'value="2024-03-04"' in page and 'value="15"' in page
    token = csrf_token(browser, edit)
    form = {
        "csrf_token": token,
        "request_date": "2024-03-01",
        "extension_days": "",
        "extended_to": "",
        "transferred": "yes",
    }
    saved = browser.post(f"/documents/{treasury['id']}/release", data=form)
    assert saved.status_code == 302
    release = api.get(f"/api/documents/{treasury['id']}/release").get_json()
    assert (release["request_date"], release["extension"], release["transferred"], release["late"]) == (
        "2024-03-01",
        None,
        True,
        True,
    )
    bad = browser.post(f"/documents/{treasury['id']}/release", data={**form, "request_date": "March the first"})
    assert bad.status_code == 400 and "request_date must be a date written as YYYY-MM-DD" in bad.get_data(as_text=True)
    assert api.get(f"/api/documents/{treasury['id']}/release").get_json()["request_date"] == "2024-03-01"
    later = browser.post(f"/documents/{treasury['id']}/release", data={**form, "request_date": "2024-05-01"})
    assert later.status_code == 400 and "cannot be dated before the request" in later.get_data(as_text=True)
    for days in ("²", "1" * 5000):  # str.isdigit passes both, and int() refuses them
        odd = browser.post(f"/documents/{treasury['id']}/release", data={**form, "extension_days": days})
        assert odd.status_code == 400 and "extension_days must be a whole number" in odd.get_data(as_text=True)


def test_a_schedule_running_past_the_fifteenth_page_is_listed_whole(api, project):
    headings = {"number": "No.", "date": "Date", "title": "Description", "decision": "Decision", "grounds": "Grounds"}
    pdf, expected = schedule_pdf(headings, ruled=False, rows_per_page=2, repeat_heading=True)
    release = pymupdf.open(stream=pdf, filetype="pdf")
    for number in range(12):  # the letter runs on, so the schedule starts on page 14 and ends on 19
        release.new_page(pno=1, width=595, height=842).insert_text((56, 80), f"Letter, page {number + 2}.")
    document = upload(api, project["id"], ("long-schedule.pdf", release.tobytes())).get_json()["documents"][0]
    schedule = api.get(f"/api/documents/{document['id']}/release").get_json()["schedule"]
    assert [row["number"] for row in schedule] == [row["number"] for row in expected]
    assert (schedule[0]["page"], schedule[-1]["page"]) == (14, 19)
