"""GET /api/openapi.json: the JSON API described as OpenAPI 3.1, built from the app's own URL map,
each endpoint's docstring and the pydantic schema that checks its request body (app.validation),
so it cannot drift from the routes. (Response bodies are described in the README.)"""

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
    schemas = {"Error": ERROR}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith("/api/"):
            continue
        path = CONVERTER.sub(r"{\2}", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(app, rule, method, schemas)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "OIA Desk",
            "version": "1",
            "description": "Request bodies are given here; the README gives the responses.",
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas,
        },
        "security": [{"bearer": []}],
        "paths": paths,
    }


def _operation(app: Flask, rule, method: str, schemas: dict) -> dict:
    view = app.view_functions[rule.endpoint]
    doc = (view.__doc__ or "").strip()
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
    schema = getattr(view, "request_schema", None)
    if schema is not None:
        schemas[schema.__name__] = schema.model_json_schema()
        reference = {"$ref": f"#/components/schemas/{schema.__name__}"}
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": reference}}}
    return operation
