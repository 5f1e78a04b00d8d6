"""Search: the query language over a real index (FTS5 on SQLite, tsvector on PostgreSQL), run
through the API on documents uploaded as PDFs and read by the pipeline."""

import io

import pymupdf
import pytest
from conftest import Api, create_user, sign_in, upload
from pdfs import FONT_FILE, scanned_pdf

from app.auth import service as auth_service
from app.search.hits import snippet
from app.search.query import WORD, Clause, Filter, Term, ascii_words, parse, words_of

DEFENCE = [
    "Supply chain resilience in Ukraine and the Pacific.",
    "OPS-306 was approved under s 9(2)(a) of the Act.",
    "Supply of munitions and the chain of command.",
    'C++ code: SELECT * FROM pages;\nDROP TABLE pages; -- "quoted" NEAR(x) AND OR NOT',
    "Resilient supply chains across the Pacific region.",
    "Defence procuremnet of vehicles was delayed.",
    "Supply was the main issue for the global chain.",
    "The supply and the chain were discussed.",
]
FOREIGN = [
    "The Māori Language Commission met officials in Ōtautahi.",
    "Otautahi and Maori wards were discussed with the Ministry.",
    "Supply chain risks for the Pacific partners.",
    "<script>alert(1)</script> & trade talks in Wellington",
]
BOXED_PAGE = 2  # DEFENCE page 2 carries a redaction box labelled s 9(2)(a)


def _pdf(lines: list[str], boxed: int | None = None) -> bytes:
    doc = pymupdf.open()
    for number, line in enumerate(lines, 1):
        page = doc.new_page(width=595, height=842)
        page.insert_text((72, 100), line, fontsize=12, fontname="dejavu", fontfile=FONT_FILE)
        if number == boxed:
            page.draw_rect((72, 130, 250, 143), color=(0, 0, 0), fill=(0, 0, 0))
            page.insert_text((255, 140), "s 9(2)(a)", fontsize=8)
    return doc.tobytes()


@pytest.fixture
def corpus(api, project):
    """Three documents read by the pipeline: Defence (8 pages, a box on page 2), Foreign (4
    pages, macrons), and a one-page scan read by OCR; a Risk tag and notes on some pages."""
    files = [
        ("defence.pdf", _pdf(DEFENCE, boxed=BOXED_PAGE)),
        ("foreign.pdf", _pdf(FOREIGN)),
        ("scan.pdf", scanned_pdf([(72, 100, "Supply chain review of the sustainment contract")], fontsize=16)),
    ]
    ids = {}
    for name, content in files:
        document = upload(api, project["id"], (name, content)).get_json()["documents"][0]
        ids[name.removesuffix(".pdf")] = document["id"]
    api.patch(f"/api/documents/{ids['defence']}", json={"agency": "Ministry of Defence", "date_released": "2023-11-01"})
    api.patch(f"/api/documents/{ids['foreign']}", json={"agency": "MFAT", "date_released": "2024-03-10"})
    note = {"page": 3, "tags": ["Risk"], "start": 0, "end": 6, "note": "Ask the Ombudsman about munitions"}
    assert api.post(f"/api/documents/{ids['defence']}/annotations", json=note).status_code == 201
    risk = {"page": 3, "tags": ["Risk"], "start": 0, "end": 6}
    assert api.post(f"/api/documents/{ids['foreign']}/annotations", json=risk).status_code == 201
    workstream = {"page": 5, "tags": ["Workstream: Supply chains"], "start": 0, "end": 9}
    assert api.post(f"/api/documents/{ids['defence']}/annotations", json=workstream).status_code == 201
    return ids


def _found(api, project, documents: dict[str, int], text: str) -> set[str]:
    """The pages a query finds, as "defence 3" (documents: their ids by name)."""
    answer = api.get("/api/search", query_string={"q": text, "project": project["id"]})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    body = answer.get_json()
    names = {number: name for name, number in documents.items()}
    assert body["total"] == len(body["results"])
    return {f"{names[r['document']]} {r['page']}" for r in body["results"]}


def d(*pages):
    return {f"defence {p}" for p in pages}


