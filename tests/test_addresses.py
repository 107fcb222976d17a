"""Addresses as written: hyphenated ones keep their prefix; 'myself' is the sender."""

from __future__ import annotations

import pytest

from test_reader import mail


@pytest.mark.parametrize(
    "body",
    [
        "Emergency contact:\npki-emergency@acme.example / +44 20 7946 0000\n",
        "Emergency contact (24/7):\n\n- ca-emergency@acme.example / +44 20 7946 0000\n",
        "Hello,\n\nWe apply.\n\nEmergency contact:\nca-emergency@acme.example, +44 20 7946 0000\n\nRegards\n",
        "For security incidents write to pki-incident@acme.example or call +44 20 7946 0000.\n",
    ],
)
def test_a_hyphenated_address_keeps_its_prefix(body):
    contact = mail(body).emergency_contact
    assert contact is not None and contact.email.split("@")[0] in (
        "pki-emergency",
        "ca-emergency",
        "pki-incident",
    )
    assert contact.phone == "+44 20 7946 0000"


SENDER = "Bob Sender <bob.sender@acme.test>"


def _reps(body: str, **kw) -> list[tuple[str | None, str, bool]]:
    return [(r.name, r.email, r.voting) for r in mail(body, sender=SENDER, **kw).representatives]


@pytest.mark.parametrize(
    "body",
    [
        "Voting representative: myself\nOther representative: Ann Lee, ann@acme.test\n",
        "Representatives: Ann Lee <ann@acme.test>; myself (voting)\n",
        "Hello,\n\nI will be the voting representative. Our second representative is Ann Lee (ann@acme.test).\n",
    ],
)
def test_myself_is_the_sender(body):
    assert sorted(_reps(body)) == [
        ("Ann Lee", "ann@acme.test", False),
        ("Bob Sender", "bob.sender@acme.test", True),
    ]


def test_a_coordinator_sending_for_others_is_no_representative():
    body = (
        "Hello,\n\nI am writing on behalf of our PKI team. Our representatives are Ann Lee (ann@acme.test, "
        "voting) and John Roe (john@acme.test). Please send any questions to me.\n"
    )
    assert sorted(_reps(body)) == [("Ann Lee", "ann@acme.test", True), ("John Roe", "john@acme.test", False)]


def test_represented_by_introduces_the_representatives():
    body = (
        "Dear colleagues,\n\nOn behalf of the Society for Secure Mail I would like to apply as an Interested "
        "Party.\n\nThe Society will be represented by:\n - Ann Lee, Chair of the Board \n(ann@acme.test)\n"
        " - John Roe, Honorary Secretary (john@acme.test)\n\nWith best wishes,\nAnn\n"
    )
    assert sorted((r.name, r.email) for r in mail(body).representatives) == [
        ("Ann Lee", "ann@acme.test"),
        ("John Roe", "john@acme.test"),
    ]


@pytest.mark.parametrize(
    "body",
    [
        "Os nossos representantes serão a Ann Lee <ann@acme.test>, Diretora de PKI, que será a nossa "
        "representante com direito de voto, e o John Roe <john@acme.test>, Responsável de Operações.\n",
        "Unsere Vertreter sind Ann Lee <ann@acme.test>, Leiterin PKI, die stimmberechtigte Vertreterin, "
        "und John Roe <john@acme.test>, Ingenieur.\n",
        "Our representatives are Ann Lee <ann@acme.test>, Head of PKI, our voting representative, "
        "and John Roe <john@acme.test>, Engineer.\n",
    ],
)
def test_the_clauses_after_an_address_are_about_its_person(body):
    assert sorted(_reps(body)) == [("Ann Lee", "ann@acme.test", True), ("John Roe", "john@acme.test", False)]


