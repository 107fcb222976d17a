"""The life of an application after its first mails: mail to staff that belongs to no application
(the digest: replies.application_id may be NULL), and applicant mail that arrived after a decision,
for staff to read (applications.new_mail_at; shown as the flag `new-mail`).

The new statuses (dormant) and reply states (superseded) are plain values of existing columns.
Downgrading deletes the digests (an older intake-bot has no place for them) and makes dormant
applications incomplete again, which is what they were.

Revision ID: 0009
Revises: 0008
"""

import warnings

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("applications", sa.Column("new_mail_at", sa.DateTime(timezone=True), nullable=True))
    _replies_application(nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM replies WHERE application_id IS NULL")
    op.execute("UPDATE applications SET status = 'incomplete' WHERE status = 'dormant'")
    _replies_application(nullable=False)
    op.drop_column("applications", "new_mail_at")


def _replies_application(nullable: bool) -> None:
    # SQLite alters a column by copying the table (replies has only plain indexes since 0008, which
    # the copy keeps). Reflecting applications for the foreign key warns of its expression index,
    # which the copy of replies does not touch.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection", sa.exc.SAWarning)
        with op.batch_alter_table("replies") as batch:
            batch.alter_column("application_id", existing_type=sa.Integer, nullable=nullable)
