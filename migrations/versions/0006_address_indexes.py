"""Indexes for the lookups every message makes by address, compared lower-cased: replies to a
recipient (the rate limit) and open applications of a sender. Without them each message scanned the
whole replies table (whose rows carry the raw replies): a backlog took quadratic time.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_replies_to_address_lower", "replies", [sa.text("lower(to_address)"), "created_at"])
    op.create_index(
        "ix_applications_applicant_email_lower", "applications", [sa.text("lower(applicant_email)")]
    )


def downgrade() -> None:
    op.drop_index("ix_applications_applicant_email_lower", table_name="applications")
    op.drop_index("ix_replies_to_address_lower", table_name="replies")
