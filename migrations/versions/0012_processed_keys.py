"""Source-neutral "processed once" bookkeeping: processed_keys holds one (source, key) per delivery
processed, whatever the source (IMAP, LMTP). IMAP's key is "mailbox id:UIDVALIDITY:UID"; the UIDs
already recorded in imap_uids are copied over, so that an existing database does not process its
mail again. imap_uids stays: it is the IMAP source's own state (highest UID, keyword to set).

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    processed = op.create_table(
        "processed_keys",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("message_id", sa.Integer, sa.ForeignKey("messages.id"), nullable=False),
        sa.UniqueConstraint("source", "key", name="uq_processed_keys_source_key"),
    )
    uids = sa.table(
        "imap_uids",
        sa.column("mailbox_id", sa.Integer),
        sa.column("uidvalidity", sa.BigInteger),
        sa.column("uid", sa.BigInteger),
        sa.column("message_id", sa.Integer),
    )

    def text(column: sa.ColumnClause) -> sa.ColumnElement[str]:
        return sa.cast(column, sa.String)

    key = text(uids.c.mailbox_id) + ":" + text(uids.c.uidvalidity) + ":" + text(uids.c.uid)
    op.execute(
        processed.insert().from_select(
            ["source", "key", "message_id"],
            sa.select(sa.literal("imap", sa.String), key, uids.c.message_id),
        )
    )


def downgrade() -> None:
    op.drop_table("processed_keys")
