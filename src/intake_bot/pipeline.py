"""The stage order, in one place: parse -> classify -> thread -> read -> assess -> store -> reply.

One message at a time. The raw bytes are stored first; any error in a message quarantines it
with its reason, and the run goes on. A database that is unreachable is not the message's
fault: that error propagates and nothing is recorded, so a later run retries.

Parse, classify and extract read the attacker's bytes: they run in the worker process
(untrusted.py through worker.py), within CPU, memory and time limits the sender cannot switch off.
The stages that need the database (thread, store, reply) stay here.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
import traceback
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from . import roles, thread, worker
from .assess import assess
from .config import Settings
from .errors import LimitExceeded, TransientError
from .fields import fold, statements
from .recipients import recipient_domain, recipient_mailbox
from .records import (
    ApplicationStatus,
    Assessment,
    Bounce,
    Disposition,
    Extraction,
    FieldSource,
    ParsedEmail,
    Reading,
    ReplyKind,
    ReplyState,
    Role,
    ThreadClues,
)
from .replies import ReplyInput, render_reply, render_staff_notification, single_address
from .sources import SourceKey
from .storage import BlobStore
from .store import repository as repo
from .store.db import Database
from .store.schema import Application, Reply, StoredMessage
from .times import as_utc, utcnow
from .worker import ReadFailed

log = logging.getLogger(__name__)
RACE_RETRIES = 3
# A run of many messages (poll, ingest) commits them in groups, each message in a savepoint of its
# own: one commit (and fsync) a group, not one a message. A group ends after
COMMIT_EVERY = 50  # messages, or
COMMIT_BYTES = 8 << 20  # bytes of mail, or
COMMIT_SECONDS = 2.0  # seconds: other runs and `send` wait for SQLite's write lock meanwhile


def group_full(messages: int, size: int, started: float) -> bool:
    """Whether a group of MESSAGES, SIZE bytes of mail, begun at time.monotonic() STARTED, is full."""
    return messages >= COMMIT_EVERY or size >= COMMIT_BYTES or time.monotonic() - started >= COMMIT_SECONDS


T = TypeVar("T")
_MSGID = re.compile(rb"^message-id:\s*(<[^<>\s]+>)", re.I | re.M)


@dataclass(frozen=True)
class Incoming:
    raw: bytes
    received_at: datetime | None = None  # IMAP INTERNALDATE; else the Date header, else now
    may_reply: bool = True  # False for history older than the configured start
    key: SourceKey | None = None  # recorded in the message's own transaction: processed exactly once
    row_id: int | None = None  # a stored message processed again (requeue): it keeps its id
    # The source's own record, written in the same transaction (IMAP: the UID, the keyword to set);
    # also called for a key found processed before, so it must write nothing that is there already.
    record: Callable[[Session, Outcome], None] | None = None


@dataclass(frozen=True)
class Mail:
    """One message on its way through the stages: what was read, and what it arrived as."""

    reading: Reading  # what the worker made of it
    incoming: Incoming
    raw_sha: str
    fp: str  # fingerprint(): the content without trace headers
    received: datetime  # IMAP INTERNALDATE, else the Date header, else now

    @property
    def parsed(self) -> ParsedEmail:
        return self.reading.parsed


@dataclass(frozen=True)
class Outcome:
    message_row_id: int
    disposition: Disposition
    reference: str | None = None
    reply_kind: ReplyKind | None = None
    reason: str = ""


# An application's statements, (extracted, staff), as repository.field_statements reads them.
Stated = tuple[list[tuple[str, Any]], list[tuple[str, Any]]]

# The worker's module, named rather than imported: importing it would load the reader (its lexicon
# compiles ~200 patterns, about a second of CPU) in the parent too, which never reads mail itself.
UNTRUSTED = "intake_bot.untrusted"


class Pipeline:
    def __init__(self, settings: Settings, db: Database, clock: Callable[[], datetime] = utcnow) -> None:
        self.settings = settings
        self.db = db
        self.blobs = BlobStore(settings.storage_path)
        db.before_commit(self.blobs.sync)  # the files a commit refers to are on disk before it
        self.clock = clock
        self.own_addresses = frozenset({settings.from_address.lower()})
        limits = worker.WorkerLimits.of(settings.limits, preload=(f"{UNTRUSTED}:warm_up",))
        self.workers = worker.shared(limits, worker.pool_size(settings.limits.workers))
        self.staff = roles.StaffAddresses.configured(settings.staff_addresses, settings.from_address)

    def process(
        self, incoming: Incoming, session: Session | None = None, read: Reading | ReadFailed | None = None
    ) -> Outcome:
        """One message, in a transaction of its own or, given the caller's `session`, in a savepoint
        of it: a poll commits many messages at once, and a failing one still takes only itself back.
        `read`: what read_ahead() read of it, else it is read now."""
        raw_sha = self.blobs.put(incoming.raw)  # kept before anything else can fail
        try:
            self._check_size(incoming.raw)
            if isinstance(read, ReadFailed):
                raise read
            reading = read or self.read_in_worker(incoming)
            return self._process_once(reading, incoming, raw_sha, session)
        except (SQLAlchemyError, TransientError, worker.WorkerUnavailable):  # not the message's fault
            raise
        except ReadFailed as exc:
            log.warning("quarantined a message: %s", exc.reason)
            return self.quarantine(incoming, raw_sha, exc.reason, session)
        except Exception as exc:  # a bad message must never stop the run
            log.warning("quarantined a message: %s", _reason(exc))
            log.debug("quarantine traceback:\n%s", traceback.format_exc())
            return self.quarantine(incoming, raw_sha, _reason(exc), session)

    def read_in_worker(self, incoming: Incoming) -> Reading:
        """Parse, classify and read the message in the worker; ReadFailed says why it could not."""
        function, args = self._read_request(incoming)
        return self.workers.call(function, *args)

    def read_ahead(
        self, items: Iterable[tuple[T, Incoming]]
    ) -> Generator[tuple[tuple[T, Incoming], Reading | ReadFailed | None], None, None]:
        """Each (item, message) with what the workers read of the message, in the order given,
        while the workers read the next ones and the caller processes (stores, answers) this one.
        What a message reads as depends on its bytes and the settings only, never on what was
        stored before it, so reading ahead changes nothing but the time. None: too large to read
        (process() says so)."""
        jobs = ((pair, self._read_request(pair[1]) if self._fits(pair[1]) else None) for pair in items)
        return self.workers.ahead(jobs)

    def read_one(self, incoming: Incoming) -> Reading | ReadFailed | None:
        """What a worker reads of the message, for process(); threads may read at once."""
        if not self._fits(incoming):
            return None
        try:
            return self.read_in_worker(incoming)
        except ReadFailed as exc:
            return exc

    def _read_request(self, incoming: Incoming) -> worker.Request:
        limits, own = self.settings.limits, self.own_addresses
        verify_dkim = self.settings.verify_dkim
        args = (incoming.raw, limits, own, incoming.received_at, self.clock(), self.staff, verify_dkim)
        return f"{UNTRUSTED}:read_message", args

    def read_again(self, raw: bytes, received_at: datetime) -> Extraction:
        """A stored message read again (reprocess), in the worker; ReadFailed says why it could not."""
        return self.workers.call(f"{UNTRUSTED}:read_again", raw, self.settings.limits, received_at)

    @contextmanager
    def _unit(self, session: Session | None) -> Iterator[Session]:
        """All of one message's writes, or none of them."""
        if session is None:
            with self.db.transaction() as s:
                yield s
        else:
            with session.begin_nested():
                yield session

    def _process_once(
        self, reading: Reading, incoming: Incoming, raw_sha: str, session: Session | None
    ) -> Outcome:
        """One unit of work; when another process won a race (same key, same reference), look again."""
        key = incoming.key
        for attempt in range(RACE_RETRIES):
            try:
                with self._unit(session) as s:
                    done = repo.processed_message(s, key.source, key.key) if key else None
                    if done is not None:
                        outcome = Outcome(
                            done, Disposition.DUPLICATE, reason="already processed by another run"
                        )
                        if incoming.record is not None:  # the source's own record may be missing
                            incoming.record(s, outcome)
                        return outcome
                    outcome = self._process(s, reading, incoming, raw_sha)
                    self._record_source(s, incoming, outcome)
                    return outcome
            except IntegrityError:
                if attempt == RACE_RETRIES - 1:
                    raise
                log.info("another process stored the same message or reference first; looking again")
        raise AssertionError("unreachable")

    def quarantine(
        self, incoming: Incoming, raw_sha: str, reason: str, session: Session | None = None
    ) -> Outcome:
        found = _MSGID.search(incoming.raw[:65536])
        message_id = (
            found.group(1).decode("ascii", "replace") if found else f"<{raw_sha[:32]}@quarantine.invalid>"
        )
        now = self.clock()
        with self._unit(session) as s:
            row = self._row_to_reuse(s, incoming) or repo.quarantined_copy(s, raw_sha)
            if row is None:  # the same bytes quarantined again stay one entry
                row = StoredMessage(raw_sha256=raw_sha, received_at=incoming.received_at or now)
                s.add(row)
            row.message_id = message_id[:998]
            row.fingerprint = raw_sha
            row.size = len(incoming.raw)
            row.disposition = Disposition.QUARANTINED
            row.reason = reason[:2000]
            row.processed_at = now
            s.flush()
            outcome = Outcome(row.id, Disposition.QUARANTINED, reason=reason)
            self._record_source(s, incoming, outcome)
            return outcome

    @staticmethod
    def _record_source(s: Session, incoming: Incoming, outcome: Outcome) -> None:
        if incoming.key is not None:
            repo.record_processed(s, incoming.key.source, incoming.key.key, outcome.message_row_id)
        if incoming.record is not None:
            incoming.record(s, outcome)

    # -- the stages -------------------------------------------------------------------------

    def _process(self, s: Session, reading: Reading, incoming: Incoming, raw_sha: str) -> Outcome:
        parsed = reading.parsed
        now = self.clock()
        mail = Mail(
            reading, incoming, raw_sha, fingerprint(parsed), incoming.received_at or parsed.date or now
        )
        duplicate = repo.find_duplicate(s, parsed.message_id, mail.fp)
        if duplicate is not None:
            reason = f"same message as #{duplicate.id}"
            row_id = self._store_message(
                s, mail, Disposition.DUPLICATE, reason, duplicate.application_id, duplicate_of=duplicate.id
            )
            return Outcome(row_id, Disposition.DUPLICATE, reason=reason)

        verdict = reading.verdict
        from_staff = parsed.from_address in self.staff
        # Staff mail joins an application only by what it answers, never by its sender's address.
        app_id = self._thread(s, thread.named_only(reading.clues) if from_staff else reading.clues)
        if verdict.automated:
            if reading.bounce is not None:
                app_id = self._match_bounce(s, reading.bounce, now) or app_id
            row_id = self._store_message(s, mail, verdict.disposition, verdict.reason, app_id)
            if app_id is not None:
                repo.add_event(
                    s, app_id, "automatic_message", f"{verdict.disposition}: {verdict.reason}", now
                )
            return Outcome(row_id, verdict.disposition, reason=verdict.reason)

        assert reading.extraction is not None and reading.judgement is not None  # read unless automatic
        extraction = roles.without_staff(reading.extraction, self.staff)
        app = s.get(Application, app_id) if app_id is not None else None
        stated: Stated = repo.field_statements(s, app.id) if app is not None else ([], [])
        role = roles.role_of(
            parsed.from_address,
            staff=self.staff,
            speakers=_speakers(app, stated) if app is not None else None,
            authentic=roles.may_speak(self._dmarc(reading), self.settings.trusted_authserv_ids),
        )
        if app is not None and role is not Role.APPLICANT:
            return self._keep_apart(s, app, mail, role, now, stated)
        if app is None and role is not Role.APPLICANT:
            return self._staff_mail(s, mail, extraction, role, now)
        judged = reading.judgement if app is None else None
        if judged and judged.disposition != Disposition.APPLICATION:  # not one, or one for a person to judge
            row_id = self._store_message(s, mail, judged.disposition, judged.reason, None)
            return Outcome(row_id, judged.disposition, reason=judged.reason)
        sender = roles.Person(parsed.from_name, parsed.from_address)
        return self._read(s, mail, extraction, app, sender, verdict.reason, now, stated)

    def _read(
        self,
        s: Session,
        mail: Mail,
        extraction: Extraction,
        app: Application | None,
        applicant: roles.Person,
        reason: str,
        now: datetime,
        stated: Stated | None = None,
    ) -> Outcome:
        """The applicant's words: stored as application data, assessed, answered (to `applicant`).
        STATED: the application's statements as read in this unit, if they were."""
        parsed = mail.parsed
        disposition = Disposition.FOLLOW_UP if app is not None else Disposition.APPLICATION
        opened = app is None
        if app is None:
            app = self._new_application(s, mail.reading, applicant.address, mail.received, now)
            stated = ([], [])  # a new application states nothing yet
        row_id = self._store_message(s, mail, disposition, reason, app.id, role=Role.APPLICANT)
        self._store_attachments(s, parsed, row_id)
        repo.add_event(s, app.id, "message", f"{disposition}: {parsed.subject[:200]}", now)
        if applicant.address != parsed.from_address:
            repo.add_event(s, app.id, "forwarded", f"forwarded by staff {parsed.from_address}", now)
        if ApplicationStatus(app.status).decided:
            self._after_decision(s, app, mail.received, now)
            return Outcome(row_id, disposition, app.reference)
        new = statements(extraction)
        repo.add_field_values(s, app.id, row_id, new, FieldSource.EXTRACTED, now)
        s.flush()
        if stated is not None:  # folded again from what is known, not read back
            stated = ([*stated[0], *as_stored(new)], stated[1])
        before = app.status
        # activity is when the applicant wrote, not when we read
        assessment = self.reassess(s, app, mail.received, wake=True, stated=stated)
        if before == ApplicationStatus.DORMANT:
            repo.add_event(s, app.id, "woken", f"applicant mail: {app.status}", now)
        kind = self._queue_reply(s, app, mail, row_id, assessment, now, applicant, opened=opened)
        if app.status == ApplicationStatus.COMPLETE and before != app.status and self.settings.notify_address:
            self._notify_staff(s, app, mail.fp, now)
        return Outcome(row_id, disposition, app.reference, kind)

    def open_by_hand(
        self, s: Session, row: StoredMessage, category: str | None, actor: str, now: datetime
    ) -> Outcome:
        """Staff say a message kept apart (a possible application, a question) is an application: open
        one, read the message into it (a category staff give is a correction), and reply as usual."""
        raw = self.blobs.get(row.raw_sha256)
        received = as_utc(row.received_at)
        incoming = Incoming(raw=raw, received_at=received)
        reading = self.read_in_worker(incoming)
        extraction = roles.without_staff(reading.extraction or self.read_again(raw, received), self.staff)
        app = self._new_application(s, reading, row.from_address, received, now)
        row.reason = f"opened by {actor} (was {row.disposition}: {row.reason})"[:2000]
        row.application_id, row.disposition, row.role = app.id, Disposition.APPLICATION, Role.APPLICANT
        self._store_attachments(s, reading.parsed, row.id)
        repo.add_field_values(s, app.id, row.id, statements(extraction), FieldSource.EXTRACTED, now)
        if category:
            repo.add_field_values(s, app.id, None, [("category", category)], FieldSource.STAFF, now)
        s.flush()
        repo.add_event(s, app.id, "opened_by_staff", f"message {row.message_id[:200]}", now, actor=actor)
        assessment = self.reassess(s, app, received)
        mail = Mail(reading, incoming, row.raw_sha256, row.fingerprint, received)
        sender = roles.Person(reading.parsed.from_name, reading.parsed.from_address)
        kind = self._queue_reply(s, app, mail, row.id, assessment, now, sender, opened=True)
        return Outcome(row.id, Disposition.APPLICATION, app.reference, kind)

    def _dmarc(self, reading: Reading) -> roles.Dmarc:
        parsed = reading.parsed
        return roles.dmarc(
            parsed.header("authentication-results"),
            self.settings.trusted_authserv_ids,
            dkim_aligned=roles.aligned(parsed.from_address, reading.dkim_domains),
        )

    def _keep_apart(
        self, s: Session, app: Application, mail: Mail, role: Role, now: datetime, stated: Stated
    ) -> Outcome:
        """Staff's or an outsider's message on an application: kept on it, never read, never answered."""
        sender = mail.parsed.from_address or "(no address)"
        why = "not the applicant, a representative or a colleague at the applicant's domain"
        if role is Role.STAFF:
            why = "staff"
        elif sender in self.staff or _speakers(app, stated).include(sender):
            why = "DMARC did not pass at our mail server: the sender is not proven"
        reason = f"{role}: {why}; kept apart, not read, not answered"
        row_id = self._store_message(s, mail, Disposition.FOLLOW_UP, reason, app.id, role=role)
        self._store_attachments(s, mail.parsed, row_id)
        if role is Role.STAFF:
            repo.add_event(s, app.id, "staff_message", f"staff message from {sender}", now)
        else:
            detail = (
                f"message #{row_id} from {sender} kept apart ({why}); `intake-bot accept {row_id}` merges it"
            )
            repo.add_event(s, app.id, "outsider_message", detail, now)
        return Outcome(row_id, Disposition.FOLLOW_UP, app.reference, reason=reason)

    def _staff_mail(
        self, s: Session, mail: Mail, extraction: Extraction, role: Role, now: datetime
    ) -> Outcome:
        """Staff mail on no application: an application a staff member forwards is its sender's;
        anything else is left for staff, as is mail whose staff From our server could not confirm."""
        parsed = mail.parsed
        if role is Role.STAFF:
            original = mail.reading.forwarded
            judged = mail.reading.judgement
            if original is not None and judged is not None and judged.disposition == Disposition.APPLICATION:
                app_id = self._thread(s, thread.by_sender(original.address))
                app = s.get(Application, app_id) if app_id is not None else None
                reason = f"forwarded by staff ({parsed.from_address}): {original.address}'s application"
                return self._read(s, mail, extraction, app, original, reason, now)
            reason = "from a staff address: left for staff"
        else:
            reason = "claims a staff address, but DMARC did not pass at our mail server: left for staff"
        row_id = self._store_message(s, mail, Disposition.STAFF, reason, None)
        return Outcome(row_id, Disposition.STAFF, reason=reason)

    @staticmethod
    def _after_decision(s: Session, app: Application, received: datetime, now: datetime) -> None:
        """Applicant mail after the decision: kept for staff to read (flag `new-mail`), its fields not
        taken in (what was decided on stays as it was; `reprocess` reads it) and no automatic reply."""
        app.new_mail_at = received
        app.updated_at = received
        repo.add_event(s, app.id, "new_mail", f"after the decision ({app.status}): left for staff", now)

    def reassess(
        self, s: Session, app: Application, now: datetime, wake: bool = False, stated: Stated | None = None
    ) -> Assessment:
        """Assess again and keep the application's summary; `wake`: applicant mail, which ends dormancy
        (a staff correction wakes a dormant application only by completing it). STATED: all of the
        application's statements, when the caller holds them (else they are read)."""
        fields = fold(*stated) if stated is not None else repo.current_fields(s, app.id)
        assessment = assess(
            fields,
            app.working_group,
            rules=self.settings.evidence_rules,
            received_at=as_utc(app.created_at),
        )
        app.missing = list(assessment.missing)
        # The status table's columns, kept here so that listing thousands needs no assessment.
        app.organization_name = fields.get("organization_name")
        app.category = fields.get("category")
        app.needs_review = bool(assessment.review)
        asleep = app.status == ApplicationStatus.DORMANT and not wake and assessment.missing
        if app.status in repo.OPEN_STATUSES and not asleep:
            app.status = ApplicationStatus.INCOMPLETE if assessment.missing else ApplicationStatus.COMPLETE
        app.updated_at = now
        return assessment

    def _thread(self, s: Session, clue: ThreadClues) -> int | None:
        return thread.choose(
            clue,
            by_reference=lambda ref: repo.application_id_by_reference(s, ref),
            by_message_ids=lambda ids: repo.application_by_message_ids(s, ids),
            open_for_sender=lambda sender: repo.open_applications_for(s, sender=sender),
            open_for_domain=lambda domain: repo.open_applications_for(s, domain=domain),
        )

    def _new_application(
        self, s: Session, reading: Reading, applicant: str, received: datetime, now: datetime
    ) -> Application:
        wg = self._working_group(reading.working_groups)
        app = Application(
            reference=repo.next_reference(s, wg, received.year),
            working_group=wg,
            status=ApplicationStatus.INCOMPLETE,
            applicant_email=applicant,
            applicant_domain=thread.sender_domain(applicant),
            missing=[],
            created_at=received,
            updated_at=received,
        )
        s.add(app)
        s.flush()
        repo.add_event(s, app.id, "opened", f"application from {applicant}", now)
        return app

    def _working_group(self, named_in_mail: frozenset[str]) -> str:
        """The configured group, unless the mail names exactly one other group we have a profile for
        (an applicant to the SMCWG may well mention the Server Certificate WG in passing)."""
        default = self.settings.working_group
        named = set(named_in_mail & set(self.settings.evidence_rules.profiles))
        return named.pop() if len(named) == 1 and default not in named else default

    def _store_message(
        self,
        s: Session,
        mail: Mail,
        disposition: Disposition,
        reason: str,
        app_id: int | None,
        *,
        duplicate_of: int | None = None,
        role: Role | None = None,
    ) -> int:
        """The message's row (its id): a new one, or the one it is processed again in (requeue)."""
        parsed = mail.parsed
        values = dict(
            duplicate_of=duplicate_of,
            message_id=parsed.message_id[:998],
            raw_sha256=mail.raw_sha,
            fingerprint=mail.fp,
            size=len(mail.incoming.raw),
            application_id=app_id,
            disposition=disposition,
            reason=reason,
            from_address=parsed.from_address[:320],
            subject=parsed.subject[:1000],
            received_at=mail.received,
            processed_at=self.clock(),
            role=role,
        )
        row = self._row_to_reuse(s, mail.incoming)
        if row is None:
            return repo.insert_message(s, values)
        for name, value in values.items():
            setattr(row, name, value)
        s.flush()
        return row.id

    @staticmethod
    def _row_to_reuse(s: Session, incoming: Incoming) -> StoredMessage | None:
        return s.get(StoredMessage, incoming.row_id) if incoming.row_id is not None else None

    def _store_attachments(self, s: Session, parsed: ParsedEmail, message_row_id: int) -> None:
        rows = []
        for att in parsed.attachments:
            self.blobs.put(att.payload)
            rows.append(
                {
                    "filename": att.filename[:255],
                    "content_type": att.content_type[:255],
                    "sha256": att.sha256,
                    "size": att.size,
                }
            )
        repo.add_attachments(s, message_row_id, rows)

    def _queue_reply(
        self,
        s: Session,
        app: Application,
        mail: Mail,
        answers: int,
        assessment: Assessment,
        now: datetime,
        to: roles.Person,
        *,
        opened: bool,
    ) -> ReplyKind | None:
        """Answer `to` (ANSWERS: the message's row id); OPENED: the application was opened by this
        message, so no reply of it is superseded (there is none)."""
        parsed = mail.parsed
        why_not = self._why_no_reply(s, mail.reading, mail.incoming, to.address, now)
        if why_not:
            repo.add_event(s, app.id, "no_reply", why_not, now)
            return None
        missing = assessment.missing
        kind = ReplyKind.MISSING_ITEMS if missing else ReplyKind.ACKNOWLEDGEMENT
        rendered = render_reply(
            ReplyInput(
                kind=kind,
                reference=app.reference,
                working_group=app.working_group,
                to_address=to.address,
                to_name=to.name,
                from_address=self.settings.from_address,
                # a forwarded application answers mail its sender never saw: a thread of its own
                in_reply_to=parsed.message_id if to.address == parsed.from_address else "",
                references=parsed.references if to.address == parsed.from_address else (),
                items=missing,
                organization_name=app.organization_name,  # as reassess() just set them
                category=app.category,
                seed=f"{app.reference}:{mail.fp}",
                now=now,
                problems=assessment.problems,
            ),
            self.settings.templates_dir,
        )
        repo.insert_reply(
            s,
            application_id=app.id,
            kind=kind,
            to=to.address,
            message_id=rendered.message_id,
            raw=rendered.raw,
            now=now,
            in_reply_to=parsed.message_id,
            items=missing,
            answers=answers,
            superseding=not opened,
        )
        repo.add_event(s, app.id, "reply_queued", f"{kind}: {', '.join(missing) or 'complete'}", now)
        return kind

    def _match_bounce(self, s: Session, bounce: Bounce, now: datetime) -> int | None:
        """A bounce of one of our replies: mark that reply bounced, for staff. Returns its application."""
        found = None
        for message_id in bounce.reply_ids:
            reply = s.scalars(select(Reply).where(Reply.message_id == message_id)).first()
            if reply is None:
                continue
            why = bounce.reason
            reply.state, reply.last_error = ReplyState.BOUNCED, why
            if reply.application_id is None:  # the staff digest: no application to note it on
                continue
            repo.add_event(s, reply.application_id, "reply_bounced", f"to {reply.to_address}: {why}", now)
            found = reply.application_id
        return found

    def _notify_staff(self, s: Session, app: Application, fp: str, now: datetime) -> None:
        """Tell staff an application became complete, with its summary (queued like any reply)."""
        assert self.settings.notify_address, "called only when staff are to be told"
        fields = repo.current_fields(s, app.id)
        rendered = render_staff_notification(
            app.reference, app.working_group, fields, self.settings, now, seed=f"{app.reference}:notify:{fp}"
        )
        repo.insert_reply(
            s,
            application_id=app.id,
            kind=ReplyKind.STAFF_NOTIFICATION,
            to=self.settings.notify_address,
            message_id=rendered.message_id,
            raw=rendered.raw,
            now=now,
        )
        repo.add_event(s, app.id, "staff_notified", f"complete: told {self.settings.notify_address}", now)

    def _why_no_reply(self, s: Session, reading: Reading, incoming: Incoming, to: str, now: datetime) -> str:
        if not incoming.may_reply:
            return "message older than the configured start: recorded without a reply"
        try:
            single_address(to)
        except ValueError as exc:
            return f"sender address unusable: {exc}"
        if self._dmarc(reading) is roles.Dmarc.FAIL:
            return "DMARC failed at our mail server: possible spoofing, left for staff"
        return self._over_rate_limit(s, to, now)

    def _over_rate_limit(self, s: Session, address: str, now: datetime) -> str:
        """Why a reply to this address would be one too many in 24 hours; "" when it would not."""
        limits = self.settings.limits
        to_mailbox, to_domain = repo.replies_since(s, address, repo.day_ago(now))
        limit = limits.max_replies_per_recipient_per_day
        if to_mailbox >= limit:
            return f"rate limit: {limit} automatic replies to {recipient_mailbox(address)} in 24 hours"
        limit = limits.max_replies_per_domain_per_day
        if to_domain >= limit:
            return f"rate limit: {limit} automatic replies to {recipient_domain(address)} in 24 hours"
        return ""

    def _fits(self, incoming: Incoming) -> bool:
        return len(incoming.raw) <= self.settings.limits.max_message_bytes

    def _check_size(self, raw: bytes) -> None:
        limit = self.settings.limits.max_message_bytes
        if len(raw) > limit:
            raise LimitExceeded(f"message is {len(raw)} bytes, over the limit of {limit}")


def _speakers(app: Application, stated: Stated) -> roles.People:
    reps = fold(*stated).get("representatives") or []
    return roles.people(app.applicant_email, reps)


def as_stored(values: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """Statements as the database gives them back (a JSON column: tuples come back as lists)."""
    return [(name, value) for name, value in json.loads(json.dumps(values))]


def fingerprint(parsed: ParsedEmail) -> str:
    """The message's content without trace headers: two deliveries of one mail share it."""
    h = hashlib.sha256()
    for part in (
        parsed.message_id,
        parsed.from_address,
        parsed.subject,
        parsed.header("date"),
        parsed.text,
        parsed.html,
        *(a.sha256 for a in parsed.attachments),
    ):
        h.update(part.encode("utf-8", "replace"))
        h.update(b"\x00")
    return h.hexdigest()


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]
