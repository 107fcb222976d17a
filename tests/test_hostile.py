"""Hostile and broken mail: every message ends processed or quarantined with a reason, within
bounded time, and nothing a sender writes becomes a header, a path or a second recipient.

Hand-made messages for each kind of damage, then property-based tests (hypothesis) that feed
arbitrary bytes and mutated real messages (tests/samples/) to the parser and the extractor.
"""

from __future__ import annotations

import email
import email.policy
import random
import struct
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from intake_bot.classify import classify
from intake_bot.config import Limits, Settings
from intake_bot.errors import LimitExceeded, ParseError
from intake_bot.parse import parse_email, safe_filename
from intake_bot.pipeline import Incoming, Pipeline
from intake_bot.reader import read
from intake_bot.records import Disposition
from intake_bot.storage import BlobStore
from intake_bot.store.db import open_database
from intake_bot.store.schema import Reply, StoredAttachment, StoredMessage
from mails import make_mail

SAMPLES = sorted((Path(__file__).parent / "samples").glob("*.eml"))
HEAD = b"From: Alice <alice@example-trust.test>\r\nTo: questions@cabforum.org\r\nMessage-ID: <%s@hostile.test>\r\n"


@pytest.fixture
def pipeline(tmp_path, database_url) -> Pipeline:
    settings = Settings(database_url=database_url, storage_path=tmp_path / "blobs")
    return Pipeline(settings, open_database(settings.database_url))


def multipart(parts: list[bytes], boundary: bytes = b"zz", name: bytes = b"mp") -> bytes:
    body = b"".join(b"--" + boundary + b"\r\n" + p + b"\r\n" for p in parts) + b"--" + boundary + b"--\r\n"
    return (
        HEAD % name
        + b"Subject: parts\r\nMIME-Version: 1.0\r\n"
        + b'Content-Type: multipart/mixed; boundary="'
        + boundary
        + b'"\r\n\r\n'
        + body
    )


def nested(levels: int) -> bytes:
    out = HEAD % b"deep" + b"Subject: deep\r\nMIME-Version: 1.0\r\n"
    for i in range(levels):
        out += b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i)
    out += b"Content-Type: text/plain\r\n\r\nhello\r\n"
    for i in reversed(range(levels)):
        out += b"--b%d--\r\n" % i
    return out


def rfc822_chain(levels: int) -> bytes:
    out = HEAD % b"chain" + b"Subject: chain\r\nMIME-Version: 1.0\r\n"
    out += b"Content-Type: message/rfc822\r\n\r\nSubject: inner\r\n" * levels
    return out + b"\r\nhello\r\n"


def tnef(files: list[tuple[bytes, bytes]], extra: bytes = b"") -> bytes:
    """A minimal winmail.dat: per file the rendering, title and data attributes (tnefparse's reading)."""

    def obj(level: int, name: int, kind: int, data: bytes) -> bytes:
        return (
            bytes([level])
            + struct.pack("<HHI", name, kind, len(data))
            + data
            + struct.pack("<H", sum(data) & 0xFFFF)
        )

    out = struct.pack("<IH", 0x223E9F78, 0) + extra
    for name, data in files:
        out += obj(2, 0x9002, 6, bytes(14)) + obj(2, 0x8010, 1, name + b"\x00") + obj(2, 0x800F, 6, data)
    return out


def with_attachment(payload: bytes, content_type: str, filename: str, body: str = "See attached.") -> bytes:
    maintype, subtype = content_type.split("/")
    msg = email.message_from_bytes(make_mail(body), policy=email.policy.SMTP)
    msg.add_attachment(payload, maintype=maintype, subtype=subtype, filename=filename)
    return msg.as_bytes()


def outcome_of(pipeline: Pipeline, raw: bytes):
    outcome = pipeline.process(Incoming(raw=raw))
    with pipeline.db.transaction() as s:
        row = s.get(StoredMessage, outcome.message_row_id)
        assert row is not None and row.reason, "every message is recorded with a reason"
        assert pipeline.blobs.get(row.raw_sha256) == raw, "the raw bytes are kept"
    return outcome


# -- each kind of damage, through the whole pipeline ---------------------------------------------

