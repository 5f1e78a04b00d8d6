"""The API's answers are written by orjson (app.web.FastJson) and read back as the standard
library's json wrote them."""

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask.json.provider import DefaultJSONProvider

from app.web import FastJson


@dataclass
class Point:
    x: float
    label: str


PAYLOAD = {
    "zeta": 1,
    "alpha": [1.25, None, True, "Māori <b>&</b>"],
    "when": datetime(2024, 3, 10, 9, 30, tzinfo=UTC),
    "day": date(2024, 3, 10),
    "point": Point(1.5, "ō"),
    "by_page": {3: "three", 1: "one"},
}


def test_the_api_answers_through_orjson_with_what_the_standard_writer_gave(app):
    assert isinstance(app.json, FastJson)
    with app.test_request_context():
        fast = app.json.response(PAYLOAD)
        standard = DefaultJSONProvider(app).response(PAYLOAD)
    assert fast.mimetype == "application/json"
    assert json.loads(fast.get_data()) == json.loads(standard.get_data())
    assert fast.get_data().endswith(b"\n")
    keys = list(json.loads(fast.get_data()))
    assert keys == sorted(keys)  # the same order as before


def test_an_answer_through_a_route_is_written_the_fast_way(api):
    """orjson writes text as UTF-8 where the standard writer escaped it (\\u014c)."""
    created = api.post("/api/projects", json={"name": "Ōtautahi desk"}).get_json()
    answer = api.get(f"/api/projects/{created['id']}")
    assert answer.status_code == 200
    assert "Ōtautahi desk".encode() in answer.get_data()
    assert answer.get_json()["name"] == "Ōtautahi desk"
