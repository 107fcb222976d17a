"""Pure: whose words a message carries, decided by one rule from plain data.

A message that joins an application is read as application data only when its sender speaks for
the application: the applicant, one of its representatives, or a colleague at the applicant's
(non-freemail) domain. Mail from a staff address is staff's: kept on the application, never read,
never answered. Anyone else is an outsider: kept apart, unread and unanswered, until staff accept it.

Addresses are taken as written unless `trusted_authserv_ids` names our own receiving server: then
only a message whose DMARC result there is `pass` may speak as anyone at all (anyone can write any
From, and anyone can add an Authentication-Results header: only our own server's counts).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

import authres

from .body import header_block_senders
from .records import Extraction, Person, Role
from .thread import colleague_domain, sender_domain

# Our server's Authentication-Results header is a line or two; anything longer is not its own, and
# the parser's time grows faster than the header's length.
MAX_AUTH_RESULTS_CHARS = 4096
_ADDRESS = re.compile(r"[A-Za-z0-9._%+'=-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8}")


@dataclass(frozen=True)
class StaffAddresses:
    """`[intake] staff_addresses` (whole addresses, or '@domain' for everyone there) and our own From."""

    addresses: frozenset[str] = frozenset()
    domains: frozenset[str] = frozenset()

    @classmethod
    def configured(cls, entries: Iterable[str], from_address: str = "") -> StaffAddresses:
        wanted = [e.strip().lower() for e in [*entries, from_address] if e and e.strip()]
        return cls(
            addresses=frozenset(e for e in wanted if not e.startswith("@")),
            domains=frozenset(e[1:] for e in wanted if e.startswith("@")),
        )

    def __contains__(self, address: object) -> bool:
        if not isinstance(address, str) or "@" not in address:
            return False
        address = address.strip().lower()
        return address in self.addresses or sender_domain(address) in self.domains


@dataclass(frozen=True)
class People:
    """Who speaks for an application."""

    applicant: str
    representatives: tuple[str, ...] = ()

    def include(self, address: str) -> bool:
        address = address.lower()
        if address == self.applicant.lower() or address in (r.lower() for r in self.representatives):
            return True
        domain = colleague_domain(self.applicant)
        return domain is not None and sender_domain(address) == domain


def people(applicant: str, representatives: Sequence[dict]) -> People:
    """An application's people from its applicant and its representatives as currently folded."""
    return People(applicant, tuple(r["email"] for r in representatives if r.get("email")))


class Dmarc(StrEnum):
    """Our own receiving server's DMARC verdict on a message."""

    PASS = "pass"
    FAIL = "fail"
    NONE = "none"  # no verdict: nothing trusted configured, no header of ours, no DMARC policy, an error


def dmarc(auth_results: str, trusted: Sequence[str], dkim_aligned: bool = False) -> Dmarc:
    """The one DMARC judgement: the `dmarc=` result of the topmost Authentication-Results header
    whose authserv-id is one of `trusted`. Our server adds its header on top; one further down with
    the same id was written by someone else, and one with another id by anyone at all.
    `dkim_aligned`: we verified a DKIM signature of the From domain ourselves ([intake]
    verify_dkim), which is a DMARC pass by definition (RFC 7489 section 4.2).

    It decides both who may speak on an application (`may_speak`) and whether a new application is
    answered (not after a FAIL: the From is likely forged and the reply would go to its victim)."""
    if dkim_aligned and trusted:
        return Dmarc.PASS
    ids = {t.lower() for t in trusted}
    for value in auth_results.split("\n") if ids else ():
        if _authserv_id(value) in ids:
            result = _dmarc_result(value)
            return Dmarc.PASS if result == "pass" else Dmarc.FAIL if result == "fail" else Dmarc.NONE
    return Dmarc.NONE


def aligned(from_address: str, dkim_domains: Sequence[str]) -> bool:
    """Whether one of the verified DKIM signing domains is the From domain or a parent of it
    (DMARC's relaxed alignment, without the public-suffix list: a signature for 'example' alone
    is never taken as a parent)."""
    domain = sender_domain(from_address).rstrip(".")
    return any(
        d and "." in d and (domain == d or domain.endswith("." + d))
        for d in (x.lower().rstrip(".") for x in dkim_domains)
    )


def may_speak(verdict: Dmarc, trusted: Sequence[str]) -> bool:
    """Whether the From may be believed: always where no trusted authserv-ids are configured
    (addresses as written; `config check` warns), else only after a DMARC pass."""
    return not trusted or verdict is Dmarc.PASS


def authenticated(auth_results: str, trusted: Sequence[str]) -> bool:
    return may_speak(dmarc(auth_results, trusted), trusted)


def _authserv_id(value: str) -> str:
    return value.split(";", 1)[0].strip().split(" ", 1)[0].lower()


def _dmarc_result(value: str) -> str | None:
    if len(value) > MAX_AUTH_RESULTS_CHARS:
        return None
    try:
        header = authres.AuthenticationResultsHeader.parse(f"Authentication-Results: {value}")
    except (authres.AuthResError, RecursionError):  # nested comments recurse; either way: no verdict
        return None
    return next((r.result.lower() for r in header.results if r.method.lower() == "dmarc"), None)


def role_of(sender: str, *, staff: StaffAddresses, speakers: People | None, authentic: bool) -> Role:
    """The one rule. `speakers` is None for a message that opens an application: its sender is its
    applicant (the question then is only whether to answer, which a failed DMARC check also settles)."""
    if not authentic and speakers is not None:
        return Role.OUTSIDER
    if sender in staff:
        return Role.STAFF if authentic else Role.OUTSIDER
    if speakers is None or speakers.include(sender):
        return Role.APPLICANT
    return Role.OUTSIDER


def forwarded_sender(text: str, staff: StaffAddresses) -> Person | None:
    """Whose message a staff member forwarded: the first sender named in a forwarded header block
    (inline, or an attached message, which parse writes the same way) who is not staff."""
    for value in header_block_senders(text):
        found = _ADDRESS.search(value)
        if found is None or found.group(0) in staff:
            continue
        name = value[: found.start()].strip(" \t\"'<[(*").strip()
        return Person(name=name if "@" not in name else "", address=found.group(0).lower())
    return None


def without_staff(extraction: Extraction, staff: StaffAddresses) -> Extraction:
    """A staff address quoted or signed in a message is never one of the application's people."""
    reps = tuple(r for r in extraction.representatives if r.email not in staff)
    contact = extraction.emergency_contact
    if contact is not None and contact.email in staff:
        contact = None  # the phone beside a staff address is staff's too
    if reps == extraction.representatives and contact is extraction.emergency_contact:
        return extraction
    return replace(extraction, representatives=reps, emergency_contact=contact)
