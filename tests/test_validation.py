"""Request bodies: one validation library checks them all, every endpoint reports a bad field the
same way, and /api/openapi.json publishes the schemas that do the checking. Query arguments: no
number a person can type takes a page down."""

import io
import re

import pytest
from conftest import Api, create_user, upload
from pdfs import text_pdf
from werkzeug.routing import IntegerConverter

from app.auth.service import create_token_for
from app.config import ROOT
from app.db import whole_number
from app.models import User
from app.validation import request_body

# POST and PATCH routes under /api/ that take no JSON object, and why.
NO_JSON_BODY = {
    "documents.api_upload": "multipart/form-data: the PDF files",
    "exports.api_import": "a W3C Web Annotation JSON-LD export, read by app.exports.importing",
    "suggestions.api_accept": "no body",
    "suggestions.api_reject": "no body",
    "suggestions.api_document_accept_all": "no body",
    "suggestions.api_document_reject_all": "no body",
    "suggestions.api_project_accept_all": "no body",
    "suggestions.api_project_reject_all": "no body",
    "search.api_saved_search_seen": "no body",
    "documents.api_read_again": "no body",
}


def json_routes(app):
    """(endpoint, method, rule) of every /api/ route that changes something with a body (a
    DELETE when it declares one: a project's name, typed to confirm)."""
    for rule in app.url_map.iter_rules():
        declared = hasattr(app.view_functions[rule.endpoint], "request_schema")
        for method in sorted(rule.methods & {"POST", "PATCH", "PUT", "DELETE"}):
            if rule.rule.startswith("/api/") and (method != "DELETE" or declared):
                yield rule.endpoint, method, rule


def test_every_route_that_takes_json_declares_its_schema(app):
    undeclared = [
        rule.rule
        for endpoint, _, rule in json_routes(app)
        if endpoint not in NO_JSON_BODY and not hasattr(app.view_functions[endpoint], "request_schema")
    ]
    declared_anyway = [e for e in NO_JSON_BODY if hasattr(app.view_functions[e], "request_schema")]
    assert undeclared == [] and declared_anyway == []
    assert {endpoint for endpoint, _, _ in json_routes(app)} >= set(NO_JSON_BODY)


@pytest.fixture
def objects(app, api, project, user):
    """One object of each kind a JSON body can change, made through the API (the user is an
    administrator, so that the accounts' routes take a body too)."""
    with app.extensions["sessions"]() as session:
        session.get(User, user.id).is_admin = True
        session.commit()
    lines = [(72, 100, "Cabinet paper on supply chain resilience.")]
    document = upload(api, project["id"], ("release.pdf", text_pdf([lines]))).get_json()["documents"][0]
    tag = api.post(f"/api/projects/{project['id']}/tags", json={"name": "Budget"}).get_json()
    body = {"page": 1, "start": 0, "end": 12, "tags": ["Budget"]}
    annotation = api.post(f"/api/documents/{document['id']}/annotations", json=body).get_json()
    rule = api.post(f"/api/projects/{project['id']}/rules", json={"tag": "Budget", "phrases": ["cabinet"]}).get_json()
    return {
        "project_id": project["id"],
        "document_id": document["id"],
        "tag_id": tag["id"],
        "annotation_id": annotation["id"],
        "rule_id": rule["id"],
        "user_id": user.id,
        "saved_id": api.post(
            f"/api/projects/{project['id']}/saved-searches", json={"name": "S", "query": "x"}
        ).get_json()["id"],
    }


def test_every_endpoint_reports_a_bad_field_the_same_way(app, api, objects):
    checked = []
    for endpoint, method, rule in json_routes(app):
        if endpoint in NO_JSON_BODY:
            continue
        path = rule.build({name: objects[name] for name in rule.arguments}, append_unknown=False)[1]
        response = api.open(path, method=method, json={"bogus": 1})
        answer = response.get_json()
        assert response.status_code == 400, path
        assert answer["fields"]["bogus"] == "is not a field here", path
        assert "bogus is not a field here" in answer["error"] and "Fields here: " in answer["error"], path
        not_an_object = api.open(path, method=method, json=[1])
        assert not_an_object.status_code == 400 and "Send a JSON object" in not_an_object.get_json()["error"]
        checked.append(endpoint)
    assert len(checked) == 20


# JSON the standard library read and the app did not survive (500s): arrays nested past Python's
# stack, and a lone surrogate, text no database can store.
UNSTORABLE_JSON = [b"[" * 100_000 + b"]" * 100_000, b'{"name": "\\ud800", "email": "\\udfff@example.nz"}']


def test_json_that_cannot_be_read_or_stored_is_refused_with_a_sentence(app, api, objects):
    checked = 0
    for endpoint, method, rule in json_routes(app):
        path = _path(rule, objects)
        for body in UNSTORABLE_JSON:
            response = api.open(path, method=method, data=body, content_type="application/json")
            if endpoint in NO_JSON_BODY:  # the body is not read, or read as what it is
                assert response.status_code < 500, path
            else:
                assert response.status_code == 400, path
                assert response.get_json()["error"].startswith("Send a JSON object"), path
            checked += 1
    assert checked == 2 * (20 + len(NO_JSON_BODY))
    for body in UNSTORABLE_JSON:
        upload = {"file": (io.BytesIO(body), "export.jsonld")}
        answer = api.post(f"/api/projects/{objects['project_id']}/import", data=upload)
        assert answer.status_code == 400 and "is not JSON" in answer.get_json()["error"]


