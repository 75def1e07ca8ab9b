"""model lifecycle: rollout state per engine, used versions with their fingerprints and scores, the audit log,
and each conversation's pinned engine versions

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 15:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import serve.storage.tables

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "model_rollouts",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("live_version", sa.String(length=100), nullable=False),
        sa.Column("previous_version", sa.String(length=100), nullable=True),
        sa.Column("canary_version", sa.String(length=100), nullable=True),
        sa.Column("canary_percent", sa.Integer(), nullable=False),
        sa.Column("updated_at", serve.storage.tables.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "model_versions",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("version", sa.String(length=100), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("first_used_at", serve.storage.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=True),
        sa.Column("evaluated_at", serve.storage.tables.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("name", "version"),
    )
    op.create_table(
        "model_audit",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("at", serve.storage.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("actor_role", sa.String(length=20), nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("version", sa.String(length=100), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_model_audit_at", "model_audit", ["at", "id"], unique=False)
    # Existing conversations start with no pins: their next turn stays on the live version (see model_router).
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("model_pins", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )


def downgrade() -> None:
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_column("model_pins")
    op.drop_index("ix_model_audit_at", table_name="model_audit")
    op.drop_table("model_audit")
    op.drop_table("model_versions")
    op.drop_table("model_rollouts")
