"""What real New Zealand releases do, on generated pages and on the real files of
../shared/corpus/nz: keys of ground codes, grey boxes, labels inside boxes and over runs of them,
watermarks and release stamps, blank-space redactions, out-of-scope pages, and a page that cannot
be read not sinking its document."""

import csv
import io

import pymupdf
import pytest
from conftest import upload
from pdfs import corpus

from app.core.keys import read_key
from app.pdf.furniture import is_furniture
from app.redactions.reading import read_page

BODY = "Officials advise the Minister that the programme remains on track for delivery."


def page_pdf(draw) -> bytes:
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    draw(page)
    return doc.tobytes()


def uploaded(api, project, pdf: bytes, name: str = "release.pdf") -> dict:
    document = upload(api, project["id"], (name, pdf)).get_json()["documents"][0]
    shown = api.get(f"/api/documents/{document['id']}").get_json()
    assert shown["status"] == "ready", shown["error"]
    return shown


def redactions(api, document) -> dict:
    return api.get(f"/api/documents/{document['id']}/redactions").get_json()


# Keys of codes, in the layouts releases print them.
@pytest.mark.parametrize(
    "text",
    [
        "Key to sections of the Act:\n[23]\n9(2)(a) - to protect privacy\n[39]\n9(2)(k) - improper gain",
        "Key: [23] 9(2)(a) privacy; [39] 9(2)(k) improper gain",
        "Key: [23] s 9(2)(a) - privacy\n[39] section 9(2)(k) - improper gain",
        "Key: 9(2)(a) - [23]; 9(2)(k) - [39]",
        "Codes used in this release\n23   9(2)(a)   Privacy of natural persons\n39   9(2)(k)   Improper gain",
    ],
)
def test_a_key_is_read_in_each_layout(text):
    key = read_key(text)
    assert {code: entry["ground"] for code, entry in key.items()} == {"23": "9(2)(a)", "39": "9(2)(k)"}


@pytest.mark.parametrize(
    "text",
    [
        "[23] 9(2)(a) privacy; [39] 9(2)(k) improper gain",  # no word "key": paragraph numbers, not a key
        "Key: [23] 9(2)(a) privacy",  # one entry is not a key
        "Key: [23] 9(2)(a) and [23] 9(2)(k); [24] 9(2)(h)",  # a code meaning two grounds is left out
    ],
)
def test_what_is_not_a_key(text):
    assert "23" not in read_key(text)


@pytest.mark.parametrize("grey", [0.0, 0.5, 0.65, 0.75, 0.85])
def test_a_box_of_any_grey_level_with_its_code_gets_its_ground_through_the_key(api, project, grey):
    """Treasury prints the bare number on grey boxes; on a black box a code is bracketed ("[39]"),
    since a bare digit under a black box is as likely one left readable."""
    bare = grey >= 0.2

    def draw(page):
        page.insert_text((72, 80), "Key to sections of the Act under which information has been withheld:", fontsize=10)
        page.insert_text((72, 100), "[23]", fontsize=10)
        page.insert_text((110, 100), "9(2)(a) - to protect the privacy of natural persons", fontsize=10)
        page.insert_text((72, 115), "[39]", fontsize=10)
        page.insert_text((110, 115), "9(2)(k) - to prevent improper gain", fontsize=10)
        page.insert_text((72, 200), BODY, fontsize=10)
        page.draw_rect((72, 210, 400, 224), color=None, fill=(grey, grey, grey))
        page.insert_text((75, 220), "39" if bare else "[39]", fontsize=8, color=(0, 0, 0) if grey > 0.4 else (1, 1, 1))
        page.draw_rect((72, 260, 300, 274), color=None, fill=(grey, grey, grey))
        page.insert_text((75, 270), "41" if bare else "[41]", fontsize=8, color=(0, 0, 0) if grey > 0.4 else (1, 1, 1))

    document = uploaded(api, project, page_pdf(draw))
    summary = redactions(api, document)
    found = [(b["code"], b["ground"], b["text_under"]) for b in summary["boxes"]]
    assert found == [("39", "9(2)(k)", False), ("41", None, False)]
    assert document["facts"]["ground_key"] == {"23": "9(2)(a)", "39": "9(2)(k)"}
    assert document["warnings"] == [
        "Boxes marked [41] carry a code that is not in the release's key; their ground is left blank."
    ]
    assert summary["codes_not_in_key"] == 1