def f(*pages):
    return {f"foreign {p}" for p in pages}


SCAN = {"scan 1"}
EVERY_PAGE = d(*range(1, 9)) | f(1, 2, 3, 4) | SCAN

# (query, the pages it finds: exactly these). Hostile input finds the text as written, or nothing.
QUERIES = [
    ("supply", d(1, 3, 5, 7, 8) | f(3) | SCAN),
    ("Supply", d(1, 3, 5, 7, 8) | f(3) | SCAN),
    ("SUPPLY chain", d(1, 3, 7, 8) | f(3) | SCAN),
    ('"supply chain"', d(1) | f(3) | SCAN),
    ('"chain supply"', set()),
    ('"supply chain', d(1) | f(3) | SCAN),  # an open quote runs to the end
    ('supply "chain', d(1, 3, 7, 8) | f(3) | SCAN),
    ("supply -ukraine", d(3, 5, 7, 8) | f(3) | SCAN),
    ("supply -Ukraine -pacific", d(3, 7, 8) | SCAN),
    ('-"supply chain" supply', d(3, 5, 7, 8)),
    ("-supply", (EVERY_PAGE - d(1, 3, 5, 7, 8) - f(3) - SCAN)),
    ("ukraine OR munitions", d(1, 3)),
    ("ukraine OR munitions OR wellington", d(1, 3) | f(4)),
    ("ukraine or munitions", set()),  # lower-case "or" is a word
    ("OR", set()),
    ("OR ukraine", d(1)),
    ("ukraine OR", d(1)),
    ("resil*", d(1, 5)),
    ("resilien*", d(1, 5)),
    ("resilient*", d(5)),
    ('"supply chain*"', d(1, 5) | f(3) | SCAN),
    ("chains", d(5)),
    ("chain", d(1, 3, 7, 8) | f(3) | SCAN),
    ("procurement~", d(6)),  # OCR's "procuremnet"
    ("procurement", set()),
    ("munition~", d(3)),
    ('"supply chain"~2', d(1, 8) | f(3) | SCAN),
    ('"supply chain"~4', d(1, 3, 8) | f(3) | SCAN),  # "Supply of munitions and the chain": 4 between
    ('"supply chain"~6', d(1, 3, 8) | f(3) | SCAN),
    ('"supply chain"~7', d(1, 3, 7, 8) | f(3) | SCAN),
    ('"chain supply"~1', d(1) | f(3) | SCAN),  # near is in either order
    ("maori", f(1, 2)),
    ("Māori", f(1, 2)),
    ("ōtautahi", f(1, 2)),
    ("Otautahi", f(1, 2)),
    ("OTAUTAHI maori", f(1, 2)),
    ("OPS-306", d(2)),
    ("ops 306", d(2)),
    ("306", d(2)),
    ("9(2)(a)", d(2)),
    ('"9(2)(a)"', d(2)),
    ("c++", d(4)),
    ("C++ code", d(4)),
    ("SELECT * FROM pages;", d(4)),
    ("DROP TABLE pages; --", d(4)),
    ("'; DROP TABLE pages; --", d(4)),
    ("NEAR(x)", d(4)),
    ("AND", d(1, 3, 4, 8) | f(2)),  # the word "and"
    ('"AND OR NOT"', d(4)),
    ("NOT", d(4)),
    ('"quoted"', d(4)),
    ('""', set()),
    ('"', set()),
    ("-", set()),
    ("*", set()),
    ("~", set()),
    ("()", set()),
    ("supply~ chain*", d(1, 3, 5, 7, 8) | f(3) | SCAN),
    ("<script>", f(4)),
    ("alert(1)", f(4)),
    ("&", set()),
    ("%", set()),
    ("_", set()),
    ("ukraine\\", d(1)),
    ("tag:Risk", d(3) | f(3)),
    ("tag:risk supply", d(3) | f(3)),
    ("tag:Risk -tag:nothing", d(3) | f(3)),
    ("supply -tag:Risk", d(1, 5, 7, 8) | SCAN),
    ("supply -tag:Risk -tag:workstream", d(1, 7, 8) | SCAN),
    ('tag:"No such tag"', set()),
    ("tag:Workstream", d(5)),  # a parent includes its children
    ('tag:"supply chains"', d(5)),
    ('tag:"Workstream: Supply chains"', d(5)),
    ("agency:MFAT", f(1, 2, 3, 4)),
    ("agency:defence supply", d(1, 3, 5, 7, 8)),
    ("agency:%", set()),
    ("ground:9(2)(a)", d(2)),
    ('ground:"s 9(2)(a)"', d(2)),
    ("ground:9(2)(b)", set()),
    ("ocr:yes", SCAN),
    ("ocr:no supply chain", d(1, 3, 7, 8) | f(3)),
    ("date:2024", f(1, 2, 3, 4)),
    ("date:2023-11..2024-01 supply", d(1, 3, 5, 7, 8)),
    ("date:..2023-10", set()),
    ("date:2024-03-10..", f(1, 2, 3, 4)),
    ("in:notes ombudsman", d(3)),
    ("in:notes munitions", d(3)),
    ("ombudsman", set()),  # notes are searched with in:notes only
    ("in:notes supply", set()),
    ("doc:abc", set()),
]


