"""Engine and sessions, shared by the web app and the worker (no Flask here)."""

from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

LARGEST_ID = 2**63 - 1  # the largest integer SQLite and PostgreSQL's bigint hold

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base class of every model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets foreign keys, WAL and write-locking transactions."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
    engine.dialect.statement_compiler = _HintedSQLiteCompiler

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):
        # Let SQLAlchemy emit BEGIN itself (below), so each transaction takes the write
        # lock up front: read-then-write transactions from several processes otherwise
        # fail with "database is locked" (see FACTS.md).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()
        # SQLite's own lower() knows only ASCII; PostgreSQL's knows "Ā". Make them agree.
        dbapi_connection.create_function("lower", 1, _lower, deterministic=True)

    @event.listens_for(engine, "begin")
    def _begin_immediate(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


class _HintedSQLiteCompiler(SQLiteCompiler):
    """SQLite's compiler, writing a table's hint (select().with_hint(table, "INDEXED BY ix", "sqlite"))
    after its name, as SQLite reads one; SQLAlchemy's own drops it."""

    def get_from_hint_text(self, table, text):
        return text


def _lower(value):
    return value.lower() if isinstance(value, str) else value


def make_sessionmaker(url: str) -> sessionmaker[Session]:
    """Return a session factory bound to a new engine for url."""
    return sessionmaker(make_engine(url), expire_on_commit=False)
