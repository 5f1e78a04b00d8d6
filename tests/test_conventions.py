"""Rules of the architecture and of the schema, checked so that they stay true."""

import ast
import re
import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from databases import POSTGRES_URL
from sqlalchemy import create_engine

from app.config import ROOT, SETTINGS
from app.db import Base
from app.migrate import alembic_config
from app.search.index import include_object

APP = ROOT / "app"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_only_app_pdf_imports_pymupdf():
    offenders = [
        str(path.relative_to(ROOT))
        for path in APP.rglob("*.py")
        if {"pymupdf", "fitz"} & imported_modules(path) and APP / "pdf" not in path.parents
    ]
    assert offenders == []


def test_app_pdf_knows_nothing_of_flask_or_the_database():
    for path in (APP / "pdf").rglob("*.py"):
        assert not {"flask", "sqlalchemy", "werkzeug"} & imported_modules(path), path


def test_the_web_process_never_loads_pymupdf():
    script = (
        "import sys\n"
        "from app import create_app\n"
        "app = create_app(DATABASE_URL='sqlite://', UPLOAD_FOLDER='/tmp/oia-desk-unused')\n"
        "app.test_client().get('/')\n"
        "print('pymupdf' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_migrations_have_one_head():
    heads = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    assert len(heads) == 1


def test_models_and_migrations_agree(migrated_database):
    engine = create_engine(migrated_database)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": include_object})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []


def test_readme_lists_every_setting():
    readme = (ROOT / "README.md").read_text()
    missing = [name for name in SETTINGS if f"`{name}`" not in readme]
    assert missing == []


def documented_form(rule: str) -> str:
    """/api/documents/<int:document_id>/pages/<int:number> -> /api/documents/<id>/pages/<n>."""
    return re.sub(r"<int:(\w+)>", lambda m: "<n>" if m.group(1) == "number" else "<id>", rule)


def test_readme_documents_every_api_route(app):
    readme = (ROOT / "README.md").read_text()
    routes = [documented_form(rule.rule) for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")]
    missing = [route for route in routes if f"{route}`" not in readme]
    assert routes and missing == []


def test_the_openapi_document_lists_every_api_route_and_method(app, api):
    document = api.get("/api/openapi.json").get_json()
    listed = {(path, method) for path, operations in document["paths"].items() for method in operations}
    routes = {
        (re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes and listed == routes
    assert document["openapi"] == "3.1.0"
    upload = document["paths"]["/api/projects/{project_id}/documents"]["post"]
    assert upload["parameters"] == [
        {"name": "project_id", "in": "path", "required": True, "schema": {"type": "integer"}}
    ]
    assert all(op["summary"] for operations in document["paths"].values() for op in operations.values())


def test_the_tests_run_on_the_database_asked_for(sessions):
    """TEST_DATABASE_URL (scripts/with-postgres.sh) moves the suite to PostgreSQL; otherwise SQLite."""
    with sessions() as session:
        assert session.get_bind().dialect.name == ("postgresql" if POSTGRES_URL else "sqlite")


# Imports run downhill: a unit imports its own modules and units of lower layers only, never one
# of its own layer, so there can be no cycle. A unit is a package under app/ (a module for the
# files at the top), except that every feature's views.py belongs to the one "views" layer.
LAYERS = [
    {"app.run", "app.worker"},  # the processes `make run` starts
    {"app"},  # the factory
    {"views", "app.cli", "app.openapi"},  # the interfaces: HTTP (parse, call a service, respond), command line
    {"app.ingest"},  # the top-level step: upload -> pages, boxes, suggestions
    {"app.exports", "app.projects", "app.admin"},
    {"app.search", "app.releases"},
    {"app.suggestions"},
    {"app.annotations"},
    {"app.tags", "app.redactions", "app.documents", "app.auth", "app.audit"},
    {"app.access", "app.web", "app.validation", "app.queue", "app.sandbox", "app.storage", "app.migrate", "app.backup"},
    {"app.models", "app.errors", "app.config"},
    {"app.db", "app.pdf"},  # no feature, no Flask: the database and the PDF boundary
    {"app.core"},  # shared pure logic
]
# Imports inside functions that are there on purpose, not to dodge a cycle.
FUNCTION_IMPORTS = {
    "app/__init__.py": "the factory registers blueprints as it builds the app (Flask's tutorial does the same)",
    "app/exports/rendering.py": "PyMuPDF loads only in the drawing child, never in the web process",
}


def _unit(module: str) -> str:
    parts = module.split(".")
    if len(parts) >= 3 and parts[2] == "views":
        return "views"
    return ".".join(parts[:2])


def _app_imports(path: Path) -> list[str]:
    """The app modules a file imports ("from app import queue" imports app.queue)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module == "app":
            modules = [a.name for a in node.names if (APP / a.name).is_dir() or (APP / f"{a.name}.py").exists()]
            found += [f"app.{name}" for name in modules] or ["app"]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("app."):
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] == "app"]
    return found


def _module(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def test_imports_run_downhill():
    layer_of = {unit: index for index, layer in enumerate(LAYERS) for unit in layer}
    wrong = []
    for path in APP.rglob("*.py"):
        unit = _unit(_module(path))
        assert unit in layer_of, f"{unit} ({path}) has no layer: add it to LAYERS"
        for target in _app_imports(path):
            other = _unit(target)
            if other != unit and layer_of[other] <= layer_of[unit]:
                wrong.append(f"{_module(path)} imports {target}: {unit} may not import {other}")
    assert wrong == []


def test_no_app_import_hides_inside_a_function():
    hiding = []
    for path in APP.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for function in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)):
            for node in ast.walk(function):
                module = node.module if isinstance(node, ast.ImportFrom) else None
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [module or ""]
                if isinstance(node, ast.Import | ast.ImportFrom) and any(n.split(".")[0] == "app" for n in names):
                    hiding.append(str(path.relative_to(ROOT)))
    assert sorted(set(hiding) - set(FUNCTION_IMPORTS)) == []
