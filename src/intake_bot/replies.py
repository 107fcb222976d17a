"""Jinja2 over templates/replies/ -> the raw bytes of an outgoing reply.

A reply may reach someone who never wrote to us (a forged From), so it echoes nothing the sender
chose: the subject is fixed (`reply_subject`), the greeting names a person only when the display
name reads as a plain name (`greeting`), the organisation is named only when it reads as plain text
(`cleantext.plain_organization`, else "your organisation"), attachments are named by position and
kind, never by file name (`cleantext.describe_attachment`, in the problems `assess` words), and
neither the incoming subject nor the display name is quoted anywhere. Every reply kind renders through `render_reply`, which sets both; a new template
writes `{{ greeting }}` as its first line. Applicant text that does reach a template is only ever
*data*: autoescaped in HTML, never compiled as a template, never a header line of its own.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.charset import QP, Charset
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import Compat32
from email.utils import format_datetime, formataddr
from functools import lru_cache
from pathlib import Path
from typing import Any

from email_validator import EmailNotValidError, ValidatedEmail, validate_email
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape

from .cleantext import clean_value, plain_organization, plain_within
from .paths import data_dir
from .records import ReplyKind

WORKING_GROUP_NAMES = {
    "SMCWG": "S/MIME Certificate Working Group",
    "SCWG": "Server Certificate Working Group",
    "CSCWG": "Code Signing Certificate Working Group",
    "NETSEC": "Network Security Working Group",
    "NSWG": "Network Security Working Group",  # what reader.groups.extract_working_group returns
}
CATEGORY_LABELS = {
    "certificate_issuer": "Certificate Issuer",
    "certificate_consumer": "Certificate Consumer",
    "interested_party": "Interested Party",
    "associate_member": "Associate Member",
}
_NAME_CHARS, _NAME_WORDS = 60, 6
_NAME_PUNCTUATION = frozenset(" -'.\u2019\u2010")  # space, hyphen, apostrophes, period, Unicode hyphen
_ABBREVIATION = re.compile(r"(?:[^\W\d_]{1,3}\.)+")
_UNSAFE_HEADER = re.compile(r"[\x00-\x1f\x7f]+")


class _Wire(Compat32):
    """compat32 on the wire (CRLF). A header line that is short, ASCII and plainly spaced is written
    as it is: compat32 would run it through its Header folder, only to give back the same line
    (tests/test_replies.py checks they agree), at most of a reply's cost."""

    def fold_binary(self, name: str, value: Any) -> bytes:
        if isinstance(value, str) and _PLAIN_LINE.fullmatch(value) and len(name) + 2 + len(value) <= 78:
            return f"{name}: {value}\r\n".encode("ascii")
        return super().fold_binary(name, value)


_PLAIN_LINE = re.compile(r"[\x21-\x7e]+(?: [\x21-\x7e]+)*")  # printable ASCII words, single spaces
_WIRE = _Wire(linesep="\r\n")
_UTF8_QP = Charset("utf-8")
_UTF8_QP.body_encoding = QP  # readable in any mail client's "view source", unlike base64


@dataclass(frozen=True)
class ReplyInput:
    """Everything a reply is made of; all of it plain data."""

    kind: ReplyKind
    reference: str
    working_group: str
    to_address: str
    to_name: str
    from_address: str
    in_reply_to: str
    references: tuple[str, ...]
    items: tuple[str, ...]
    organization_name: str | None
    category: str | None
    seed: str  # stable per answered message, so the Message-ID is the same after a retry
    now: datetime
    # item code -> what was wrong with what the applicant sent for it (Assessment.problems)
    problems: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    reason: str = ""  # a rejection's reason, as staff wrote it
    last_reminder: bool = False  # the last reminder says what follows it


@dataclass(frozen=True)
class RenderedReply:
    message_id: str
    raw: bytes