def test_the_query_language_finds_exactly_the_pages_it_should(api, project, corpus):
    wrong = {}
    for text, expected in QUERIES:
        found = _found(api, project, corpus, text)
        if found != expected:
            wrong[text] = {"missing": sorted(expected - found), "extra": sorted(found - expected)}
    assert wrong == {}, "\n".join(f"{k!r}: {v}" for k, v in wrong.items())
    assert len(QUERIES) >= 60


def test_doc_filter_and_all_projects(app, api, project, corpus):
    assert _found(api, project, corpus, f"doc:{corpus['foreign']} supply") == f(3)
    other = api.post("/api/projects", json={"name": "Elsewhere"}).get_json()
    upload(api, other["id"], ("elsewhere.pdf", _pdf(["Supply chain notes from elsewhere."])))
    everywhere = api.get("/api/search", query_string={"q": '"supply chain"'}).get_json()
    assert {r["project"] for r in everywhere["results"]} == {project["id"], other["id"]}
    assert everywhere["total"] == 4


def test_results_carry_title_snippet_tags_score_and_facets(api, project, corpus):
    body = api.get("/api/search", query_string={"q": "supply", "project": project["id"]}).get_json()
    assert body["total"] == 7
    first = body["results"][0]
    assert set(first) >= {"document", "title", "page", "snippet", "score", "tags"}
    scores = [r["score"] for r in body["results"]]
    assert scores == sorted(scores, reverse=True)
    tagged = next(r for r in body["results"] if r["document"] == corpus["defence"] and r["page"] == 3)
    assert tagged["tags"] == ["Risk"]
    assert "<mark>Supply</mark> of munitions" in tagged["snippet"]
    facets = body["facets"]
    assert {x["title"]: x["count"] for x in facets["documents"]} == {"defence": 5, "foreign": 1, "scan": 1}
    assert {x["name"]: x["count"] for x in facets["tags"]} == {"Risk": 2, "Supply chains": 1}
    assert {x["name"]: x["count"] for x in facets["agencies"]} == {"Ministry of Defence": 5, "MFAT": 1}
    grounds = api.get("/api/search", query_string={"q": "approved", "project": project["id"]}).get_json()
    assert grounds["facets"]["grounds"] == [{"ground": "9(2)(a)", "count": 1}]


def test_a_snippet_escapes_the_pages_markup(api, project, corpus):
    body = api.get("/api/search", query_string={"q": "alert", "project": project["id"]}).get_json()
    [result] = body["results"]
    assert result["snippet"] == "&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt; &amp; trade talks in Wellington"


