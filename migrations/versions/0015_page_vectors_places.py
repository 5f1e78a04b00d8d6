"""PostgreSQL: page_vectors keeps each page's place (document and number) beside its vector

A search's facets count the matching pages by document, and look tags and grounds up by
(document, page): with the place beside the vector, a broad search no longer joins its 33,000
hits to the 100,000 pages to learn where they stand (the facets of a word on a third of the
pages: 54 ms to 30 ms, bench/search.py's database). A page's place never changes (a document
processed again stores new pages), so the trigger writes it once. SQLite is unchanged.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 13:30:00
"""

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def _page_vector(columns: str, values: str) -> str:
    """The trigger function that keeps page_vectors (and the index's words) in step with pages."""
    return f"""
CREATE OR REPLACE FUNCTION oia_page_vector() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  vector tsvector := to_tsvector('simple'::regconfig, oia_fold(NEW.text));
BEGIN
  INSERT INTO page_vectors ({columns}) VALUES ({values})
    ON CONFLICT (page_id) DO UPDATE SET search_vector = EXCLUDED.search_vector;
  INSERT INTO search_words (word) SELECT unnest(tsvector_to_array(vector)) ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE page_vectors ADD COLUMN document_id integer, ADD COLUMN number integer")
    op.execute(
        "UPDATE page_vectors SET document_id = pages.document_id, number = pages.number "
        "FROM pages WHERE pages.id = page_vectors.page_id"
    )
    op.execute("ALTER TABLE page_vectors ALTER COLUMN document_id SET NOT NULL, ALTER COLUMN number SET NOT NULL")
    op.execute(
        _page_vector("page_id, document_id, number, search_vector", "NEW.id, NEW.document_id, NEW.number, vector")
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(_page_vector("page_id, search_vector", "NEW.id, vector"))
    op.execute("ALTER TABLE page_vectors DROP COLUMN document_id, DROP COLUMN number")
