"""parse_email on saved real messages (tests/samples, see its NOTICE.md) and small hand-made ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from intake_bot.classify import classify
from intake_bot.parse import decode_bytes, decode_header_value, parse_email
from intake_bot.records import Disposition
from mails import make_mail

SAMPLES = Path(__file__).parent / "samples"


def sample(name: str):
    return parse_email((SAMPLES / name).read_bytes())


def test_iso_2022_jp_text_is_decoded():
    assert sample("ruby-mail--multi_charset__japanese_iso_2022.eml").text.strip() == "すみません。"


def test_a_missing_final_boundary_keeps_the_text():
    parsed = sample("enmime--low-quality__bad-final-boundary.eml")
    assert parsed.text.strip()


def test_invalid_base64_keeps_the_attachment_bytes():
    parsed = sample("enmime--low-quality__malformed-base64-attach.eml")
    assert parsed.attachments and all(a.size == len(a.payload) for a in parsed.attachments)


def test_an_unknown_charset_still_gives_text():
    assert sample("enmime--low-quality__unk-charset-part.eml").text.strip()


def test_a_forwarded_message_is_part_of_the_text():
    parsed = sample("django-helpdesk--forwarded-message.eml")
    assert parsed.from_address == "sender@domain.tld"
    assert "This is email body" in parsed.text and "Original Message" in parsed.text


@pytest.mark.parametrize(
    ("name", "disposition"),
    [
        ("enmime--dsn__simple_dsn.eml", Disposition.BOUNCE),
        ("bounce_email--non_bounces__tt_1234210666.eml", Disposition.AUTO_REPLY),
        ("sisimai-set-of-emails--bsd__rfc3834-01.eml", Disposition.AUTO_REPLY),
        ("php-mime-mail-parser--issue212.eml", Disposition.AUTO_REPLY),
    ],
)
def test_saved_automatic_mail_is_never_answered(name, disposition):
    verdict = classify(sample(name), frozenset({"questions@cabforum.org"}))
    assert verdict.automated and verdict.disposition == disposition


def test_encoded_subject_is_decoded():
    raw = make_mail(subject="Přihláška - Dvořák Digitální s.r.o.")
    assert parse_email(raw).subject == "Přihláška - Dvořák Digitální s.r.o."


def test_a_message_without_message_id_gets_a_stable_one():
    raw = b"From: a@example.test\r\nSubject: x\r\n\r\nbody\r\n"
    first, second = parse_email(raw).message_id, parse_email(raw).message_id
    assert first == second and first.endswith("@no-message-id.intake-bot.invalid>")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("12345@host.example", "<12345@host.example>"),  # real mailers send it without brackets
        ("  <abc@host.example>  ", "<abc@host.example>"),
        ("<abc@host.example> (comment)", "<abc@host.example>"),
    ],
)
def test_a_message_id_is_kept_as_written_and_bracketed(header, expected):
    raw = f"From: a@example.test\r\nMessage-Id: {header}\r\nSubject: x\r\n\r\nbody\r\n".encode()
    assert parse_email(raw).message_id == expected


@pytest.mark.parametrize("header", ["not an id", "@host", "x@", "<>"])
def test_a_message_id_that_is_no_id_gets_the_stable_one(header):
    raw = f"From: a@example.test\r\nMessage-Id: {header}\r\nSubject: x\r\n\r\nbody\r\n".encode()
    assert parse_email(raw).message_id.endswith("@no-message-id.intake-bot.invalid>")


def test_a_reply_to_an_unbracketed_message_id_names_it_bracketed():
    raw = (
        b"From: a@example.test\r\nMessage-Id: <r@example.test>\r\nIn-Reply-To: 12345@host.example\r\n"
        b"References: 12345@host.example\r\nSubject: Re: x\r\n\r\nbody\r\n"
    )
    parsed = parse_email(raw)
    assert parsed.in_reply_to == ("<12345@host.example>",)
    assert parsed.references == ("<12345@host.example>",)


@pytest.mark.parametrize(
    ("data", "charset", "expected"),
    [
        ("Grüße".encode(), "utf-8", "Grüße"),
        ("Grüße".encode("latin-1"), "iso-8859-1", "Grüße"),
        ("Grüße".encode("latin-1"), "utf-8", "Grüße"),  # mislabelled: the declared one fails, Latin-1 wins
        ("Grüße".encode(), "x-unknown", "Grüße"),
        ("사진".encode("cp949"), "ks_c_5601-1987", "사진"),
        ("中文".encode("gb18030"), "gb2312", "中文"),
        ("ci\xb9gle".encode("latin-1"), "\x00windows-1250", "ci¹gle"),  # Python's lookup raises ValueError
        ("Grüße".encode(), "utf-8\n", "Grüße"),
    ],
)
def test_decode_bytes_never_raises_and_finds_the_text(data, charset, expected):
    assert decode_bytes(data, charset) == expected


def test_header_words_in_unknown_charsets_do_not_raise():
    assert decode_header_value("=?x-unknown?q?abc?= def") == "abc def"
    assert decode_header_value("plain") == "plain"


@pytest.mark.parametrize("charset", ["charset*=us-ascii''utf-8", "charset*=x%00y''utf-8"])
def test_an_rfc2231_charset_on_8bit_text_is_read(charset):
    """The stdlib decodes 8-bit text with the charset parameter, which is then a tuple: it raised."""
    raw = (
        b"From: a@example.test\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
        b"Content-Type: text/plain; " + charset.encode() + b"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        b"Gr\xc3\xbc\xc3\x9fe aus Berlin\r\n--b\r\n"
        b"Content-Type: application/octet-stream; name=a.bin; " + charset.encode() + b"\r\n"
        b"Content-Disposition: attachment; filename=a.bin\r\n\r\n\xff\xfe data\r\n--b--\r\n"
    )
    parsed = parse_email(raw)
    assert "aus Berlin" in parsed.text
    assert [a.filename for a in parsed.attachments] == ["a.bin"]


def test_format_flowed_text_is_joined_where_the_mailer_wrapped_it():
    raw = (
        b"From: Ana <ana@acme.test>\r\nTo: q@cabforum.org\r\nSubject: x\r\nMessage-ID: <f@acme.test>\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8; format=flowed\r\n\r\n"
        b"We are not sure whether to join as \r\nan Issuer - or as a Consumer.\r\n"
        b"Hard break here\r\nand here.\r\n> quoted and \r\n> wrapped\r\n-- \r\nAna\r\n"
    )
    assert parse_email(raw).text.split("\n")[:5] == [
        "We are not sure whether to join as an Issuer - or as a Consumer.",
        "Hard break here",
        "and here.",
        "> quoted and wrapped",
        "-- ",
    ]
    delsp = raw.replace(b"format=flowed", b"format=flowed; delsp=yes").replace(
        b"join as \r\n", b"join as  \r\n"
    )
    assert parse_email(delsp).text.startswith("We are not sure whether to join as an Issuer")
    fixed = raw.replace(b"; format=flowed", b"")
    assert parse_email(fixed).text.startswith("We are not sure whether to join as \nan Issuer")
