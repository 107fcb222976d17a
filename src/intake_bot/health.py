"""Is mail still coming in? The last successful poll and the last error, per host, in the database.

A misspelt IMAP host makes every poll exit 75, which cron and systemd take for "try again later":
nobody would notice. So each poll (and each `watch` round) records here when it succeeded, or what
went wrong; `status` and `config check` show it, and `status --check` exits 3 when no poll has
succeeded for `[monitoring] max_silence_minutes`.

In the database rather than a file beside the stored mail: several hosts polling one mailbox into one
database each write their own row, and staff on another machine read them all. A database that cannot
be reached records nothing, and says so itself.
"""

from __future__ import annotations

import logging
import socket
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from .times import as_utc

Query = Callable[[str], Iterable[Sequence[Any]]]  # runs one SQL statement and gives its rows

log = logging.getLogger(__name__)
ERROR_CHARS = 500
_READ = "SELECT host, last_success_at, last_error_at, last_error FROM poll_health"
_SUCCESS = (
    "INSERT INTO poll_health (host, last_success_at) VALUES (:host, :at)"
    " ON CONFLICT (host) DO UPDATE SET last_success_at = excluded.last_success_at"
)
_ERROR = (
    "INSERT INTO poll_health (host, last_error_at, last_error) VALUES (:host, :at, :error)"
    " ON CONFLICT (host) DO UPDATE SET last_error_at = excluded.last_error_at, last_error = excluded.last_error"
)


@dataclass(frozen=True)
class Health:
    last_success: datetime | None = None  # the latest over every host
    last_error_at: datetime | None = None
    last_error: str = ""
    error_host: str = ""


def host() -> str:
    return socket.gethostname()[:200]


def record(db: Any, now: datetime, error: str | None = None) -> None:
    """A poll succeeded (ERROR None) or failed: through SQLAlchemy (a Database). Never raises: the
    poll's own outcome is what the run reports."""
    from sqlalchemy import text

    try:
        sqlite = db.engine.dialect.name == "sqlite"
        with db.transaction() as s:
            s.execute(text(_ERROR if error else _SUCCESS), _params(now, error, sqlite=sqlite))
    except Exception as exc:
        log.warning("could not record the poll's outcome: %s", exc)


def record_in_sqlite(database: Path, now: datetime) -> None:
    """A success, for the idle poll's quick path, which answers before SQLAlchemy is imported."""
    try:
        conn = sqlite3.connect(database, timeout=30)
        try:
            # No fsync for this commit (WAL: the next checkpoint writes it): a power cut may lose
            # the time of one idle poll, never mail, and the idle poll saves ~15 ms of its ~200.
            conn.execute("PRAGMA synchronous=NORMAL")
            with conn:
                conn.execute(_SUCCESS, _params(now, None, sqlite=True))
        finally:
            conn.close()
    except sqlite3.Error as exc:
        log.warning("could not record the poll's outcome: %s", exc)


def read(query: Query) -> Health:
    rows = list(query(_READ))
    successes = [_when(r[1]) for r in rows if r[1] is not None]
    errors = sorted(((_when(r[2]), r[0], r[3] or "") for r in rows if r[2] is not None), reverse=True)
    at, where, error = errors[0] if errors else (None, "", "")
    return Health(max(successes, default=None), at, error, where)


def silence(health: Health, max_silence_minutes: int, now: datetime) -> str | None:
    """What `status --check` reports when polling has gone quiet; None when all is well or unwatched."""
    if not max_silence_minutes:
        return None
    limit = timedelta(minutes=max_silence_minutes)
    if health.last_success is None:
        return "no poll has succeeded yet" + _because(health)
    if now - health.last_success > limit:
        return f"no poll has succeeded for {_ago(now - health.last_success)}" + _because(health)
    return None


def failing(health: Health) -> bool:
    """The latest poll recorded failed: an error newer than any success."""
    return bool(health.last_error_at) and (
        health.last_success is None or health.last_error_at > health.last_success  # type: ignore[operator]
    )


def describe(health: Health, now: datetime) -> str:
    """One line for `status` and `config check`."""
    success = (
        f"last successful poll {health.last_success:%Y-%m-%d %H:%M} UTC ({_ago(now - health.last_success)} ago)"
        if health.last_success
        else "no successful poll yet"
    )
    if failing(health):
        return f"{success}; last error {health.last_error_at:%Y-%m-%d %H:%M} UTC on {health.error_host}: {health.last_error}"
    return success


def _because(health: Health) -> str:
    return f" (last error: {health.last_error})" if health.last_error else ""


def _ago(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 120:
        return f"{minutes} min"
    return f"{minutes // 60} h" if minutes < 48 * 60 else f"{minutes // (24 * 60)} days"


def _params(now: datetime, error: str | None, sqlite: bool) -> dict[str, Any]:
    # SQLite keeps times as SQLAlchemy writes them (naive UTC text); PostgreSQL takes the datetime.
    at: Any = now.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else now
    return {"host": host(), "at": at, "error": " ".join((error or "").split())[:ERROR_CHARS]}


def _when(value: str | datetime) -> datetime:
    """SQLite gives naive UTC text (as SQLAlchemy writes it); PostgreSQL an aware datetime."""
    return datetime.fromisoformat(f"{value}+00:00") if isinstance(value, str) else as_utc(value)


def read_health(database_url: str) -> Health:
    """As `status` reads: the standard library on SQLite at the expected schema, else SQLAlchemy (read-only)."""
    from .store.readonly import connect_at_head

    conn = connect_at_head(database_url)
    if conn is not None:
        try:
            return read(conn.execute)
        except sqlite3.Error:
            pass
        finally:
            conn.close()
    from .store.db import open_database

    with open_database(database_url, create=False, readonly=True).transaction() as s:
        return read(s.connection().exec_driver_sql)
