"""redaction_boxes.shape: the boxes cut from one shape on a scan make one redaction

A passage redacted in one ragged shape (from part way along a line, or to part way along one) is
cut into its lines and parts, each a box; they share the shape's number on their page, so that
the summaries count the passage once.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 06:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("redaction_boxes", sa.Column("shape", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("redaction_boxes") as batch:
        batch.drop_column("shape")
