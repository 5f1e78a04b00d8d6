"""Search: a full-text index of page text and annotation notes (app.search.index)

SQLite: FTS5 tables kept in step with pages and annotations by triggers, and a view of the
index's words for fuzzy search. PostgreSQL: generated tsvector columns with GIN indexes, folded
by oia_fold (unaccent, lower case, non-letters to spaces), and a table of the index's words.

A later migration that rebuilds pages or annotations in batch mode on SQLite drops their
triggers with the old table: it must run app.search.index.sqlite_triggers(table) again.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 20:30:00
"""

from alembic import op

from app.search.index import SQLITE_INDEXES, sqlite_triggers

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

FOLD = """
CREATE FUNCTION oia_fold(body text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT regexp_replace(lower(public.unaccent('public.unaccent'::regdictionary, body)), '[^[:alnum:]]+', ' ', 'g')
$$
"""

WORDS = """
CREATE FUNCTION oia_page_words() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO search_words (word)
    SELECT unnest(tsvector_to_array(NEW.search_vector)) ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _upgrade_postgresql()
        return
    for index, table, field in SQLITE_INDEXES:
        op.execute(
            f"CREATE VIRTUAL TABLE {index} USING fts5({field}, content='{table}', content_rowid='id', "
            "tokenize='unicode61 remove_diacritics 2')"
        )
        for statement in sqlite_triggers(table):
            op.execute(statement)
        op.execute(f"INSERT INTO {index}({index}) VALUES ('rebuild')")
    op.execute("CREATE VIRTUAL TABLE search_words USING fts5vocab(page_search, 'row')")


def _upgrade_postgresql() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.execute("CREATE EXTENSION IF NOT EXISTS fuzzystrmatch")
    op.execute(FOLD)
    for table, field, vector in (("pages", "text", "search_vector"), ("annotations", "note", "note_vector")):
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN {vector} tsvector "
            f"GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, oia_fold({field}))) STORED"
        )
        op.execute(f"CREATE INDEX ix_{table}_{vector} ON {table} USING gin ({vector})")
    op.execute("CREATE TABLE search_words (word text PRIMARY KEY)")
    op.execute("INSERT INTO search_words SELECT DISTINCT unnest(tsvector_to_array(search_vector)) FROM pages")
    op.execute(WORDS)
    op.execute(
        "CREATE TRIGGER search_words_from_pages AFTER INSERT OR UPDATE OF text ON pages "
        "FOR EACH ROW EXECUTE FUNCTION oia_page_words()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER search_words_from_pages ON pages")
        op.execute("DROP FUNCTION oia_page_words()")
        op.execute("DROP TABLE search_words")
        op.execute("ALTER TABLE annotations DROP COLUMN note_vector")
        op.execute("ALTER TABLE pages DROP COLUMN search_vector")
        op.execute("DROP FUNCTION oia_fold(text)")
        return
    op.execute("DROP TABLE search_words")
    for index, _, _ in SQLITE_INDEXES:
        for event in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER {index}_{event}")
        op.execute(f"DROP TABLE {index}")
