"""A SQLite database read with the standard library, for commands that answer before SQLAlchemy is
imported (an idle poll, status). Anything unusual gives None, and the caller takes the full path."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from .revision import SCHEMA_HEAD


def sqlite_file(url: str) -> Path | None:
    """The file of a plain sqlite:/// URL; None for other databases, options or :memory:."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url:
        return None
    name = url[len(prefix) :]
    return Path(name) if name and name != ":memory:" else None


def connect(database: Path) -> sqlite3.Connection | None:
    try:
        return sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)
    except sqlite3.Error:
        return None


def revision(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    return row[0] if row else None


def connect_at_head(url: str) -> sqlite3.Connection | None:
    """A read-only connection to an existing SQLite database whose schema is the one this code expects."""
    database = sqlite_file(url)
    if database is None or not database.exists():
        return None
    conn = connect(database)
    if conn is None:
        return None
    try:
        if revision(conn) == SCHEMA_HEAD:
            return conn
    except sqlite3.Error:
        pass
    conn.close()
    return None
