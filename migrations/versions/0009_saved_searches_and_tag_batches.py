"""Saved searches with what is new since their author looked, search history, and batches of
annotations or suggestions made from every hit of a search (undone together)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 20:40:00
"""

import sqlalchemy as sa
from alembic import op

from app.search.index import sqlite_triggers

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _sources(*values: str) -> sa.Enum:
    return sa.Enum(*values, name="suggestion_source", native_enum=False, create_constraint=True, length=20)


SOURCES_BEFORE = _sources("box", "leaky_box", "blank", "rule")
SOURCES = _sources("box", "leaky_box", "blank", "rule", "search")


def _rebuilt(table: str) -> None:
    """On SQLite, batch mode rebuilt the table and dropped its search triggers: make them again."""
    if op.get_bind().dialect.name == "sqlite":
        for statement in sqlite_triggers(table):
            op.execute(statement)


def upgrade() -> None:
    op.create_table(
        "saved_searches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        sa.Column("seen_page_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_saved_searches_project_id", "saved_searches", ["project_id"])
    op.create_table(
        "search_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("searched_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_search_history_user_searched", "search_history", ["user_id", "searched_at"])
    op.create_table(
        "tag_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("tag_id", sa.Integer(), nullable=True),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["tag_id"], ["tags.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_tag_batches_project_id", "tag_batches", ["project_id"])
    with op.batch_alter_table("annotations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("batch_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_annotations_batch_id_tag_batches", "tag_batches", ["batch_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_index("ix_annotations_batch_id", ["batch_id"])
    _rebuilt("annotations")
    with op.batch_alter_table("suggestions", schema=None) as batch_op:
        batch_op.alter_column("source", existing_type=SOURCES_BEFORE, type_=SOURCES, existing_nullable=False)
        batch_op.add_column(sa.Column("batch_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_suggestions_batch_id_tag_batches", "tag_batches", ["batch_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_index("ix_suggestions_batch_id", ["batch_id"])


def downgrade() -> None:
    op.execute("DELETE FROM suggestions WHERE source = 'search'")
    with op.batch_alter_table("suggestions", schema=None) as batch_op:
        batch_op.drop_index("ix_suggestions_batch_id")
        batch_op.drop_constraint("fk_suggestions_batch_id_tag_batches", type_="foreignkey")
        batch_op.drop_column("batch_id")
        batch_op.alter_column("source", existing_type=SOURCES, type_=SOURCES_BEFORE, existing_nullable=False)
    with op.batch_alter_table("annotations", schema=None) as batch_op:
        batch_op.drop_index("ix_annotations_batch_id")
        batch_op.drop_constraint("fk_annotations_batch_id_tag_batches", type_="foreignkey")
        batch_op.drop_column("batch_id")
    _rebuilt("annotations")
    op.drop_table("tag_batches")
    op.drop_table("search_history")
    op.drop_table("saved_searches")
