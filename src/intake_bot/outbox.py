"""Deliver the outbox over SMTP. A reply is marked sent only after the server accepted it.

Temporary failures (4xx, refused connections, timeouts) stay queued with a growing delay;
permanent ones (5xx) are recorded on the reply for staff. A server that does not answer at all
is not the reply's fault: the run stops and the reply stays due, so everything goes out as soon
as the server is back; only a reply that keeps meeting a dead connection is put off (it may be
the one that breaks it), and replies tried least go first. A crash between the server's
acceptance and our commit can send a reply twice at most once, with the same Message-ID,
so the copy is recognisable.

A reply can go stale while it waits (a newer reply or a decision supersedes it). Just before each
message goes to the server, the sender confirms in a transaction that the reply is still its claim
and still current; a superseded one is dropped, even from a claimed batch. That transaction also
records what became of the reply sent before it: one commit a reply, and still none sent before the
previous one's outcome is committed.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from .config import Settings, SmtpSettings
from .errors import TransientError
from .records import ReplyState
from .send import PermanentFailure, SmtpSender, TemporaryFailure
from .store import repository as repo
from .store.db import Database
from .store.schema import Reply
from .times import utcnow

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 30
UNREACHABLE_GRACE = 3  # dead-connection failures of one reply before it, too, waits for its turn
BATCH = 50
CLAIM_LEASE = timedelta(minutes=10)  # a claim older than this is taken to be abandoned


@dataclass(frozen=True)
class Outcome:
    """What became of one reply handed to the server, to be recorded (`_record`)."""

    reply_id: int
    error: str = ""
    permanent: bool = False
    unreachable: bool = False


@dataclass
class DeliveryReport:
    sent: int = 0
    deferred: int = 0
    failed: int = 0
    unreachable: str = ""  # set when the server could not be reached: cron should retry (exit 75)


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4 ... minutes, at most six hours."""
    return timedelta(seconds=min(60 * 2 ** max(attempts - 1, 0), 6 * 3600))


def deliver_outbox(db: Database, settings: SmtpSettings, clock: Callable[[], datetime]) -> DeliveryReport:
    report = DeliveryReport()
    owner = f"{socket.gethostname()}:{os.getpid()}"
    _release_dead_claims(db)
    with SmtpSender(settings) as sender:
        while not report.unreachable:
            claimed = _claim(db, clock(), owner)
            if not claimed:
                break
            done: Outcome | None = None  # the last reply sent: recorded with the next confirmation
            for n, (reply_id, raw, to) in enumerate(claimed):
                with db.transaction() as s:
                    if done is not None:
                        _record(s, done, clock())
                    confirmed = _confirm_in(s, reply_id, owner, clock())
                done = None
                if not confirmed:
                    log.info("reply %s: superseded while waiting; not sent", reply_id)
                    continue
                done = _deliver_one(sender, settings.from_address, reply_id, raw, to, report)
                if done.unreachable:
                    with db.transaction() as s:
                        _record(s, done, clock())
                        _unclaim(s, [c[0] for c in claimed[n + 1 :]])
                    done = None
                    break
            if done is not None:
                with db.transaction() as s:
                    _record(s, done, clock())
    return report


def _claim(db: Database, now: datetime, owner: str) -> list[tuple[int, bytes, str]]:
    """Take a batch of due replies for this process. Rows another process is claiming right now are
    skipped (FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite transactions are serial anyway)."""
    with db.transaction() as s:
        due = list(s.scalars(_due_query(now).with_for_update(skip_locked=True)))
        for reply in due:
            reply.state, reply.claimed_by, reply.next_attempt_at = (
                ReplyState.SENDING,
                owner,
                now + CLAIM_LEASE,
            )
        return [(r.id, r.raw, r.to_address) for r in due]


def _confirm(db: Database, reply_id: int, owner: str, now: datetime) -> bool:
    with db.transaction() as s:
        return _confirm_in(s, reply_id, owner, now)


def _confirm_in(s: Session, reply_id: int, owner: str, now: datetime) -> bool:
    """Still ours and still current, right before sending: a reply superseded since the batch was
    claimed is no longer 'sending' (repository.supersede), so it is not sent. The lease is renewed."""
    reply = s.get(Reply, reply_id, with_for_update=True)
    if reply is None or reply.state != ReplyState.SENDING or reply.claimed_by != owner:
        return False
    reply.next_attempt_at = now + CLAIM_LEASE
    return True


