"""One poll of the IMAP mailbox: fetch what is new, process it, flag what the bot handled.

Every message is recorded by (mailbox, UIDVALIDITY, UID) in the same transaction as its
processing, so a run killed at any point neither loses nor repeats one. The server is
touched (keyword, move) only after that commit; mail that is not an application is left
exactly as it was.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .config import ImapSettings, Settings
from .errors import IntakeError
from .lifecycle import queue_reminders
from .lock import database_lock
from .pipeline import COMMIT_BYTES, COMMIT_EVERY, COMMIT_SECONDS, Incoming, Outcome, Pipeline
from .records import Disposition, Reading
from .sources import Source
from .sources.imap import ImapError, ImapFolder, ImapMailbox, ImapMessage, MailboxState, connect, imap_key
from .store import repository as repo
from .store.db import Database
from .store.schema import ImapUid, Mailbox, StoredMessage
from .worker import ReadFailed

log = logging.getLogger(__name__)
Read = Reading | ReadFailed | None  # what the workers read of a message (Pipeline.read_ahead)


@dataclass
class PollReport:
    fetched: int = 0
    dispositions: dict[str, int] = field(default_factory=dict)
    flagged: int = 0
    # The folder as SELECTed at the start: every UID below uidnext was processed by this poll.
    mailbox_id: int | None = None
    uidvalidity: int | None = None
    uidnext: int | None = None
    reminded: int = 0  # reminders queued (lifecycle.remind)
    dormant: int = 0


def poll_once(
    settings: Settings,
    db: Database,
    clock: Callable[[], datetime],
    progress: Callable[[int, int], None] | None = None,
    mailbox: ImapMailbox | None = None,
    wait: bool = False,
    silent: bool = False,
) -> PollReport:
    """Raises lock.Busy when another run (on any host sharing the database) polls this folder now."""
    imap = settings.imap
    assert imap is not None
    with database_lock(db.engine, f"poll {imap.username}@{imap.host}:{imap.port}/{imap.folder}", wait):
        own = mailbox is None
        box = mailbox or connect(imap)
        try:
            report = _poll(box, imap, settings, db, clock, progress, silent)
        finally:
            if own:
                box.close()
    if not silent:
        reminded = queue_reminders(settings, db, clock())
        report.reminded, report.dormant = len(reminded.reminded), len(reminded.dormant)
    return report


def _poll(
    box: ImapMailbox,
    imap: ImapSettings,
    settings: Settings,
    db: Database,
    clock: Callable[[], datetime],
    progress: Callable[[int, int], None] | None,
    silent: bool = False,
) -> PollReport:
    state = box.select(imap.folder)
    mailbox_id, start = _mailbox(db, imap, state, clock)
    report = PollReport(mailbox_id=mailbox_id, uidvalidity=state.uidvalidity, uidnext=state.uidnext)
    key = (mailbox_id, state.uidvalidity)
    marker = _Marker(db, box, imap, key)
    report.flagged += marker.flush()  # left over from a run killed after its commit
    new = box.uids_from(_last_uid(db, *key) + 1)
    if not new:
        return report
    pipeline = Pipeline(settings, db, clock)
    seen = _seen(db, mailbox_id, state.uidvalidity, new)
    todo = [uid for uid in new if uid not in seen]
    renumbered = _renumbered(db, *key)
    run = _Ingest(pipeline, key, start, renumbered, silent, imap, report, progress, len(todo))
    fetched = ImapFolder(box, mailbox_id, state.uidvalidity, todo, imap.batch_size).messages()
    # The workers read the next messages while this process stores and answers one, in UID order.
    with closing(pipeline.read_ahead((message, run.incoming(message)) for message in fetched)) as messages:
        more = True
        while more:
            # Many messages per commit (one fsync, not one each); each message a savepoint of its own.
            # A run killed before the commit leaves the whole group to the next run, which does it again.
            with db.transaction() as s:
                more = run.group(s, messages)
            if run.server_gone is not None:  # raised once what was processed before is committed
                raise run.server_gone
            report.flagged += marker.flush()
    return report


@dataclass
class _Ingest:
    """The messages of one poll, processed group by group."""

    pipeline: Pipeline
    key: tuple[int, int]  # mailbox id, UIDVALIDITY
    start: Start
    renumbered: bool
    silent: bool
    imap: ImapSettings
    report: PollReport
    progress: Callable[[int, int], None] | None
    total: int
    server_gone: IntakeError | None = None

    def group(self, s: Session, messages: Iterator[tuple[tuple[ImapMessage, Incoming], Read]]) -> bool:
        """Process messages until a group is full (True: more may follow) or none are left."""
        size, started = 0, time.monotonic()
        while True:
            try:
                fetched = next(messages, None)
            except IntakeError as exc:  # the server went away mid-fetch
                self.server_gone = exc
                return False
            if fetched is None:
                return False
            (message, incoming), read = fetched
            size += len(message.raw)
            disposition = self._one(s, message, incoming, read)
            report = self.report
            report.fetched += 1
            report.dispositions[disposition] = report.dispositions.get(disposition, 0) + 1
            if self.progress:
                self.progress(report.fetched, self.total)
            if report.fetched % COMMIT_EVERY == 0 or size >= COMMIT_BYTES:
                return True
            if time.monotonic() - started >= COMMIT_SECONDS:
                return True

    def incoming(self, fetched: ImapMessage) -> Incoming:
        assert fetched.received_at is not None  # INTERNALDATE
        return Incoming(
            raw=fetched.raw,
            received_at=fetched.received_at,
            may_reply=not self.silent and self.start.is_new(fetched.uid, fetched.received_at),
            key=fetched.key,
            record=partial(_record_uid, self.key, fetched.uid),
        )

    def _one(self, s: Session, fetched: ImapMessage, incoming: Incoming, read: Read) -> str:
        if self.renumbered and _known_under_old_uids(s, self.key, fetched, self.imap.processed_keyword):
            return "already_processed"
        return self.pipeline.process(incoming, s, read).disposition


def _record_uid(folder: tuple[int, int], uid: int, s: Session, outcome: Outcome) -> None:
    """IMAP's own record of a processed UID, in the message's transaction. Only what the bot handled
    is flagged on the server; other mail stays as staff left it."""
    handled = outcome.disposition in (Disposition.APPLICATION, Disposition.FOLLOW_UP)
    mailbox_id, uidvalidity = folder
    recorded = select(ImapUid.id).where(
        ImapUid.mailbox_id == mailbox_id, ImapUid.uidvalidity == uidvalidity, ImapUid.uid == uid
    )
    if s.scalar(recorded) is not None:  # processed by another run, or recorded before a restore
        return
    s.add(
        ImapUid(
            mailbox_id=mailbox_id,
            uidvalidity=uidvalidity,
            uid=uid,
            message_id=outcome.message_row_id,
            flag_pending=handled,
        )
    )


@dataclass(frozen=True)
class Start:
    """Where history ends: the first poll's UIDNEXT when known (immune to clock skew), else a time."""

    at: datetime
    uid: int | None

    def is_new(self, uid: int, internaldate: datetime) -> bool:
        return uid >= self.uid if self.uid is not None else internaldate >= self.at