@pytest.mark.parametrize("grey", [0.5, 0.75])
def test_grey_shading_over_readable_text_is_not_a_box(api, project, grey):
    def draw(page):
        page.draw_rect((70, 188, 520, 204), color=None, fill=(grey, grey, grey))  # a shaded table heading
        page.insert_text((72, 200), BODY, fontsize=10)

    assert redactions(api, uploaded(api, project, page_pdf(draw)))["boxes"] == []


def test_empty_grey_form_fields_are_not_boxes(api, project):
    """A government form shades its empty fields grey: no label, no code, no ground beside."""

    def draw(page):
        page.insert_text((72, 100), "Name of taxpayer", fontsize=9)
        page.draw_rect((72, 104, 300, 120), color=None, fill=(0.8, 0.8, 0.8))
        page.insert_text((72, 140), "Taxpayer identification number", fontsize=9)
        page.draw_rect((72, 144, 200, 160), color=None, fill=(0.7, 0.7, 0.7))

    assert redactions(api, uploaded(api, project, page_pdf(draw)))["boxes"] == []


def test_a_bare_digit_under_a_black_box_is_a_leak():
    """An email production blacks out digits of times and numbers: one left readable is a leak."""
    from app.pdf.boxes import FoundBox

    words = [{"text": "9", "x0": 200, "y0": 223, "x1": 205, "y1": 231}]
    read = read_page("9", words, [FoundBox((198, 222.9, 219.8, 231.2), "vector")], False, "nz-oia")
    assert [(b["code"], b["text_under"]) for b in read.boxes] == [(None, True)]


def test_common_words_under_a_box_without_a_label_are_a_leak():
    """Label words count as a label only beside a ground, a code or an out-of-scope mark."""
    from app.pdf.boxes import FoundBox

    words = [
        {"text": "sent", "x0": 75, "y0": 101, "x1": 95, "y1": 110},
        {"text": "to", "x0": 97, "y0": 101, "x1": 105, "y1": 110},
        {"text": "the", "x0": 107, "y0": 101, "x1": 120, "y1": 110},
    ]
    read = read_page("sent to the", words, [FoundBox((100, 100, 125, 112), "vector")], False, "nz-oia")
    assert [(b["text_under"], b["hidden_text"]) for b in read.boxes] == [(True, "to the")]


def test_a_yellow_highlight_is_not_a_box(api, project):
    def draw(page):
        page.draw_rect((70, 188, 520, 204), color=None, fill=(1, 1, 0))
        page.insert_text((72, 200), BODY, fontsize=10)

    assert redactions(api, uploaded(api, project, page_pdf(draw)))["boxes"] == []


@pytest.mark.parametrize(
    ("label", "ground", "out_of_scope"),
    [
        ("Section 6(c) Official Information Act 1982", "6(c)", False),
        ("s 9(2)(a)", "9(2)(a)", False),
        ("Withheld under s 9(2)(g)(i) of the Act", "9(2)(g)(i)", False),
        ("Out of scope", None, True),
        ("Not in scope", None, True),
        ("s 9(2)", None, False),  # a label cut short by its box
    ],
)
def test_a_label_printed_inside_a_box_is_no_leak_and_serves_its_run_of_boxes(api, project, label, ground, out_of_scope):
    """NZ Police redact a paragraph line by line and print the label once, on its first box."""

    def draw(page):
        page.insert_text((72, 100), BODY, fontsize=10)
        for y in (110, 124, 138):
            page.draw_rect((72, y, 480, y + 13), color=None, fill=(0, 0, 0))
        page.insert_text((74, 120), label, fontsize=8, color=(1, 0, 0))
        page.insert_text((72, 170), BODY, fontsize=10)

    summary = redactions(api, uploaded(api, project, page_pdf(draw)))
    assert [(b["ground"], b["out_of_scope"], b["text_under"]) for b in summary["boxes"]] == [
        (ground, out_of_scope, False)
    ] * 3
    assert summary["bad_redactions"] == 0


