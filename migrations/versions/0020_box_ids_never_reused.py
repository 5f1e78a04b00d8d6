"""redaction_boxes: ids never used again on SQLite (AUTOINCREMENT)

A document read again has its boxes found anew. SQLite gives a new row the highest id plus one,
so when its boxes were the newest they came back with the ids they had, now naming other boxes:
a script holding an id from before (GET /api/redaction-boxes/<id>/hidden-text) would be given
another box's text. With AUTOINCREMENT an id is never given twice, and an old id is not found.
PostgreSQL's sequences never give one twice already.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01 19:30:00
"""

from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    _rebuild_boxes(autoincrement=True)


def downgrade() -> None:
    _rebuild_boxes(autoincrement=False)


def _rebuild_boxes(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table(
        "redaction_boxes", recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
    ):
        pass