def test_hits_in_a_document_are_the_stored_boxes_of_the_matching_words(api, corpus):
    hits = api.get(f"/api/documents/{corpus['defence']}/search", query_string={"q": '"supply chain"'}).get_json()
    assert [h["page"] for h in hits["hits"]] == [1]
    words = api.get(f"/api/documents/{corpus['defence']}/pages/1").get_json()["words"]
    boxes = {w["text"]: [w["x0"], w["y0"], w["x1"], w["y1"]] for w in words}
    assert hits["hits"][0]["rects"] == [boxes["Supply"], boxes["chain"]]
    lit = api.get(f"/api/documents/{corpus['defence']}/search", query_string={"q": "ops-306"}).get_json()
    assert lit["hits"] == [{"page": 2, "rects": [next(v for k, v in _boxes(api, corpus, 2).items() if "OPS" in k)]}]


def _boxes(api, corpus, page):
    words = api.get(f"/api/documents/{corpus['defence']}/pages/{page}").get_json()["words"]
    return {w["text"]: [w["x0"], w["y0"], w["x1"], w["y1"]] for w in words}


def test_search_sees_new_pages_edited_notes_and_deleted_documents_at_once(api, project, corpus):
    [annotation] = api.get(f"/api/documents/{corpus['defence']}/annotations?page=3").get_json()["annotations"]
    api.patch(f"/api/annotations/{annotation['id']}", json={"note": "Follow up with the Auditor-General"})
    assert _found(api, project, corpus, "in:notes ombudsman") == set()
    assert _found(api, project, corpus, "in:notes auditor") == d(3)
    api.delete(f"/api/annotations/{annotation['id']}")
    assert _found(api, project, corpus, "in:notes auditor") == set()
    assert api.delete(f"/api/documents/{corpus['foreign']}").status_code == 204
    assert _found(api, project, corpus, "maori") == set()
    added = upload(api, project["id"], ("new.pdf", _pdf(["Whakatāne harbour dredging."]))).get_json()
    documents = {**corpus, "new": added["documents"][0]["id"]}
    assert _found(api, project, documents, "whakatane") == {"new 1"}


def test_others_cannot_search_a_project_and_see_none_of_it_in_theirs(app, client, project, corpus):
    stranger = create_user(app, "stranger@example.nz")
    with app.extensions["sessions"]() as session:
        other = Api(client, auth_service.create_token_for(session, stranger.email))
    refused = other.get("/api/search", query_string={"q": "supply", "project": project["id"]})
    assert refused.status_code == 404
    assert other.get("/api/search", query_string={"q": "supply"}).get_json()["total"] == 0
    assert other.get(f"/api/documents/{corpus['defence']}/search", query_string={"q": "supply"}).status_code == 404


@pytest.mark.parametrize(
    ("arguments", "sentence"),
    [
        ({"q": "x", "project": "abc"}, "project must be a whole number of 1 or more."),
        ({"q": "x", "page": "0"}, "page must be a whole number of 1 or more."),
        ({"q": "x", "page": "-1"}, "page must be a whole number of 1 or more."),
    ],
)
def test_bad_search_arguments_are_refused_with_a_sentence(api, arguments, sentence):
    answer = api.get("/api/search", query_string=arguments)
    assert answer.status_code == 400
    assert answer.get_json() == {"error": sentence}


def test_what_a_filter_cannot_use_is_said(api, project):
    body = api.get("/api/search", query_string={"q": "date:soon ocr:maybe x", "project": project["id"]}).get_json()
    assert body["notices"] == [
        "date:soon was left out: write dates as 2024, 2024-06 or 2024-06-30, a range as 2024-01..2024-06.",
        "ocr:maybe was left out: say ocr:yes or ocr:no.",
    ]


def test_results_come_fifty_a_page(api, project):
    upload(api, project["id"], ("long.pdf", _pdf([f"Page {n} of the sustainment plan." for n in range(1, 61)])))
    first = api.get("/api/search", query_string={"q": "sustainment", "project": project["id"]}).get_json()
    second = api.get("/api/search", query_string={"q": "sustainment", "project": project["id"], "page": 2}).get_json()
    assert (first["total"], len(first["results"]), len(second["results"]), first["pages"]) == (60, 50, 10, 2)
    pages = {r["page"] for r in first["results"]} | {r["page"] for r in second["results"]}
    assert pages == set(range(1, 61))