DAMAGED = {
    "no headers": b"just some words\nand no headers at all\n",
    "blank lines before the headers": b"\r\n\r\n" + make_mail("Hello, a question.", subject="lead"),
    "broken boundary": HEAD % b"bb"
    + b'Subject: bb\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="declared"\r\n\r\n'
    + b"--other\r\nContent-Type: text/plain\r\n\r\nthe text survives\r\n--other--\r\n",
    "missing final boundary": multipart([b"Content-Type: text/plain\r\n\r\nno end"])[: -len(b"--zz--\r\n")],
    "invalid base64": multipart(
        [b"Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not*base64@@@=\r\n"]
    ),
    "unknown charset": HEAD % b"uc"
    + b"Subject: uc\r\nContent-Type: text/plain; charset=x-no-such-charset\r\n\r\nGr\xfc\xdfe aus K\xf6ln\r\n",
    "ISO-2022-JP": HEAD % b"jp"
    + b"Subject: =?ISO-2022-JP?B?GyRCJDkkXyReJDskcyEjGyhC?=\r\n"
    + b"Content-Type: text/plain; charset=ISO-2022-JP\r\n\r\n\x1b$B$9$_$^$;$s!#\x1b(B\r\n",
    "8-bit headers": b"From: J\xc3\xbcrgen <j@example.test>\r\nSubject: Gr\xc3\xbc\xc3\x9fe \xe9t\xe9\r\n"
    + b"Message-ID: <8bit@hostile.test>\r\n\r\nbody\r\n",
    "NUL bytes": HEAD % b"nul" + b"Subject: n\x00ul\r\n\r\nbo\x00dy\x00\r\n",
    "CR-only line ends": b"From: a@example.test\rSubject: cr only\rMessage-ID: <cr@hostile.test>\r\rHello\rthere\r",
    "500 levels of nesting": nested(500),
    "2000 nested message/rfc822": rfc822_chain(2000),
    "5000 parts": multipart([b"Content-Type: text/plain\r\n\r\npart"] * 5000),
    "1 MB header": HEAD % b"bighdr" + b"Subject: " + b"x" * (1 << 20) + b"\r\n\r\nbody\r\n",
    "30000 header lines": HEAD % b"lines"
    + b"X-Junk: abcdefghijklmnopqrstuvwxyz\r\n" * 30000
    + b"\r\nbody\r\n",
    "random binary": random.Random(4).randbytes(300_000),
    "only a boundary": b'Content-Type: multipart/mixed; boundary="x"\r\n\r\n--x--',
    "zip attachment": with_attachment(b"PK\x03\x04" + bytes(200), "application/zip", "docs.zip"),
}


@pytest.mark.parametrize("raw", DAMAGED.values(), ids=DAMAGED.keys())
def test_damaged_mail_is_processed_or_quarantined_with_a_reason(pipeline, raw):
    outcome = outcome_of(pipeline, raw)
    assert outcome.disposition != Disposition.APPLICATION or outcome.reference


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (nested(500), "nesting"),
        (rfc822_chain(2000), "nesting"),
        (multipart([b"Content-Type: text/plain\r\n\r\npart"] * 5000), "parts"),
    ],
    ids=["500 levels", "2000 forwards", "5000 parts"],
)
def test_over_a_limit_is_quarantined_visibly(pipeline, raw, words):
    outcome = outcome_of(pipeline, raw)
    assert outcome.disposition == Disposition.QUARANTINED
    assert outcome.reason.startswith("LimitExceeded") and words in outcome.reason


def test_limits_are_parameters():
    with pytest.raises(LimitExceeded, match="nesting"):
        parse_email(nested(6), Limits(max_depth=5))
    assert parse_email(nested(6), Limits(max_depth=10)).text.strip() == "hello"
    with pytest.raises(LimitExceeded, match="parts"):
        parse_email(multipart([b"Content-Type: text/plain\r\n\r\np"] * 20), Limits(max_parts=10))
    big = with_attachment(b"\x01" * 200_000, "application/octet-stream", "big.bin")
    with pytest.raises(LimitExceeded, match="big.bin"):
        parse_email(big, Limits(max_attachment_bytes=100_000))
    assert parse_email(big, Limits(max_attachment_bytes=200_000)).attachments[0].size == 200_000
    with pytest.raises(LimitExceeded, match="header block"):
        parse_email(HEAD % b"h" + b"X: " + b"y" * 5000 + b"\r\n\r\nbody", Limits(max_header_bytes=4000))


