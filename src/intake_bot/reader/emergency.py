"""The emergency contact: labelled, in prose, or 'same as the voting representative'."""

from __future__ import annotations

import re

from ..records import EmergencyContact, Representative
from .contacts import emails_in, name_before, phone_in, sub_label_name
from .lexicon import or_words
from .prose import Sentence
from .statements import Statement, of

EMERGENCY_PROSE = or_words(  # the English words, and the lexicon's in other languages
    "emergency",
    re.compile(
        r"emergenc|incident|security\s+(?:issues?|contact|matters?|problems?|incidents?)|24\s*[x/*]\s*7|on-?call|urgent|"
        r"security-related|certificate\s+(?:trust\s+)?(?:issue|problem)s?\b|out of hours",
        re.I,
    ),
)


def emergency_mention(text: str) -> re.Match[str] | None:
    """Where the text speaks of emergencies: never inside an address ('pki-emergency@acme.example'
    names no emergency; its 'emergency' must not cut the address in two)."""
    masked = text
    for start, end, _ in reversed(emails_in(text)):
        masked = masked[:start] + " " * (end - start) + masked[end:]
    return EMERGENCY_PROSE.search(masked)


def extract_emergency(statements: list[Statement], sentences: list[Sentence]) -> EmergencyContact | None:
    found: list[tuple[int, EmergencyContact | None]] = [
        (s.pos, emergency_in(s.value)) for s in of(statements, "emergency")
    ]
    for index, sentence in enumerate(sentences):
        match = emergency_mention(sentence.text)
        if not match:
            continue
        contact = emergency_in(sentence.text[match.start() :]) or emergency_in(sentence.text)
        if contact is None and index + 1 < len(sentences):
            contact = emergency_in(
                sentences[index + 1].text
            )  # "...emergency contact is our SOC. Reach it at ..."
        found.append((sentence.pos, contact))
    merged: EmergencyContact | None = None
    for _, contact in sorted(found, key=lambda f: f[0]):
        if contact:
            merged = _merge_contact(merged, contact)
    return merged


_SAME_AS = re.compile(
    r"\bsame\s+(?:as|person)|\bas\s+above\b|\bsee\s+above\b|\bidentical\s+to\b|\bditto\b", re.I
)


def emergency_by_reference(
    statements: list[Statement], sentences: list[Sentence], reps: tuple[Representative, ...]
) -> EmergencyContact | None:
    """'Emergency contact: same as the voting representative (above)': the voting representative, else
    the first one named, with the phone number given beside their address, if any."""
    texts = [s.value for s in of(statements, "emergency")]
    texts += [s.text for s in sentences if EMERGENCY_PROSE.search(s.text)]
    if not reps or not any(_SAME_AS.search(text) for text in texts):
        return None
    rep = next((r for r in reps if r.voting), reps[0])
    beside = [s.value for s in of(statements, "representatives")] + [s.text for s in sentences]
    phone = next((phone_in(t) for t in beside if rep.email in t.lower() and phone_in(t)), None)
    return EmergencyContact(name=rep.name, email=rep.email, phone=phone)


def emergency_in(value: str) -> EmergencyContact | None:
    addresses = emails_in(value)
    phone = phone_in(value)
    if not addresses and not phone:
        return None
    email = addresses[0][2] if addresses else None
    name = sub_label_name(value) or (name_before(value, addresses[0][0]) if addresses else None)
    return EmergencyContact(name=name, email=email, phone=phone)


def _merge_contact(old: EmergencyContact | None, new: EmergencyContact) -> EmergencyContact:
    if old is None:
        return new
    return EmergencyContact(
        name=new.name or old.name, email=new.email or old.email, phone=new.phone or old.phone
    )
