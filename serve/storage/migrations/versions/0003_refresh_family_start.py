"""refresh-token families remember when their sign-in began (absolute session lifetime)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-09 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import serve.storage.tables

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("refresh_tokens", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("family_started_at", serve.storage.tables.UTCDateTime(timezone=True), nullable=True)
        )
    # A family issued before this revision began with its oldest token still stored.
    op.execute(
        "UPDATE refresh_tokens SET family_started_at = (SELECT MIN(earlier.created_at) FROM refresh_tokens "
        "AS earlier WHERE earlier.family_id = refresh_tokens.family_id)"
    )
    with op.batch_alter_table("refresh_tokens", schema=None) as batch_op:
        batch_op.alter_column(
            "family_started_at",
            existing_type=serve.storage.tables.UTCDateTime(timezone=True),
            nullable=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("refresh_tokens", schema=None) as batch_op:
        batch_op.drop_column("family_started_at")
