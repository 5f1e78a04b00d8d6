"""An index of every page's place (id, document, number): a search that matches tens of
thousands of pages reads their documents from it, not from the pages' wide rows

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 23:15:00
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_pages_place", "pages", ["id", "document_id", "number"])


def downgrade() -> None:
    op.drop_index("ix_pages_place", table_name="pages")