def _mailbox(
    db: Database, imap: ImapSettings, state: MailboxState, clock: Callable[[], datetime]
) -> tuple[int, Start]:
    """This folder's row; the first run records where "now" is, so older mail gets no reply."""
    uidvalidity = state.uidvalidity
    account = f"{imap.username}@{imap.host}:{imap.port}"
    with db.transaction() as s:
        row = s.scalars(
            select(Mailbox).where(Mailbox.account == account, Mailbox.folder == imap.folder)
        ).first()
        if row is None:
            now = clock()
            row = Mailbox(
                account=account,
                folder=imap.folder,
                uidvalidity=uidvalidity,
                # INTERNALDATE has whole seconds: mail arriving later in this second is new too.
                start_at=imap.since or now.replace(microsecond=0),
                start_uid=None if imap.since else state.uidnext,
                created_at=now,
            )
            s.add(row)
            s.flush()
        elif row.uidvalidity != uidvalidity:
            # The server renumbered the folder: UIDs start over. Mail already processed is
            # recognised by its bytes (or else by Message-ID and content) and not answered again.
            log.warning(
                "UIDVALIDITY of %s changed (%s -> %s): rescanning", imap.folder, row.uidvalidity, uidvalidity
            )
            row.uidvalidity = uidvalidity
            row.start_uid = None  # the old numbers mean nothing now; the start time still holds
        start_at = row.start_at if row.start_at.tzinfo else row.start_at.replace(tzinfo=clock().tzinfo)
        return row.id, Start(start_at, row.start_uid)


