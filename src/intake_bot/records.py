"""Frozen records passed between the pipeline's stages.

Each stage takes plain data and returns plain data; nothing here touches I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class Category(StrEnum):
    CERTIFICATE_ISSUER = "certificate_issuer"
    CERTIFICATE_CONSUMER = "certificate_consumer"
    INTERESTED_PARTY = "interested_party"
    ASSOCIATE_MEMBER = "associate_member"


class Disposition(StrEnum):
    """What became of one incoming message (export: other_messages.disposition)."""

    APPLICATION = "application"  # opened a new application
    FOLLOW_UP = "follow_up"  # joined an existing application
    NOT_APPLICATION = "not_application"
    POSSIBLE_APPLICATION = "possible_application"  # could not be read with confidence: for a person
    AUTO_REPLY = "auto_reply"
    BOUNCE = "bounce"
    MAILING_LIST = "mailing_list"
    SPAM = "spam"
    DUPLICATE = "duplicate"
    QUARANTINED = "quarantined"
    STAFF = "staff"  # from a staff address, joining no application: left for staff


class Role(StrEnum):
    """Whose words a message on an application carries (export: messages[].role); roles.py decides."""

    APPLICANT = "applicant"  # the applicant, a representative or a colleague: read as application data
    STAFF = "staff"  # a staff address: kept on the application, never read, never answered
    OUTSIDER = "outsider"  # anyone else naming the application: kept apart until staff `accept` it


class FieldSource(StrEnum):
    """Who stated a field's value (field_values.source): staff corrections win over what was read."""

    EXTRACTED = "extracted"  # read from a message
    STAFF = "staff"  # `set`, or `open --category`


class ApplicationStatus(StrEnum):
    """Where an application stands (export: status). The README draws how one moves to another."""

    INCOMPLETE = "incomplete"
    COMPLETE = "complete"
    DORMANT = "dormant"  # reminded max_reminders times, then silent: any applicant mail wakes it
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"

    @property
    def decided(self) -> bool:
        return self in DECIDED


DECIDED = frozenset({ApplicationStatus.APPROVED, ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN})
# Open to the applicant's mail: threaded by sender, reassessed, answered.
OPEN = frozenset({ApplicationStatus.INCOMPLETE, ApplicationStatus.COMPLETE, ApplicationStatus.DORMANT})


# The reason stored with a not_application message that asks how to join: `inbox` lists these for a person.
QUESTION_ABOUT_JOINING = "a question about joining"


class ReplyKind(StrEnum):
    ACKNOWLEDGEMENT = "acknowledgement"
    MISSING_ITEMS = "missing_items"
    REMINDER = "reminder"
    APPROVED = "approved"  # decision mails, named as the status they announce
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    STAFF_NOTIFICATION = "staff_notification"  # to staff: an application became complete
    DIGEST = "digest"  # to staff: what needs a person (no application)

    @property
    def template(self) -> str:
        """The template's name in templates/replies/ (without .txt.j2 / .html.j2)."""
        return f"decision_{self.value}" if self in DECISION_KINDS else self.value

    @property
    def to_applicant(self) -> bool:
        return self not in (ReplyKind.STAFF_NOTIFICATION, ReplyKind.DIGEST)


DECISION_KINDS = frozenset({ReplyKind.APPROVED, ReplyKind.REJECTED, ReplyKind.WITHDRAWN})


class ReplyState(StrEnum):
    """An outgoing message's way through the outbox (export: replies[].state)."""

    QUEUED = "queued"
    SENDING = "sending"  # claimed by one sender (claimed_by), lease in next_attempt_at
    SENT = "sent"
    FAILED = "failed"  # refused for good, or too many attempts: for staff
    BOUNCED = "bounced"  # accepted, then a delivery report came back
    SUPERSEDED = "superseded"  # a newer reply, or a decision, made it stale before it went: never sent


UNSENT = (ReplyState.QUEUED, ReplyState.SENDING)


@dataclass(frozen=True)
class Attachment:
    """One attachment as found in the message; `filename` is already made safe."""

    filename: str
    content_type: str  # detected from the bytes where possible, else the declared type
    payload: bytes = field(repr=False)
    sha256: str
    size: int


@dataclass(frozen=True)
class ParsedEmail:
    message_id: str  # with angle brackets; synthesised from the content when absent
    subject: str
    from_name: str
    from_address: str  # lower case; "" when there is none usable
    to: tuple[str, ...]
    cc: tuple[str, ...]
    date: datetime | None
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    headers: dict[str, str]  # lower-case name -> all values joined by "\n"
    text: str  # the readable body: text/plain, or the HTML part turned into text
    html: str
    attachments: tuple[Attachment, ...]
    content_type: str
    defects: tuple[str, ...] = ()

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


@dataclass(frozen=True)
class Classification:
    disposition: Disposition  # APPLICATION means "could be one"; the pipeline decides on threading
    reason: str
    automated: bool  # an automatic message (bounce, auto-reply, list): never answered


@dataclass(frozen=True)
class Representative:
    name: str | None
    email: str
    voting: bool = False


