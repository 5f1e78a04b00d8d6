"""GET /api/openapi.json: the JSON API described as OpenAPI 3.1, built from the app's own URL map
and each endpoint's docstring, so it cannot drift from the routes. (Request and response
bodies are described in the README; the schemas will come with a validation library.)"""

import re

from flask import Blueprint, Flask, current_app

bp = Blueprint("openapi", __name__)

CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")
ERROR = {"type": "object", "properties": {"error": {"type": "string"}}, "required": ["error"]}


@bp.get("/api/openapi.json")
def openapi():
    """GET /api/openapi.json: this API as OpenAPI 3.1 (paths, methods, parameters, summaries)."""
    return describe(current_app)


def describe(app: Flask) -> dict:
    """The OpenAPI document of every /api/ route of app."""
    paths: dict[str, dict] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith("/api/"):
            continue
        path = CONVERTER.sub(r"{\2}", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(app, rule, method)
    return {
        "openapi": "3.1.0",
        "info": {"title": "OIA Desk", "version": "1", "description": "See the README for bodies and fields."},
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": ERROR},
        },
        "security": [{"bearer": []}],
        "paths": paths,
    }


def _operation(app: Flask, rule, method: str) -> dict:
    doc = (app.view_functions[rule.endpoint].__doc__ or "").strip()
    summary, _, description = doc.partition("\n")
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    operation = {
        "operationId": f"{rule.endpoint}.{method.lower()}",
        "summary": summary,
        "responses": {
            "2XX": {"description": "Success; the README gives the body."},
            "4XX": {"description": "Refused, with a sentence saying why.", **error},
        },
    }
    if description.strip():
        operation["description"] = " ".join(description.split())
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "integer" if kind == "int" else "string"}}
        for kind, name in CONVERTER.findall(rule.rule)
    ]
    if parameters:
        operation["parameters"] = parameters
    return operation