def test_a_run_ends_at_released_text(api, project):
    def draw(page):
        page.draw_rect((72, 110, 480, 123), color=None, fill=(0, 0, 0))
        page.insert_text((74, 120), "s 9(2)(a)", fontsize=8, color=(1, 1, 1))
        page.insert_text((72, 140), BODY, fontsize=10)  # released between
        page.draw_rect((72, 150, 480, 163), color=None, fill=(0, 0, 0))

    summary = redactions(api, uploaded(api, project, page_pdf(draw)))
    assert [b["ground"] for b in summary["boxes"]] == ["9(2)(a)", None]


def test_text_of_the_documents_own_flow_under_a_box_is_still_a_leak(api, project):
    def draw(page):
        page.insert_text((72, 120), "Vendor: Acme Holdings Limited", fontsize=10)
        page.draw_rect((70, 110, 260, 124), color=None, fill=(0, 0, 0))

    summary = redactions(api, uploaded(api, project, page_pdf(draw)))
    assert [b["text_under"] for b in summary["boxes"]] == [True]


@pytest.mark.parametrize("angle", [20, 30, 45, 60, 90])
def test_a_watermark_at_any_angle_stays_out_of_the_text_and_is_no_leak(api, project, angle):
    def draw(page):
        page.insert_text((72, 100), BODY, fontsize=10)
        page.draw_rect((72, 300, 520, 520), color=None, fill=(0, 0, 0))
        centre = pymupdf.Point(150, 600)
        page.insert_text(centre, "Proactively Released", fontsize=60, morph=(centre, pymupdf.Matrix(angle)))

    document = uploaded(api, project, page_pdf(draw))
    text = api.get(f"/api/documents/{document['id']}/pages/1").get_json()["text"]
    assert "Proactively" not in text and "Released" not in text and BODY[:20] in text
    assert redactions(api, document)["bad_redactions"] == 0
    assert document["facts"]["proactively_released"] is True


@pytest.mark.parametrize(
    ("line", "stamp"),
    [
        ("Released under the Official Information Act 1982", True),
        ("RELEASED UNDER THE OFFICIAL INFORMATION ACT", True),
        ("Proactively Released", True),
        ("This information is released under the Official Information Act 1982.", False),
        ("Officials released the report on Friday", False),
        ("Released", False),  # a schedule's decision, in a cell of its own
    ],
)
def test_a_release_stamp_is_a_line_of_its_own(line, stamp):
    assert is_furniture(line) == stamp


def test_a_stamp_on_every_page_is_kept_out_of_the_text_and_kept_as_a_fact(api, project):
    def draw(page):
        page.insert_text((72, 100), BODY, fontsize=10)
        page.insert_text((150, 820), "Released under the Official Information Act 1982", fontsize=9)

    document = uploaded(api, project, page_pdf(draw))
    text = api.get(f"/api/documents/{document['id']}/pages/1").get_json()["text"]
    assert "Official Information Act" not in text and BODY[:20] in text
    assert document["facts"] == {"released_under_oia": True}


@pytest.mark.parametrize("colour", [(1, 0, 0), (0, 0, 0)])
def test_a_ground_alone_in_a_gap_of_the_text_is_a_blank_redaction(api, project, colour):
    """MBIE and MFAT cut the text out and print the ground in the gap, often in red."""

    def draw(page):
        page.insert_text((72, 100), BODY, fontsize=10)
        page.insert_text((72, 130), "5.", fontsize=10)
        page.insert_text((90, 130), "s 6(a), 9(2)(f)(iv)", fontsize=10, color=colour)
        page.insert_text((72, 400), "6.   " + BODY, fontsize=10)

    document = uploaded(api, project, page_pdf(draw))
    summary = redactions(api, document)
    [blank] = summary["boxes"]
    assert blank["kind"] == "blank" and blank["ground"] == "6(a)"
    x0, y0, x1, y1 = blank["rect"]
    assert x0 <= 92 and y0 <= 122 and x1 >= 425 and 385 <= y1 <= 395  # the gap down to the next line
    assert summary["pages_withheld"] == []  # most of the page is released


