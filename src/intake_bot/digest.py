"""`digest`: one mail to staff (`[replies] digest_to`) with what needs a person, or none when
nothing does. It goes through the outbox like every other mail.

Its content comes from the same rows as `status` (flags included) and from the messages that
belong to no application: possible applications and quarantined mail. Senders' words (subjects,
reasons) go to staff only, made one clean line each, and are autoescaped in the HTML part.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime, formataddr
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .config import Settings
from .errors import UsageError
from .records import ApplicationStatus, ReplyKind
from .replies import clean_header_text, header_address, mime_bytes, render_template, reply_message_id
from .status import Filters, quarantined_count, status_rows
from .store import repository as repo
from .store.schema import Reply, StoredMessage

POSSIBLE_APPLICATION = "possible_application"  # the reader's disposition for mail a person should judge
LISTED = 50  # messages of each kind named one by one; the rest are counted


@dataclass(frozen=True)
class Digest:
    awaiting_decision: list[dict[str, Any]]  # status rows
    flagged: list[dict[str, Any]]
    possible_applications: list[dict[str, Any]]
    quarantined: list[dict[str, Any]]
    quarantined_total: int

    @property
    def empty(self) -> bool:
        return not (
            self.awaiting_decision or self.flagged or self.possible_applications or self.quarantined_total
        )


def gather(s: Session, now: datetime) -> Digest:
    query = s.connection().exec_driver_sql
    rows = status_rows(query, Filters(), now)
    return Digest(
        awaiting_decision=[r for r in rows if r["status"] == ApplicationStatus.COMPLETE],
        flagged=[r for r in rows if r["flags"]],
        possible_applications=_messages(s, StoredMessage.disposition == POSSIBLE_APPLICATION),
        quarantined=_messages(
            s, StoredMessage.disposition == "quarantined", StoredMessage.dismissed_at.is_(None)
        ),
        quarantined_total=quarantined_count(query),
    )


def queue_digest(s: Session, settings: Settings, now: datetime) -> Reply | None:
    """Queue the digest for `[replies] digest_to`; None when nothing needs a person."""
    if not settings.digest_to:
        raise UsageError("no [replies] digest_to in the configuration: nowhere to send the digest")
    digest = gather(s, now)
    if digest.empty:
        return None
    context = {"d": digest, "now": now.strftime("%Y-%m-%d %H:%M UTC")}
    text = render_template(settings.templates_dir, "digest.txt.j2", context)
    html = render_template(settings.templates_dir, "digest.html.j2", context)
    message_id = reply_message_id(f"digest:{now.isoformat()}", settings.from_address)
    count = len({r["reference"] for r in digest.awaiting_decision + digest.flagged})
    headers = {
        "From": formataddr(("intake-bot", settings.from_address)),
        "To": header_address(settings.digest_to),
        "Subject": f"intake-bot digest: {count} application(s), {_others(digest)} message(s) need a person",
        "Date": format_datetime(now),
        "Message-ID": message_id,
        "Auto-Submitted": "auto-generated",
    }
    return repo.queue_reply(
        s,
        application_id=None,
        kind=ReplyKind.DIGEST,
        to=settings.digest_to,
        message_id=message_id,
        raw=mime_bytes(headers, text, html),
        now=now,
    )


def _others(digest: Digest) -> int:
    return len(digest.possible_applications) + digest.quarantined_total


def _messages(s: Session, *conditions: Any) -> list[dict[str, Any]]:
    found = s.scalars(
        select(StoredMessage)
        .where(*conditions, StoredMessage.application_id.is_(None))
        .order_by(StoredMessage.id)
        .limit(LISTED)
    )
    return [
        {
            "id": m.id,
            "received": f"{m.received_at:%Y-%m-%d}",
            "from": clean_header_text(m.from_address)[:80],
            "subject": clean_header_text(m.subject)[:100],
            "reason": clean_header_text(m.reason)[:160],
        }
        for m in found
    ]
