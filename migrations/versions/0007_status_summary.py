"""What the status table shows, kept on each application: organisation name, category and whether
a person should look at it (the review notes of its assessment). `status` over thousands of
applications then reads one table, without folding every field statement and assessing again.

Existing rows are filled in with intake-bot's own folding and assessment, as the pipeline would.
The review notes do not depend on the configured evidence rules, so the default rules give the
same answer as the configuration would.

Revision ID: 0007
Revises: 0006
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

from intake_bot.assess import assess
from intake_bot.fields import fold
from intake_bot.times import as_utc

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

applications = sa.table(
    "applications",
    sa.column("id", sa.Integer),
    sa.column("working_group", sa.String),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("organization_name", sa.Text),
    sa.column("category", sa.String),
    sa.column("needs_review", sa.Boolean),
)
field_values = sa.table(
    "field_values",
    sa.column("id", sa.Integer),
    sa.column("application_id", sa.Integer),
    sa.column("field", sa.String),
    sa.column("value", sa.JSON),
    sa.column("source", sa.String),
)


def upgrade() -> None:
    # Plain ADD/DROP COLUMN, not batch mode: a batch copy of the table on SQLite would lose the
    # expression index of 0006.
    op.add_column("applications", sa.Column("organization_name", sa.Text, nullable=True))
    op.add_column("applications", sa.Column("category", sa.String(40), nullable=True))
    op.add_column(
        "applications", sa.Column("needs_review", sa.Boolean, nullable=False, server_default=sa.false())
    )
    _backfill(op.get_bind())


def downgrade() -> None:
    for column in ("needs_review", "category", "organization_name"):
        op.drop_column("applications", column)


def _backfill(conn: sa.Connection) -> None:
    statements: dict[int, tuple[list[tuple[str, Any]], list[tuple[str, Any]]]] = {}
    query = sa.select(
        field_values.c.application_id, field_values.c.field, field_values.c.value, field_values.c.source
    )
    for app_id, name, value, source in conn.execute(query.order_by(field_values.c.id)):
        extracted, staff = statements.setdefault(app_id, ([], []))
        (staff if source == "staff" else extracted).append((name, value["v"]))
    updates = []
    query = sa.select(applications.c.id, applications.c.working_group, applications.c.created_at)
    for app_id, working_group, created in conn.execute(query):
        fields = fold(*statements.get(app_id, ([], [])))
        review = assess(fields, working_group, received_at=as_utc(created)).review
        updates.append(
            {
                "app_id": app_id,
                "organization_name": fields.get("organization_name"),
                "category": fields.get("category"),
                "needs_review": bool(review),
            }
        )
    if updates:
        conn.execute(
            applications.update().where(applications.c.id == sa.bindparam("app_id")),
            updates,
        )
