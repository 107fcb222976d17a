"""Representatives' contact cards (.vcf) attached to the application."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intake_bot.parse import parse_email
from intake_bot.reader import read
from intake_bot.reader.vcard import Card, read_cards, with_card_addresses
from intake_bot.records import Attachment
from mails import make_mail

V21 = (
    "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=utf-8;ENCODING=QUOTED-PRINTABLE:Kj=C3=A6r;Mette\r\n"
    "FN;CHARSET=utf-8;ENCODING=QUOTED-PRINTABLE:Mette Kj=C3=A6r\r\nTITLE:CTO\r\n"
    "EMAIL;INTERNET:old@acme.example\r\nEMAIL;PREF;INTERNET:mette@acme.example\r\nEND:VCARD\r\n"
)
V30 = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Rasmus Holm\r\nN:Holm;Rasmus;;;\r\n"
    "EMAIL;TYPE=INTERNET;TYPE=WORK:rasmus@acme.example\r\nORG:Acme Mail A/S\r\nEND:VCARD\r\n"
)
V40 = "BEGIN:VCARD\r\nVERSION:4.0\r\nN:Doe;Jane;;;\r\nEMAIL;PREF=1:jane@acme.example\r\nEND:VCARD\r\n"


@pytest.mark.parametrize(
    ("card", "expected"),
    [
        (V21, Card("Mette Kjær", ("mette@acme.example", "old@acme.example"), title="CTO")),
        (V30, Card("Rasmus Holm", ("rasmus@acme.example",), organization="Acme Mail A/S")),
        (V40, Card("Jane Doe", ("jane@acme.example",))),  # no FN: the N field's given and family name
    ],
)
def test_cards_of_every_version_are_read(card, expected):
    assert read_cards(card.encode()) == [expected]


@pytest.mark.parametrize(
    "payload",
    [
        b"",
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:No Address\r\nEND:VCARD\r\n",  # a card without an address
        b"BEGIN:VCARD\r\n" + b"X" * 5000,
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nEMAIL:x@acme.example\r\nN:;;;\r\nEND:VCARD\r\n",  # no name
        b"\xff\xfeB\x00E\x00",
    ],
)
def test_unreadable_cards_are_no_cards(payload):
    assert read_cards(payload) == []


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=600))
def test_any_bytes_are_safe(data):
    assert isinstance(read_cards(b"BEGIN:VCARD\r\n" + data), list)


def test_a_named_person_takes_the_address_of_their_card():
    cards = [Card("Mette Kjær", ("mette@acme.example",)), Card("Not Named", ("nn@acme.example",))]
    text = "Mette Kjær (CTO) will vote; Mette Kjær <other@acme.example> twice."
    assert with_card_addresses(text, cards) == (
        "Mette Kjær <mette@acme.example> (CTO) will vote; Mette Kjær <other@acme.example> twice."
    )


def _attachment(name: str, payload: bytes) -> tuple[str, str, bytes]:
    return (name, "text/x-vcard", payload)


def test_representatives_named_in_the_text_with_their_addresses_in_attached_cards():
    body = (
        "Hello,\n\nAcme Mail A/S would like to join the S/MIME Certificate Working Group as a Certificate "
        "Consumer.\n\nRepresentatives: Mette Kjær (CTO) will be our voting representative and Rasmus Holm "
        "(Security Architect) the alternate - both contact cards are attached.\n\nRegards,\nMette\n"
    )
    raw = make_mail(
        body,
        attachments=[_attachment("Mette.vcf", V21.encode()), _attachment("Rasmus.vcf", V30.encode())],
    )
    reps = read(parse_email(raw)).representatives
    assert [(r.name, r.email, r.voting) for r in reps] == [
        ("Mette Kjær", "mette@acme.example", True),
        ("Rasmus Holm", "rasmus@acme.example", False),
    ]


def test_a_card_of_someone_the_text_does_not_name_adds_nobody():
    body = "Representatives: Ann Lee, ann@acme.example (voting)\n"
    raw = make_mail(body, attachments=[_attachment("Rasmus.vcf", V30.encode())])
    assert [r.email for r in read(parse_email(raw)).representatives] == ["ann@acme.example"]


def test_a_card_too_large_is_not_read():
    big = V30.replace("END:VCARD", "NOTE:" + "x" * 300_000 + "\r\nEND:VCARD").encode()
    attachment = Attachment("x.vcf", "text/vcard", big, hashlib.sha256(big).hexdigest(), len(big))
    from intake_bot.reader.vcard import cards_in

    assert cards_in([attachment]) == []


def _card(name: str, address: str, extra: str = "") -> tuple[str, str, bytes]:
    card = f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{name}\r\nEMAIL;TYPE=INTERNET:{address}\r\n{extra}END:VCARD\r\n"
    return _attachment(f"{address.split('@')[0]}.vcf", card.encode())


def _read_reps(body: str, attachments) -> list[tuple[str | None, str, bool]]:
    reps = read(parse_email(make_mail(body, attachments=attachments))).representatives
    return sorted((r.name, r.email, r.voting) for r in reps)


def test_representatives_given_only_as_the_cards_the_text_points_to():
    body = (
        "代表者：添付の連絡先カード（vCard）2件をご参照ください。議決権を持つ代表者は山本花子です。\n\n"
        "緊急連絡先：soc@sakura.example\n"
    )
    cards = [_card("山本花子", "hanako@sakura.example"), _card("佐藤健", "ken@sakura.example")]
    assert _read_reps(body, cards) == [
        ("佐藤健", "ken@sakura.example", False),
        ("山本花子", "hanako@sakura.example", True),
    ]


def test_a_card_says_who_votes_in_its_role_or_note():
    body = "Category: Certificate Consumer\nRepresentatives: please see the two vCards attached.\n"
    cards = [
        _card("Ann Lee", "ann@acme.example", "ROLE:Voting representative\r\n"),
        _card("John Roe", "john@acme.example", "NOTE:Alternate\r\n"),
    ]
    assert _read_reps(body, cards) == [
        ("Ann Lee", "ann@acme.example", True),
        ("John Roe", "john@acme.example", False),
    ]


def test_a_version_4_card_gives_the_address_of_a_person_named_with_their_title():
    card = (
        "BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:individual\r\nFN:Dr. Eva Lind\r\nN:Lind;Eva;;Dr.;\r\n"
        "EMAIL;TYPE=work;PREF=1:eva.lind@acme.example\r\n"
        'TEL;VALUE=uri;TYPE="voice,work":tel:+46-8-555-0100\r\nEND:VCARD\r\n'
    )
    body = (
        "Category: Interested Party\n\nWe are represented by myself and by our Treasurer Dr. Eva Lind;"
        " her card is attached.\n"
    )
    found = read(parse_email(make_mail(body, attachments=[_attachment("Eva Lind.vcf", card.encode())])))
    names = {r.email: r.name for r in found.representatives}
    assert names["eva.lind@acme.example"] == "Dr. Eva Lind"  # the card's name, not "Treasurer Dr. Eva Lind"


# ---------------------------------------------------------------- the emergency contact in a card


def _emergency(body: str, card: str, name: str = "card.vcf"):
    raw = make_mail(body, attachments=[_attachment(name, card.encode())])
    contact = read(parse_email(raw)).emergency_contact
    return (contact.email, contact.phone) if contact else None


def test_a_version_2_1_card_that_is_the_security_contacts():
    card = (
        "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Sikkerhetsvakt;Fjordpost\r\nFN:Fjordpost Sikkerhetsvakt (24/7)\r\n"
        "ORG:Fjordpost AS;Drift\r\nTEL;WORK;VOICE:+47 22 55 01 77\r\nEMAIL;PREF;INTERNET:vakt-sikkerhet@fjordpost.test\r\n"
        "END:VCARD\r\n"
    )
    body = "Hei,\n\nvedlagt er visittkortet til vår sikkerhetsvakt.\n\nMvh\nKari\n"
    assert _emergency(body, card) == ("vakt-sikkerhet@fjordpost.test", "+47 22 55 01 77")


def test_a_version_3_card_gives_the_phone_of_the_emergency_contact_the_text_names():
    card = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Kenji Sato\r\nN:Sato;Kenji;;;\r\nTITLE:PKI Operations Lead\r\n"
        "TEL;TYPE=WORK,VOICE:+81 3 5555 0142\r\nEMAIL;TYPE=INTERNET:kenji.sato@hikari.test\r\nEND:VCARD\r\n"
    )
    body = "Category: Certificate Consumer\nEmergency contact: Kenji Sato (his card is attached)\n"
    assert _emergency(body, card) == ("kenji.sato@hikari.test", "+81 3 5555 0142")


def test_a_version_4_card_gives_the_phone_of_the_emergency_address():
    card = (
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Leitstelle Sicherheit\r\nKIND:group\r\n"
        'TEL;VALUE=uri;TYPE="voice,work":tel:+49-30-555-0199\r\nEMAIL;TYPE=work:leitstelle@falkenmail.test\r\n'
        "END:VCARD\r\n"
    )
    body = "Kategorie: Certificate Consumer\nNotfallkontakt: leitstelle@falkenmail.test\n"
    assert _emergency(body, card) == ("leitstelle@falkenmail.test", "+49-30-555-0199")


def test_a_persons_card_is_no_emergency_contact_by_itself():
    body = "Category: Certificate Consumer\nRepresentatives: see below.\n"
    card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\nTEL:+44 20 7946 0000\r\nEMAIL:ann@acme.test\r\nEND:VCARD\r\n"
    assert _emergency(body, card) is None