def test_several_bad_fields_are_all_named(api, objects):
    body = {"page": "one", "tags": "Budget", "note": 5, "start": 0, "end": 3}
    answer = api.post(f"/api/documents/{objects['document_id']}/annotations", json=body).get_json()
    assert answer["fields"] == {"page": "must be a whole number", "tags": "must be a list", "note": "must be text"}
    assert answer["error"] == "page must be a whole number; tags must be a list; note must be text."


def test_a_stranger_gets_not_found_before_any_check_of_the_body(app, objects):
    """Access is decided first: a 400 would tell a stranger that the object exists (an account's
    routes refuse anyone but an administrator, 403)."""
    stranger = create_user(app, "stranger@example.nz")
    with app.extensions["sessions"]() as session:
        intruder = Api(app.test_client(), create_token_for(session, stranger.email))
    for endpoint, method, rule in json_routes(app):
        if endpoint in NO_JSON_BODY or not rule.arguments:
            continue
        path = rule.build({name: objects[name] for name in rule.arguments}, append_unknown=False)[1]
        refused = 403 if endpoint.startswith("admin.") else 404
        assert intruder.open(path, method=method, json={"bogus": 1}).status_code == refused, path


def test_openapi_publishes_the_request_bodies(app, api):
    document = api.get("/api/openapi.json").get_json()
    create = document["paths"]["/api/documents/{document_id}/annotations"]["post"]
    reference = create["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = document["components"]["schemas"][reference.rsplit("/", 1)[1]]
    assert {"page", "tags", "start", "end", "words", "rect", "rects", "note", "ground", "visibility"} == set(
        schema["properties"]
    )
    assert schema["required"] == ["page", "tags"] and schema["additionalProperties"] is False
    with_bodies = [
        (path, method)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if "requestBody" in operation
    ]
    declared = [rule for endpoint, _, rule in json_routes(app) if endpoint not in NO_JSON_BODY]
    assert len(with_bodies) == len(declared) == 20


def test_request_body_reads_the_schema_its_view_declared(app):
    with app.test_request_context("/api/projects", method="POST", json={"name": "  Two   words "}):
        from flask import request

        request.url_rule = next(r for r in app.url_map.iter_rules() if r.endpoint == "projects.api_create")
        assert request_body().name == "Two words"


# Numbers str.isdigit passes and int() refuses ("²"), or takes seconds over (thousands of digits),
# or the database cannot hold; and a search for a document by such a number.
NOT_NUMBERS = ["²", "1" * 5000, "99999999999999999999", "doc:²"]


def query_arguments() -> set[str]:
    """Every query-string argument the app reads, found in its source."""
    reads = re.compile(r'(?:args\.get(?:list)?|whole_number_argument)\("(\w+)"')
    return {name for path in (ROOT / "app").rglob("*.py") for name in reads.findall(path.read_text())}


def _path(rule, objects) -> str:
    numbered = {a for a in rule.arguments if isinstance(rule._converters[a], IntegerConverter)}
    return rule.build({a: objects.get(a, 1) if a in numbered else "x" for a in rule.arguments})[1]


def test_no_number_in_a_query_argument_is_a_server_error(app, api, objects):
    arguments = query_arguments()
    assert {"page", "before", "document", "q", "project"} <= arguments
    failed = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        path = _path(rule, objects)
        for name in sorted(arguments):
            for value in NOT_NUMBERS:
                export = {"format": "md"} if name == "document" else {}  # read after a known format
                status = api.get(path, query_string={name: value, **export}).status_code
                if status >= 500:
                    failed.append(f"{path}?{name}={value[:12]}: {status}")
    assert failed == []


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("12", 12),
        ("0", 0),
        ("²", None),
        ("１２", None),
        ("-1", None),
        (" 1", None),
        ("", None),
        (str(2**63 - 1), 2**63 - 1),
        (str(2**63), None),
        ("1" * 5000, None),
    ],
)
def test_a_whole_number_is_written_in_the_digits_0_to_9(text, number):
    assert whole_number(text) == number


@pytest.mark.parametrize(
    ("command", "said"),
    [
        (["tokens", "revoke", "99999999999999999999"], "is not in the range"),
        (["documents", "read-again", "99999999999999999999"], "is not in the range"),
        (["documents", "read-again", "--project", "99999999999999999999"], "is not in the range"),
        (["backup", "/proc/no-such-folder/backup"], "No such file or directory: /proc/no-such-folder."),
    ],
)
def test_the_command_line_refuses_what_it_cannot_use_in_a_line(runner, command, said):
    """A number the database cannot hold, a folder that cannot be made: a line, not a traceback."""
    result = runner.invoke(args=command)
    assert isinstance(result.exception, SystemExit) and result.exit_code in (1, 2)
    assert said in result.output and "Traceback" not in result.output
