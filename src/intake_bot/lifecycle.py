"""What moves an application after its first mails, and the mail each step sends: staff decisions,
reminders to an applicant who went quiet, dormancy. The README draws it as a state diagram.

Each function works inside the caller's transaction; times are when messages were received.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import roles
from .assess import assess
from .config import Settings
from .errors import UsageError
from .lock import database_lock
from .records import DECIDED, ApplicationStatus, Assessment, ReplyKind, ReplyState, Role
from .replies import RenderedReply, ReplyInput, render_reply, single_address
from .store import repository as repo
from .store.db import Database
from .store.schema import Application, Event, Reply, StoredMessage
from .times import as_utc

DECISIONS = {
    "approve": ApplicationStatus.APPROVED,
    "reject": ApplicationStatus.REJECTED,
    "withdraw": ApplicationStatus.WITHDRAWN,
}
_TO_APPLICANT = [k for k in ReplyKind if k.to_applicant]
DECISION_MAIL = {
    ApplicationStatus.APPROVED: ReplyKind.APPROVED,
    ApplicationStatus.REJECTED: ReplyKind.REJECTED,
    ApplicationStatus.WITHDRAWN: ReplyKind.WITHDRAWN,
}


@dataclass(frozen=True)
class Letter:
    """A rendered mail to the applicant, in the thread of their last message."""

    kind: ReplyKind
    to: str
    in_reply_to: str
    items: tuple[str, ...]
    rendered: RenderedReply


def find(s: Session, reference: str) -> Application:
    app = repo.application_by_reference(s, reference)
    if app is None:
        raise UsageError(f"no application {reference}")
    return app


# -- decisions ---------------------------------------------------------------------------------


def decide(
    s: Session,
    settings: Settings,
    reference: str,
    decision: str,
    reason: str,
    actor: str,
    now: datetime,
    *,
    force: bool = False,
    mail: bool = True,
) -> Reply | None:
    """Record a decision and queue the mail that tells the applicant (unless `mail` is False).

    An approval of an incomplete application, or a second decision, needs `force`. Every unsent
    reply of the application is superseded: after a decision, nothing said before it still holds."""
    app = find(s, reference)
    status = DECISIONS[decision]
    if app.status in DECIDED and not force:
        raise UsageError(f"{app.reference} is already {app.status}; decide again with --force")
    if status == ApplicationStatus.APPROVED and app.missing and not force:
        raise UsageError(
            f"{app.reference} is incomplete, missing: {', '.join(app.missing)}; approve anyway with --force"
        )
    repo.supersede(s, app.id)
    app.status, app.updated_at, app.new_mail_at = status, now, None
    repo.add_event(s, app.id, status, reason, now, actor=actor)
    if not mail:
        return None
    letter = compose(
        s, settings, app, DECISION_MAIL[status], now, seed=_seed(app, status, now), reason=reason
    )
    return _queue(s, app, letter, now, actor)


def current_letter(
    s: Session,
    settings: Settings,
    app: Application,
    now: datetime,
    seed: str,
    decision: str | None = None,
    reason: str | None = None,
) -> Letter:
    """What is true now, as a mail: the decision mail of a decided application (or of `decision`,
    for a preview), else what is still missing, else the acknowledgement."""
    status = DECISIONS[decision] if decision else ApplicationStatus(app.status)
    if status in DECIDED:
        said = reason if reason is not None else _decision_reason(s, app, status)
        return compose(s, settings, app, DECISION_MAIL[status], now, seed=seed, reason=said)
    missing = _assessed(s, settings, app).missing
    kind = ReplyKind.MISSING_ITEMS if missing else ReplyKind.ACKNOWLEDGEMENT
    return compose(s, settings, app, kind, now, seed=seed)


def resend(s: Session, settings: Settings, reference: str, actor: str, now: datetime) -> Reply:
    """Queue what is true now again, with a Message-ID of its own (older unsent replies are superseded)."""
    app = find(s, reference)
    letter = current_letter(s, settings, app, now, seed=_seed(app, "resend", now))
    return _queue(s, app, letter, now, actor, event="resend")


# -- reminders and dormancy ---------------------------------------------------------------------


@dataclass(frozen=True)
class RemindReport:
    reminded: list[str]
    dormant: list[str]
    held: list[str]  # due, but the last reply bounced: flagged for staff instead


def queue_reminders(settings: Settings, db: Database, now: datetime) -> RemindReport:
    """`remind` and every poll: one process at a time (PostgreSQL's advisory lock across hosts;
    callers on one host hold the run lock), in one transaction."""
    with database_lock(db.engine, "remind", wait=True), db.transaction() as s:
        return remind(s, settings, now)


def remind(s: Session, settings: Settings, now: datetime) -> RemindReport:
    """Queue the reminders due now and put to sleep the applications reminded enough."""
    report = RemindReport([], [], [])
    for app_id, step in sorted(_schedule(s, settings).items()):
        if now < step.due:
            continue
        app = s.get_one(Application, app_id)
        if step.reminders >= settings.max_reminders:
            app.status = ApplicationStatus.DORMANT
            repo.add_event(s, app.id, "dormant", f"no applicant mail after {step.reminders} reminder(s)", now)
            report.dormant.append(app.reference)
        elif _last_reply_bounced(s, app):
            report.held.append(app.reference)  # the status table shows it as `bounced`
        else:
            seed = _seed(app, f"reminder{step.reminders}", now)
            last = step.reminders + 1 == settings.max_reminders
            letter = compose(s, settings, app, ReplyKind.REMINDER, now, seed=seed, last_reminder=last)
            _queue(s, app, letter, now, "intake-bot", event="reminder_queued")
            report.reminded.append(app.reference)
    return report


def next_reminder_due(s: Session, settings: Settings) -> datetime | None:
    """The earliest moment `remind` could have something to do (for the idle poll); None: never."""
    return min((step.due for step in _schedule(s, settings).values()), default=None)


@dataclass(frozen=True)
class _Step:
    due: datetime  # when the next reminder (or, after the last, dormancy) is due
    reminders: int  # reminders queued since the applicant last wrote


def _schedule(s: Session, settings: Settings) -> dict[int, _Step]:
    """The next step of each incomplete application, in two queries (every poll asks, whatever the
    number of applications). An application never answered (history imported silently, say) has
    none: a reminder presumes a first reply that said what is missing."""
    if settings.remind_after_days <= 0:
        return {}
    incomplete = (Application.status == ApplicationStatus.INCOMPLETE,)
    last_mail = s.execute(
        select(Application.id, func.max(StoredMessage.received_at))
        .join(StoredMessage, Application.id == StoredMessage.application_id)
        .where(
            *incomplete, StoredMessage.disposition.in_(repo.THREADED), StoredMessage.role == Role.APPLICANT
        )
        .group_by(Application.id)
    )
    sent: dict[int, list[tuple[str, datetime]]] = {}
    for app_id, kind, created in s.execute(
        select(Application.id, Reply.kind, Reply.created_at)
        .join(Reply, Application.id == Reply.application_id)
        .where(*incomplete, Reply.kind.in_(_TO_APPLICANT))
    ):
        sent.setdefault(app_id, []).append((kind, as_utc(created)))
    wait = timedelta(days=settings.remind_after_days)
    steps = {}
    for app_id, received in last_mail:
        if app_id not in sent:
            continue
        since = as_utc(received)
        # A reminder superseded before it went out counts too: otherwise, with the outbox stalled,
        # each reminder would supersede the last, without end.
        reminders = sorted(at for kind, at in sent[app_id] if kind == ReplyKind.REMINDER and at >= since)
        steps[app_id] = _Step(max([since, *reminders]) + wait, len(reminders))
    return steps


# -- composing ----------------------------------------------------------------------------------


def compose(
    s: Session,
    settings: Settings,
    app: Application,
    kind: ReplyKind,
    now: datetime,
    *,
    seed: str,
    reason: str = "",
    last_reminder: bool = False,
) -> Letter:
    """A mail of `kind` to the applicant, answering their last message."""
    last = _last_applicant_message(s, app)
    if last is None:
        raise UsageError(f"{app.reference} has no message from the applicant to answer")
    staff = roles.StaffAddresses.configured(settings.staff_addresses, settings.from_address)
    # a staff member who forwarded the application is not who it answers: its applicant is
    answered = app.applicant_email if last.from_address in staff else last.from_address
    try:
        to = single_address(answered)
    except ValueError as exc:
        raise UsageError(f"{app.reference}: the applicant's address is unusable: {exc}") from exc
    assessment = _assessed(s, settings, app)
    items = assessment.missing if kind in (ReplyKind.MISSING_ITEMS, ReplyKind.REMINDER) else ()
    fields = repo.current_fields(s, app.id)
    rendered = render_reply(
        ReplyInput(
            kind=kind,
            reference=app.reference,
            working_group=app.working_group,
            to_address=to,
            to_name="",
            from_address=settings.from_address,
            in_reply_to=last.message_id if answered == last.from_address else "",
            references=(),
            items=items,
            organization_name=fields.get("organization_name"),
            category=fields.get("category"),
            seed=seed,
            now=now,
            problems=assessment.problems,
            reason=reason,
            last_reminder=last_reminder,
        ),
        settings.templates_dir,
    )
    return Letter(kind, to, last.message_id, tuple(items), rendered)


def _queue(
    s: Session, app: Application, letter: Letter, now: datetime, actor: str, event: str = "reply_queued"
) -> Reply:
    reply = repo.queue_reply(
        s,
        application_id=app.id,
        kind=letter.kind,
        to=letter.to,
        message_id=letter.rendered.message_id,
        raw=letter.rendered.raw,
        now=now,
        in_reply_to=letter.in_reply_to,
        items=letter.items,
    )
    repo.add_event(s, app.id, event, f"{letter.kind} to {letter.to}", now, actor=actor)
    return reply


def _assessed(s: Session, settings: Settings, app: Application) -> Assessment:
    fields = repo.current_fields(s, app.id)
    return assess(
        fields, app.working_group, rules=settings.evidence_rules, received_at=as_utc(app.created_at)
    )


def _seed(app: Application, what: str, now: datetime) -> str:
    """Unique per mail (the Message-ID is made from it): each decision and reminder is a new one."""
    return f"{app.reference}:{what}:{len(app.replies)}:{now.isoformat()}"


def applicant_messages(s: Session, app: Application) -> list[StoredMessage]:
    """The messages read as the application's data: not staff's, not an outsider's (roles.py)."""
    return list(
        s.scalars(
            select(StoredMessage)
            .where(
                StoredMessage.application_id == app.id,
                StoredMessage.disposition.in_(repo.THREADED),
                StoredMessage.role == Role.APPLICANT,
            )
            .order_by(StoredMessage.received_at, StoredMessage.id)
        )
    )


def _last_applicant_message(s: Session, app: Application) -> StoredMessage | None:
    messages = applicant_messages(s, app)
    return messages[-1] if messages else None


def _last_reply_bounced(s: Session, app: Application) -> bool:
    last = s.scalars(
        select(Reply.state)
        .where(Reply.application_id == app.id, Reply.kind.in_(_TO_APPLICANT))
        .where(Reply.state != ReplyState.SUPERSEDED)
        .order_by(Reply.id.desc())
        .limit(1)
    ).first()
    return last == ReplyState.BOUNCED


def _decision_reason(s: Session, app: Application, status: ApplicationStatus) -> str:
    found = s.scalars(
        select(Event.detail)
        .where(Event.application_id == app.id, Event.kind == status)
        .order_by(Event.id.desc())
        .limit(1)
    ).first()
    return found or ""
