"""Projects shared with roles (every project's creator becomes its owner), instance admins (the
first account) and disabled accounts, invitations, named API tokens with expiry and last use,
and private annotations and saved searches

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 01:10:00
"""

import sqlalchemy as sa
from alembic import op

from app.search.index import sqlite_triggers

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _roles(name: str) -> sa.Enum:
    return sa.Enum("viewer", "editor", "owner", name=name, native_enum=False, create_constraint=True, length=20)


def upgrade() -> None:
    op.create_table(
        "memberships",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", _roles("member_role"), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("project_id", "user_id"),
    )
    op.create_index("ix_memberships_user_id", "memberships", ["user_id"])
    op.execute(
        "INSERT INTO memberships (project_id, user_id, role, added_at) "
        "SELECT id, owner_id, 'owner', created_at FROM projects"
    )
    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("role", _roles("invitation_role"), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("invited_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("accepted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["invited_by"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_invitations_project_id", "invitations", ["project_id"])
    op.add_column("users", sa.Column("is_admin", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column("users", sa.Column("disabled_at", sa.DateTime(), nullable=True))
    op.execute("UPDATE users SET is_admin = true WHERE id = (SELECT min(id) FROM users)")
    op.add_column("api_tokens", sa.Column("name", sa.String(length=100), server_default="", nullable=False))
    op.add_column("api_tokens", sa.Column("expires_at", sa.DateTime(), nullable=True))
    op.add_column("api_tokens", sa.Column("last_used_at", sa.DateTime(), nullable=True))
    # Plain ADD COLUMN (no table rebuild): the annotations' search triggers stay as they are.
    op.add_column("annotations", sa.Column("private", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column("saved_searches", sa.Column("private", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    for table in ("saved_searches", "annotations"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("private")
    if op.get_bind().dialect.name == "sqlite":  # batch mode rebuilt annotations without its search triggers
        for statement in sqlite_triggers("annotations"):
            op.execute(statement)
    with op.batch_alter_table("api_tokens") as batch_op:
        for column in ("last_used_at", "expires_at", "name"):
            batch_op.drop_column(column)
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("disabled_at")
        batch_op.drop_column("is_admin")
    op.drop_index("ix_invitations_project_id", table_name="invitations")
    op.drop_table("invitations")
    op.drop_index("ix_memberships_user_id", table_name="memberships")
    op.drop_table("memberships")
