"""The LMTP edge (RFC 2033): a mail server (Postfix, Exim) delivers straight to intake-bot, through
aiosmtpd's LMTP server, as GNU Mailman 3 receives its mail.

A message is answered 250 only after its transaction has committed; anything that stops the commit
(a database that is down or locked, a full disk, no reading process) is answered 451, and the mail
server keeps the message and tries again. Its key is the digest of the delivered bytes: a retry of
a delivery whose 250 was lost (the connection, or this process, died after the commit) carries the
same bytes, is found processed, and is answered 250 without being processed again.

One recipient per transaction (others get 452 and come in the next one): the reply to DATA is then
a single line, and a message for two of our addresses is still processed once.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import re
import signal
import socket
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aiosmtpd.lmtp import LMTP

from . import Source, SourcedMessage, SourceKey

log = logging.getLogger(__name__)

Deliver = Callable[[SourcedMessage], str]  # processes a message; the reply line to DATA
STOP_GRACE_SECONDS = 30.0  # on SIGTERM, deliveries in progress get this long to finish
FAULT_ENV = "INTAKE_BOT_LMTP_FAULT"  # tests only: "kill-after-commit" dies before answering 250

OK = "250 2.0.0 Delivered"
TRY_LATER = "451 4.3.0 Cannot store the message now; try again later"
ONE_RECIPIENT = "452 4.5.3 One recipient per transaction; send the others again"


def lmtp_key(content: bytes) -> SourceKey:
    return SourceKey(Source.LMTP, hashlib.sha256(content).hexdigest())


def delivered(mail_from: str, content: bytes) -> SourcedMessage:
    """The message as delivered, with the envelope sender in Return-Path as a delivery agent writes it
    (the bounce and auto-reply rules read it); any Return-Path already in the header is dropped."""
    sender = re.sub(r"[\x00-\x1f\x7f-\x9f<>]", "", mail_from)  # nothing that ends or fakes a line
    raw = b"Return-Path: <" + sender.encode("utf-8", "replace") + b">\r\n" + _without_return_path(content)
    return SourcedMessage(raw=raw, label=f"LMTP from <{sender[:200]}>", key=lmtp_key(content))


_HEADER_END = re.compile(rb"\r?\n\r?\n")


def _without_return_path(content: bytes) -> bytes:
    end = _HEADER_END.search(content)
    cut = end.start() if end else len(content)
    kept: list[bytes] = []
    dropping = False
    for line in content[:cut].splitlines(keepends=True):
        if line[:1] not in (b" ", b"\t"):  # a field starts; folded lines belong to the one before
            dropping = line[:12].lower() == b"return-path:"
        if not dropping:
            kept.append(line)
    return b"".join(kept) + content[cut:]


class _Server(LMTP):
    # Lines up to the message limit: a long line is the message's problem (the reader copes), not a
    # reason to refuse mail (aiosmtpd's default, 1001, would answer 500 and the sender gets a bounce).
    line_length_limit = 1 << 20

    def __init__(self, *args: Any, tracker: _InFlight, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._tracker = tracker

    async def smtp_DATA(self, arg: str) -> None:
        with self._tracker:
            await super().smtp_DATA(arg)


class _InFlight:
    """Deliveries between DATA and the reply to it: a stop waits for them."""

    def __init__(self) -> None:
        self.count = 0
        self.idle = asyncio.Event()
        self.idle.set()

    def __enter__(self) -> None:
        self.count += 1
        self.idle.clear()

    def __exit__(self, *exc: object) -> None:
        self.count -= 1
        if self.count == 0:
            self.idle.set()


class _Handler:
    def __init__(self, deliver: Deliver, after: Callable[[], None], concurrency: int) -> None:
        self._deliver = deliver
        self._after = after
        # Deliveries of concurrent connections, up to one per reading worker (DELIVER commits one at a time)
        self._executor = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="lmtp-delivery")

    async def handle_RCPT(
        self, server: LMTP, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if envelope.rcpt_tos:
            return ONE_RECIPIENT
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: LMTP, session: Any, envelope: Any) -> str:
        message = delivered(envelope.mail_from or "", envelope.original_content)
        loop = asyncio.get_running_loop()
        reply = await loop.run_in_executor(self._executor, self._one, message)
        if reply == OK:
            self._after()
        return reply

    def _one(self, message: SourcedMessage) -> str:
        try:
            reply = self._deliver(message)
        except Exception as exc:  # not the message's fault (that is quarantined): the server retries
            log.warning("LMTP delivery deferred (451): %s: %s", type(exc).__name__, exc)
            return TRY_LATER
        if os.environ.get(FAULT_ENV) == "kill-after-commit":
            os.kill(os.getpid(), signal.SIGKILL)
        return reply

    def close(self) -> None:
        self._executor.shutdown(wait=True)


def serve(
    host: str,
    port: int,
    deliver: Deliver,
    after: Callable[[], None],
    max_bytes: int,
    concurrency: int = 1,
) -> None:
    """Answer LMTP on host:port until SIGTERM or SIGINT; deliveries in progress are finished first
    (up to STOP_GRACE_SECONDS), then connections are dropped: the mail server sends the rest again.
    AFTER runs after each 250 (e.g. to wake the sender of replies). Up to CONCURRENCY deliveries
    (of as many connections) run DELIVER at once, in threads."""
    asyncio.run(_serve(host, port, deliver, after, max_bytes, concurrency))


async def _serve(
    host: str, port: int, deliver: Deliver, after: Callable[[], None], max_bytes: int, concurrency: int
) -> None:
    loop = asyncio.get_running_loop()
    tracker = _InFlight()
    handler = _Handler(deliver, after, concurrency)
    hostname = socket.gethostname()  # not getfqdn(): a DNS lookup at start-up

    def session() -> _Server:
        return _Server(
            handler,
            tracker=tracker,
            data_size_limit=max_bytes,  # SIZE in the LHLO answer, 552 at MAIL and at DATA
            enable_SMTPUTF8=True,
            decode_data=False,
            hostname=hostname,
            ident="intake-bot",
            timeout=300,
        )

    server = await loop.create_server(session, host, port)
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    log.info("LMTP: listening on %s:%d", host, port)
    try:
        await stop.wait()
    finally:
        server.close()  # no new connections
        log.info("LMTP: stopping; %d delivery(ies) in progress", tracker.count)
        try:
            await asyncio.wait_for(tracker.idle.wait(), STOP_GRACE_SECONDS)
        except TimeoutError:
            log.warning("LMTP: stopped with a delivery unanswered; the mail server will send it again")
        await loop.run_in_executor(None, handler.close)


class Wakeable(threading.Thread):
    """Runs WORK now and then in a thread of its own: when woken, and every INTERVAL seconds (replies
    put off by a temporary failure fall due with time). Errors are logged; the loop carries on."""

    def __init__(self, work: Callable[[], None], interval: float) -> None:
        super().__init__(name="lmtp-outbox", daemon=True)
        self._work, self._interval = work, interval
        self._woken = threading.Event()
        self._stopping = False

    def wake(self) -> None:
        self._woken.set()

    def stop(self) -> None:
        self._stopping = True
        self._woken.set()
        self.join()

    def run(self) -> None:
        while not self._stopping:
            self._woken.wait(self._interval)
            self._woken.clear()
            if self._stopping:
                return
            try:
                self._work()
            except Exception as exc:  # e.g. the database down for a moment: next round
                log.warning("sending replies failed: %s: %s", type(exc).__name__, exc)
