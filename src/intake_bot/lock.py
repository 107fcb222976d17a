"""The run lock: two cron runs at once never work on the same mailbox or outbox."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class Busy(Exception):
    """Another intake-bot run holds the lock."""


@contextmanager
def run_lock(directory: Path, wait: bool = False) -> Iterator[None]:
    """An exclusive lock on a file beside the stored mail; released by the kernel if the process dies."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(directory / ".intake-bot.lock", os.O_CREAT | os.O_RDWR, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError as exc:
            raise Busy("another intake-bot run is in progress") from exc
        yield
    finally:
        os.close(fd)
