"""The rate limit counts mailboxes and domains, not address strings: each reply carries its
recipient's mailbox (lower case, `+tag` removed) and domain, indexed with the time it was queued.
`victim+1@`, `victim+2@`, ... were each counted apart, so one mailbox could get any number of
replies a day. The lower(to_address) index of 0006 served only that count and goes.

Existing rows are filled in with intake-bot's own normalisation (recipients.py).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

from intake_bot.recipients import recipient_domain, recipient_mailbox

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

replies = sa.table(
    "replies",
    sa.column("id", sa.Integer),
    sa.column("to_address", sa.String),
    sa.column("to_mailbox", sa.String),
    sa.column("to_domain", sa.String),
)


def upgrade() -> None:
    # Plain ADD COLUMN, not batch mode: a batch copy of the table on SQLite would lose expression indexes.
    op.add_column("replies", sa.Column("to_mailbox", sa.String(320), nullable=False, server_default=""))
    op.add_column("replies", sa.Column("to_domain", sa.String(255), nullable=False, server_default=""))
    conn = op.get_bind()
    updates = [
        {"reply_id": reply_id, "to_mailbox": recipient_mailbox(to), "to_domain": recipient_domain(to)}
        for reply_id, to in conn.execute(sa.select(replies.c.id, replies.c.to_address))
    ]
    if updates:
        conn.execute(replies.update().where(replies.c.id == sa.bindparam("reply_id")), updates)
    op.create_index("ix_replies_to_mailbox", "replies", ["to_mailbox", "created_at"])
    op.create_index("ix_replies_to_domain", "replies", ["to_domain", "created_at"])
    op.drop_index("ix_replies_to_address_lower", table_name="replies")


def downgrade() -> None:
    op.create_index("ix_replies_to_address_lower", "replies", [sa.text("lower(to_address)"), "created_at"])
    op.drop_index("ix_replies_to_domain", table_name="replies")
    op.drop_index("ix_replies_to_mailbox", table_name="replies")
    for column in ("to_domain", "to_mailbox"):
        op.drop_column("replies", column)
