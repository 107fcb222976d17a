"""A quarantined message staff have dismissed (`quarantine dismiss ID --reason`): kept with its raw
bytes and its reason for quarantine, hidden from the quarantine list and from `status --check`.

poll_health: per host, when a poll last succeeded and the last error (health.py), for monitoring.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("dismissed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("dismissed_by", sa.String(200), nullable=True))
        batch.add_column(sa.Column("dismissal_reason", sa.Text(), nullable=True))
    op.create_table(
        "poll_health",
        sa.Column("host", sa.String(200), primary_key=True),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("poll_health")
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("dismissal_reason")
        batch.drop_column("dismissed_by")
        batch.drop_column("dismissed_at")
