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
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
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


def test_the_tests_run_on_the_database_asked_for(sessions):
    """TEST_DATABASE_URL (scripts/with-postgres.sh) moves the suite to PostgreSQL; otherwise SQLite."""
    with sessions() as session:
        assert session.get_bind().dialect.name == ("postgresql" if POSTGRES_URL else "sqlite")
