"""Raw RFC 5322 bytes -> ParsedEmail. The only module that imports mail-parser."""

from __future__ import annotations

import base64
import binascii
import email.header
import email.utils
import hashlib
import logging
import re
import unicodedata
from datetime import UTC, datetime
from email.message import Message

import mailparser

from .errors import ParseError
from .records import Attachment, ParsedEmail

# mail-parser logs every MIME oddity as a warning; the defects are recorded on the message instead.
logging.getLogger("mailparser").setLevel(logging.ERROR)

_MSGID = re.compile(r"<[^<>\s]+>")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MAX_FILENAME = 120


def parse_email(raw: bytes) -> ParsedEmail:
    """Parse a message; raises ParseError only when nothing usable can be read."""
    if not raw.strip():
        raise ParseError("empty message")
    try:
        mail = mailparser.parse_from_bytes(raw)
    except Exception as exc:  # mail-parser raises many types on broken input
        raise ParseError(f"unparseable MIME: {type(exc).__name__}: {exc}") from exc
    msg: Message = mail.message
    headers = _headers(msg)
    html = "\n".join(mail.text_html)
    text = "\n".join(mail.text_plain)
    if not text.strip() and html.strip():
        text = html_to_text(html)
    name, address = _first_address(headers.get("from", ""))
    return ParsedEmail(
        message_id=_message_id(headers.get("message-id", ""), raw),
        subject=_one_line(headers.get("subject", "")),
        from_name=name,
        from_address=address,
        to=tuple(a for _, a in _addresses(headers.get("to", ""))),
        cc=tuple(a for _, a in _addresses(headers.get("cc", ""))),
        date=_date(headers.get("date", "")),
        in_reply_to=tuple(_MSGID.findall(headers.get("in-reply-to", ""))),
        references=tuple(_MSGID.findall(headers.get("references", ""))),
        headers=headers,
        text=_clean_text(text),
        html=html,
        attachments=tuple(_attachments(mail.attachments)),
        content_type=(msg.get_content_type() or "text/plain").lower(),
        defects=tuple(sorted(mail.defects_categories)),
    )


def html_to_text(html: str) -> str:
    """HTML -> text with inscriptis: it lays table rows out on one line each, which
    keeps Outlook's 'label | value' tables readable for the extractor."""
    from inscriptis import get_text  # imported here: only HTML-only mail needs it

    try:
        return get_text(html)
    except Exception:  # inscriptis/lxml on hostile markup: fall back to stripping tags
        return re.sub(r"<[^>]*>", " ", html)


def decode_header_value(value: str) -> str:
    """RFC 2047 words -> text, tolerating unknown charsets and broken encodings."""
    try:
        parts = email.header.decode_header(value)
    except Exception:
        return value
    out = []
    for chunk, charset in parts:
        if isinstance(chunk, str):
            out.append(chunk)
            continue
        try:
            out.append(chunk.decode(charset or "ascii"))
        except (LookupError, UnicodeDecodeError):
            out.append(chunk.decode("utf-8", "replace"))
    joined = "".join(out)
    # decode_header keeps the whitespace between an encoded word and plain text apart
    return joined if "=?" not in value else re.sub(r"\s+", " ", joined)


def safe_filename(name: str | None, fallback: str = "attachment") -> str:
    """An attachment name that is only data: no directories, no control characters."""
    name = unicodedata.normalize("NFC", decode_header_value(name or ""))
    name = _CONTROL.sub("", name).replace("\\", "/").rsplit("/", 1)[-1].strip(" .")
    if not name:
        return fallback
    if len(name) > MAX_FILENAME:
        stem, dot, ext = name.rpartition(".")
        name = (
            (stem[: MAX_FILENAME - len(ext) - 1] + dot + ext)
            if dot and len(ext) < 10
            else name[:MAX_FILENAME]
        )
    return name


def sniff_type(payload: bytes, declared: str) -> str:
    """The content type told by the bytes, where they tell; else the declared one."""
    head = payload[:1024].lstrip()
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if b"-----BEGIN CERTIFICATE-----" in payload[:65536] or b"-----BEGIN PKCS7-----" in payload[:65536]:
        return "application/x-pem-file"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"PK\x03\x04"):
        return "application/zip"
    if head.startswith(b"\x78\x9f\x3e\x22"):
        return "application/ms-tnef"
    return (declared or "application/octet-stream").lower()


def _attachments(items: list[dict]) -> list[Attachment]:
    found = []
    for item in items:
        payload = _payload(item)
        declared = str(item.get("mail_content_type") or "")
        found.append(
            Attachment(
                filename=safe_filename(item.get("filename")),
                content_type=sniff_type(payload, declared),
                payload=payload,
                sha256=hashlib.sha256(payload).hexdigest(),
                size=len(payload),
            )
        )
    return found


def _payload(item: dict) -> bytes:
    data = item.get("payload") or ""
    if item.get("binary"):
        try:
            return base64.b64decode(data)
        except (binascii.Error, ValueError):
            return data.encode("latin-1", "replace") if isinstance(data, str) else bytes(data)
    if isinstance(data, bytes):
        return data
    return str(data).encode("utf-8", "replace")


def _headers(msg: Message) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in msg.items():
        text = decode_header_value(str(value)) if not isinstance(value, str) else value
        key = str(name).lower()
        headers[key] = f"{headers[key]}\n{text}" if key in headers else text
    return headers


def _addresses(value: str) -> list[tuple[str, str]]:
    try:
        pairs = email.utils.getaddresses([value])
    except Exception:
        return []
    return [(decode_header_value(n).strip(), a.strip().lower()) for n, a in pairs if "@" in a]


def _first_address(value: str) -> tuple[str, str]:
    pairs = _addresses(value)
    return pairs[0] if pairs else ("", "")


def _message_id(value: str, raw: bytes) -> str:
    found = _MSGID.findall(value)
    if found:
        return found[0]
    # No usable Message-ID: derive one from the content, so a re-delivery still matches.
    return f"<{hashlib.sha256(raw).hexdigest()[:32]}@no-message-id.intake-bot.invalid>"


def _date(value: str) -> datetime | None:
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _one_line(value: str) -> str:
    return " ".join(value.split())


def _clean_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    return text.replace("\u00a0", " ")
