"""What staff do to an application: decisions, notes, corrections, re-extraction, replies by hand.

Each function works inside the caller's transaction and records who did what in the history.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from .assess import assess
from .config import Settings
from .errors import UsageError
from .fields import FIELDS, statements
from .pipeline import Pipeline, parse_with_limits
from .reader import read
from .records import ReplyKind
from .replies import RenderedReply, ReplyInput, render_reply
from .storage import BlobStore
from .store import repository as repo
from .store.schema import Application, FieldValue, Reply, StoredMessage
from .times import as_utc

DECISIONS = {"approve": "approved", "reject": "rejected", "withdraw": "withdrawn"}
TEXT_FIELDS = ("category", "organization_name", "website_url", "audit_report_url")
CATEGORIES = ("certificate_issuer", "certificate_consumer", "interested_party", "associate_member")


def find(s: Session, reference: str) -> Application:
    app = repo.application_by_reference(s, reference)
    if app is None:
        raise UsageError(f"no application {reference}")
    return app


def decide(s: Session, reference: str, decision: str, reason: str, actor: str, now: datetime) -> Application:
    app = find(s, reference)
    app.status = DECISIONS[decision]
    app.updated_at = now
    repo.add_event(s, app.id, app.status, reason, now, actor=actor)
    return app


def add_note(s: Session, reference: str, text: str, actor: str, now: datetime) -> None:
    app = find(s, reference)
    app.updated_at = now
    repo.add_event(s, app.id, "note", text, now, actor=actor)


def set_field(
    s: Session, pipeline: Pipeline, reference: str, field: str, raw_value: str, actor: str, now: datetime
) -> tuple[str, ...]:
    """A staff correction: kept apart from extracted values, and wins over them."""
    app = find(s, reference)
    value = parse_field_value(field, raw_value)
    repo.add_field_values(s, app.id, None, [(field, value)], "staff", now)
    s.flush()
    repo.add_event(s, app.id, "corrected", f"{field} = {raw_value[:200]}", now, actor=actor)
    return pipeline.reassess(s, app, now).missing


def parse_field_value(field: str, raw_value: str) -> Any:
    if field not in FIELDS:
        raise UsageError(f"unknown field {field!r}; one of: {', '.join(FIELDS)}")
    if field in TEXT_FIELDS:
        value = raw_value.strip() or None
        if field == "category" and value not in (None, *CATEGORIES):
            raise UsageError(f"category must be one of: {', '.join(CATEGORIES)}")
        return value
    try:
        return json.loads(raw_value)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{field} takes a JSON value, e.g. {_json_example(field)}") from exc


def reprocess(s: Session, pipeline: Pipeline, reference: str, actor: str, now: datetime) -> tuple[str, ...]:
    """Extract again from the stored raw messages (after an improvement); no reply is sent."""
    app = find(s, reference)
    blobs = BlobStore(pipeline.settings.storage_path)
    s.execute(delete(FieldValue).where(FieldValue.application_id == app.id, FieldValue.source == "extracted"))
    for msg in _threaded_messages(s, app):
        parsed = parse_with_limits(blobs.get(msg.raw_sha256), pipeline.settings.limits)
        extraction = read(parsed, received_at=as_utc(msg.received_at))
        repo.add_field_values(s, app.id, msg.id, statements(extraction), "extracted", now)
    s.flush()
    missing = pipeline.reassess(s, app, now).missing
    repo.add_event(s, app.id, "reprocessed", f"missing: {', '.join(missing) or 'nothing'}", now, actor=actor)
    return missing


def preview(
    s: Session, settings: Settings, reference: str, now: datetime, seed: str = "preview"
) -> RenderedReply:
    """The reply the application would get now, answering its latest message."""
    app = find(s, reference)
    messages = _threaded_messages(s, app)
    if not messages:
        raise UsageError(f"{reference} has no message to answer")
    last = messages[-1]
    fields = repo.current_fields(s, app.id)
    assessment = assess(
        fields, app.working_group, rules=settings.evidence_rules, received_at=as_utc(app.created_at)
    )
    missing = assessment.missing
    return render_reply(
        ReplyInput(
            kind=ReplyKind.MISSING_ITEMS if missing else ReplyKind.ACKNOWLEDGEMENT,
            reference=app.reference,
            working_group=app.working_group,
            to_address=last.from_address,
            to_name="",
            from_address=settings.from_address,
            in_reply_to=last.message_id,
            references=(),
            items=missing,
            organization_name=fields.get("organization_name"),
            category=fields.get("category"),
            seed=seed,
            now=now,
            problems=assessment.problems,
        ),
        settings.templates_dir,
    )


def resend(s: Session, settings: Settings, reference: str, actor: str, now: datetime) -> Reply:
    """Queue the current reply again, with a Message-ID of its own."""
    app = find(s, reference)
    count = len(app.replies)
    rendered = preview(s, settings, reference, now, seed=f"{app.reference}:resend:{count}:{now.isoformat()}")
    last = _threaded_messages(s, app)[-1]
    reply = repo.queue_reply(
        s,
        application_id=app.id,
        kind=ReplyKind.MISSING_ITEMS if app.missing else ReplyKind.ACKNOWLEDGEMENT,
        to=last.from_address,
        message_id=rendered.message_id,
        raw=rendered.raw,
        now=now,
        in_reply_to=last.message_id,
        items=app.missing or [],
    )
    repo.add_event(s, app.id, "resend", f"{reply.kind} to {reply.to_address}", now, actor=actor)
    return reply


def _threaded_messages(s: Session, app: Application) -> list[StoredMessage]:
    return list(
        s.scalars(
            select(StoredMessage)
            .where(StoredMessage.application_id == app.id, StoredMessage.disposition.in_(repo.THREADED))
            .order_by(StoredMessage.id)
        )
    )


def _json_example(field: str) -> str:
    return {
        "representatives": '\'[{"name": "A B", "email": "a@example.org", "voting": true}]\'',
        "emergency_contact": '\'{"name": null, "email": "sec@example.org", "phone": "+1 555 0100"}\'',
        "certificate_evidence": "'[\"https://crt.sh/?id=123\"]'",
        "ipr_agreement": '\'{"filename": "ipr.pdf", "sha256": "...", "size": 1234}\'',
    }.get(field, "null")
