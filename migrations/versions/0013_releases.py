"""A release read as a release: its response letter (when the request was received, extension,
transfer) and its schedule of documents

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 04:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "releases",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("letter_page", sa.Integer(), nullable=True),
        sa.Column("request_date", sa.Date(), nullable=True),
        sa.Column("extension_days", sa.Integer(), nullable=True),
        sa.Column("extended_to", sa.Date(), nullable=True),
        sa.Column("extended", sa.Boolean(), nullable=False),
        sa.Column("transferred", sa.Boolean(), nullable=False),
        sa.Column("grounds_json", sa.Text(), nullable=False),
        sa.Column("schedule_json", sa.Text(), nullable=False),
        sa.Column("signature_json", sa.Text(), nullable=False),
        sa.Column("edited_json", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("document_id"),
    )


def downgrade() -> None:
    op.drop_table("releases")
