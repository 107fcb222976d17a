"""One first copy per message: a unique index on (Message-ID, content) for messages that are not
duplicates or quarantined, so two processes can never both store the same message as new.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

WHERE = sa.text("duplicate_of IS NULL AND disposition <> 'quarantined'")


def upgrade() -> None:
    op.create_index(
        "uq_messages_first_copy",
        "messages",
        ["message_id", "fingerprint"],
        unique=True,
        sqlite_where=WHERE,
        postgresql_where=WHERE,
    )


def downgrade() -> None:
    op.drop_index("uq_messages_first_copy", table_name="messages")
