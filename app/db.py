"""Engine and sessions, shared by the web app and the worker (no Flask here)."""

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

LARGEST_ID = 2**63 - 1  # the largest integer SQLite and PostgreSQL's bigint hold

log = logging.getLogger(__name__)

# True while a request only reads (GET, HEAD): its SQLite transactions then begin as readers,
# which in WAL mode wait for no writer and hold no one up. A write takes the write lock first
# (BEGIN IMMEDIATE): a reader's transaction cannot safely become a writer's once another has
# written, so a read-only request that must write calls begin_writing() first.
reading_only: ContextVar[bool] = ContextVar("reading_only", default=False)


def whole_number(text: str) -> int | None:
    """The number text writes in the digits 0 to 9 alone, when the database can hold it; None
    otherwise. str.isdigit alone is not enough: it passes "²", which int() refuses, and int()
    refuses a number of over 4,300 digits; either was a 500."""
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(LARGEST_ID)):
        return None
    number = int(text)
    return number if number <= LARGEST_ID else None


def begin_writing(session: Session) -> None:
    """From here on in this request, transactions take the write lock first: the reading
    transaction so far is ended (it must hold no changes)."""
    if reading_only.get():
        session.commit()
        reading_only.set(False)


@contextmanager
def reading_session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A session that only reads, outside any request (an answer streamed out after its request
    ended, when reading_only has been reset): on SQLite its transaction begins as a reader's, so a
    long export holds up no writer (begun as a writer's, it kept every writer waiting until it
    was sent, and they gave up with "database is locked")."""
    reading_only.set(True)
    try:
        with sessions() as session:
            yield session
    finally:
        reading_only.set(False)


def _no_write_while_reading(_connection, _cursor, statement: str, *_args) -> None:
    """A write sent in a reader's transaction is logged, and fails the test suite (which runs
    every route), so that each one is found and given its begin_writing()."""
    if reading_only.get() and _writes_the_database(statement):
        message = f"a write in a read-only request: call app.db.begin_writing(session) first ({statement[:60]})"
        log.error(message)
        if "PYTEST_CURRENT_TEST" in os.environ:
            raise AssertionError(message)


def _writes_the_database(statement: str) -> bool:
    """Whether a statement writes the database: a connection's own temporary tables (search's
    matches) are not the database."""
    words = statement.split(None, 3)
    if not words or words[0].upper() not in ("INSERT", "UPDATE", "DELETE"):
        return False
    target = words[2] if words[0].upper() in ("INSERT", "DELETE") and len(words) > 2 else words[1]
    return not target.lower().replace('"', "").startswith("temp.")


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

    event.listen(engine, "before_cursor_execute", _no_write_while_reading)

    @event.listens_for(engine, "begin")
    def _begin(connection):
        connection.exec_driver_sql("BEGIN" if reading_only.get() else "BEGIN IMMEDIATE")

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
