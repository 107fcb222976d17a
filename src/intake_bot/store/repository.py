"""Queries and writes over the tracking database; callers own the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Row, Table, bindparam, func, inspect, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from ..fields import Fields, fold
from ..recipients import recipient_domain, recipient_mailbox
from ..records import OPEN, UNSENT, FieldSource, ReplyKind, ReplyState
from .schema import Application, Event, FieldValue, ProcessedKey, Reply, StoredAttachment, StoredMessage

OPEN_STATUSES = tuple(sorted(OPEN))
THREADED = ("application", "follow_up")


# The queries every message makes are built once, with bound parameters: building and coercing a
# statement costs SQLAlchemy more than SQLite takes to run it (~330 against ~130 us a query).
_DUPLICATE = (
    select(StoredMessage.id, StoredMessage.application_id)
    .where(StoredMessage.message_id == bindparam("mid"), StoredMessage.fingerprint == bindparam("fp"))
    .where(StoredMessage.disposition != "quarantined", StoredMessage.duplicate_of.is_(None))
    .order_by(StoredMessage.id)
    .limit(1)
)
_QUARANTINED_COPY = (
    select(StoredMessage)
    .where(StoredMessage.raw_sha256 == bindparam("sha"), StoredMessage.disposition == "quarantined")
    .where(StoredMessage.dismissed_at.is_(None))
    .order_by(StoredMessage.id)
    .limit(1)
)
_BY_REFERENCE = select(Application).where(func.upper(Application.reference) == bindparam("ref"))
_ID_BY_REFERENCE = select(Application.id).where(func.upper(Application.reference) == bindparam("ref"))
_MESSAGE_APPLICATION = (
    select(StoredMessage.application_id)
    .where(
        StoredMessage.message_id.in_(bindparam("ids", expanding=True)),
        StoredMessage.application_id.is_not(None),
    )
    .limit(1)
)
_REPLY_APPLICATION = (
    select(Reply.application_id).where(Reply.message_id.in_(bindparam("ids", expanding=True))).limit(1)
)
_OPEN = select(Application.id).where(Application.status.in_(OPEN_STATUSES)).order_by(Application.id)
_OPEN_FOR_SENDER = _OPEN.where(func.lower(Application.applicant_email) == bindparam("sender"))
_OPEN_FOR_DOMAIN = _OPEN.where(Application.applicant_domain == bindparam("domain"))
_REFERENCES_LIKE = (
    select(func.count()).select_from(Application).where(Application.reference.like(bindparam("pattern")))
)
_FIELDS = (
    select(FieldValue.field, FieldValue.value, FieldValue.source)
    .where(FieldValue.application_id == bindparam("app"))
    .order_by(FieldValue.id)
)
_REPLIES_SINCE = select(  # both rate limits' counts in one round trip
    select(func.count())
    .select_from(Reply)
    .where(Reply.to_mailbox == bindparam("mailbox"), Reply.created_at >= bindparam("since"))
    .scalar_subquery(),
    select(func.count())
    .select_from(Reply)
    .where(Reply.to_domain == bindparam("domain"), Reply.created_at >= bindparam("since"))
    .scalar_subquery(),
)
# Rows nothing reads back as objects in the same transaction go in through Core, not the ORM's unit
# of work (64 against ~220 us a row); the application they belong to is always flushed by then. The
# queries of every message run on the session's connection too: the ORM's execution (and its
# autoflush) costs more than the query, and what they look for is never left unflushed.
_INSERT_FIELD_VALUES = cast(Table, FieldValue.__table__).insert()
_INSERT_EVENT = cast(Table, Event.__table__).insert()
_INSERT_MESSAGE = cast(Table, StoredMessage.__table__).insert()
_INSERT_ATTACHMENT = cast(Table, StoredAttachment.__table__).insert()
_INSERT_PROCESSED = cast(Table, ProcessedKey.__table__).insert()
_REPLIES = cast(Table, Reply.__table__)
_INSERT_REPLY = _REPLIES.insert()
_SUPERSEDE = (
    _REPLIES.update()
    .where(
        _REPLIES.c.application_id == bindparam("app"),
        _REPLIES.c.state.in_(UNSENT),
        _REPLIES.c.kind.in_(bindparam("kinds", expanding=True)),
    )
    .values(state=ReplyState.SUPERSEDED, claimed_by=None, next_attempt_at=None)
)
_SUPERSEDED = {"state": ReplyState.SUPERSEDED, "claimed_by": None, "next_attempt_at": None}
_PROCESSED = select(ProcessedKey.message_id).where(
    ProcessedKey.source == bindparam("source"), ProcessedKey.key == bindparam("key")
)


def find_duplicate(s: Session, message_id: str, fingerprint: str) -> Row[int, int | None] | None:
    """The first stored copy of this message (id, application_id): same Message-ID and the same content."""
    return s.connection().execute(_DUPLICATE, {"mid": message_id, "fp": fingerprint}).first()


def application_by_reference(s: Session, reference: str) -> Application | None:
    return s.scalars(_BY_REFERENCE, {"ref": reference.upper()}).first()


def application_id_by_reference(s: Session, reference: str) -> int | None:
    return s.connection().scalars(_ID_BY_REFERENCE, {"ref": reference.upper()}).first()


def application_by_message_ids(s: Session, ids: Sequence[str]) -> int | None:
    """An application holding any of these Message-IDs: incoming messages or our own replies."""
    found = s.connection().scalars(_MESSAGE_APPLICATION, {"ids": list(ids)}).first()
    if found is not None:
        return found
    return s.connection().scalars(_REPLY_APPLICATION, {"ids": list(ids)}).first()


def open_applications_for(s: Session, *, sender: str | None = None, domain: str | None = None) -> list[int]:
    if sender:
        return list(s.connection().scalars(_OPEN_FOR_SENDER, {"sender": sender.lower()}))
    if domain:
        return list(s.connection().scalars(_OPEN_FOR_DOMAIN, {"domain": domain.lower()}))
    return list(s.connection().scalars(_OPEN))


def next_reference(s: Session, working_group: str, year: int) -> str:
    prefix = f"{working_group}-{year}-"
    count = s.connection().scalar(_REFERENCES_LIKE, {"pattern": f"{prefix}%"})
    return f"{prefix}{(count or 0) + 1:04d}"


def current_fields(s: Session, application_id: int) -> Fields:
    return fold(*field_statements(s, application_id))


def field_statements(s: Session, application_id: int) -> tuple[list[tuple[str, Any]], list[tuple[str, Any]]]:
    """The application's statements in order, (extracted, staff): what `fields.fold` takes."""
    rows = s.connection().execute(_FIELDS, {"app": application_id}).all()
    extracted = [(name, value["v"]) for name, value, source in rows if source == FieldSource.EXTRACTED]
    staff = [(name, value["v"]) for name, value, source in rows if source == FieldSource.STAFF]
    return extracted, staff