def test_text_is_cut_at_the_limit_and_says_so():
    parsed = parse_email(make_mail("word " * 10_000), Limits(max_text_chars=1000))
    assert len(parsed.text) == 1000
    assert "TextTruncated" in parsed.defects


def test_a_30_mb_attachment_is_read_at_the_limit_and_refused_over_it():
    payload = bytes(30 * 1024 * 1024)
    raw = with_attachment(payload, "application/octet-stream", "big.bin")
    parsed = parse_email(raw, Limits(max_attachment_bytes=len(payload)))
    assert parsed.attachments[0].size == len(payload)
    with pytest.raises(LimitExceeded):
        parse_email(raw, Limits(max_attachment_bytes=len(payload) - 1))


def test_a_message_over_the_size_limit_is_quarantined(tmp_path, database_url):
    settings = Settings(database_url=database_url, storage_path=tmp_path / "b")
    settings = Settings(
        database_url=settings.database_url,
        storage_path=settings.storage_path,
        limits=type(settings.limits)(max_message_bytes=10_000),
    )
    pipe = Pipeline(settings, open_database(settings.database_url))
    outcome = outcome_of(pipe, make_mail("x" * 20_000))
    assert outcome.disposition == Disposition.QUARANTINED and "over the limit" in outcome.reason


def test_damaged_text_is_still_read():
    parsed = parse_email(DAMAGED["broken boundary"])
    assert "the text survives" in parsed.text
    assert parse_email(DAMAGED["ISO-2022-JP"]).text.strip() == "すみません。"
    assert parse_email(DAMAGED["ISO-2022-JP"]).subject == "すみません。"
    eight = parse_email(DAMAGED["8-bit headers"])
    assert eight.subject == "Grüße été"  # UTF-8 and Latin-1 in one header: each read as what it is
    assert eight.from_name == "Jürgen"
    assert "\x00" not in parse_email(DAMAGED["NUL bytes"]).text
    cr = parse_email(DAMAGED["CR-only line ends"])
    assert cr.subject == "cr only" and cr.message_id == "<cr@hostile.test>"
    assert "Grüße aus Köln" in parse_email(DAMAGED["unknown charset"]).text
    assert parse_email(DAMAGED["blank lines before the headers"]).subject == "lead"
    assert len(parse_email(DAMAGED["1 MB header"]).subject) <= 2000


def test_archives_are_kept_whole_never_expanded():
    parsed = parse_email(DAMAGED["zip attachment"])
    assert [(a.filename, a.content_type) for a in parsed.attachments] == [("docs.zip", "application/zip")]


# -- Outlook winmail.dat ------------------------------------------------------------------------

PDF = b"%PDF-1.4\n% an IPR agreement stand-in\n" + b"0" * 200


def test_winmail_dat_attachments_become_ordinary_attachments():
    raw = with_attachment(tnef([(b"IPR Agreement.pdf", PDF)]), "application/ms-tnef", "winmail.dat")
    parsed = parse_email(raw)
    found = {a.filename: a for a in parsed.attachments}
    assert set(found) == {"winmail.dat", "IPR Agreement.pdf"}
    assert found["IPR Agreement.pdf"].payload == PDF
    assert found["IPR Agreement.pdf"].content_type == "application/pdf"


def test_winmail_dat_names_are_only_data():
    raw = with_attachment(tnef([(b"../../etc/passwd", b"x" * 40)]), "application/ms-tnef", "winmail.dat")
    names = [a.filename for a in parse_email(raw).attachments]
    assert names == ["winmail.dat", "passwd"]


@pytest.mark.parametrize(
    "payload",
    [
        b"\x78\x9f\x3e\x22" + b"garbage" * 10,
        b"not tnef at all",
        tnef([(b"a.txt", b"abc")])[:30],
        # a MAPI property block claiming four billion properties: tnefparse would loop for hours
        tnef(
            [],
            extra=b"\x01" + struct.pack("<HHI", 0x9003, 6, 8) + struct.pack("<II", 0xFFFFFFFF, 0) + b"\0\0",
        )
        + bytes(20),
    ],
    ids=["bad body", "no signature", "truncated", "four billion properties"],
)
def test_a_broken_winmail_dat_is_kept_and_the_message_read(payload):
    raw = with_attachment(payload, "application/ms-tnef", "winmail.dat")
    parsed = parse_email(raw, Limits(tnef_timeout=3))
    assert parsed.attachments[0].payload == payload
    assert "See attached." in parsed.text