@pytest.mark.parametrize(
    ("text", "clauses", "filters"),
    [
        ("a b", [Clause((Term(("a",)),)), Clause((Term(("b",)),))], []),
        ('"a b"~3', [Clause((Term(("a", "b"), near=3),))], []),
        ("a OR b", [Clause((Term(("a",)), Term(("b",))))], []),
        ("-a", [Clause((Term(("a",)),), excluded=True)], []),
        ("pre*", [Clause((Term(("pre",), prefix=True),))], []),
        ("word~", [Clause((Term(("word",), fuzzy=True),))], []),
        ("OPS-306", [Clause((Term(("ops", "306")),))], []),
        ('tag:"Supply chains" -agency:MFAT', [], [Filter("tag", "Supply chains"), Filter("agency", "MFAT", True)]),
        ("Tag:Risk", [], [Filter("tag", "Risk")]),
        ("colour:red", [Clause((Term(("colour", "red")),))], []),  # not a filter: searched as written
    ],
)
def test_a_query_is_read_into_clauses_and_filters(text, clauses, filters):
    query = parse(text)
    assert (query.clauses, query.filters) == (clauses, filters)


def test_a_saved_search_counts_what_is_new_since_it_was_seen(api, project, corpus):
    created = api.post(
        f"/api/projects/{project['id']}/saved-searches", json={"name": "Supply chain", "query": '"supply chain"'}
    )
    assert created.status_code == 201
    saved = created.get_json()
    assert (saved["name"], saved["total"], saved["documents"], saved["new"]) == ("Supply chain", 3, 3, 0)
    added = upload(api, project["id"], ("later.pdf", _pdf(["A later supply chain briefing.", "Nothing here."])))
    later = added.get_json()["documents"][0]["id"]
    [listed] = api.get(f"/api/projects/{project['id']}/saved-searches").get_json()["saved_searches"]
    assert (listed["total"], listed["new"]) == (4, 1)
    new = api.get(f"/api/saved-searches/{saved['id']}/new").get_json()
    assert [(r["document"], r["page"]) for r in new["results"]] == [(later, 1)]
    assert api.post(f"/api/saved-searches/{saved['id']}/seen").get_json()["new"] == 0
    [listed] = api.get(f"/api/projects/{project['id']}/saved-searches").get_json()["saved_searches"]
    assert (listed["total"], listed["new"]) == (4, 0)
    # Read again (a re-OCR), the newest document's pages are stored anew: they count as new (on
    # SQLite the pages' ids are not used again, though they were the highest).
    assert api.post(f"/api/documents/{later}/read-again").status_code == 202
    [listed] = api.get(f"/api/projects/{project['id']}/saved-searches").get_json()["saved_searches"]
    assert (listed["total"], listed["new"]) == (4, 1)
    assert api.delete(f"/api/saved-searches/{saved['id']}").status_code == 204
    assert api.get(f"/api/projects/{project['id']}/saved-searches").get_json() == {"saved_searches": []}


def test_the_project_page_shows_saved_searches_with_new_pages(app, client, user, api, project, corpus):
    api.post(f"/api/projects/{project['id']}/saved-searches", json={"name": "Munitions", "query": "munitions"})
    upload(api, project["id"], ("later.pdf", _pdf(["More munitions were ordered."])))
    sign_in(client)
    html = client.get(f"/projects/{project['id']}").get_data(as_text=True)
    assert "Munitions" in html and "1 new" in html and "2 pages in 2 documents" in html
    [saved] = api.get(f"/api/projects/{project['id']}/saved-searches").get_json()["saved_searches"]
    opened = client.get(f"/projects/{project['id']}/search?saved={saved['id']}").get_data(as_text=True)
    assert "1 new page" in opened and "More <mark>munitions</mark> were ordered." in opened
    assert "1 new" not in client.get(f"/projects/{project['id']}").get_data(as_text=True)