def add_field_values(
    s: Session,
    app_id: int,
    msg_id: int | None,
    values: list[tuple[str, Any]],
    source: FieldSource,
    now: datetime,
) -> None:
    if not values:
        return
    rows = [
        {
            "application_id": app_id,
            "message_id": msg_id,
            "field": name,
            "value": {"v": value},
            "source": source,
            "created_at": now,
        }
        for name, value in values
    ]
    s.connection().execute(_INSERT_FIELD_VALUES, rows)


def add_event(
    s: Session, app_id: int, kind: str, detail: str, now: datetime, actor: str = "intake-bot"
) -> None:
    row = {"application_id": app_id, "at": now, "actor": actor, "kind": kind, "detail": detail}
    s.connection().execute(_INSERT_EVENT, row)


def queue_reply(
    s: Session,
    *,
    application_id: int | None,
    kind: ReplyKind,
    to: str,
    message_id: str,
    raw: bytes,
    now: datetime,
    in_reply_to: str = "",
    items: Sequence[str] = (),
    answers: int | None = None,
    superseding: bool = True,
) -> Reply:
    """Put a rendered message in the outbox (the caller's transaction sends it or neither).

    A reply to the applicant makes their older unsent replies stale: they are superseded, never sent.
    SUPERSEDING False: the application was opened in this transaction, so it has no older reply."""
    reply_id = insert_reply(
        s,
        application_id=application_id,
        kind=kind,
        to=to,
        message_id=message_id,
        raw=raw,
        now=now,
        in_reply_to=in_reply_to,
        items=items,
        answers=answers,
        superseding=superseding,
    )
    reply = s.get(Reply, reply_id)
    assert reply is not None
    return reply


