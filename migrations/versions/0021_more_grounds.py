"""redaction_boxes and suggestions: more_grounds_json, the further grounds a box's label cites

A label often cites more than one ground ("9(2)(f)(iv), 9(2)(g)(i)"); a box kept the first only.
Its ground stays the first printed; the others go here, as a JSON list ("[]" when there are none).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 22:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

TABLES = ("redaction_boxes", "suggestions")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("more_grounds_json", sa.Text(), nullable=False, server_default="[]"))


def downgrade() -> None:
    for table in TABLES:
        # Rebuilt on SQLite: redaction_boxes keeps its AUTOINCREMENT (migration 0020).
        kwargs = {"sqlite_autoincrement": True} if table == "redaction_boxes" else {}
        with op.batch_alter_table(table, table_kwargs=kwargs) as batch:
            batch.drop_column("more_grounds_json")
