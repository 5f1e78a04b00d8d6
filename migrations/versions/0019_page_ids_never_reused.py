"""pages: ids never used again on SQLite (AUTOINCREMENT)

A saved search counts as new the pages stored after the highest page id its author saw. SQLite
gives a new row the highest id plus one, so the pages of a document read again, when they were
the newest, came back with the same ids and were not counted as new. With AUTOINCREMENT an id
is never given twice. PostgreSQL's sequences never give one twice already.

The table is rebuilt (batch mode), which drops its search triggers: they are made again.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01 12:00:00
"""

from alembic import op

from app.search.index import sqlite_triggers

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    _rebuild_pages(autoincrement=True)


def downgrade() -> None:
    _rebuild_pages(autoincrement=False)


def _rebuild_pages(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table("pages", recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}):
        pass
    for statement in sqlite_triggers("pages"):
        op.execute(statement)
