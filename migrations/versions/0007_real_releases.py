"""Real releases: unreadable pages kept with a note, document facts (watermark, stamp, ground
key), keyed codes and out-of-scope redactions, and suggestions from blank-space redactions

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 18:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _sources(*values: str) -> sa.Enum:
    return sa.Enum(*values, name="suggestion_source", native_enum=False, create_constraint=True, length=20)


SOURCES_BEFORE = _sources("box", "leaky_box", "rule")
SOURCES = _sources("box", "leaky_box", "blank", "rule")


def upgrade() -> None:
    with op.batch_alter_table("pages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("problem", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("released_words", sa.Integer(), nullable=True))
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("facts_json", sa.Text(), server_default="{}", nullable=False))
    with op.batch_alter_table("redaction_boxes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("code", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("out_of_scope", sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table("suggestions", schema=None) as batch_op:
        batch_op.alter_column("source", existing_type=SOURCES_BEFORE, type_=SOURCES, existing_nullable=False)


def downgrade() -> None:
    op.execute("UPDATE suggestions SET source = 'box' WHERE source = 'blank'")
    with op.batch_alter_table("suggestions", schema=None) as batch_op:
        batch_op.alter_column("source", existing_type=SOURCES, type_=SOURCES_BEFORE, existing_nullable=False)
    with op.batch_alter_table("redaction_boxes", schema=None) as batch_op:
        batch_op.drop_column("out_of_scope")
        batch_op.drop_column("code")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_column("facts_json")
    with op.batch_alter_table("pages", schema=None) as batch_op:
        batch_op.drop_column("released_words")
        batch_op.drop_column("problem")