# -- forwarded applications ---------------------------------------------------------------------


def test_a_forwarded_application_is_read_and_the_forwarder_is_the_sender():
    inner = make_mail(sender="Carol Applicant <carol@applicant.test>", subject="Membership application")
    outer = email.message_from_bytes(
        make_mail("Forwarding Carol's application, see below.", sender="Bob Colleague <bob@colleague.test>"),
        policy=email.policy.SMTP,
    )
    outer.add_attachment(email.message_from_bytes(inner, policy=email.policy.SMTP))
    parsed = parse_email(outer.as_bytes())
    assert parsed.from_address == "bob@colleague.test"
    assert parsed.text.startswith("Forwarding Carol's application")
    assert "---------- Forwarded message ----------" in parsed.text
    assert "From: Carol Applicant <carol@applicant.test>" in parsed.text
    assert "Organization Name: Example Trust Ltd" in parsed.text
    found = read(parsed)
    assert found.organization_name == "Example Trust Ltd"
    assert [r.email for r in found.representatives] == ["alice@example-trust.test", "bob@example-trust.test"]
    assert found.emergency_contact.email == "security@example-trust.test"


def test_a_forwarded_ipr_attachment_is_found():
    inner = with_attachment(PDF, "application/pdf", "IPR.pdf")
    outer = email.message_from_bytes(make_mail("fwd"), policy=email.policy.SMTP)
    outer.add_attachment(email.message_from_bytes(inner, policy=email.policy.SMTP))
    assert [a.filename for a in parse_email(outer.as_bytes()).attachments] == ["IPR.pdf"]


# -- injection: text stays data ------------------------------------------------------------------


def test_encoded_line_breaks_never_reach_a_header(pipeline):
    body = make_mail().split(b"\r\n\r\n", 1)[1]
    raw = (
        b"From: =?utf-8?q?Alice=0D=0ATo:_evil@attacker.test?= <alice@example-trust.test>\r\n"
        b"To: questions@cabforum.org\r\nMessage-ID: <inject@hostile.test>\r\n"
        b"Subject: =?utf-8?q?Membership_application=0D=0ABcc:_evil@attacker.test?=\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\n" + body
    )
    parsed = parse_email(raw)
    assert "\r" not in parsed.subject and "\n" not in parsed.subject
    assert "\n" not in parsed.from_name
    outcome = outcome_of(pipeline, raw)
    with pipeline.db.transaction() as s:
        for reply in s.scalars(select(Reply)):
            sent = email.message_from_bytes(reply.raw, policy=email.policy.default)
            assert sent["Bcc"] is None
            assert [a.addr_spec for a in sent["To"].addresses] == ["alice@example-trust.test"]
            assert "attacker" not in str(sent["To"])
    assert outcome.disposition in (Disposition.APPLICATION, Disposition.NOT_APPLICATION)


def test_two_senders_in_from_are_not_both_answered():
    parsed = parse_email(make_mail(sender="alice@example-trust.test, evil@attacker.test"))
    assert parsed.from_address == "alice@example-trust.test"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ("/absolute/path.pdf", "path.pdf"),
        ("ipr\r\nX-Injected: yes.pdf", "iprX-Injected: yes.pdf"),
        ("..", "attachment"),
        ("\x00\x01", "attachment"),
        ("=?utf-8?q?..=2F..=2Fboot.ini?=", "boot.ini"),
        ("a" * 500 + ".pdf", "a" * 116 + ".pdf"),
    ],
)
def test_attachment_names_never_become_paths(name, expected):
    assert safe_filename(name) == expected


def test_stored_attachments_are_named_by_their_hash(pipeline, tmp_path):
    raw = with_attachment(PDF, "application/pdf", "x")
    raw = raw.replace(b'filename="x"', b'filename="../../../../tmp/evil.pdf"')
    raw = raw.replace(b"Subject: Membership", b"Subject: Joining as Certificate Consumer. Membership")
    outcome = outcome_of(pipeline, raw)
    with pipeline.db.transaction() as s:
        stored = list(s.scalars(select(StoredAttachment)))
    for att in stored:
        assert att.filename == "evil.pdf"
        assert pipeline.blobs.path_for(att.sha256).is_relative_to(pipeline.blobs.root)
    assert not (tmp_path.parent / "evil.pdf").exists()
    with pytest.raises(ValueError):
        BlobStore(tmp_path).path_for("../../etc/passwd")
    assert outcome.disposition != Disposition.QUARANTINED


