"""What staff do to an application: notes, corrections, re-extraction, replies by hand (decisions:
lifecycle.py).

Each function works inside the caller's transaction and records who did what in the history.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from . import lifecycle, roles
from .config import Settings
from .corrections import parse_correction
from .errors import UsageError
from .fields import field_names, statements
from .pipeline import Pipeline
from .records import UNSENT, FieldSource, ReplyKind, Role
from .storage import BlobStore
from .store import repository as repo
from .store.schema import Application, FieldValue, Reply, StoredMessage
from .times import as_utc
from .worker import ReadFailed

find = lifecycle.find


def add_note(s: Session, reference: str, text: str, actor: str, now: datetime) -> None:
    app = find(s, reference)
    app.updated_at, app.new_mail_at = now, None  # staff have read the mail that came after a decision
    repo.add_event(s, app.id, "note", text, now, actor=actor)


def set_field(
    s: Session, pipeline: Pipeline, reference: str, field: str, raw_value: str, actor: str, now: datetime
) -> tuple[str, ...]:
    """A staff correction: kept apart from extracted values, and wins over them."""
    app = find(s, reference)
    app.new_mail_at = None
    value = parse_correction(field, raw_value)
    repo.add_field_values(s, app.id, None, [(field, value)], FieldSource.STAFF, now)
    s.flush()
    repo.add_event(s, app.id, "corrected", f"{field} = {json.dumps(value)[:200]}", now, actor=actor)
    return pipeline.reassess(s, app, now).missing


def unset_field(
    s: Session, pipeline: Pipeline, reference: str, field: str, actor: str, now: datetime
) -> tuple[str, ...]:
    """Remove the staff corrections of FIELD: what the applicant sent counts again."""
    app = find(s, reference)
    if field not in field_names():
        parse_correction(field, "-")  # the unknown-field error, with its suggestion
    removed = s.execute(
        delete(FieldValue).where(
            FieldValue.application_id == app.id,
            FieldValue.field == field,
            FieldValue.source == FieldSource.STAFF,
        )
    ).rowcount  # type: ignore[attr-defined]  # a DELETE's result is a CursorResult
    if not removed:
        raise UsageError(f"{reference} has no correction of {field}")
    s.flush()
    repo.add_event(s, app.id, "uncorrected", field, now, actor=actor)
    return pipeline.reassess(s, app, now).missing


def reprocess(s: Session, pipeline: Pipeline, reference: str, actor: str, now: datetime) -> tuple[str, ...]:
    """Extract again from the stored raw messages (after an improvement); no reply is sent."""
    app = find(s, reference)
    blobs = BlobStore(pipeline.settings.storage_path)
    s.execute(
        delete(FieldValue).where(
            FieldValue.application_id == app.id, FieldValue.source == FieldSource.EXTRACTED
        )
    )
    for msg in lifecycle.applicant_messages(s, app):
        try:
            extraction = pipeline.read_again(blobs.get(msg.raw_sha256), as_utc(msg.received_at))
            extraction = roles.without_staff(extraction, pipeline.staff)
        except ReadFailed as exc:  # over a limit now (a lower one, say): its old statements stay gone
            repo.add_event(s, app.id, "not_reprocessed", f"message #{msg.id}: {exc.reason}", now, actor=actor)
            continue
        repo.add_field_values(s, app.id, msg.id, statements(extraction), FieldSource.EXTRACTED, now)
    s.flush()
    missing = pipeline.reassess(s, app, now).missing
    repo.add_event(s, app.id, "reprocessed", f"missing: {', '.join(missing) or 'nothing'}", now, actor=actor)
    return missing


def accept(
    s: Session, pipeline: Pipeline, message: str, actor: str, now: datetime
) -> tuple[Application, StoredMessage, tuple[str, ...]]:
    """Staff vouch for a message kept apart as an outsider's: it is read now as the applicant's
    (its statements come after everything read so far) and the application is assessed again."""
    row = _outsider_message(s, message)
    app = row.application
    assert app is not None  # an outsider is one only on an application
    raw = BlobStore(pipeline.settings.storage_path).get(row.raw_sha256)
    try:
        extraction = roles.without_staff(pipeline.read_again(raw, as_utc(row.received_at)), pipeline.staff)
    except ReadFailed as exc:
        raise UsageError(f"message #{row.id} cannot be read: {exc.reason}") from exc
    repo.add_field_values(s, app.id, row.id, statements(extraction), FieldSource.EXTRACTED, now)
    row.role = Role.APPLICANT
    row.reason = f"accepted by {actor}: read as the applicant's"
    s.flush()
    missing = pipeline.reassess(s, app, now).missing
    detail = f"message #{row.id} from {row.from_address} merged; missing: {', '.join(missing) or 'nothing'}"
    repo.add_event(s, app.id, "accepted", detail, now, actor=actor)
    return app, row, missing


def _outsider_message(s: Session, message: str) -> StoredMessage:
    """The message kept apart, by its number (as `show` lists it) or its Message-ID."""
    wanted = message.strip()
    if wanted.isdigit():
        found = s.get(StoredMessage, int(wanted))
        candidates = [found] if found is not None else []
    else:
        message_id = wanted if wanted.startswith("<") else f"<{wanted}>"
        candidates = list(s.scalars(select(StoredMessage).where(StoredMessage.message_id == message_id)))
    outsiders = [m for m in candidates if m.role == Role.OUTSIDER]
    if not outsiders:
        raise UsageError(f"no message {message} kept apart as an outsider's (see FLAGS in intake-bot status)")
    return outsiders[0]


@dataclass(frozen=True)
class Preview:
    """A mail as `send` sends it: `raw` is the very bytes. `queued` is the id of the reply waiting in
    the outbox that `send` will send; None when nothing is queued: then what `resend` (or the
    decision) would queue now."""

    raw: bytes
    queued: int | None


def preview(
    s: Session,
    settings: Settings,
    reference: str,
    now: datetime,
    decision: str | None = None,
    reason: str | None = None,
) -> Preview:
    """The mail the application gets next: the reply waiting in the outbox, as stored when it was
    queued (its Date and Message-ID included); else the one it would get now (or on `decision`),
    made by the code that queues it."""
    app = find(s, reference)
    if decision is None:
        waiting = s.scalars(
            select(Reply)
            .where(Reply.application_id == app.id, Reply.state.in_(UNSENT))
            .where(Reply.kind.in_([k for k in ReplyKind if k.to_applicant]))
            .order_by(Reply.id.desc())
            .limit(1)
        ).first()
        if waiting is not None:
            return Preview(waiting.raw, waiting.id)
    letter = lifecycle.current_letter(s, settings, app, now, "preview", decision, reason)
    return Preview(letter.rendered.raw, None)


def resend(s: Session, settings: Settings, reference: str, actor: str, now: datetime) -> Reply:
    """Queue what is true now again, with a Message-ID of its own."""
    find(s, reference).new_mail_at = None
    return lifecycle.resend(s, settings, reference, actor, now)
