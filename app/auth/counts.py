"""Failed sign-ins counted in a SQLite file, so every web process of one machine shares the count
(a count in each process's memory would let a guesser try once per process). Registered with the
`limits` package under the scheme `sqlite:///PATH`; several machines share a Redis instead."""

import sqlite3
import threading
import time

from limits.storage import MovingWindowSupport, Storage

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (key TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS events_by_key ON events (key, at);
CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY, value INTEGER NOT NULL, expires REAL NOT NULL);
"""
BUSY_TIMEOUT_SECONDS = 5.0
KEPT_SECONDS = 24 * 3600  # no window is longer; events older than this are dropped, whatever their key


class SQLiteCounts(Storage, MovingWindowSupport):
    """A `limits` storage in one SQLite file: moving windows (the sign-in limits) as timestamped
    events, fixed windows as counters. Each thread keeps its own connection."""

    STORAGE_SCHEME = ["sqlite"]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options):
        self._path = uri.removeprefix("sqlite:///")
        self._local = threading.local()
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._connection().executescript(SCHEMA)

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self._path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            self._local.connection = connection
        return connection

    def _writing(self):
        """A transaction that holds the write lock from its start: a check and an insert made in it
        cannot interleave with another process's."""
        connection = self._connection()
        connection.execute("BEGIN IMMEDIATE")
        return _Transaction(connection)

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        now = time.time()
        with self._writing() as connection:
            connection.execute("DELETE FROM events WHERE at < ?", (now - KEPT_SECONDS,))
            connection.execute("DELETE FROM events WHERE key = ? AND at < ?", (key, now - expiry))
            (count,) = connection.execute("SELECT count(*) FROM events WHERE key = ?", (key,)).fetchone()
            if count + amount > limit:
                return False
            connection.executemany("INSERT INTO events VALUES (?, ?)", [(key, now)] * amount)
            return True

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        now = time.time()
        oldest, count = (
            self._connection()
            .execute("SELECT min(at), count(*) FROM events WHERE key = ? AND at >= ?", (key, now - expiry))
            .fetchone()
        )
        return (oldest if oldest is not None else now), count

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        with self._writing() as connection:
            connection.execute("DELETE FROM counters WHERE key = ? AND expires <= ?", (key, now))
            connection.execute(
                "INSERT INTO counters VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = value + excluded.value",
                (key, amount, now + expiry),
            )
            (value,) = connection.execute("SELECT value FROM counters WHERE key = ?", (key,)).fetchone()
            return value

    def get(self, key: str) -> int:
        row = self._counter(key, "value")
        return row if row is not None else 0

    def get_expiry(self, key: str) -> float:
        row = self._counter(key, "expires")
        return row if row is not None else time.time()

    def _counter(self, key: str, column: str):
        query = f"SELECT {column} FROM counters WHERE key = ? AND expires > ?"  # noqa: S608 - a column of ours
        row = self._connection().execute(query, (key, time.time())).fetchone()
        return row[0] if row else None

    def clear(self, key: str) -> None:
        with self._writing() as connection:
            connection.execute("DELETE FROM events WHERE key = ?", (key,))
            connection.execute("DELETE FROM counters WHERE key = ?", (key,))

    def reset(self) -> int:
        with self._writing() as connection:
            (keys,) = connection.execute(
                "SELECT count(*) FROM (SELECT key FROM events UNION SELECT key FROM counters)"
            ).fetchone()
            connection.execute("DELETE FROM events")
            connection.execute("DELETE FROM counters")
            return keys

    def check(self) -> bool:
        try:
            self._connection().execute("SELECT 1")
        except sqlite3.Error:
            return False
        return True


class _Transaction:
    """Commit on leaving normally, roll back on an exception."""

    def __init__(self, connection: sqlite3.Connection):
        self._connection = connection

    def __enter__(self) -> sqlite3.Connection:
        return self._connection

    def __exit__(self, kind, *_) -> None:
        self._connection.execute("ROLLBACK" if kind else "COMMIT")
