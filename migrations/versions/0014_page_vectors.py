"""PostgreSQL: pages' search vectors move to a narrow table of their own, page_vectors

A search matching a third of 100,000 pages read every page's wide row (text, word boxes) to
find and count them: 0.4 s. From a table of (page id, vector), whose vectors PostgreSQL keeps
out of line, the same match is read from a few hundred blocks. A trigger on pages keeps it in
step (and the index's words with it); deleting a page deletes its vector. SQLite is unchanged:
its FTS5 index is already a table of its own.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 11:00:00
"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

VECTOR = "to_tsvector('simple'::regconfig, oia_fold(NEW.text))"

PAGE_VECTOR = f"""
CREATE FUNCTION oia_page_vector() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  vector tsvector := {VECTOR};
BEGIN
  INSERT INTO page_vectors (page_id, search_vector) VALUES (NEW.id, vector)
    ON CONFLICT (page_id) DO UPDATE SET search_vector = EXCLUDED.search_vector;
  INSERT INTO search_words (word) SELECT unnest(tsvector_to_array(vector)) ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$
"""

# Migration 0008's trigger function, for the way back.
PAGE_WORDS = """
CREATE FUNCTION oia_page_words() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO search_words (word)
    SELECT unnest(tsvector_to_array(NEW.search_vector)) ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE TABLE page_vectors (page_id integer NOT NULL, search_vector tsvector NOT NULL, "
        "CONSTRAINT pk_page_vectors PRIMARY KEY (page_id), CONSTRAINT fk_page_vectors_page_id_pages "
        "FOREIGN KEY (page_id) REFERENCES pages (id) ON DELETE CASCADE)"
    )
    op.execute("INSERT INTO page_vectors (page_id, search_vector) SELECT id, search_vector FROM pages")
    op.execute("CREATE INDEX ix_page_vectors_search_vector ON page_vectors USING gin (search_vector)")
    op.execute("DROP TRIGGER search_words_from_pages ON pages")
    op.execute("DROP FUNCTION oia_page_words()")
    op.execute(PAGE_VECTOR)
    op.execute(
        "CREATE TRIGGER page_vectors_from_pages AFTER INSERT OR UPDATE OF text ON pages "
        "FOR EACH ROW EXECUTE FUNCTION oia_page_vector()"
    )
    op.execute("ALTER TABLE pages DROP COLUMN search_vector")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "ALTER TABLE pages ADD COLUMN search_vector tsvector "
        "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, oia_fold(text))) STORED"
    )
    op.execute("CREATE INDEX ix_pages_search_vector ON pages USING gin (search_vector)")
    op.execute("DROP TRIGGER page_vectors_from_pages ON pages")
    op.execute("DROP FUNCTION oia_page_vector()")
    op.execute(PAGE_WORDS)
    op.execute(
        "CREATE TRIGGER search_words_from_pages AFTER INSERT OR UPDATE OF text ON pages "
        "FOR EACH ROW EXECUTE FUNCTION oia_page_words()"
    )
    op.execute("DROP TABLE page_vectors")