@dataclass(frozen=True)
class EmergencyContact:
    name: str | None = None
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class IprAgreement:
    """A document sent as the IPR Policy Agreement, with what was found on it.

    `problems` make it insufficient whatever the date (unsigned, unreadable, another form);
    `review` needs a person but does not make it missing (a scan, a parent company's name).
    Whether the version is still accepted depends on the date: that is for `assess`.
    """

    filename: str
    sha256: str
    size: int
    version: str | None = None
    kind: str = "ipr_agreement"  # ipr_agreement | scan | invited_experts_agreement | patent_exclusion_notice | other | unreadable
    signature: str | None = None  # "digital" | "signature block" | None
    dated: bool = False
    organization: str | None = None  # "Participant Organization Name" as written on it
    problems: tuple[str, ...] = ()
    review: tuple[str, ...] = ()
    sent_at: str | None = None  # ISO 8601: when the message carrying it was sent
    position: int = 0  # which attachment of its message, from 1: a reply names it so, never by file name
    content_type: str = ""


@dataclass(frozen=True)
class CertificateInfo:
    """The facts of one X.509 certificate; what they mean for a working group is for `assess`."""

    subject: str
    issuer: str
    serial: str  # hex, upper case
    sha256: str  # hex, upper case
    not_before: str  # ISO 8601, UTC
    not_after: str
    ekus: tuple[str, ...] = ()  # dotted OIDs
    policies: tuple[str, ...] = ()  # dotted OIDs
    email_sans: tuple[str, ...] = ()  # rfc822Name and SmtpUTF8Mailbox values
    is_ca: bool = False
    self_signed: bool = False


@dataclass(frozen=True)
class CertificateFinding:
    """One piece of certificate evidence (a reference in `certificate_evidence`) and what it holds.

    source: attachment | pasted | signature (the message's own S/MIME signature) | crt.sh | fingerprint.
    crt.sh links and fingerprints cannot be checked offline: they hold no certificates and count as given.
    """

    reference: str
    source: str
    certificates: tuple[CertificateInfo, ...] = ()
    problems: tuple[str, ...] = ()  # about the reference itself (unreadable file ...)
    checked_at: str | None = None  # ISO 8601: when it was sent, the time validity is judged at
    serial: str | None = None  # as stated next to a fingerprint
    position: int = 0  # an attached file: which attachment of its message, from 1 (replies name it so)


@dataclass(frozen=True)
class IssuerTestSites:
    """Server Certificate WG issuers: test sites with a valid, a revoked and an expired certificate."""

    valid: str | None = None
    revoked: str | None = None
    expired: str | None = None


@dataclass(frozen=True)
class Extraction:
    """What one message states. None (or empty) means the message did not say."""

    category: Category | None = None
    organization_name: str | None = None
    website_url: str | None = None
    representatives: tuple[Representative, ...] = ()
    emergency_contact: EmergencyContact | None = None
    audit_report_url: str | None = None
    certificate_evidence: tuple[str, ...] = ()
    ipr_agreement: IprAgreement | None = None
    working_group: str | None = None
    certificate_findings: tuple[CertificateFinding, ...] = ()  # details of certificate_evidence
    test_websites: IssuerTestSites | None = None
    # "John Smith will be our voting representative", no address: names one given in an earlier message
    voting_name: str | None = None
    # (item code, JSON value) of catalogued items this record has no field for (items.Item.reader)
    others: tuple[tuple[str, Any], ...] = ()

    def stated(self) -> dict[str, object]:
        """The fields this message actually states, by export name."""
        values = {
            "category": self.category,
            "organization_name": self.organization_name,
            "website_url": self.website_url,
            "representatives": self.representatives,
            "emergency_contact": self.emergency_contact,
            "audit_report_url": self.audit_report_url,
            "certificate_evidence": self.certificate_evidence,
            "ipr_agreement": self.ipr_agreement,
            "test_websites": self.test_websites,
        }
        return {k: v for k, v in [*values.items(), *self.others] if v}


@dataclass(frozen=True)
class ThreadClues:
    """What ties a message to an application (thread.py reads them, the parent looks them up)."""

    references: tuple[str, ...]  # application references named in the subject (or the body)
    message_ids: tuple[str, ...]  # In-Reply-To and References
    sender: str
    colleague_domain: str | None  # the sender's domain, unless it is a freemail domain


NO_CLUES = ThreadClues((), (), "", None)


@dataclass(frozen=True)
class Person:
    """Someone mail is read from and answered to: a display name (maybe empty) and an address."""

    name: str
    address: str


@dataclass(frozen=True)
class Bounce:
    """What a delivery report says of our replies: their Message-IDs and its own words."""

    reply_ids: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class Reading:
    """All that the untrusted stages (parse, classify, read, thread clues; in the worker) made of
    one message: the parent only looks its plain data up in the database."""

    parsed: ParsedEmail
    verdict: Classification
    extraction: Extraction | None  # None for automatic mail (bounces, auto-replies, lists): not read
    judgement: Classification | None  # application or not, on its own (when no application threads it)
    working_groups: frozenset[str]  # the working groups its subject and text name
    clues: ThreadClues = NO_CLUES  # the sender's included; the parent drops it for staff mail
    forwarded: Person | None = None  # staff mail: whose message a staff member forwarded
    bounce: Bounce | None = None  # a delivery report
    dkim_domains: tuple[str, ...] = ()  # [intake] verify_dkim: domains of the From's verified signatures


@dataclass(frozen=True)
class Assessment:
    missing: tuple[str, ...]  # item codes, in the profile's order
    # item code -> what was wrong with what was sent for it (the item stays missing)
    problems: dict[str, tuple[str, ...]] = field(default_factory=dict)
    review: tuple[str, ...] = ()  # for a person to look at; not missing

    @property
    def complete(self) -> bool:
        return not self.missing
