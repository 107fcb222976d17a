"""The messages that need a person and belong to no application: possible applications (mail the reader
could not read with confidence) and questions from would-be applicants. `open_message` makes an
application of one, which then gets its reply as usual.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from .errors import UsageError
from .pipeline import Outcome, Pipeline
from .records import QUESTION_ABOUT_JOINING, Disposition
from .store.schema import StoredMessage

CATEGORIES = ("certificate_issuer", "certificate_consumer", "interested_party", "associate_member")

_NEEDS_A_PERSON = and_(
    StoredMessage.application_id.is_(None),
    StoredMessage.duplicate_of.is_(None),
    or_(
        StoredMessage.disposition == Disposition.POSSIBLE_APPLICATION,
        and_(
            StoredMessage.disposition == Disposition.NOT_APPLICATION,
            StoredMessage.reason == QUESTION_ABOUT_JOINING,
        ),
    ),
)


def waiting(s: Session) -> list[StoredMessage]:
    """Oldest first: the order a person works through them."""
    return list(s.scalars(select(StoredMessage).where(_NEEDS_A_PERSON).order_by(StoredMessage.id)))


def rows(messages: list[StoredMessage]) -> list[dict[str, Any]]:
    from .export import iso

    return [
        {
            "id": m.id,
            "received_at": iso(m.received_at),
            "message_id": m.message_id,
            "from": m.from_address,
            "subject": m.subject,
            "disposition": m.disposition,
            "why": m.reason,
        }
        for m in messages
    ]


def find(s: Session, key: str) -> StoredMessage:
    """The inbox message by its id in the inbox, or its Message-ID with or without angle brackets."""
    key = key.strip()
    if key.isdigit():
        found = s.get(StoredMessage, int(key))
    else:
        message_id = key if key.startswith("<") else f"<{key}>"
        found = s.scalars(
            select(StoredMessage).where(StoredMessage.message_id == message_id).order_by(StoredMessage.id)
        ).first()
    if found is None:
        raise UsageError(f"no message {key}")
    if found.application_id is not None or found.duplicate_of is not None:
        raise UsageError(f"message {key} already belongs to an application (or is a copy of one)")
    if (
        s.scalars(select(StoredMessage.id).where(_NEEDS_A_PERSON, StoredMessage.id == found.id)).first()
        is None
    ):
        raise UsageError(f"message {key} is not in the inbox (it is {found.disposition}: {found.reason})")
    return found


def open_message(
    s: Session, pipeline: Pipeline, key: str, category: str | None, actor: str, now: datetime
) -> Outcome:
    """Make an application of one inbox message; it gets its reply as usual."""
    if category is not None and category not in CATEGORIES:
        raise UsageError(f"category must be one of: {', '.join(CATEGORIES)}")
    return pipeline.open_by_hand(s, find(s, key), category, actor, now)
