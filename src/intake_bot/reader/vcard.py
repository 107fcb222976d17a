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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from ..records import Attachment, EmergencyContact, Representative
from .contacts import emails_in, phone_in
from .emergency import emergency_mention
from .lexicon import or_lexicon, unspaced
from .representatives import says_voting

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
    voting: bool | None = None  # what its TITLE, ROLE or NOTE says ('Voting representative'); None: nothing
    phones: tuple[str, ...] = ()  # TEL values, the preferred or work voice number first
    emergency: bool = False  # the card is an emergency or security contact's (its name, title, role, note)


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


def _card(component: Any) -> Card | None:  # vobject.base.Component
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
    # ORG is the organisation's name, then its units ('Acme Ltd;PKI Operations'): the name alone
    organization = (org_value[0] if org_value else "") if isinstance(org_value, list) else _text(org)
    title = _text(_first(component, "title"))
    said = " ".join(filter(None, (title, *(_text(_first(component, key)) for key in ("role", "note")))))
    units = " ".join(org_value[1:]) if isinstance(org_value, list) else ""
    phones = []
    for line in sorted(component.contents.get("tel", []), key=_preference):
        phone = phone_in(re.sub(r"^tel:", "", _text(line) or "", flags=re.I))  # 4.0 writes a tel: URI
        if phone and phone not in phones:
            phones.append(phone)
    return Card(
        name=" ".join(name.split())[:120],
        emails=tuple(dict.fromkeys(emails)),
        title=title,
        organization=(organization or None) and organization.strip()[:200],
        voting=says_voting(said[:2000]) if said else None,
        phones=tuple(phones[:3]),
        emergency=emergency_mention(f"{name} {said} {units}"[:2000]) is not None,
    )


def _first(component: Any, key: str) -> Any:
    values = component.contents.get(key) or []
    return values[0] if values else None


def _text(line: Any) -> str | None:
    value = getattr(line, "value", None) if line is not None else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def _preference(line: Any) -> int:
    """PREF first: 2.1 writes it alone (EMAIL;PREF), 3.0 as a type, 4.0 as PREF=1."""
    params = {k.upper(): [str(v).upper() for v in vs] for k, vs in getattr(line, "params", {}).items()}
    alone = [str(v).upper() for v in getattr(line, "singletonparams", [])]
    return 0 if "PREF" in alone or "PREF" in params or "PREF" in params.get("TYPE", []) else 1


def _is_card(attachment: Attachment) -> bool:
    return attachment.filename.lower().endswith((".vcf", ".vcard")) or attachment.content_type in _CARD_TYPES


def with_card_addresses(text: str, cards: list[Card]) -> str:
    """The text with each card's address written after its person's name ('Jane Doe <jane@x> (CTO)'),
    where no address follows the name already. A representatives line that points to the attached
    cards ('Representatives: see the two vCards attached') takes the people the text does not name."""
    for card in cards:
        # names in Hangul, kana or Han take particles directly after them ('김서연입니다'): no boundaries
        edge = "" if unspaced(card.name) else r"(?<![\w-])"
        after = "" if unspaced(card.name) else r"(?![\w-])"
        pattern = re.compile(rf"{edge}{re.escape(card.name)}{after}(?!\s*[<(\[]?\s*[\w.+'-]+@)")
        text = pattern.sub(_followed_by(_written(card)), text, count=MAX_MENTIONS)
    unnamed = [card for card in cards if card.emails[0] not in text.lower()]
    if unnamed:
        text = _points_to_cards.sub(
            lambda m: m.group(0) + "; " + "; ".join(f"{c.name} {_written(c)}" for c in unnamed), text, count=1
        )
    return text


def named_by_cards(reps: tuple[Representative, ...], cards: list[Card]) -> tuple[Representative, ...]:
    """A representative whose name the text did not give (or gave in a script names are not read in, or
    with words before it: 'Treasurer Dr. Eva Lind'): the name on the card of that address."""
    names = {address: card.name for card in cards for address in card.emails}
    return tuple(
        replace(rep, name=names[rep.email])
        if rep.email in names and (not rep.name or rep.name.endswith(" " + names[rep.email]))
        else rep
        for rep in reps
    )


def _written(card: Card) -> str:
    vote = {True: " (voting)", False: " (non-voting)", None: ""}[card.voting]
    return f"<{card.emails[0]}>{vote}" + (f", {card.phones[0]}" if card.phones else "")


def with_card_contact(contact: EmergencyContact | None, cards: list[Card]) -> EmergencyContact | None:
    """The emergency contact completed from the attached cards: the phone (or name) of the card with its
    address; with no contact in the text, the one card that is an emergency or security contact's
    ('FN:Acme Security Operations Centre', 'TITLE:Emergency contact')."""
    if contact is None:
        marked = [card for card in cards if card.emergency]
        if len(marked) != 1:
            return None
        card = marked[0]
        return EmergencyContact(
            name=card.name, email=card.emails[0], phone=card.phones[0] if card.phones else None
        )
    found = next((card for card in cards if contact.email and contact.email in card.emails), None)
    if found is None or (contact.phone and contact.name):
        return contact
    return replace(
        contact, name=contact.name or found.name, phone=contact.phone or next(iter(found.phones), None)
    )


# A line about representatives that refers to the attached cards (in any language the lexicon reads).
_CARDS = or_lexicon(re.compile(r"\bv-?cards?\b|\.vcf\b", re.I), words=("card",))
_REPRESENTATIVES = or_lexicon(re.compile(r"(?!)"), words=("representative",), labels=("representatives",))
_points_to_cards = re.compile(rf"^(?=[^\n]*(?:{_CARDS}))(?=[^\n]*(?:{_REPRESENTATIVES}))[^\n]*", re.M)


def _followed_by(words: str) -> Callable[[re.Match[str]], str]:
    return lambda name: f"{name.group(0)} {words}"