def test_a_ground_cited_in_a_sentence_is_not_a_blank_redaction(api, project):
    def draw(page):
        page.insert_text((72, 100), "We have withheld some information under section 9(2)(a) of the Act,", fontsize=10)
        page.insert_text((72, 114), "to protect the privacy of natural persons.", fontsize=10)

    assert redactions(api, uploaded(api, project, page_pdf(draw)))["boxes"] == []


def test_out_of_scope_pages_are_their_own_kind(api, project):
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_text((72, 100), BODY, fontsize=10)
    for _ in range(2):
        page = doc.new_page(width=595, height=842)
        page.draw_rect((50, 45, 553, 800), color=None, fill=(0, 0, 0))
        page.insert_text((60, 60), "Out of scope", fontsize=10, color=(1, 0, 0))
    summary = redactions(api, uploaded(api, project, doc.tobytes()))
    assert summary["pages_out_of_scope"] == [2, 3] and summary["pages_withheld"] == []
    assert summary["out_of_scope"] == 2 and summary["box_count"] == 0 and summary["grounds"] == {}


def test_an_unreadable_page_is_kept_with_a_note_and_the_rest_is_read(api, project):
    """An indexed-colour (palette) scan once made its page, and its whole release, fail."""
    pdf = corpus("nz-treasury-wage-subsidy-keyed-codes.pdf")
    document = uploaded(api, project, pdf, "treasury.pdf")
    page_three = api.get(f"/api/documents/{document['id']}/pages/3").get_json()
    assert page_three["problem"] is None and "wage subsidy" in page_three["text"].lower()
    assert document["facts"]["proactively_released"] is True
    assert document["facts"]["ground_key"]["33"] == "9(2)(f)(iv)"
    coded = [b for b in redactions(api, document)["boxes"] if b["code"]]
    assert coded and all(b["ground"] == "9(2)(f)(iv)" for b in coded)
    suggestion = api.get(f"/api/documents/{document['id']}/suggestions").get_json()["suggestions"][0]
    assert api.post(f"/api/suggestions/{suggestion['id']}/accept").status_code == 200
    markdown = api.get(f"/api/projects/{project['id']}/export?format=md").get_data(as_text=True)
    assert "proactively released, grounds of its coded boxes read from the key it prints." in markdown


def test_a_page_that_cannot_be_read_does_not_sink_the_others(api, project, monkeypatch):
    """MuPDF failing on one page (as it did on Treasury's palette scans) is stood in for at the
    boundary: the reader of page 2 raises what extract_page raises for a page it cannot read."""
    from app.ingest import pipeline
    from app.pdf import PdfRefused

    def failing_on_page_two(doc, number, *args, **kwargs):
        if number == 2:
            raise PdfRefused("Page 2 could not be read: the PDF reader said “pixmap must be grayscale or rgb”.")
        return real_extract(doc, number, *args, **kwargs)

    real_extract = pipeline.extract_page
    monkeypatch.setattr(pipeline, "extract_page", failing_on_page_two)
    doc = pymupdf.open()
    for number in range(1, 4):
        doc.new_page(width=595, height=842).insert_text((72, 100), f"Page {number}: {BODY}", fontsize=10)
    document = uploaded(api, project, doc.tobytes(), "three.pdf")
    pages = [api.get(f"/api/documents/{document['id']}/pages/{n}").get_json() for n in (1, 2, 3)]
    assert "Page 1:" in pages[0]["text"] and "Page 3:" in pages[2]["text"]
    assert pages[1]["text"] == "" and pages[1]["problem"].startswith("Page 2 could not be read: ")
    assert (pages[1]["width"], pages[1]["height"]) == (595, 842)
    assert document["warnings"] == [pages[1]["problem"]]