def render_reply(reply: ReplyInput, templates_dir: Path | None = None) -> RenderedReply:
    env = _environment(templates_dir)
    context = {
        "greeting": greeting(reply.to_name),
        "reference": reply.reference,
        "working_group_name": working_group_name(reply.working_group),
        "items": list(reply.items),
        "problems": {code: list(why) for code, why in reply.problems.items() if code in reply.items and why},
        "wg": reply.working_group,
        "organization_name": plain_organization(reply.organization_name) or None,
        "category_label": CATEGORY_LABELS.get(reply.category or "", "category not yet known"),
        "reason": reply.reason,
        "last_reminder": reply.last_reminder,
        "contact_address": reply.from_address,  # read by the Forum's staff: the human contact
    }
    context = clean_value(context)  # no control character of the applicant's reaches a reply
    text = env.get_template(f"{reply.kind.template}.txt.j2").render(context)
    html = env.get_template(f"{reply.kind.template}.html.j2").render(context)
    message_id = reply_message_id(reply.seed, reply.from_address)
    refs = " ".join(dict.fromkeys(r for r in (*reply.references, reply.in_reply_to) if r))
    headers = {
        "From": formataddr(("CA/Browser Forum", reply.from_address)),
        "To": header_address(reply.to_address),
        "Subject": reply_subject(reply.reference, reply.working_group),
        "Date": format_datetime(reply.now),
        "Message-ID": message_id,
        "In-Reply-To": reply.in_reply_to,
        "References": refs,
        "Auto-Submitted": "auto-replied",
        "X-Auto-Response-Suppress": "All",
        "Precedence": "auto_reply",
        "X-Intake-Reference": reply.reference,
    }
    return RenderedReply(message_id=message_id, raw=mime_bytes(headers, text, html))


def render_staff_notification(
    reference: str, working_group: str, fields: Mapping[str, Any], settings: Any, now: datetime, seed: str
) -> RenderedReply:
    """A plain-text note to staff that an application is complete, with its summary."""
    env = _environment(settings.templates_dir)
    text = env.get_template("staff_notification.txt.j2").render(
        reference=reference,
        working_group_name=working_group_name(working_group),
        category_label=CATEGORY_LABELS.get(fields.get("category") or "", "unknown"),
        fields=clean_value(dict(fields)),
    )
    message_id = reply_message_id(seed, settings.from_address)
    organisation = clean_header_text(fields.get("organization_name") or "?")
    headers = {
        "From": formataddr(("intake-bot", settings.from_address)),
        "To": header_address(settings.notify_address),
        "Subject": f"[{reference}] complete: {organisation}"[:200],
        "Date": format_datetime(now),
        "Message-ID": message_id,
        "Auto-Submitted": "auto-generated",
        "X-Intake-Reference": reference,
    }
    return RenderedReply(message_id=message_id, raw=mime_bytes(headers, text))


def mime_bytes(headers: Mapping[str, str], text: str, html: str | None = None) -> bytes:
    """The message on the wire (CRLF). Built with the compat32 classes: the same MIME as the
    modern API writes, at a fraction of its cost (it re-parses every header it is given).
    Every value is made one clean line again here (no header injection); empty ones are left out."""
    plain = _text_part(text, "plain", inner=html is not None)
    body: Message = plain
    if html is not None:
        parts = [plain, _text_part(html, "html", inner=True)]
        body = MIMEMultipart("alternative", boundary=_boundary(text, html), _subparts=parts)
    mime = [(name, str(value)) for name, value in body.items()]
    for name, _ in mime:
        del body[name]
    for name, raw in [*headers.items(), *mime]:
        value = clean_header_text(raw)
        if value:
            body[name] = value if value.isascii() else Header(value, "utf-8", header_name=name)  # type: ignore[assignment]  # compat32 takes a Header
    return body.as_bytes(policy=_WIRE)


def _text_part(text: str, subtype: str, inner: bool = False) -> MIMEText:
    part = MIMEText(text, subtype, "us-ascii" if text.isascii() else _UTF8_QP)  # type: ignore[arg-type]  # typeshed: str only
    if inner:
        del part["MIME-Version"]  # only the top of a message carries it
    return part