def _last_uid(db: Database, mailbox_id: int, uidvalidity: int) -> int:
    with db.transaction() as s:
        found = s.scalar(
            select(func.max(ImapUid.uid)).where(
                ImapUid.mailbox_id == mailbox_id, ImapUid.uidvalidity == uidvalidity
            )
        )
    return int(found or 0)


def _seen(db: Database, mailbox_id: int, uidvalidity: int, uids: list[int]) -> set[int]:
    with db.transaction() as s:
        return set(
            s.scalars(
                select(ImapUid.uid).where(
                    ImapUid.mailbox_id == mailbox_id,
                    ImapUid.uidvalidity == uidvalidity,
                    ImapUid.uid >= min(uids),
                    ImapUid.uid <= max(uids),
                )
            )
        )


def _renumbered(db: Database, mailbox_id: int, uidvalidity: int) -> bool:
    """Whether this folder was read before under another UIDVALIDITY (its UIDs were reset)."""
    with db.transaction() as s:
        return (
            s.scalar(
                select(ImapUid.id)
                .where(ImapUid.mailbox_id == mailbox_id, ImapUid.uidvalidity != uidvalidity)
                .limit(1)
            )
            is not None
        )


def _known_under_old_uids(s: Session, key: tuple[int, int], fetched: ImapMessage, keyword: str) -> bool:
    """After a UIDVALIDITY change: the very same bytes, processed from this folder before?

    Then the new UID is recorded against the stored message and nothing else happens: the
    message is neither stored again nor answered again. (Mail whose bytes changed on the way,
    e.g. a migration to another server, still meets the pipeline's Message-ID dedupe.)
    """
    mailbox_id, uidvalidity = key
    digest = hashlib.sha256(fetched.raw).hexdigest()
    with s.begin_nested():
        mapped_now = select(ImapUid.message_id).where(
            ImapUid.mailbox_id == mailbox_id, ImapUid.uidvalidity == uidvalidity
        )
        found = s.execute(
            select(StoredMessage.id, StoredMessage.disposition)
            .join(ImapUid, ImapUid.message_id == StoredMessage.id)
            .where(
                ImapUid.mailbox_id == mailbox_id,
                ImapUid.uidvalidity != uidvalidity,
                StoredMessage.raw_sha256 == digest,
                StoredMessage.id.not_in(mapped_now),
            )
            .order_by(StoredMessage.id)
            .limit(1)
        ).first()
        if found is None:
            return False
        handled = found.disposition in (Disposition.APPLICATION, Disposition.FOLLOW_UP)
        s.add(
            ImapUid(
                mailbox_id=mailbox_id,
                uidvalidity=uidvalidity,
                uid=fetched.uid,
                message_id=found.id,
                flag_pending=handled and keyword not in fetched.flags,
            )
        )
        repo.record_processed(s, Source.IMAP, imap_key(mailbox_id, uidvalidity, fetched.uid).key, found.id)
    return True


class _Marker:
    """Flags handled mail on the server; a server refusing that must not stop mail processing."""

    def __init__(self, db: Database, box: ImapMailbox, imap: ImapSettings, key: tuple[int, int]) -> None:
        self.db, self.box, self.imap, self.key = db, box, imap, key
        self.refused = False

    def flush(self) -> int:
        if self.refused:
            return 0
        try:
            return _flag_pending(self.db, self.box, self.imap, self.key)
        except ImapError as exc:  # e.g. no custom keywords allowed; the database stays the record
            log.warning("cannot mark handled mail on the server (next run tries again): %s", exc)
            self.refused = True
            return 0


def _flag_pending(db: Database, box: ImapMailbox, imap: ImapSettings, key: tuple[int, int]) -> int:
    """Mark on the server what the bot handled, now that it is committed."""
    mailbox_id, uidvalidity = key
    with db.transaction() as s:
        pending = s.scalars(
            select(ImapUid).where(ImapUid.mailbox_id == mailbox_id, ImapUid.flag_pending)
        ).all()
        for row in pending:
            if row.uidvalidity != uidvalidity:
                row.flag_pending = False  # those UIDs name other messages now
        ids = {row.id: row.uid for row in pending if row.uidvalidity == uidvalidity}
    if not ids:
        return 0
    box.add_keyword(list(ids.values()), imap.processed_keyword)
    if imap.move_applications_to:
        box.move(list(ids.values()), imap.move_applications_to)
    with db.transaction() as s:
        for row in s.scalars(select(ImapUid).where(ImapUid.id.in_(ids))):
            row.flag_pending = False
    return len(ids)
