"""IMAP bookkeeping: where each mailbox starts, and every (folder, UIDVALIDITY, UID) processed.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "mailboxes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("account", sa.String(400), nullable=False),
        sa.Column("folder", sa.String(400), nullable=False),
        sa.Column("uidvalidity", sa.BigInteger, nullable=False),
        sa.Column("start_at", TS, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("account", "folder", name="uq_mailboxes_account_folder"),
    )
    op.create_table(
        "imap_uids",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("mailbox_id", sa.Integer, sa.ForeignKey("mailboxes.id"), nullable=False),
        sa.Column("uidvalidity", sa.BigInteger, nullable=False),
        sa.Column("uid", sa.BigInteger, nullable=False),
        sa.Column("message_id", sa.Integer, sa.ForeignKey("messages.id"), nullable=False),
        sa.Column("flag_pending", sa.Boolean, nullable=False),
        sa.UniqueConstraint("mailbox_id", "uidvalidity", "uid", name="uq_imap_uids_mailbox_uid"),
    )


def downgrade() -> None:
    op.drop_table("imap_uids")
    op.drop_table("mailboxes")