def test_tagging_all_hits_makes_one_suggestion_a_hit_and_undo_removes_them(api, project, corpus):
    made = api.post(f"/api/projects/{project['id']}/search/tag", json={"q": '"supply chain"', "tag": "Risk"})
    assert made.status_code == 201
    batch = made.get_json()
    assert (batch["created"], batch["as"]) == (3, "suggestions")
    queue = api.get(f"/api/projects/{project['id']}/suggestions").get_json()["suggestions"]
    searched = [s for s in queue if s["source"] == "search"]
    assert sorted((s["page"], s["exact"]) for s in searched) == [
        (1, "Supply chain"),
        (1, "Supply chain"),
        (3, "Supply chain"),
    ]
    assert {s["tag"] for s in searched} == {"Risk"}
    accepted = searched[0]
    assert api.post(f"/api/suggestions/{accepted['id']}/accept").status_code == 200
    assert api.delete(f"/api/tag-batches/{batch['batch']}").get_json() == {"removed": 2}
    left = api.get(f"/api/projects/{project['id']}/suggestions?status=all").get_json()["suggestions"]
    assert [s["id"] for s in left if s["source"] == "search"] == [accepted["id"]]  # a person's decision stays
    again = api.delete(f"/api/tag-batches/{batch['batch']}")
    assert again.status_code == 409 and again.get_json() == {"error": "That batch was already undone."}


def test_tagging_all_hits_as_annotations_and_undoing_them(api, project, corpus):
    made = api.post(
        f"/api/projects/{project['id']}/search/tag",
        json={"q": "munitions OR wellington", "tag": "Key quote", "as": "annotations"},
    ).get_json()
    assert made["created"] == 2
    quotes = []
    for document in (corpus["defence"], corpus["foreign"]):
        quotes += [
            a["exact"]
            for a in api.get(f"/api/documents/{document}/annotations?tag=Key quote").get_json()["annotations"]
        ]
    assert sorted(quotes) == ["Wellington", "munitions"]
    assert api.delete(f"/api/tag-batches/{made['batch']}").get_json() == {"removed": 2}
    assert api.get(f"/api/documents/{corpus['defence']}/annotations?tag=Key quote").get_json()["annotations"] == []


@pytest.mark.parametrize(
    ("body", "status", "sentence"),
    [
        ({"q": "nothingatall", "tag": "Risk"}, 400, "The search finds nothing to tag."),
        ({"q": "supply", "tag": "No such tag"}, 400, "“No such tag” is not a tag in this project."),
        ({"q": "supply", "tag": "Risk", "as": "everything"}, 400, "as must be"),
    ],
)
def test_tagging_all_hits_refuses_what_it_cannot_do(api, project, corpus, body, status, sentence):
    answer = api.post(f"/api/projects/{project['id']}/search/tag", json=body)
    assert answer.status_code == status
    assert sentence in answer.get_json()["error"]


def test_a_list_of_names_is_counted_term_by_term(api, project, corpus):
    terms = ["Supply chain", "Ōtautahi", "munitions OR ukraine", "Nobody Here", "", "supply chain"]
    answer = api.post(f"/api/projects/{project['id']}/term-lists", json={"terms": terms}).get_json()
    counts = {row["term"]: (row["pages"], row["documents"]) for row in answer["terms"]}
    assert counts == {"Supply chain": (3, 3), "Ōtautahi": (2, 1), "munitions OR ukraine": (2, 1), "Nobody Here": (0, 0)}
    assert answer["terms"][0]["link"] == f"/projects/{project['id']}/search?q=%22Supply+chain%22"
    upload_csv = {"file": (io.BytesIO(b"name,role\n=Maori,test\nOtautahi,city\n"), "names.csv")}
    csv_answer = api.post(
        f"/api/projects/{project['id']}/term-lists?format=csv", data=upload_csv, content_type="multipart/form-data"
    )
    assert csv_answer.headers["Content-Type"].startswith("text/csv")
    assert csv_answer.get_data(as_text=True).splitlines() == [
        "\ufeffterm,pages,documents,query",
        "'=Maori,2,1,'=Maori",
        "Otautahi,2,1,Otautahi",
    ]


