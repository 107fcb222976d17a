"""The untrusted stages of one message: parse -> classify -> read. Runs in the worker (worker.py).

Plain functions from raw bytes to frozen records; the pipeline calls them through the worker, which
keeps them within the CPU, memory and time limits.
"""

from __future__ import annotations

from datetime import datetime

from .classify import application_verdict, classify
from .config import Limits
from .parse import parse_email
from .reader import read
from .reader.groups import working_groups_named
from .records import Extraction, ParsedEmail, Reading


def read_message(
    raw: bytes, limits: Limits, own_addresses: frozenset[str], received_at: datetime | None, now: datetime
) -> Reading:
    """A new message: parsed, classified and (unless it is automatic mail) read.

    received_at (IMAP INTERNALDATE), else its Date header, else now, is when it was sent for the reader."""
    parsed = parse_with_limits(raw, limits)
    verdict = classify(parsed, own_addresses)
    if verdict.automated:
        return Reading(parsed, verdict, None, False, frozenset())
    extraction = read(parsed, received_at=received_at or parsed.date or now)
    return Reading(
        parsed,
        verdict,
        extraction,
        application_verdict(parsed, extraction),
        frozenset(working_groups_named(f"{parsed.subject}\n{parsed.text}")),
    )


def read_again(raw: bytes, limits: Limits, received_at: datetime) -> Extraction:
    """A stored message read again (reprocess)."""
    return read(parse_with_limits(raw, limits), received_at=received_at)


def parse_with_limits(raw: bytes, limits: Limits) -> ParsedEmail:
    return parse_email(
        raw,
        max_depth=limits.max_depth,
        max_parts=limits.max_parts,
        max_attachment_bytes=limits.max_attachment_bytes,
        max_header_bytes=limits.max_header_bytes,
        max_text_chars=limits.max_text_chars,
    )
