"""the Salesforce outbox: one hand-off row per escalated conversation, queued until Salesforce has its Case

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import serve.storage.tables

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_handoffs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("conversation_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", serve.storage.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("lease_until", serve.storage.tables.UTCDateTime(timezone=True), nullable=True),
        sa.Column("lease_owner", sa.Uuid(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("salesforce_id", sa.String(length=18), nullable=True),
        sa.Column("created_at", serve.storage.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", serve.storage.tables.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversations.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("conversation_id"),
    )
    op.create_index("ix_case_handoffs_due", "case_handoffs", ["status", "next_attempt_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_case_handoffs_due", table_name="case_handoffs")
    op.drop_table("case_handoffs")
