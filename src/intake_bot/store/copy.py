"""Copy every row from one database to another (e.g. the embedded SQLite to a shared PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select, text

from ..errors import UsageError
from .db import Database
from .schema import Base

BATCH = 500


def copy_database(
    source: Database, target: Database, progress: Callable[[str, int], None] | None = None
) -> dict[str, int]:
    """Rows copied per table. The target must be empty; its schema is made by the migrations."""
    target.ensure_schema()
    tables = Base.metadata.sorted_tables  # parents before children
    with target.engine.connect() as conn:
        for table in tables:
            if conn.execute(select(func.count()).select_from(table)).scalar():
                raise UsageError(f"the target database is not empty (table {table.name}): refusing to copy")
    counts: dict[str, int] = {}
    with source.engine.connect() as src, target.engine.begin() as dst:
        for table in tables:
            counts[table.name] = 0
            result = src.execution_options(yield_per=BATCH).execute(
                select(table).order_by(*table.primary_key)
            )
            for chunk in result.mappings().partitions(BATCH):
                dst.execute(table.insert(), [dict(row) for row in chunk])
                counts[table.name] += len(chunk)
                if progress:
                    progress(table.name, counts[table.name])
        if dst.dialect.name == "postgresql":
            # ids were copied as they were: move each sequence past them (poll_health has none)
            for table in (t for t in tables if "id" in t.c):
                dst.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                    )
                )
    return counts
