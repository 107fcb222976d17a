"""Reading a SQLite database without writing to it or beside it.

Staff who may only read the file (a group with read access) must be able to run status, show and
export, and no reader may leave files beside the database. How the file is opened (`read_uri`):
- writable by us: opened as usual but query-only, so SQLite removes its -wal/-shm files when the
  connection closes (a `mode=ro` connection leaves them behind);
- read-only, with a -wal file (a writer is at work, or stopped mid-way): `mode=ro`, which reads the
  writer's shared index;
- read-only and at rest: `immutable=1`, which needs no lock or index file at all. A writer that
  starts during this short read is not seen (it cannot have started one in a folder we may only read
  without the -wal file appearing; a reader then sees the snapshot it began with).

Also: the standard-library path for commands that answer before SQLAlchemy is imported (an idle
poll, status). Anything unusual gives None, and the caller takes the full path."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

from .revision import SCHEMA_HEAD


def sqlite_file(url: str) -> Path | None:
    """The file of a plain sqlite:/// URL; None for other databases, options or :memory:."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url:
        return None
    name = url[len(prefix) :]
    return Path(name) if name and name != ":memory:" else None


def read_uri(database: Path) -> tuple[str, bool]:
    """(URI, writable): how to open DATABASE for reading only (see the module's doc)."""
    uri = "file:" + quote(str(database.resolve()))
    if os.access(database, os.W_OK) and os.access(database.resolve().parent, os.W_OK):
        return uri, True
    if Path(f"{database}-wal").exists():
        return uri + "?mode=ro", False
    return uri + "?mode=ro&immutable=1", False


def open_for_reading(database: Path, **kwargs) -> sqlite3.Connection:
    uri, writable = read_uri(database)
    conn = sqlite3.connect(uri, uri=True, timeout=30, **kwargs)
    if writable:
        conn.execute("PRAGMA query_only=ON")
    return conn


def connect(database: Path) -> sqlite3.Connection | None:
    try:
        return open_for_reading(database)
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
