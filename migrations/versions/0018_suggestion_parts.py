"""suggestions.rects_json: a redaction cut into several boxes is proposed once, with its parts

A passage redacted in one ragged shape is found as several boxes (redaction_boxes.shape); the
review queue proposes it once, its rectangle the shape's bounds and its parts kept here, so that
accepting it makes one annotation of several rectangles.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 11:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("suggestions", sa.Column("rects_json", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("suggestions") as batch:
        batch.drop_column("rects_json")
