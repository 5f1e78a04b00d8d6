"""documents.claimed_at: when the worker processing a document last renewed its claim

Several workers, on several machines, share one queue: a worker that dies mid-document (killed,
or its machine lost) leaves the document "processing" with a claim that is no longer renewed, and
another worker takes it up again once the claim is older than WORKER_LEASE_SECONDS.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30 17:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("documents", sa.Column("claimed_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("claimed_at")