def test_read_page_keeps_labels_and_leaks_apart():
    """Pure: the words of a label inside a box are not a leak; a name under it is."""
    from app.pdf.boxes import FoundBox

    words = [
        {"text": "Section", "x0": 75, "y0": 101, "x1": 105, "y1": 110},
        {"text": "6(c)", "x0": 107, "y0": 101, "x1": 125, "y1": 110},
        {"text": "Official", "x0": 127, "y0": 101, "x1": 150, "y1": 110},
        {"text": "Information", "x0": 152, "y0": 101, "x1": 190, "y1": 110},
        {"text": "Act", "x0": 192, "y0": 101, "x1": 204, "y1": 110},
        {"text": "1982", "x0": 206, "y0": 101, "x1": 222, "y1": 110},
        {"text": "Smith", "x0": 75, "y0": 121, "x1": 100, "y1": 130},
    ]
    boxes = [FoundBox((72, 100, 480, 112), "vector"), FoundBox((72, 120, 480, 132), "vector")]
    read = read_page(" ".join(w["text"] for w in words), words, boxes, False, "nz-oia")
    assert [(b["ground"], b["text_under"], b["hidden_text"]) for b in read.boxes] == [
        ("6(c)", False, None),
        ("6(c)", True, "Smith"),
    ]


def test_blank_redactions_reach_the_review_queue_and_exports_say_how_it_was_released(api, project):
    def draw(page):
        page.insert_text((72, 100), BODY, fontsize=10)
        page.insert_text((90, 130), "s 9(2)(g)(i)", fontsize=10, color=(1, 0, 0))
        page.insert_text((72, 400), BODY, fontsize=10)
        page.insert_text((72, 600), "Out of scope", fontsize=10, color=(1, 1, 1))
        page.draw_rect((70, 590, 500, 604), color=None, fill=(0, 0, 0))
        page.insert_text((150, 820), "Proactively Released", fontsize=9)

    document = uploaded(api, project, page_pdf(draw))
    suggestions = api.get(f"/api/documents/{document['id']}/suggestions").get_json()["suggestions"]
    boxes = [s for s in suggestions if s["kind"] == "region"]
    assert [(s["source"], s["ground"]) for s in boxes] == [("blank-space redaction", "9(2)(g)(i)")]  # not out of scope
    assert api.post(f"/api/suggestions/{boxes[0]['id']}/accept").status_code == 200
    csv_text = api.get(f"/api/projects/{project['id']}/export?format=csv").get_data(as_text=True)
    [row] = list(csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff"))))
    assert (row["release"], row["place"]) == ("proactively released", "p. 1")
    markdown = api.get(f"/api/projects/{project['id']}/export?format=md").get_data(as_text=True)
    assert "proactively released." in markdown
    assert "> \\[withheld: a blank-space redaction\\]" in markdown


def _scanned(draw) -> bytes:
    """A page drawn, then scanned at 150 dpi in grey, as the Pandemic Papers' scans are."""
    pixmap = pymupdf.open(stream=page_pdf(draw), filetype="pdf")[0].get_pixmap(dpi=150, colorspace=pymupdf.csGRAY)
    doc = pymupdf.open()
    doc.new_page(width=595, height=842).insert_image(pymupdf.Rect(0, 0, 595, 842), stream=pixmap.tobytes("png"))
    return doc.tobytes()


@pytest.mark.parametrize("grey", [0.45, 0.65, 0.75])
def test_a_grey_box_on_a_scan_is_found_and_its_label_read(api, project, grey):
    def draw(page):
        page.insert_text((72, 100), BODY, fontsize=11)
        page.draw_rect((72, 120, 480, 170), color=None, fill=(grey, grey, grey))
        page.insert_text((76, 132), "s 9(2)(a)", fontsize=10)
        page.insert_text((72, 200), BODY, fontsize=11)

    summary = redactions(api, uploaded(api, project, _scanned(draw)))
    [box] = summary["boxes"]
    assert box["kind"] == "image" and box["ground"] == "9(2)(a)"
    assert abs(box["rect"][0] - 72) < 4 and abs(box["rect"][3] - 170) < 4


def test_a_grey_call_out_on_a_scan_is_not_a_box(api, project):
    def draw(page):
        page.draw_rect((72, 120, 480, 170), color=None, fill=(0.8, 0.8, 0.8))
        page.insert_text((80, 140), "Key point: officials recommend the second option.", fontsize=11)
        page.insert_text((80, 158), "It is withheld under s 9(2)(a) only where noted.", fontsize=11)

    assert redactions(api, uploaded(api, project, _scanned(draw)))["boxes"] == []
