"""Pure: who a reply goes to, as the rate limit counts it.

`victim+1@example.org`, `Victim+2@Example.org` and `victim@example.org` are one mailbox: the
limit counts the mailbox (lower case, `+tag` removed) and, separately, the domain, so neither
sub-addresses nor a run of addresses at one organisation multiply the replies someone receives.
"""

from __future__ import annotations


def recipient_mailbox(address: str) -> str:
    """'Victim+tag@Example.ORG' -> 'victim@example.org'."""
    local, at, domain = address.strip().lower().rpartition("@")
    if not at:
        return address.strip().lower()
    return f"{local.partition('+')[0] or local}@{domain.rstrip('.')}"


def recipient_domain(address: str) -> str:
    """'victim@Example.ORG.' -> 'example.org'; '' without a domain."""
    local, at, domain = address.strip().lower().rpartition("@")
    return domain.rstrip(".") if at else ""
