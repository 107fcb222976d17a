import email
from datetime import UTC, datetime
from email.errors import HeaderParseError
from email.policy import compat32, default

import pytest

from intake_bot import replies
from intake_bot.records import ReplyKind
from intake_bot.replies import ReplyInput, greeting, render_reply, single_address


def reply_input(**overrides) -> ReplyInput:
    values = dict(
        kind=ReplyKind.MISSING_ITEMS,
        reference="SMCWG-2026-0001",
        working_group="SMCWG",
        to_address="alice@example.test",
        to_name="Alice",
        from_address="questions@cabforum.org",
        in_reply_to="<m1@example.test>",
        references=("<m0@example.test>",),
        items=("ipr_agreement", "emergency_contact"),
        organization_name="Example",
        category="interested_party",
        seed="SMCWG-2026-0001:abc",
        now=datetime(2026, 11, 2, tzinfo=UTC),
    )
    values.update(overrides)
    return ReplyInput(**values)


def parsed(raw: bytes):
    return email.message_from_bytes(raw, policy=default)


def test_reply_headers_follow_rfc_3834():
    msg = parsed(render_reply(reply_input()).raw)
    assert msg["Subject"] == "[SMCWG-2026-0001] Your application to the S/MIME Certificate Working Group"
    assert msg["In-Reply-To"] == "<m1@example.test>"
    assert msg["References"] == "<m0@example.test> <m1@example.test>"
    assert msg["Auto-Submitted"] == "auto-replied"
    assert msg["To"] == "alice@example.test"


def test_missing_items_are_listed_in_plain_words():
    msg = parsed(render_reply(reply_input()).raw)
    text = msg.get_body(("plain",)).get_content()
    assert "Signed IPR Agreement" in text and "Emergency contact" in text
    assert "Web site" not in text
    assert "SMCWG-2026-0001" in text


def test_message_id_is_stable_for_the_same_seed():
    assert render_reply(reply_input()).message_id == render_reply(reply_input()).message_id
    assert render_reply(reply_input()).message_id != render_reply(reply_input(seed="other")).message_id


def test_text_in_a_reply_is_data_not_template_or_html():
    hostile = "{{ 7*7 }} <script>alert(1)</script>"
    msg = parsed(render_reply(reply_input(problems={"ipr_agreement": (hostile,)})).raw)
    html = msg.get_body(("html",)).get_content()
    text = msg.get_body(("plain",)).get_content()
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "{{ 7*7 }}" in text and "49" not in text


def test_an_organisation_name_is_escaped_in_html():
    msg = parsed(
        render_reply(reply_input(kind=ReplyKind.ACKNOWLEDGEMENT, organization_name="Smith & Sons")).raw
    )
    assert "Smith &amp; Sons" in msg.get_body(("html",)).get_content()
    assert "Smith & Sons" in msg.get_body(("plain",)).get_content()


HOSTILE_ORGANISATIONS = [
    "{{ 7*7 }} <script>alert(1)</script>",
    "Example Inc - verify your account at https://phish.example/login",
    "Verify your account at phish.example",
    "Example (see www.phish.example)",
    "Example bit.ly. now",
    "Example x.io.",
    "Call +1 (555) 010-0199 now",
    "Call 555 0100 today",
    "Contact billing@phish.example",
    "Example\u202egnp.exe",
    "Example\x1b]0;owned\x07",
    "Example: urgent",
    "A" * 81,
    "Example " * 13,
]


@pytest.mark.parametrize("organisation", HOSTILE_ORGANISATIONS)
def test_a_hostile_organisation_name_is_not_repeated(organisation):
    msg = parsed(
        render_reply(reply_input(kind=ReplyKind.ACKNOWLEDGEMENT, organization_name=organisation)).raw
    )
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "your application for your organisation" in " ".join(text.split())
    for part in (str(msg["Subject"]), text, html):
        assert "phish" not in part and "555" not in part and "verify" not in part.lower()
        assert "\u202e" not in part and "\x1b" not in part and "AAAAAAAA" not in part


@pytest.mark.parametrize(
    "organisation",
    [
        "Example Trust Services Ltd.",
        "Deutsche Beispiel GmbH & Co. KG",
        "Esempio S.p.A.",
        "Beispiel Ges.m.b.H.",
        "Przykład Sp. z o.o.",
        "Example Co.,Ltd.",
        "O'Brien-Smith (Holdings) plc",
        "1&1 Example SE",
        "株式会社サンプル",
        "Пример АО",
        "Example 2024 Inc.",
    ],
)
def test_a_plain_organisation_name_is_repeated(organisation):
    msg = parsed(
        render_reply(reply_input(kind=ReplyKind.ACKNOWLEDGEMENT, organization_name=organisation)).raw
    )
    assert organisation in " ".join(msg.get_body(("plain",)).get_content().split())


