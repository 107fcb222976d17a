"""The tracking database: SQLAlchemy 2 models. The schema itself is made only by migrations.

Columns that hold text read from mail have a `Clean...` type: control characters are removed from
every value written to them (cleantext.strip_controls), whichever code path writes it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    func,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from ..cleantext import clean_value, strip_controls


class CleanString(TypeDecorator[str]):
    """VARCHAR whose values are stored without control characters."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else strip_controls(value)


class CleanText(CleanString):
    impl = Text
    cache_ok = True


class CleanJSON(TypeDecorator[Any]):
    """JSON whose strings are stored without control characters."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        return clean_value(value)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: DateTime(timezone=True), dict[str, Any]: JSON, list[Any]: JSON}


class Application(Base):
    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    working_group: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), index=True)  # a records.ApplicationStatus
    applicant_email: Mapped[str] = mapped_column(CleanString(320), index=True)
    applicant_domain: Mapped[str] = mapped_column(CleanString(255), index=True)
    missing: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # What the status table shows, kept with each assessment (migration 0007): a listing of
    # thousands then reads one table instead of folding every field statement and assessing again.
    organization_name: Mapped[str | None] = mapped_column(CleanText)
    category: Mapped[str | None] = mapped_column(String(40))
    needs_review: Mapped[bool] = mapped_column(default=False, server_default=false())
    # An applicant message that came after the decision, for staff to read (flag `new-mail`);
    # cleared by the next staff command on the application (migration 0008).
    new_mail_at: Mapped[datetime | None]

    messages: Mapped[list[StoredMessage]] = relationship(
        back_populates="application", order_by="StoredMessage.id"
    )
    field_values: Mapped[list[FieldValue]] = relationship(order_by="FieldValue.id")
    replies: Mapped[list[Reply]] = relationship(order_by="Reply.id")
    events: Mapped[list[Event]] = relationship(order_by="Event.id")


class StoredMessage(Base):
    """Every incoming message, whatever became of it; the raw bytes live in storage."""

    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_message_id", "message_id"),
        Index(
            "uq_messages_first_copy",
            "message_id",
            "fingerprint",
            unique=True,
            sqlite_where=text("duplicate_of IS NULL AND disposition <> 'quarantined'"),
            postgresql_where=text("duplicate_of IS NULL AND disposition <> 'quarantined'"),
        ),
        # the status table's `outsider` flag (migration 0010)
        Index(
            "ix_messages_outsider",
            "application_id",
            sqlite_where=text("role = 'outsider'"),
            postgresql_where=text("role = 'outsider'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(CleanString(998))
    raw_sha256: Mapped[str] = mapped_column(String(64), index=True)
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)  # content without trace headers
    size: Mapped[int] = mapped_column(Integer)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), index=True)
    disposition: Mapped[str] = mapped_column(String(20), index=True)
    reason: Mapped[str] = mapped_column(CleanText, default="")
    from_address: Mapped[str] = mapped_column(CleanString(320), default="")
    subject: Mapped[str] = mapped_column(CleanText, default="")
    received_at: Mapped[datetime]
    processed_at: Mapped[datetime]
    duplicate_of: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    # A quarantined message staff dismissed: kept, no longer listed or counted as stuck.
    dismissed_at: Mapped[datetime | None] = mapped_column(default=None)
    dismissed_by: Mapped[str | None] = mapped_column(String(200), default=None)
    dismissal_reason: Mapped[str | None] = mapped_column(Text, default=None)
    # records.Role on an application: whose words these are (roles.py); None for mail on none
    role: Mapped[str | None] = mapped_column(String(20))

    application: Mapped[Application | None] = relationship(back_populates="messages")
    attachments: Mapped[list[StoredAttachment]] = relationship(order_by="StoredAttachment.id")


class StoredAttachment(Base):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)
    filename: Mapped[str] = mapped_column(CleanString(255))
    content_type: Mapped[str] = mapped_column(CleanString(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)


class FieldValue(Base):
    """One statement of one field: extracted from a message, or a staff correction."""

    __tablename__ = "field_values"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    field: Mapped[str] = mapped_column(String(40))
    value: Mapped[dict[str, Any]] = mapped_column(CleanJSON)  # {"v": <json value>}
    source: Mapped[str] = mapped_column(String(20))  # records.FieldSource
    created_at: Mapped[datetime]


class Reply(Base):
    """The outbox: a reply is queued in the same transaction as the change that caused it."""

    __tablename__ = "replies"
    __table_args__ = (UniqueConstraint("answers_message_id", name="uq_replies_answers_message"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # None for mail to staff about no one application (the digest; migration 0008)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), index=True)
    answers_message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    kind: Mapped[str] = mapped_column(String(20))
    to_address: Mapped[str] = mapped_column(CleanString(320))
    # What the rate limit counts (migration 0008): the mailbox (lower case, no +tag) and the domain.
    to_mailbox: Mapped[str] = mapped_column(String(320), default="", server_default="")
    to_domain: Mapped[str] = mapped_column(String(255), default="", server_default="")
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    in_reply_to: Mapped[str] = mapped_column(CleanString(998), default="")
    items: Mapped[list[Any]] = mapped_column(default=list)
    raw: Mapped[bytes] = mapped_column()
    state: Mapped[str] = mapped_column(String(20), index=True)  # a records.ReplyState
    claimed_by: Mapped[str | None] = mapped_column(String(200))  # host:pid while state is "sending"
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(CleanText, default="")
    next_attempt_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class Event(Base):
    """The history of an application: who did what, when."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(CleanText, default="")


