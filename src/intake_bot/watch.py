"""`watch`: stay connected with IMAP IDLE and run the same poll as cron whenever mail arrives."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from .config import Settings
from .errors import TransientError
from .health import record
from .lock import Busy, run_lock
from .outbox import send_queued
from .poll import poll_once
from .sources.imap import connect
from .store.db import Database
from .times import utcnow

log = logging.getLogger(__name__)
MAX_BACKOFF = 300.0


def watch_forever(
    settings: Settings, db: Database, idle_timeout: float, stop: Callable[[], bool] = lambda: False
) -> None:
    """Until stopped: poll, send, IDLE; reconnect with backoff after network errors."""
    assert settings.imap is not None
    backoff = 1.0
    while not stop():
        try:
            with connect(settings.imap) as box:
                backoff = 1.0
                while not stop():
                    _poll_and_send(settings, db, box)
                    box.idle(idle_timeout)
        except TransientError as exc:
            record(db, utcnow(), str(exc))
            log.warning("%s; reconnecting in %.0f s", exc, backoff)
            time.sleep(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF)


def _poll_and_send(settings: Settings, db: Database, box) -> None:
    try:
        with run_lock(settings.storage_path, wait=True):
            poll_once(settings, db, utcnow, mailbox=box, wait=True)
            send_queued(settings, db)
            record(db, utcnow())
    except Busy:  # pragma: no cover - wait=True blocks instead
        pass
