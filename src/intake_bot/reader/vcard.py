"""Contact cards (.vcf, vCard 2.1/3.0/4.0) attached to a message, read with vobject.

A card is a person's name with their addresses. Applicants attach them for representatives
named in the text ('Jane Doe (CTO) will be our voting representative - her card is attached'):
`with_card_addresses` writes each card's address after its person's name in the text, where the
representative and emergency readers find it. A card whose person the text does not name (an
address book's own card, attached to every mail) adds nothing. Cards are the attacker's bytes:
size and count are bounded and any failure of the parser means "no card".
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..records import Attachment
from .contacts import emails_in

log = logging.getLogger(__name__)

MAX_CARD_BYTES = 256 * 1024  # a card with a photo is some tens of kB
MAX_CARDS = 20  # per message
MAX_MENTIONS = 20  # addresses written in per card

_CARD_TYPES = ("text/vcard", "text/x-vcard", "text/directory", "text/x-vcalendar-vcard")


@dataclass(frozen=True)
class Card:
    name: str  # the formatted name (FN), else given and family name (N)
    emails: tuple[str, ...]  # valid addresses, the preferred one first
    title: str | None = None
    organization: str | None = None


def cards_in(attachments: Iterable[Attachment]) -> list[Card]:
    """Every readable card of the attached .vcf files, up to MAX_CARDS."""
    cards: list[Card] = []
    for attachment in attachments:
        if _is_card(attachment) and attachment.size <= MAX_CARD_BYTES:
            cards += read_cards(attachment.payload)
        if len(cards) >= MAX_CARDS:
            break
    return cards[:MAX_CARDS]


def read_cards(payload: bytes) -> list[Card]:
    """The cards in one .vcf file; [] when it cannot be read."""
    if len(payload) > MAX_CARD_BYTES:
        return []
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError:
        text = payload.decode("cp1252", "replace")
    if "BEGIN:VCARD" not in text.upper():
        return []
    try:
        import vobject  # imported here: only mail with a card needs it

        cards = []
        for component in vobject.readComponents(text, ignoreUnreadable=True):
            card = _card(component) if component.name == "VCARD" else None
            if card:
                cards.append(card)
            if len(cards) >= MAX_CARDS:
                break
        return cards
    except MemoryError:  # the worker's limit: never swallowed
        raise
    except Exception as exc:  # vobject on hostile input: no card, never a failed message
        log.info("unreadable vCard: %s", type(exc).__name__)
        return []


def _card(component) -> Card | None:  # vobject.base.Component
    name = _text(_first(component, "fn"))
    if not name:
        n = _first(component, "n")
        parts = getattr(n, "value", None) if n is not None else None
        name = " ".join(p for p in (getattr(parts, "given", ""), getattr(parts, "family", "")) if p).strip()
    emails = []
    for line in sorted(component.contents.get("email", []), key=_preference):
        emails += [address for _, _, address in emails_in(_text(line) or "")]
    if not name or not emails:
        return None
    org = _first(component, "org")
    org_value = org.value if org is not None else None
    organization = " ".join(org_value) if isinstance(org_value, list) else _text(org)
    return Card(
        name=" ".join(name.split())[:120],
        emails=tuple(dict.fromkeys(emails)),
        title=_text(_first(component, "title")),
        organization=(organization or None) and organization.strip()[:200],
    )


def _first(component, key: str):
    values = component.contents.get(key) or []
    return values[0] if values else None


def _text(line) -> str | None:
    value = getattr(line, "value", None) if line is not None else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def _preference(line) -> int:
    """PREF first: 2.1 writes it alone (EMAIL;PREF), 3.0 as a type, 4.0 as PREF=1."""
    params = {k.upper(): [str(v).upper() for v in vs] for k, vs in getattr(line, "params", {}).items()}
    alone = [str(v).upper() for v in getattr(line, "singletonparams", [])]
    return 0 if "PREF" in alone or "PREF" in params or "PREF" in params.get("TYPE", []) else 1


def _is_card(attachment: Attachment) -> bool:
    return attachment.filename.lower().endswith((".vcf", ".vcard")) or attachment.content_type in _CARD_TYPES


def with_card_addresses(text: str, cards: list[Card]) -> str:
    """The text with each card's address written after its person's name ('Jane Doe <jane@x> (CTO)'),
    where no address follows the name already."""
    for card in cards:
        pattern = re.compile(rf"(?<![\w-]){re.escape(card.name)}(?![\w-])(?!\s*[<(\[]?\s*[\w.+'-]+@)")
        text = pattern.sub(lambda m, c=card: f"{m.group(0)} <{c.emails[0]}>", text, count=MAX_MENTIONS)
    return text