class Mailbox(Base):
    """An IMAP folder the bot reads, and the moment from which it answers mail there."""

    __tablename__ = "mailboxes"
    __table_args__ = (UniqueConstraint("account", "folder", name="uq_mailboxes_account_folder"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account: Mapped[str] = mapped_column(String(400))  # user@host:port
    folder: Mapped[str] = mapped_column(String(400))
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    start_at: Mapped[datetime]
    # UIDNEXT at the first poll (no `since` configured): below it is history. None after a renumbering.
    start_uid: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime]


class ProcessedKey(Base):
    """One delivery processed, named by its source (sources.SourceKey): written in the same transaction
    as its message, so that a source offering it again is told it was processed (migration 0012)."""

    __tablename__ = "processed_keys"
    __table_args__ = (UniqueConstraint("source", "key", name="uq_processed_keys_source_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(20))  # a sources.Source
    key: Mapped[str] = mapped_column(String(255))
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"))


class ImapUid(Base):
    """The IMAP source's own record of a processed (folder, UIDVALIDITY, UID), beside its ProcessedKey:
    the highest UID read, and whether the keyword is still to be set on the server."""

    __tablename__ = "imap_uids"
    __table_args__ = (UniqueConstraint("mailbox_id", "uidvalidity", "uid", name="uq_imap_uids_mailbox_uid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mailbox_id: Mapped[int] = mapped_column(ForeignKey("mailboxes.id"))
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    uid: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"))
    flag_pending: Mapped[bool]  # True until the keyword is set on the server (after the commit)


# The rate limit counts replies to a mailbox and to a domain (migration 0008); the sender's open
# applications are looked up lower-cased (migration 0006).
Index("ix_replies_to_mailbox", Reply.to_mailbox, Reply.created_at)
Index("ix_replies_to_domain", Reply.to_domain, Reply.created_at)
Index("ix_applications_applicant_email_lower", func.lower(Application.applicant_email))


class PollHealth(Base):
    """Per host: when a poll last succeeded, and the last error (health.py)."""

    __tablename__ = "poll_health"

    host: Mapped[str] = mapped_column(String(200), primary_key=True)
    last_success_at: Mapped[datetime | None] = mapped_column(default=None)
    last_error_at: Mapped[datetime | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