def _unclaim(s: Session, ids: list[int]) -> None:
    if ids:
        s.execute(
            update(Reply)
            .where(Reply.id.in_(ids), Reply.state == ReplyState.SENDING)
            .values(state=ReplyState.QUEUED, claimed_by=None, next_attempt_at=None)
        )


def _release_dead_claims(db: Database) -> None:
    """Claims left by a process on this host that died mid-send are due again at once."""
    host = socket.gethostname()
    with db.transaction() as s:
        for reply in s.scalars(
            select(Reply).where(Reply.state == ReplyState.SENDING, Reply.claimed_by.like(f"{host}:%"))
        ):
            if not _alive(int((reply.claimed_by or "").rpartition(":")[2] or 0)):
                reply.state, reply.claimed_by, reply.next_attempt_at = ReplyState.QUEUED, None, None


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _deliver_one(
    sender: SmtpSender, mail_from: str, reply_id: int, raw: bytes, to: str, report: DeliveryReport
) -> Outcome:
    """Send one reply; what became of it, for `_record`."""
    try:
        sender.send(raw, mail_from, [to])
    except TemporaryFailure as exc:
        report.deferred += 1
        unreachable = exc.code is None  # no SMTP answer at all: the server is down, stop this run
        if unreachable:
            report.unreachable = str(exc)
        return Outcome(reply_id, str(exc), unreachable=unreachable)
    except PermanentFailure as exc:
        report.failed += 1
        return Outcome(reply_id, str(exc), permanent=True)
    report.sent += 1
    return Outcome(reply_id)


def _due_query(now: datetime):
    """Queued replies whose time has come (and claims whose lease ran out), those tried least first."""
    queued = (Reply.state == ReplyState.QUEUED) & or_(
        Reply.next_attempt_at.is_(None), Reply.next_attempt_at <= now
    )
    abandoned = (Reply.state == ReplyState.SENDING) & (Reply.next_attempt_at <= now)
    return select(Reply).where(queued | abandoned).order_by(Reply.attempts, Reply.id).limit(BATCH)


def _record(s: Session, outcome: Outcome, now: datetime) -> None:
    reply = s.get(Reply, outcome.reply_id)
    log.info("reply %s: %s", outcome.reply_id, outcome.error or "sent")
    if reply is None:
        return
    error = outcome.error
    reply.attempts += 1
    superseded = reply.state == ReplyState.SUPERSEDED  # while the server had it: sent is the truth
    reply.state, reply.claimed_by, reply.next_attempt_at = ReplyState.QUEUED, None, None
    if not error:
        reply.state, reply.sent_at, reply.last_error = ReplyState.SENT, now, ""
        _event(s, reply, "reply_sent", f"{reply.kind} to {reply.to_address}", now)
        return
    reply.last_error = error[:2000]
    if superseded:
        reply.state = ReplyState.SUPERSEDED
    elif outcome.permanent or reply.attempts >= MAX_ATTEMPTS:
        reply.state = ReplyState.FAILED
        _event(s, reply, "reply_failed", f"to {reply.to_address}: {error}", now)
    elif not outcome.unreachable or reply.attempts >= UNREACHABLE_GRACE:
        reply.next_attempt_at = now + retry_delay(reply.attempts)


def _event(s: Session, reply: Reply, kind: str, detail: str, now: datetime) -> None:
    if reply.application_id is not None:  # the digest belongs to no application
        repo.add_event(s, reply.application_id, kind, detail, now)


def raise_if_unreachable(report: DeliveryReport) -> None:
    if report.unreachable:
        raise TransientError(f"replies stay queued: {report.unreachable}")


def send_queued(settings: Settings, db: Database) -> None:
    """The outbox delivered by a command that keeps running (watch, lmtp): without [smtp] replies stay
    queued; a server that cannot be reached leaves them for the next round, and the command carries on."""
    if settings.smtp is not None:
        report = deliver_outbox(db, settings.smtp, utcnow)
        if report.unreachable:
            log.warning("replies stay queued: %s", report.unreachable)