@pytest.mark.parametrize(
    "said",
    [
        "I'll take on the voting seat.",  # English
        "Die Stimmberechtigung übernehme ich.",  # German
        "Pour le vote, je m'en charge.",  # French
        "El voto lo asumiré yo.",  # Spanish
        "Il voto me lo assumo io.",  # Italian
        "De stemgerechtigde vertegenwoordiger, dat ben ik.",  # Dutch
        "O voto fica comigo.",  # Portuguese
        "Przedstawicielem z prawem głosu będę ja.",  # Polish
        "Hlasujícím zástupcem budu já.",  # Czech
        "Oy hakkını ben üstleneceğim.",  # Turkish
        "Rösträtten tar jag hand om.",  # Swedish
        "투표권이 있는 대표는 제가 담당하겠습니다.",  # Korean
        "議決権を持つ代表者は私が務めます。",  # Japanese
        "有投票权的代表由我担任。",  # Chinese
    ],
)
def test_the_sender_taking_the_vote_in_first_person_is_the_voter(said):
    body = f"Representative: Ann Lee <ann@acme.test>\n\n{said}\n"
    assert sorted(_reps(body)) == [
        ("Ann Lee", "ann@acme.test", False),
        ("Bob Sender", "bob.sender@acme.test", True),
    ]


def test_a_first_person_sentence_about_something_else_names_no_representative():
    body = (
        "Representative: Ann Lee <ann@acme.test>\n\nI will send the signed agreement to our representative.\n"
    )
    assert _reps(body) == [("Ann Lee", "ann@acme.test", False)]


@pytest.mark.parametrize(
    "body",
    [
        "Onze vertegenwoordigers: Ann Lee <ann@acme.test> (stemgerechtigd) en John Roe <john@acme.test>.\n",
        "Vertreter: Ann Lee <ann@acme.test> (stimmberechtigt) und John Roe <john@acme.test>\n",
        "Representantes: Ann Lee <ann@acme.test> – con derecho a voto – y John Roe <john@acme.test>\n",
        "Our representatives are Ann Lee <ann@acme.test> (Head of PKI; voting) and John Roe <john@acme.test>.\n",
    ],
)
def test_words_right_after_an_address_are_about_its_person(body):
    assert sorted(_reps(body)) == [("Ann Lee", "ann@acme.test", True), ("John Roe", "john@acme.test", False)]


@pytest.mark.parametrize(
    "body",
    [
        # the sender represents, a colleague named apart votes
        "Hello,\n\nI will be one of our representatives myself. Voting representative - Ann Lee (ann@acme.test).\n",
        "Witam,\n\nJa sam będę przedstawicielem bez prawa głosu. Przedstawiciel z prawem głosu – Ann Lee "
        "(ann@acme.test).\n",
        "Buenos días:\n\nYo misma seré representante sin derecho a voto; la representante con derecho a voto "
        "será Ann Lee (ann@acme.test).\n",
        "Добрый день!\n\nЯ сам буду представителем без права голоса. Голосующий представитель - Ann Lee "
        "(ann@acme.test).\n",
    ],
)
def test_the_sender_represents_and_a_colleague_named_apart_votes(body):
    assert sorted(_reps(body)) == [
        ("Ann Lee", "ann@acme.test", True),
        ("Bob Sender", "bob.sender@acme.test", False),
    ]


@pytest.mark.parametrize(
    "body",
    [
        # the sender votes, a colleague named apart does not
        "Доброго дня!\n\nЯ буду голосуючим представником. Другий представник - Ann Lee (ann@acme.test).\n",
        "Dzień dobry,\n\nJa będę przedstawicielem z prawem głosu. Drugi przedstawiciel - Ann Lee (ann@acme.test).\n",
        "Hola:\n\nYo mismo seré el representante con derecho a voto. Segunda representante - Ann Lee "
        "(ann@acme.test).\n",
    ],
)
def test_the_sender_votes_and_a_colleague_named_apart_does_not(body):
    assert sorted(_reps(body)) == [
        ("Ann Lee", "ann@acme.test", False),
        ("Bob Sender", "bob.sender@acme.test", True),
    ]