# -- property-based: arbitrary and mutated input -------------------------------------------------

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def parse_or_refuse(raw: bytes):
    """parse_email's whole contract: a ParsedEmail, or ParseError/LimitExceeded, nothing else."""
    try:
        parsed = parse_email(raw, Limits(max_parts=200, max_depth=20, tnef_timeout=2))
    except (ParseError, LimitExceeded):
        return None
    assert parsed.message_id.startswith("<") and parsed.message_id.endswith(">")
    assert "\n" not in parsed.subject and "\r" not in parsed.subject
    assert all(" " not in a and "\n" not in a for a in (parsed.from_address, *parsed.to, *parsed.cc))
    for att in parsed.attachments:
        assert "/" not in att.filename and "\\" not in att.filename and att.size == len(att.payload)
    parsed.text.encode("utf-8")  # no lone surrogates: the text goes to the database and to Jinja2
    parsed.subject.encode("utf-8")
    for value in parsed.headers.values():
        value.encode("utf-8")
    return parsed


def read_fully(raw: bytes) -> None:
    parsed = parse_or_refuse(raw)
    if parsed is not None:
        read(parsed)  # never raises
        classify(parsed, frozenset({"questions@cabforum.org"}))


@FAST
@given(st.binary(max_size=4096))
def test_arbitrary_bytes(raw):
    read_fully(raw)


@FAST
@given(
    st.lists(
        st.sampled_from(
            [
                b"\r\n",
                b"\n",
                b"\r",
                b": ",
                b"--",
                b"=?",
                b"?=",
                b"boundary=",
                b'"',
                b"Content-Type: multipart/mixed; boundary=a",
                b"--a",
                b"--a--",
                b"Content-Transfer-Encoding: base64",
                b"message/rfc822",
                b"charset=",
                b"From: ",
                b"Subject: ",
                b"\x00",
                b"\xff",
                b"=?utf-8?b?",
                b"=0D=0A",
            ]
        )
        | st.binary(max_size=20),
        max_size=80,
    )
)
def test_arbitrary_mime_tokens(chunks):
    read_fully(b"".join(chunks))


MUTATIONS = st.lists(
    st.tuples(
        st.sampled_from(["flip", "insert", "delete", "duplicate", "truncate"]),
        st.integers(0, 1 << 20),
        st.binary(min_size=1, max_size=16),
    ),
    min_size=1,
    max_size=6,
)


def mutate(raw: bytes, ops) -> bytes:
    data = bytearray(raw)
    for op, pos, blob in ops:
        at = pos % (len(data) + 1)
        if op == "flip" and data:
            data[at % len(data)] ^= blob[0] or 1
        elif op == "insert":
            data[at:at] = blob
        elif op == "delete":
            del data[at : at + len(blob) * 8]
        elif op == "duplicate":
            data[at:at] = data[at : at + len(blob) * 16]
        elif op == "truncate":
            del data[at:]
    return bytes(data)


@pytest.mark.skipif(not SAMPLES, reason="tests/samples is empty")
@FAST
@given(st.sampled_from(SAMPLES or [Path("/dev/null")]), MUTATIONS)
def test_mutated_real_messages(sample, ops):
    read_fully(mutate(sample.read_bytes(), ops))


@FAST
@given(st.text(max_size=300), st.text(max_size=300), st.text(max_size=300))
def test_arbitrary_header_text_stays_one_line(subject, name, filename):
    raw = (
        b"From: "
        + name.encode("utf-8", "surrogatepass")
        + b" <a@example.test>\r\nSubject: "
        + subject.encode("utf-8", "surrogatepass")
        + b'\r\nContent-Type: multipart/mixed; boundary="q"\r\n\r\n--q\r\nContent-Disposition: attachment; filename="'
        + filename.encode("utf-8", "surrogatepass")
        + b'"\r\n\r\ndata\r\n--q--\r\n'
    )
    parsed = parse_or_refuse(raw)
    if parsed is not None:
        assert "\n" not in parsed.from_name and "\r" not in parsed.from_name
