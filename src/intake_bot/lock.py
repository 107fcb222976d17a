"""The run lock: two cron runs at once never work on the same mailbox."""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, text

from .storage import make_root


class Busy(Exception):
    """Another intake-bot run holds the lock."""


@contextmanager
def run_lock(directory: Path, wait: bool = False) -> Iterator[None]:
    """An exclusive lock on a file beside the stored mail; released by the kernel if the process dies."""
    make_root(directory)
    fd = os.open(directory / ".intake-bot.lock", os.O_CREAT | os.O_RDWR, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError as exc:
            raise Busy("another intake-bot run is in progress") from exc
        yield
    finally:
        os.close(fd)


@contextmanager
def database_lock(engine: Engine, name: str, wait: bool = False) -> Iterator[None]:
    """The same lock in a shared PostgreSQL database, for runs on several hosts (an advisory lock,
    released by the server when the session ends, even if the process dies). SQLite: nothing to do,
    the file lock above already covers the one host that can use it."""
    if engine.dialect.name != "postgresql":
        yield
        return
    key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
    with engine.connect() as conn:
        if wait:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key})
        elif not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar():
            raise Busy(f"another intake-bot run holds {name}")
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
            conn.commit()
