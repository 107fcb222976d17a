"""Jinja2 over templates/replies/ -> the raw bytes of an outgoing reply.

Applicant text is only ever template *data*: it is autoescaped in HTML, never compiled as a
template, and never becomes a header without losing its line breaks.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from email_validator import EmailNotValidError, validate_email
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape

from .paths import data_dir
from .records import ReplyKind

WORKING_GROUP_NAMES = {
    "SMCWG": "S/MIME Certificate Working Group",
    "SCWG": "Server Certificate Working Group",
    "CSCWG": "Code Signing Certificate Working Group",
    "NETSEC": "Network Security Working Group",
    "NSWG": "Network Security Working Group",  # what extract.working_group returns
}
CATEGORY_LABELS = {
    "certificate_issuer": "Certificate Issuer",
    "certificate_consumer": "Certificate Consumer",
    "interested_party": "Interested Party",
    "associate_member": "Associate Member",
}
_UNSAFE_HEADER = re.compile(r"[\x00-\x1f\x7f]+")


@dataclass(frozen=True)
class ReplyInput:
    """Everything a reply is made of; all of it plain data."""

    kind: ReplyKind
    reference: str
    working_group: str
    to_address: str
    to_name: str
    from_address: str
    subject: str  # the subject of the message being answered
    in_reply_to: str
    references: tuple[str, ...]
    items: tuple[str, ...]
    organization_name: str | None
    category: str | None
    seed: str  # stable per answered message, so the Message-ID is the same after a retry
    now: datetime
    # item code -> what was wrong with what the applicant sent for it (Assessment.problems)
    problems: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class RenderedReply:
    message_id: str
    raw: bytes


def render_reply(reply: ReplyInput, templates_dir: Path | None = None) -> RenderedReply:
    env = _environment(templates_dir)
    context = {
        "name": clean_header_text(reply.to_name)[:80],
        "reference": reply.reference,
        "working_group_name": WORKING_GROUP_NAMES.get(reply.working_group, reply.working_group),
        "items": list(reply.items),
        "problems": {code: list(why) for code, why in reply.problems.items() if code in reply.items and why},
        "wg": reply.working_group,
        "organization_name": reply.organization_name,
        "category_label": CATEGORY_LABELS.get(reply.category or "", "category not yet known"),
    }
    text = env.get_template(f"{reply.kind.value}.txt.j2").render(context)
    html = env.get_template(f"{reply.kind.value}.html.j2").render(context)
    message_id = reply_message_id(reply.seed, reply.from_address)
    msg = EmailMessage(policy=SMTP)
    msg["From"] = Address("CA/Browser Forum", addr_spec=reply.from_address)
    msg["To"] = single_address(reply.to_address)
    msg["Subject"] = reply_subject(reply.subject, reply.reference)
    msg["Date"] = format_datetime(reply.now)
    msg["Message-ID"] = message_id
    if reply.in_reply_to:
        msg["In-Reply-To"] = reply.in_reply_to
    refs = [r for r in (*reply.references, reply.in_reply_to) if r]
    if refs:
        msg["References"] = " ".join(dict.fromkeys(refs))
    msg["Auto-Submitted"] = "auto-replied"
    msg["X-Auto-Response-Suppress"] = "All"
    msg["Precedence"] = "auto_reply"
    msg["X-Intake-Reference"] = reply.reference
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    return RenderedReply(message_id=message_id, raw=msg.as_bytes())


def render_staff_notification(
    reference: str, working_group: str, fields: Mapping[str, Any], settings: Any, now: datetime, seed: str
) -> RenderedReply:
    """A plain-text note to staff that an application is complete, with its summary."""
    env = _environment(settings.templates_dir)
    text = env.get_template("staff_notification.txt.j2").render(
        reference=reference,
        working_group_name=WORKING_GROUP_NAMES.get(working_group, working_group),
        category_label=CATEGORY_LABELS.get(fields.get("category") or "", "unknown"),
        fields=fields,
    )
    message_id = reply_message_id(seed, settings.from_address)
    msg = EmailMessage(policy=SMTP)
    msg["From"] = Address("intake-bot", addr_spec=settings.from_address)
    msg["To"] = single_address(settings.notify_address)
    msg["Subject"] = f"[{reference}] complete: {clean_header_text(fields.get('organization_name') or '?')}"[
        :200
    ]
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = message_id
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Intake-Reference"] = reference
    msg.set_content(text)
    return RenderedReply(message_id=message_id, raw=msg.as_bytes())


def reply_message_id(seed: str, from_address: str) -> str:
    domain = from_address.rpartition("@")[2] or "intake-bot.invalid"
    token = hashlib.sha256(seed.encode("utf-8")).hexdigest()[:24]
    return f"<intake.{token}@{domain}>"


def reply_subject(original: str, reference: str) -> str:
    subject = clean_header_text(original)
    subject = re.sub(r"^\s*((re|aw|sv|fw|fwd|wg)\s*:\s*)+", "", subject, flags=re.I)
    subject = subject.replace(f"[{reference}]", "").strip()
    return f"Re: [{reference}] {subject}"[:200].rstrip() if subject else f"[{reference}] Your application"


def clean_header_text(value: str) -> str:
    """Text from an applicant, made safe for a header: no line breaks or control characters."""
    return " ".join(_UNSAFE_HEADER.sub(" ", value or "").split())


def single_address(value: str) -> str:
    """Exactly one valid address, or a ValueError: never a second recipient smuggled in."""
    value = clean_header_text(value)
    if any(c in value for c in ",;<>\"'() "):
        raise ValueError(f"not a single plain address: {value!r}")
    try:
        return validate_email(value, check_deliverability=False, test_environment=True).normalized
    except EmailNotValidError as exc:
        raise ValueError(f"not a valid address: {value!r}") from exc


@lru_cache(maxsize=8)
def _environment(templates_dir: Path | None) -> Environment:
    """One environment per template folder: Jinja2 then compiles each template once per process."""
    loaders = [FileSystemLoader(str(templates_dir))] if templates_dir else []
    loaders.append(FileSystemLoader(str(data_dir("templates/replies"))))
    return Environment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(enabled_extensions=("html.j2", "html"), default_for_string=False),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