def insert_reply(
    s: Session,
    *,
    application_id: int | None,
    kind: ReplyKind,
    to: str,
    message_id: str,
    raw: bytes,
    now: datetime,
    in_reply_to: str = "",
    items: Sequence[str] = (),
    answers: int | None = None,
    superseding: bool = True,
) -> int:
    """queue_reply() through Core, for the pipeline: its id, no object."""
    if application_id is not None and kind.to_applicant and superseding:
        supersede(s, application_id, kinds=[k for k in ReplyKind if k.to_applicant])
    row = {
        "application_id": application_id,
        "answers_message_id": answers,
        "kind": kind,
        "to_address": to,
        "to_mailbox": recipient_mailbox(to),
        "to_domain": recipient_domain(to),
        "message_id": message_id,
        "in_reply_to": in_reply_to,
        "items": list(items),
        "raw": raw,
        "state": ReplyState.QUEUED,
        "attempts": 0,
        "last_error": "",
        "created_at": now,
    }
    return _inserted_id(s, _INSERT_REPLY, row)


def insert_message(s: Session, values: dict[str, Any]) -> int:
    """A new message row (a StoredMessage's columns); its id."""
    return _inserted_id(s, _INSERT_MESSAGE, values)


def add_attachments(s: Session, message_id: int, attachments: Sequence[dict[str, Any]]) -> None:
    """Attachment rows of a message (filename, content_type, sha256, size each)."""
    if attachments:
        s.connection().execute(_INSERT_ATTACHMENT, [{"message_id": message_id, **a} for a in attachments])


def _inserted_id(s: Session, insert: Any, row: dict[str, Any]) -> int:
    key = s.connection().execute(insert, row).inserted_primary_key
    assert key is not None
    return int(key[0])


def supersede(s: Session, application_id: int, kinds: Sequence[ReplyKind] = tuple(ReplyKind)) -> None:
    """Mark the application's unsent replies of these kinds superseded. A reply a sender has claimed
    ('sending') is included: the sender checks again just before it sends (outbox._confirm), and a
    claim left by a killed sender must not come back to life as a stale reply.

    One Core UPDATE (the ORM's bulk update with "fetch" cost ~2 ms a message); the replies this
    session holds are brought up to date here, as the ORM's synchronisation would."""
    if any(isinstance(obj, Reply) for obj in (*s.new, *s.dirty)):
        s.flush()  # an unflushed reply would escape the UPDATE
    s.connection().execute(_SUPERSEDE, {"app": application_id, "kinds": list(kinds)})
    for obj in list(s.identity_map.values()):
        if not isinstance(obj, Reply):
            continue
        loaded = inspect(obj).dict  # what is loaded: an expired reply is read again from the database
        mine = loaded.get("application_id") == application_id and loaded.get("kind") in kinds
        if mine and loaded.get("state") in UNSENT:
            for name, value in _SUPERSEDED.items():
                set_committed_value(obj, name, value)


def replies_since(s: Session, address: str, since: datetime) -> tuple[int, int]:
    """Replies queued since then to this address's mailbox (whatever its case or +tag), and to any
    address at its domain."""
    params = {"mailbox": recipient_mailbox(address), "domain": recipient_domain(address), "since": since}
    mailbox, domain = s.connection().execute(_REPLIES_SINCE, params).one()
    return mailbox or 0, domain or 0


def processed_message(s: Session, source: str, key: str) -> int | None:
    """The message row already recorded for this delivery (a source and its key), if any."""
    return s.connection().scalars(_PROCESSED, {"source": source, "key": key}).first()


def record_processed(s: Session, source: str, key: str, message_row_id: int) -> None:
    s.connection().execute(_INSERT_PROCESSED, {"source": source, "key": key, "message_id": message_row_id})


def day_ago(now: datetime) -> datetime:
    return now - timedelta(days=1)


def quarantined_copy(s: Session, raw_sha: str) -> StoredMessage | None:
    """The quarantined, undismissed message with exactly these bytes, if any."""
    return s.scalars(_QUARANTINED_COPY, {"sha": raw_sha}).first()
