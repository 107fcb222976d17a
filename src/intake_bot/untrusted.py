"""The untrusted stages of one message: parse -> classify -> thread clues -> read. Runs in the
worker (worker.py): everything here reads what the sender wrote.

Plain functions from raw bytes to frozen records; the pipeline calls them through the worker, which
keeps them within the CPU, memory and time limits.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

from . import roles, thread
from .classify import application_verdict, classify
from .config import Limits
from .parse import parse_email
from .reader import prefilter, read
from .reader.groups import working_groups_named
from .records import Bounce, Disposition, Extraction, ParsedEmail, Reading
from .roles import StaffAddresses, forwarded_sender

NO_STAFF = StaffAddresses()


def read_message(
    raw: bytes,
    limits: Limits,
    own_addresses: frozenset[str],
    received_at: datetime | None,
    now: datetime,
    staff: StaffAddresses = NO_STAFF,
    verify_dkim: bool = False,
    dnsfunc: Callable[..., bytes | None] | None = None,
) -> Reading:
    """A new message: parsed, classified, its thread clues found and (unless it is automatic mail)
    read; a delivery report's ids of our replies, and whose message staff forwarded.

    received_at (IMAP INTERNALDATE), else its Date header, else now, is when it was sent for the reader."""
    prefilter.forget()
    parsed = parse_with_limits(raw, limits)
    verdict = classify(parsed, own_addresses)
    clues = thread.clues(parsed)
    signed_by = dkim_domains(raw, parsed.from_address, dnsfunc) if verify_dkim else ()
    if verdict.automated:
        bounce = bounce_of(raw) if verdict.disposition == Disposition.BOUNCE else None
        return Reading(parsed, verdict, None, None, frozenset(), clues, bounce=bounce, dkim_domains=signed_by)
    extraction = read(parsed, received_at=received_at or parsed.date or now)
    return Reading(
        parsed,
        verdict,
        extraction,
        application_verdict(parsed, extraction),
        frozenset(working_groups_named(f"{parsed.subject}\n{parsed.text}")),
        clues,
        forwarded=forwarded_sender(parsed.text, staff) if parsed.from_address in staff else None,
        dkim_domains=signed_by,
    )


MAX_DKIM_SIGNATURES = 3  # verified per message: each may cost a DNS lookup of up to DKIM_DNS_SECONDS
DKIM_DNS_SECONDS = 5


def dkim_domains(
    raw: bytes, from_address: str, dnsfunc: Callable[..., bytes | None] | None = None
) -> tuple[str, ...]:
    """The signing domains (d=) of the message's DKIM signatures that verify (dkimpy; the key by
    DNS, or `dnsfunc`). Only signatures of the From domain or a parent of it are tried, at most
    MAX_DKIM_SIGNATURES: a sender cannot make us look up fifty domains of its choosing."""
    import dkim  # here: only sites that set verify_dkim pay for the import
    from dkim.util import parse_tag_value

    try:
        checker = dkim.DKIM(raw, minkey=1024, timeout=DKIM_DNS_SECONDS)
        signatures = [value for name, value in checker.headers if name.lower() == b"dkim-signature"]
    except MemoryError:
        raise
    except Exception:  # a message dkimpy cannot take apart has no signature we could believe
        return ()
    found: list[str] = []
    tried = 0
    for index, value in enumerate(signatures):
        try:
            domain = parse_tag_value(value).get(b"d", b"").decode("ascii").lower()
        except MemoryError:
            raise
        except Exception:
            continue
        if not roles.aligned(from_address, [domain]) or tried >= MAX_DKIM_SIGNATURES:
            continue
        tried += 1
        try:
            valid = checker.verify(idx=index, dnsfunc=dnsfunc or dkim.dnsplug.get_txt)
        except MemoryError:
            raise
        except Exception:  # dkimpy raises for malformed tags, keys and DNS answers alike
            valid = False
        if valid:
            found.append(domain)
    return tuple(dict.fromkeys(found))


_OUR_REPLY_ID = re.compile(rb"<intake\.[0-9a-f]{24}@[^<>\s]{1,255}>")
_DSN_DETAIL = re.compile(rb"^(?:Diagnostic-Code|Status|Action):[ \t]*(.{1,300})$", re.I | re.M)


def bounce_of(raw: bytes) -> Bounce:
    """The Message-IDs of our replies a delivery report names, and its own words (Status,
    Diagnostic-Code), else a plain 'bounced'."""
    head = raw[:1_000_000]
    ids = tuple(dict.fromkeys(m.decode("ascii") for m in _OUR_REPLY_ID.findall(head)))
    details = [m.decode("utf-8", "replace").strip() for m in _DSN_DETAIL.findall(head)]
    reason = ("bounced: " + "; ".join(dict.fromkeys(details)))[:2000] if details else "bounced"
    return Bounce(ids, reason)


_SAMPLE = (
    b"From: Ann Example <ann@example.org>\r\nTo: questions@cabforum.org\r\nSubject: Membership application\r\n"
    b"Date: Mon, 02 Nov 2026 10:00:00 +0000\r\nMessage-ID: <warm-up@example.org>\r\nMIME-Version: 1.0\r\n"
    b'Content-Type: multipart/alternative; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n'
    b"Organisation: Example Ltd\r\nWebsite: https://example.org\r\nCategory: Certificate Issuer\r\n"
    b"Representatives: Ann Example <ann@example.org> (voting)\r\n\r\nKind regards,\r\nAnn\r\n"
    b"--b\r\nContent-Type: text/html\r\n\r\n<p>Organisation: <b>Example Ltd</b></p>\r\n--b--\r\n"
)


def warm_up() -> None:
    """Run once by the zygote (worker.py) before it forks the workers: what reading loads on first use
    (the PDF, certificate and HTML libraries, patterns compiled on demand) is then loaded once and
    shared by every worker, instead of once per worker."""
    import cryptography.x509  # noqa: F401
    import email_validator  # noqa: F401
    import inscriptis  # noqa: F401
    import lxml.html  # noqa: F401
    import mailparser_reply.parser  # noqa: F401
    import pypdf  # noqa: F401
    from cryptography.hazmat.primitives.serialization import pkcs7  # noqa: F401

    read_message(_SAMPLE, Limits(), frozenset(), None, datetime(2026, 11, 2, tzinfo=UTC))
    prefilter.prepare_all()


def read_again(raw: bytes, limits: Limits, received_at: datetime) -> Extraction:
    """A stored message read again (reprocess)."""
    prefilter.forget()
    return read(parse_with_limits(raw, limits), received_at=received_at)


def parse_with_limits(raw: bytes, limits: Limits) -> ParsedEmail:
    return parse_email(raw, limits)
