"""States as types (document status, suggestion status and source, with check constraints), a
real foreign key from a suggestion to its rule, and the first-account claim.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 15:11:13.190797
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _states(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=20)


DOCUMENT_STATUS = _states("document_status", "queued", "processing", "ready", "failed")
SUGGESTION_SOURCE = _states("suggestion_source", "box", "leaky_box", "rule")
SUGGESTION_STATUS = _states("suggestion_status", "pending", "accepted", "rejected")


def upgrade() -> None:
    op.create_table(
        "first_account",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_first_account_one_row")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_first_account_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_first_account")),
    )
    # An instance that has accounts already has had its first one: the setup page stays closed.
    op.execute(
        "INSERT INTO first_account (id, user_id, created_at) "
        "SELECT 1, MIN(id), MIN(created_at) FROM users HAVING COUNT(*) > 0"
    )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.alter_column(
            "status", existing_type=sa.VARCHAR(length=16), type_=DOCUMENT_STATUS, existing_nullable=False
        )

    with op.batch_alter_table("suggestions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rule_id", sa.Integer(), nullable=True))
    # "rule 12" becomes source "rule" with rule_id 12 (kept only while that rule exists).
    op.execute(
        "UPDATE suggestions SET rule_id = CAST(substr(source, 6) AS INTEGER) "
        "WHERE source LIKE 'rule %' AND CAST(substr(source, 6) AS INTEGER) IN (SELECT id FROM tag_rules)"
    )
    op.execute("UPDATE suggestions SET source = 'rule' WHERE source LIKE 'rule %'")
    op.execute("UPDATE suggestions SET source = 'leaky_box' WHERE source = 'leaky redaction box'")
    op.execute("UPDATE suggestions SET source = 'box' WHERE source = 'redaction box'")
    with op.batch_alter_table("suggestions", schema=None) as batch_op:
        batch_op.alter_column(
            "source", existing_type=sa.VARCHAR(length=40), type_=SUGGESTION_SOURCE, existing_nullable=False
        )
        batch_op.alter_column(
            "status", existing_type=sa.VARCHAR(length=10), type_=SUGGESTION_STATUS, existing_nullable=False
        )
        batch_op.create_index(batch_op.f("ix_suggestions_rule_id"), ["rule_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_suggestions_rule_id_tag_rules"), "tag_rules", ["rule_id"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    with op.batch_alter_table("suggestions", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_suggestions_rule_id_tag_rules"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_suggestions_rule_id"))
        batch_op.alter_column(
            "status", existing_type=SUGGESTION_STATUS, type_=sa.VARCHAR(length=10), existing_nullable=False
        )
        batch_op.alter_column(
            "source", existing_type=SUGGESTION_SOURCE, type_=sa.VARCHAR(length=40), existing_nullable=False
        )
    op.execute("UPDATE suggestions SET source = 'rule ' || rule_id WHERE source = 'rule' AND rule_id IS NOT NULL")
    op.execute("UPDATE suggestions SET source = 'leaky redaction box' WHERE source = 'leaky_box'")
    op.execute("UPDATE suggestions SET source = 'redaction box' WHERE source = 'box'")
    with op.batch_alter_table("suggestions", schema=None) as batch_op:
        batch_op.drop_column("rule_id")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.alter_column(
            "status", existing_type=DOCUMENT_STATUS, type_=sa.VARCHAR(length=16), existing_nullable=False
        )
    op.drop_table("first_account")
