"""Whose words a message carries (roles.py): messages.role is applicant, staff or outsider for a
message on an application, and empty for mail that belongs to none. Until now every message
threaded onto an application was read as the applicant's, so those rows become `applicant`.

A partial index holds the outsiders' messages only: the status table flags their applications
without reading every message.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

OUTSIDERS = "role = 'outsider'"


def upgrade() -> None:
    # Plain ADD/DROP COLUMN, not batch mode: a batch copy of the table on SQLite would lose its
    # partial unique index.
    op.add_column("messages", sa.Column("role", sa.String(20), nullable=True))
    messages = sa.table(
        "messages",
        sa.column("role", sa.String),
        sa.column("application_id", sa.Integer),
        sa.column("disposition", sa.String),
    )
    op.execute(
        messages.update()
        .where(
            messages.c.application_id.is_not(None),
            messages.c.disposition.in_(("application", "follow_up")),
        )
        .values(role="applicant")
    )
    op.create_index(
        "ix_messages_outsider",
        "messages",
        ["application_id"],
        sqlite_where=sa.text(OUTSIDERS),
        postgresql_where=sa.text(OUTSIDERS),
    )


def downgrade() -> None:
    op.drop_index("ix_messages_outsider", table_name="messages")
    op.drop_column("messages", "role")
