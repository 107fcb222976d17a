"""`lmtp`: take mail from a mail server as it delivers it (sources/lmtp.py), process it as `poll`
does, and send the replies as `watch` does."""

from __future__ import annotations

import logging
import threading
from functools import partial

from .config import Settings
from .errors import TransientError, UsageError
from .outbox import send_queued
from .pipeline import Incoming, Pipeline
from .sources import SourcedMessage
from .sources.lmtp import OK, Wakeable, serve
from .store.db import Database

log = logging.getLogger(__name__)
RETRY_SECONDS = 60.0  # replies put off by a temporary failure are tried again this often


def listen_address(value: str) -> tuple[str, int]:
    """ "127.0.0.1:8024", "[::1]:8024", "localhost:8024" -> (host, port)."""
    host, colon, port = value.rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    if not colon or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise UsageError(f"--listen takes HOST:PORT (e.g. 127.0.0.1:8024), not {value!r}")
    return host, int(port)


def serve_lmtp(settings: Settings, db: Database, host: str, port: int) -> None:
    """Until SIGTERM: each delivered message is processed and committed before its 250."""
    pipeline = Pipeline(settings, db)
    sender = Wakeable(partial(send_queued, settings, db), RETRY_SECONDS)
    sender.start()
    sender.wake()  # replies left queued by an earlier run go out now
    deliver = partial(_deliver, pipeline, threading.Lock())
    readers = len(pipeline.workers.workers)
    try:
        serve(host, port, deliver, sender.wake, settings.limits.max_message_bytes, concurrency=readers)
    except OSError as exc:  # the address is taken, or not ours
        raise TransientError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    finally:
        sender.stop()
    log.info("lmtp stopped")


def _deliver(pipeline: Pipeline, committing: threading.Lock, message: SourcedMessage) -> str:
    """Read in a worker of its own while other connections' messages are read or stored; then
    processed and committed one message at a time, as a poll does."""
    incoming = Incoming(raw=message.raw, received_at=pipeline.clock(), key=message.key)
    read = pipeline.read_one(incoming)
    with committing:
        outcome = pipeline.process(incoming, read=read)  # committed when it returns
    log.info("%s: %s %s", message.label, outcome.disposition, outcome.reference or "")
    return OK