def test_no_header_injection_from_subject_or_name():
    raw = render_reply(reply_input(to_name="A\nBcc: x@y")).raw
    msg = parsed(raw)
    assert msg["Bcc"] is None
    assert b"\nBcc:" not in raw


@pytest.mark.parametrize(
    "bad", ["a@x.test, b@y.test", "a@x.test\r\nBcc: b@y.test", "Name <a@x.test>", "nope"]
)
def test_only_a_single_plain_address_is_accepted(bad):
    with pytest.raises(ValueError):
        single_address(bad)


def test_reflected_reply_carries_nothing_of_a_forged_name():
    """A forged From names a victim; the reply must not carry the forger's words to them."""
    phish = "Your account is suspended: https://phish.example/login"
    msg = parsed(render_reply(reply_input(to_name=phish)).raw)
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    for part in (msg["Subject"], text, html):
        assert "phish" not in part and "suspended" not in part
    assert text.startswith("Hello,\r\n")


@pytest.mark.parametrize(
    ("display_name", "expected"),
    [
        ("Ada Lovelace", "Hello Ada Lovelace,"),
        ("Jean-Luc O'Neill Jr.", "Hello Jean-Luc O'Neill Jr.,"),
        ("José Müller", "Hello José Müller,"),
        ("山田 太郎", "Hello 山田 太郎,"),
        ("Анна Петрова", "Hello Анна Петрова,"),
        ("देवनागरी नाम", "Hello देवनागरी नाम,"),
        ('"Ada  Lovelace"', "Hello Ada Lovelace,"),
        ("", "Hello,"),
        ("Your account is suspended: https://phish.example", "Hello,"),
        ("Call 555 0100", "Hello,"),
        ("J.R.R. Tolkien", "Hello J.R.R. Tolkien,"),
        ("www.phish.example", "Hello,"),  # a period only ends a short abbreviation
        ("Ada\u202eecalevoL", "Hello,"),
        ("Ada\x1b]0;owned\x07", "Hello,"),
        ("A" * 61, "Hello,"),
        ("Verify your mailbox now or lose all mail", "Hello,"),  # a sentence, not a name
        ("Smith, John", "Hello,"),
        ("ada@example.test", "Hello,"),
    ],
)
def test_greeting_names_only_a_plain_name(display_name, expected):
    assert greeting(display_name) == expected


def test_no_value_can_start_a_header_of_its_own():
    raw = render_reply(
        reply_input(in_reply_to="<a@b>\r\nBcc: evil@example.test", references=("<c@d>\nX-Evil: 1",))
    ).raw
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert b"\r\nBcc:" not in head and b"\r\nX-Evil:" not in head
    assert all(line.startswith((b" ", b"\t")) or b":" in line for line in head.split(b"\r\n"))


def test_internationalised_domain_is_written_in_ascii_and_subject_decodes():
    msg = parsed(render_reply(reply_input(to_address="a@bücher.example", to_name="Jürgen Groß")).raw)
    assert msg["To"] == "a@xn--bcher-kva.example"
    assert msg.get_body(("plain",)).get_content().startswith("Hello Jürgen Groß,\r\n")
    assert "Signed IPR Agreement" in msg.get_body(("plain",)).get_content()


@pytest.mark.parametrize(
    "value",
    [
        "[SMCWG-2026-0001] Your application to the S/MIME Certificate Working Group",
        "<m0@example.test> <m1@example.test>",
        'text/plain; charset="us-ascii"',
        "=?utf-8?q?not_decoded?= here",
        "x" * 60,
        "x" * 70,  # over 78 with its name: folded
        " ".join(["<id@example.test>"] * 8),
        "two  spaces",
        " leading",
        "trailing ",
        "tab\there",
        "Grüße",
        "a\r\nBcc: evil@example.test",
    ],
)
def test_a_header_line_is_written_as_compat32_writes_it(value):
    def folded(policy):
        try:
            return policy.fold_binary("Subject", value)
        except HeaderParseError as exc:  # compat32 refuses a line that starts a header of its own
            return str(exc)

    assert folded(replies._WIRE) == folded(compat32.clone(linesep="\r\n"))


def test_a_reply_is_the_same_bytes_as_the_email_package_alone_writes(monkeypatch):
    monkeypatch.setattr(replies, "_boundary", lambda *texts: "===============0123456789012345678==")
    for reply in (reply_input(), reply_input(to_address="a@bücher.example", to_name="Jürgen Groß")):
        fast = render_reply(reply).raw
        monkeypatch.setattr(replies, "_WIRE", compat32.clone(linesep="\r\n"))
        assert render_reply(reply).raw == fast
        monkeypatch.undo()
        monkeypatch.setattr(replies, "_boundary", lambda *texts: "===============0123456789012345678==")
