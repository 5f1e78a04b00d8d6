"""Migrations run both ways with data in place, on the database the suite runs on (SQLite, or
PostgreSQL under scripts/with-postgres.sh): nothing stored is lost and the search index follows."""

from datetime import UTC, datetime

import pytest
from alembic import command
from databases import POSTGRES_URL, new_postgres_database, run_on_postgres, unique_name
from sqlalchemy import MetaData, Table, create_engine, insert, text

from app import migrate

SEARCH = {
    "postgresql": "SELECT count(*) FROM pages WHERE id IN "
    "(SELECT page_id FROM page_vectors WHERE search_vector @@ to_tsquery('simple', :word))",
    "sqlite": "SELECT count(*) FROM page_search WHERE page_search MATCH :word",
}
# Before 0014, PostgreSQL kept the vectors in a column of pages.
SEARCH_BEFORE_0014 = {
    **SEARCH,
    "postgresql": "SELECT count(*) FROM pages WHERE search_vector @@ to_tsquery('simple', :word)",
}


@pytest.fixture
def empty_url(tmp_path):
    if not POSTGRES_URL:
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    name = unique_name("oia_migrations")
    yield new_postgres_database(name)
    run_on_postgres(f"DROP DATABASE {name} WITH (FORCE)")


def _pages_with_text(url: str) -> None:
    """A user, a project, a document and two pages, written as the schema stands (columns a row
    must have and was not given get a plain value of their type)."""
    rows = [
        ("users", {"email": "a@example.nz"}),
        ("projects", {"name": "P", "owner_id": 1}),
        ("documents", {"project_id": 1, "title": "A", "status": "ready"}),
        ("pages", {"document_id": 1, "number": 1, "text": "Whakatāne harbour dredging", "words_json": "[]"}),
        ("pages", {"document_id": 1, "number": 2, "text": "supply chain resilience", "words_json": "[]"}),
    ]
    _written(url, rows)


def _written(url: str, rows: list[tuple[str, dict]]) -> None:
    """Rows (table, values) written as the schema stands, with plain values where none is given."""
    engine = create_engine(url)
    tables = MetaData()
    tables.reflect(engine)
    with engine.begin() as connection:
        for name, given in rows:
            table = tables.tables[name]
            connection.execute(insert(table).values({**_plain_values(table), **given}))
    engine.dispose()


def _plain_values(table: Table) -> dict:
    plain = {}
    for column in table.columns:
        if column.nullable or column.primary_key or column.server_default is not None:
            continue
        python_type = column.type.python_type
        plain[column.name] = {bool: False, int: 0, float: 0.0, str: "x"}.get(python_type, datetime.now(UTC))
    return plain


def _state(url: str, search: dict) -> tuple:
    engine = create_engine(url)
    with engine.connect() as connection:
        pages = connection.execute(text("SELECT id, document_id, number, text FROM pages ORDER BY id")).all()
        found = [
            connection.execute(text(search[engine.dialect.name]), {"word": w}).scalar() for w in ("harbour", "supply")
        ]
    engine.dispose()
    return pages, found


def test_the_search_index_moves_to_page_vectors_and_back_with_nothing_lost(empty_url):
    migrate.upgrade(empty_url, "0013")
    _pages_with_text(empty_url)
    before = _state(empty_url, SEARCH_BEFORE_0014)
    assert before[1] == [1, 1]

    migrate.upgrade(empty_url)
    assert _state(empty_url, SEARCH) == before
    command.downgrade(migrate.alembic_config(empty_url), "0013")
    assert _state(empty_url, SEARCH_BEFORE_0014) == before
    migrate.upgrade(empty_url)
    assert _state(empty_url, SEARCH) == before


def test_page_vectors_learn_their_pages_places_and_new_pages_are_placed_too(empty_url):
    if not POSTGRES_URL:
        pytest.skip("page_vectors is PostgreSQL's")
    migrate.upgrade(empty_url, "0014")
    _pages_with_text(empty_url)
    migrate.upgrade(empty_url)
    _written(empty_url, [("pages", {"document_id": 1, "number": 3, "text": "harbour", "words_json": "[]"})])
    engine = create_engine(empty_url)
    with engine.connect() as connection:
        placed = connection.execute(
            text(
                "SELECT v.document_id, v.number, p.document_id, p.number "
                "FROM page_vectors v JOIN pages p ON p.id = v.page_id"
            )
        ).all()
    engine.dispose()
    assert sorted((d, n) for d, n, _, _ in placed) == [(1, 1), (1, 2), (1, 3)]
    assert all((d, n) == (pd, pn) for d, n, pd, pn in placed)
    command.downgrade(migrate.alembic_config(empty_url), "0014")
    assert _state(empty_url, SEARCH)[1] == [2, 1]


def _schema(url: str) -> dict:
    engine = create_engine(url)
    tables = MetaData()
    tables.reflect(engine)
    schema = {name: sorted(column.name for column in table.columns) for name, table in tables.tables.items()}
    engine.dispose()
    return schema


def test_every_migration_runs_down_to_an_empty_database_and_up_again(empty_url):
    migrate.upgrade(empty_url)
    built = _schema(empty_url)
    command.downgrade(migrate.alembic_config(empty_url), "base")
    assert set(_schema(empty_url)) <= {"alembic_version"}
    migrate.upgrade(empty_url)
    assert _schema(empty_url) == built


def _rows(url: str) -> dict[str, list]:
    """Every row of the tables a release's reading fills, in id order (the columns both schemas have)."""
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = {
            name: connection.execute(text(f"SELECT {columns} FROM {name} ORDER BY id")).all()  # noqa: S608 - constants
            for name, columns in (
                ("users", "id, email"),
                ("projects", "id, name, owner_id"),
                ("documents", "id, project_id, title, status, attempts"),
                ("pages", "id, document_id, number, text"),
            )
        }
    engine.dispose()
    return rows


def test_the_latest_migration_goes_down_one_step_and_up_again_with_nothing_lost(empty_url):
    """Head, down one step, head again, with data in place: every row is still there and the
    pages are still found by the search index."""
    migrate.upgrade(empty_url)
    _pages_with_text(empty_url)
    before, found = _rows(empty_url), _state(empty_url, SEARCH)[1]
    assert found == [1, 1] and len(before["pages"]) == 2
    command.downgrade(migrate.alembic_config(empty_url), "-1")
    assert _rows(empty_url) == before
    migrate.upgrade(empty_url)
    assert _rows(empty_url) == before
    assert _state(empty_url, SEARCH)[1] == found