def test_the_search_page_remembers_recent_searches(app, client, user, api, project, corpus):
    sign_in(client)
    for text in ("munitions", "ukraine", "munitions"):
        client.get(f"/projects/{project['id']}/search", query_string={"q": text})
    html = client.get(f"/projects/{project['id']}/search").get_data(as_text=True)
    recent = html[html.index('class="recent-searches"') :]
    assert recent.index(">munitions<") < recent.index(">ukraine<")
    assert recent.count(">munitions<") == 1


@pytest.mark.parametrize(
    ("content", "sentence"),
    [
        (b"\xff\xfe not utf-8 \x80", "The list must be a text or CSV file in UTF-8."),
        (b"x" * 1_000_001, "A list of names is at most 1 MB; split it, or keep only the column of names."),
        (b"\n \n", "The list holds no terms: give one a line."),
    ],
)
def test_a_bad_list_of_names_is_refused_with_a_sentence(api, project, content, sentence):
    data = {"file": (io.BytesIO(content), "names.txt")}
    answer = api.post(f"/api/projects/{project['id']}/term-lists", data=data, content_type="multipart/form-data")
    assert answer.status_code == 400
    assert answer.get_json() == {"error": sentence}


def test_a_search_matching_more_than_can_be_ranked_ranks_the_newest_then_lists_the_rest(api, project, monkeypatch):
    """Over RANKED_AT_MOST matches, the newest pages in scope are ranked and the rest follow, newest
    first; every match is listed once, and another project's newer pages take no place."""
    from app.search import service

    old = upload(api, project["id"], ("old.pdf", _pdf(["supply " * 12 + "chain"] * 5))).get_json()["documents"][0]
    new = upload(
        api, project["id"], ("new.pdf", _pdf([f"One supply line, page {n}." for n in range(1, 51)]))
    ).get_json()["documents"][0]
    loud = api.post("/api/projects", json={"name": "Loud"}).get_json()
    upload(api, loud["id"], ("loud.pdf", _pdf(["supply " * 12 + "chain"] * 60)))

    def searched(page):
        return api.get("/api/search", query_string={"q": "supply", "project": project["id"], "page": page}).get_json()

    ranked_all = searched(1)
    assert ranked_all["ranked"] is None
    assert [r["document"] for r in ranked_all["results"][:5]] == [old["id"]] * 5  # the old pages rank first

    monkeypatch.setattr(service, "RANKED_AT_MOST", 50)
    first, second = searched(1), searched(2)
    assert first["ranked"] == 50 and first["total"] == 55
    assert {(r["document"], r["page"]) for r in first["results"]} == {(new["id"], n) for n in range(1, 51)}
    assert sorted((r["document"], r["page"]) for r in second["results"]) == [(old["id"], n) for n in range(1, 6)]


HUGE = "9" * 30  # more than any database integer holds


@pytest.mark.parametrize(
    ("path", "status"),
    [
        (f"/api/documents/{HUGE}", 404),
        (f"/api/documents/{HUGE}/search?q=x", 404),
        (f"/api/saved-searches/{HUGE}/new", 404),
        (f"/api/search?q=x&project={HUGE}", 400),
        (f"/api/search?q=x&page={HUGE}", 400),
        (f"/api/search?q=doc:{HUGE}", 200),
    ],
)
def test_an_id_too_large_for_the_database_is_refused_not_a_crash(api, path, status):
    answer = api.get(path)
    assert answer.status_code == status
    assert "went wrong" not in answer.get_data(as_text=True)


def test_tagging_all_hits_refuses_a_search_too_wide_before_reading_its_pages(api, project, corpus, monkeypatch):
    from app.search import tagging

    monkeypatch.setattr(tagging, "MAX_HITS", 2)
    monkeypatch.setattr(tagging, "matching_words", lambda *args: pytest.fail("read the pages anyway"))
    answer = api.post(f"/api/projects/{project['id']}/search/tag", json={"q": "supply", "tag": "Risk"})
    assert answer.status_code == 400
    assert answer.get_json() == {"error": "The search finds 7 pages; narrow it to 2 hits or fewer to tag them all."}


