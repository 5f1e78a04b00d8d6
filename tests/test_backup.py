"""Backups: `flask --app app backup PATH` copies the database and the upload folder while the
app runs; `restore PATH` brings them back into an empty database and folder, the same."""

import hashlib
from pathlib import Path

from conftest import upload
from databases import POSTGRES_URL, new_postgres_database, run_on_postgres, unique_name
from pdfs import text_pdf
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from app.backup import SKIPPED

TABLES = ("users", "projects", "memberships", "documents", "pages", "annotations", "audit_events", "api_tokens")


def contents(database_url: str) -> dict:
    """Every row of the tables that hold the work, and the search index's answer to a word."""
    engine = create_engine(database_url)
    with engine.connect() as connection:
        rows = {table: connection.execute(text(f"SELECT * FROM {table} ORDER BY 1")).all() for table in TABLES}  # noqa: S608
        rows["tables"] = sorted(inspect(connection).get_table_names())
        match = (
            "id IN (SELECT page_id FROM page_vectors WHERE search_vector @@ to_tsquery('simple', 'resilience'))"
            if POSTGRES_URL
            else "page_search MATCH 'resilience'"
        )
        source = "pages" if POSTGRES_URL else "page_search"
        rows["search"] = connection.execute(text(f"SELECT count(*) FROM {source} WHERE {match}")).scalar()  # noqa: S608
    engine.dispose()
    return rows


def files(folder: str) -> dict:
    root = Path(folder)
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file() and p.relative_to(root).parts[0] not in SKIPPED
    }


def test_a_backup_restored_into_an_empty_folder_is_the_same(app, api, project, settings, runner, tmp_path, make_app):
    lines = [(72, 100, "Cabinet paper: supply chain resilience for the Defence industry.")]
    document = upload(api, project["id"], ("briefing.pdf", text_pdf([lines]))).get_json()["documents"][0]
    api.post(
        f"/api/documents/{document['id']}/annotations",
        json={"page": 1, "start": 0, "end": 13, "tags": ["Risk"], "note": "kept"},
    )
    api.get(f"/documents/{document['id']}/pages/1.png")  # a page image on disk
    made = runner.invoke(args=["backup", str(tmp_path / "backup")])
    assert made.exit_code == 0, made.output
    assert "Backed up" in made.output

    restored_url = (
        new_postgres_database(unique_name("oia_restored"))
        if POSTGRES_URL
        else f"sqlite:///{tmp_path / 'elsewhere' / 'restored.db'}"
    )
    elsewhere = make_app(DATABASE_URL=restored_url, UPLOAD_FOLDER=str(tmp_path / "elsewhere" / "uploads"))
    brought = elsewhere.test_cli_runner().invoke(args=["restore", str(tmp_path / "backup")])
    assert brought.exit_code == 0, brought.output
    assert contents(restored_url) == contents(settings["DATABASE_URL"])
    assert files(str(tmp_path / "elsewhere" / "uploads")) == files(settings["UPLOAD_FOLDER"])
    assert len(files(settings["UPLOAD_FOLDER"])) >= 2  # the original and its page image
    again = elsewhere.test_cli_runner().invoke(args=["restore", str(tmp_path / "backup")])
    assert again.exit_code != 0 and "not empty" in again.output
    if POSTGRES_URL:
        elsewhere.extensions["sessions"].kw["bind"].dispose()
        run_on_postgres(f"DROP DATABASE {make_url(restored_url).database} WITH (FORCE)")


def test_a_backup_goes_only_into_an_empty_folder(runner, tmp_path, user):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "something").write_text("x")
    refused = runner.invoke(args=["backup", str(tmp_path / "full")])
    assert refused.exit_code != 0 and "not empty" in refused.output
    missing = runner.invoke(args=["restore", str(tmp_path / "nothing")])
    assert missing.exit_code != 0 and "holds no backup" in missing.output


def test_a_backup_with_files_in_an_object_store_says_they_were_not_copied(make_app, tmp_path):
    """The files live in the object store there: the command copies the database and says so."""
    runner = make_app(STORAGE_URL="s3://newsroom-files/desk").test_cli_runner()
    made = runner.invoke(args=["backup", str(tmp_path / "backup")])
    assert made.exit_code == 0, made.output
    assert "object store (STORAGE_URL) were not copied" in made.output
    assert (tmp_path / "backup").is_dir()
