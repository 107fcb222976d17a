"""Pure: the clues that tie a message to an application, and the choice between them."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from .records import ParsedEmail, ThreadClues

_REFERENCE = re.compile(r"\[\s*([A-Z]{2,12}-\d{4}-\d{3,6})\s*\]", re.I)
_BODY_REFERENCE = re.compile(r"\b(?:reference|ref\.?)\s*:?\s*([A-Z]{2,12}-\d{4}-\d{3,6})\b", re.I)

# A shared mail domain says nothing about who is a colleague.
FREEMAIL = frozenset(
    [
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "yahoo.com",
        "yahoo.co.uk",
        "icloud.com",
        "me.com",
        "aol.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "proton.me",
        "protonmail.com",
        "mail.com",
        "yandex.ru",
        "qq.com",
        "163.com",
        "126.com",
        "zoho.com",
        "fastmail.com",
        "t-online.de",
        "orange.fr",
        "free.fr",
    ]
)


def clues(parsed: ParsedEmail) -> ThreadClues:
    """What ties `parsed` to an application. Read in the worker: subject and body are the sender's.
    The sender's address and domain are clues too, except for staff mail (`named_only`)."""
    refs = [m.upper() for m in _REFERENCE.findall(parsed.subject)]
    if not refs:
        # Outlook and mobile clients sometimes drop the subject tag; our replies also carry it in the body.
        refs = [m.upper() for m in _BODY_REFERENCE.findall(parsed.text[:20000])]
    ids = tuple(dict.fromkeys(parsed.in_reply_to + parsed.references))
    return ThreadClues(
        references=tuple(dict.fromkeys(refs)),
        message_ids=ids,
        sender=parsed.from_address,
        colleague_domain=colleague_domain(parsed.from_address),
    )


def named_only(clue: ThreadClues) -> ThreadClues:
    """Only what the message names or answers: staff mail joins an application by those alone (a
    staff member's address or domain says nothing about an application)."""
    return replace(clue, sender="", colleague_domain=None)


def by_sender(address: str) -> ThreadClues:
    """The clues of a forwarded application: only who sent it."""
    return ThreadClues((), (), address, colleague_domain(address))


def sender_domain(address: str) -> str:
    return address.rpartition("@")[2].lower() if "@" in address else ""


def colleague_domain(address: str) -> str | None:
    """The domain whose people are colleagues of `address`: none for a freemail domain."""
    domain = sender_domain(address)
    return None if not domain or domain in FREEMAIL else domain


def choose(
    clue: ThreadClues,
    *,
    by_reference: Callable[[str], int | None],
    by_message_ids: Callable[[Sequence[str]], int | None],
    open_for_sender: Callable[[str], list[int]],
    open_for_domain: Callable[[str], list[int]],
) -> int | None:
    """The application id a message belongs to, strongest clue first; None for a new thread."""
    for ref in clue.references:
        found = by_reference(ref)
        if found is not None:
            return found
    if clue.message_ids:
        found = by_message_ids(clue.message_ids)
        if found is not None:
            return found
    if clue.sender:
        mine = open_for_sender(clue.sender)
        if len(mine) == 1:
            return mine[0]
    if clue.colleague_domain:
        theirs = open_for_domain(clue.colleague_domain)
        if len(theirs) == 1:
            return theirs[0]
    return None
