"""replies by time: the admin models table reads the last day's assistant replies per version on every load
(serve/storage/model_metrics.py); this index finds them without scanning the whole history

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 18:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.create_index("ix_messages_role_created", ["role", "created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index("ix_messages_role_created")
