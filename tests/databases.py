"""The database the tests run on: SQLite files by default, PostgreSQL when TEST_DATABASE_URL
names a server (scripts/with-postgres.sh starts a throwaway one and sets it)."""

import itertools
import os

from sqlalchemy import create_engine, make_url

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
_numbers = itertools.count()


def unique_name(prefix: str) -> str:
    """A database name no other test of this run (or of another process) uses."""
    return f"{prefix}_{os.getpid()}_{next(_numbers)}"


def new_postgres_database(name: str, template: str | None = None) -> str:
    """Create database name on the server (a copy of template, if given); return its URL."""
    run_on_postgres(
        f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else "")
    )
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


def run_on_postgres(*statements: str) -> None:
    """Run statements on the server outside any transaction (CREATE and DROP DATABASE need that)."""
    engine = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        for statement in statements:
            connection.exec_driver_sql(statement)
    engine.dispose()