def test_a_search_of_words_reads_the_pages_it_matches_from_the_narrow_index_of_places(app, api, project, corpus):
    """On SQLite, the matching pages' documents come from ix_pages_place, not from the pages'
    wide rows (text and word boxes): on 100,000 pages that halved a common word's search. With a
    tag filter, which looks pages up by (document, page), SQLite chooses for itself."""
    from sqlalchemy import event

    from app.search.facets import MATCHES_TABLE

    engine = app.extensions["sessions"].kw["bind"]
    if engine.dialect.name != "sqlite":
        pytest.skip("the index hint is SQLite's")
    executed = []

    def record(_connection, _cursor, statement, parameters, _context, _many):
        executed.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        for q in ("supply", "supply tag:Risk"):
            assert api.get("/api/search", query_string={"q": q, "project": project["id"]}).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    counted = [(s, p) for s, p in executed if s.startswith("INSERT INTO") and "search_matches" in s]
    assert len(counted) == 2
    with engine.connect() as connection:
        connection.exec_driver_sql(MATCHES_TABLE)  # the table of matches is each connection's own
        plans = [
            " ".join(row[-1] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {s}", p)) for s, p in counted
        ]
    assert "COVERING INDEX ix_pages_place" in plans[0]
    assert "ix_pages_place" not in plans[1]


def test_a_page_deleted_while_its_search_runs_is_left_out_not_a_crash(app, api, project, corpus, monkeypatch):
    """A document deleted between the ranking of its pages and the fetch of their text (another
    request, another process) drops out of that page of results; the rest are still shown."""
    from app.search import service

    fetch = service._shown

    def document_deleted_meanwhile(session, page_ids):
        other = Api(app.test_client(), "")
        other.headers = api.headers
        assert other.delete(f"/api/documents/{corpus['foreign']}").status_code == 204
        return fetch(session, page_ids)

    monkeypatch.setattr(service, "_shown", document_deleted_meanwhile)
    answer = api.get("/api/search", query_string={"q": "supply chain", "project": project["id"]})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    documents = {result["document"] for result in answer.get_json()["results"]}
    assert corpus["defence"] in documents and corpus["foreign"] not in documents


ASCII_TEXTS = [
    "".join(chr(code) for code in range(128)),
    "OPS_306, c++ and 9(2)(a)\t--tabs\x0bvertical\x1cseparator\x00null",
    "Line 4: supply chain resilience and sustainment, part 3.\nBriefing to the Minister",
    "",
    "   ",
]


@pytest.mark.parametrize("text", ASCII_TEXTS)
def test_ascii_words_are_the_words_the_pattern_finds(text):
    assert ascii_words(text) == WORD.findall(text.lower())
    assert words_of(text) == WORD.findall(text.lower())


def test_a_snippet_of_ascii_text_marks_words_split_at_any_separator():
    query = parse("ops")
    text = "Filed as OPS_306 under s 9(2)(a); ops\x1cnotes follow."
    assert snippet(text, query.lit_words(), {}) == (
        "Filed as <mark>OPS</mark>_306 under s 9(2)(a); <mark>ops</mark> notes follow."  # runs of space made one
    )


def test_counting_a_list_of_names_keeps_no_writer_waiting(api, project, corpus, settings, monkeypatch):
    import sqlite3

    from app.search import terms as term_lists

    counted = term_lists.count_terms
    writer_waited = []

    def count_while_another_writes(*args):
        if settings["DATABASE_URL"].startswith("sqlite:///"):  # PostgreSQL's readers never block writers
            writer = sqlite3.connect(settings["DATABASE_URL"].removeprefix("sqlite:///"), timeout=0.5)
            try:
                writer.execute("BEGIN IMMEDIATE")
                writer.rollback()
            except sqlite3.OperationalError as error:  # "database is locked": the list's request held it
                writer_waited.append(str(error))
            writer.close()
        return counted(*args)

    monkeypatch.setattr(term_lists, "count_terms", count_while_another_writes)
    answer = api.post(f"/api/projects/{project['id']}/term-lists", json={"terms": ["supply chain", "munitions"]})
    assert answer.status_code == 200
    assert [row["pages"] for row in answer.get_json()["terms"]] == [3, 1]
    assert writer_waited == []