def _boundary(*texts: str) -> str:
    """A boundary in none of the texts, in the form the email package makes, without its search of the
    encoded parts (a regular expression compiled for every message)."""
    while True:
        boundary = f"{'=' * 15}{secrets.randbelow(10**19):019d}=="
        if not any(boundary in text for text in texts):  # an encoded text cannot hold it either
            return boundary


def header_address(value: str) -> str:
    """One valid address for a To header; an internationalised domain in its ASCII (IDNA) form."""
    valid = _single(value)
    return valid.ascii_email or valid.normalized


def reply_message_id(seed: str, from_address: str) -> str:
    domain = from_address.rpartition("@")[2] or "intake-bot.invalid"
    token = hashlib.sha256(seed.encode("utf-8")).hexdigest()[:24]
    return f"<intake.{token}@{domain}>"


def working_group_name(working_group: str) -> str:
    return WORKING_GROUP_NAMES.get(working_group, working_group)


def reply_subject(reference: str, working_group: str) -> str:
    """The subject of every reply to an applicant: fixed words and the reference, never the sender's
    subject (a forged one would be relayed to the victim). Threading rests on In-Reply-To/References
    and the [REF] tag."""
    return f"[{reference}] Your application to the {working_group_name(working_group)}"


def greeting(display_name: str) -> str:
    """'Hello Ada Lovelace,' when the display name reads as a plain name, else 'Hello,'."""
    name = plain_name(display_name)
    return f"Hello {name}," if name else "Hello,"


def plain_name(display_name: str) -> str:
    """The display name when it is a plain personal name (letters of any script, spaces, hyphens,
    apostrophes, periods ending an abbreviation; at most 60 characters and 6 words), else "". No digits, colons, slashes,
    '@': a name that carries a link or a message ('Your account is suspended: https://...') is not
    one we repeat to whoever the From address names."""
    name = " ".join((display_name or "").split()).strip("\"' ")
    if not plain_within(name, _NAME_CHARS, _NAME_WORDS, lambda c: c.isalpha() or c in _NAME_PUNCTUATION):
        return ""
    if not all(_ABBREVIATION.fullmatch(word) for word in name.split() if "." in word):
        return ""  # 'J.R.R.', 'Jr.' are names; 'www.phish.example' is not
    return name


def clean_header_text(value: str) -> str:
    """Text from an applicant, made safe for a header: no line breaks or control characters."""
    return " ".join(_UNSAFE_HEADER.sub(" ", value or "").split())


def single_address(value: str) -> str:
    """Exactly one valid address, or a ValueError: never a second recipient smuggled in."""
    return _single(value).normalized


@lru_cache(maxsize=1024)  # an address is checked before its reply is queued and again as it is written
def _single(value: str) -> ValidatedEmail:
    value = clean_header_text(value)
    if any(c in value for c in ",;<>\"'() "):
        raise ValueError(f"not a single plain address: {value!r}")
    try:
        return validate_email(value, check_deliverability=False, test_environment=True)
    except EmailNotValidError as exc:
        raise ValueError(f"not a valid address: {value!r}") from exc


FACTS = "_facts.j2"  # the wording of each item (HELP, keyed by items.Item.wording)


def missing_wording(templates_dir: Path | None) -> tuple[str, list[str]]:
    """(the file the item wording comes from, the catalogued items it has no wording for)."""
    from .items import CATALOGUE

    facts = _environment(templates_dir).get_template(FACTS)
    wording = getattr(facts.module, "HELP", {})
    return str(facts.filename), [i.code for i in CATALOGUE.values() if i.wording not in wording]


def render_template(templates_dir: Path | None, name: str, context: Mapping[str, Any]) -> str:
    """One template of templates/replies/ (or its override in `templates_dir`)."""
    return _environment(templates_dir).get_template(name).render(context)


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
