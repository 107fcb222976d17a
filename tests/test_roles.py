"""Whose words count (roles.py): the rule itself, then each consequence through `ingest` and the CLI."""

from __future__ import annotations

import json
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import SMTP, default

import pytest

from bot import run_cli
from intake_bot.parse import parse_email
from intake_bot.records import EmergencyContact, Extraction, Representative, Role
from intake_bot.roles import (
    Dmarc,
    People,
    StaffAddresses,
    authenticated,
    dmarc,
    forwarded_sender,
    role_of,
    without_staff,
)
from mails import make_mail

STAFF = StaffAddresses.configured(["@cabforum.org", "Chair@Example.org"], "questions@cabforum.org")
ALICE = People("alice@example-trust.test", ("rep@consultancy.test",))
TRUSTED = ("mx1.cabforum.org",)
REF = "SMCWG-2026-0001"


# ---- the rule --------------------------------------------------------------------------------


def test_staff_are_whole_addresses_or_everyone_at_a_domain():
    assert "chair@example.org" in STAFF and "CHAIR@example.org" in STAFF
    assert "anyone@cabforum.org" in STAFF and "questions@cabforum.org" in STAFF
    assert "other@example.org" not in STAFF
    assert "x@sub.cabforum.org" not in STAFF and "x@evilcabforum.org" not in STAFF
    assert "" not in STAFF and "cabforum.org" not in STAFF


def test_the_application_speaks_through_its_applicant_representatives_and_colleagues():
    assert ALICE.include("alice@example-trust.test") and ALICE.include("REP@consultancy.test")
    assert ALICE.include("bob@example-trust.test")  # a colleague
    assert not ALICE.include("eve@evil.example")
    assert not ALICE.include("someone@consultancy.test")  # the representative's colleague is not
    freemail = People("alice@gmail.com")
    assert not freemail.include("eve@gmail.com")


@pytest.mark.parametrize(
    ("sender", "speakers", "authentic", "role"),
    [
        ("alice@example-trust.test", ALICE, True, Role.APPLICANT),
        ("bob@example-trust.test", ALICE, True, Role.APPLICANT),
        ("eve@evil.example", ALICE, True, Role.OUTSIDER),
        ("alice@example-trust.test", ALICE, False, Role.OUTSIDER),  # forged: whatever its From says
        ("chair@example.org", ALICE, True, Role.STAFF),
        ("chair@example.org", ALICE, False, Role.OUTSIDER),
        ("eve@evil.example", None, True, Role.APPLICANT),  # opens an application of its own
        ("someone@cabforum.org", None, True, Role.STAFF),  # staff never open one
    ],
)
def test_one_rule_decides_the_role(sender, speakers, authentic, role):
    assert role_of(sender, staff=STAFF, speakers=speakers, authentic=authentic) is role


def test_only_our_own_servers_topmost_dmarc_pass_authenticates():
    ours = "mx1.cabforum.org; dkim=pass header.d=x.test; dmarc=pass header.from=x.test"
    assert authenticated("", ()) and authenticated("evil; dmarc=fail", ())  # nothing trusted: as written
    assert authenticated(ours, TRUSTED)
    assert authenticated(ours.upper(), TRUSTED)
    assert not authenticated("", TRUSTED)
    assert not authenticated("evil.example; dmarc=pass header.from=x.test", TRUSTED)
    assert not authenticated("mx1.cabforum.org; dmarc=fail (p=reject) header.from=x.test", TRUSTED)
    assert not authenticated("mx1.cabforum.org; dmarc=none header.from=x.test", TRUSTED)
    assert not authenticated("mx1.cabforum.org; dkim=fail (dmarc=pass) header.d=x.test", TRUSTED)
    # a header the sender wrote with our id sits below the one our server put on top
    assert not authenticated(f"mx1.cabforum.org; dmarc=fail header.from=x.test\n{ours}", TRUSTED)
    assert not authenticated("mx1.cabforum.org; dmarc=pass" + " (x" * 5000, TRUSTED)
    assert not authenticated("mx1.cabforum.org; ;;; ===", TRUSTED)


@pytest.mark.parametrize(
    ("header", "verdict"),
    [
        ("mx1.cabforum.org; dkim=pass header.d=x.test; dmarc=pass header.from=x.test", Dmarc.PASS),
        ("mx1.cabforum.org; dmarc=fail (p=reject) header.from=x.test", Dmarc.FAIL),
        ("mx1.cabforum.org; dmarc=none header.from=x.test", Dmarc.NONE),
        ("mx1.cabforum.org; dmarc=temperror header.from=x.test", Dmarc.NONE),
        ("mx1.cabforum.org; spf=fail smtp.mailfrom=x.test; dkim=fail header.d=x.test", Dmarc.NONE),
        ("evil.example; dmarc=fail header.from=x.test", Dmarc.NONE),  # not ours: no verdict either way
        ("", Dmarc.NONE),
        # ours is the topmost header of our id; one below it was the sender's
        ("mx1.cabforum.org; dmarc=fail header.from=x.test\nmx1.cabforum.org; dmarc=pass", Dmarc.FAIL),
        ("mx1.cabforum.org; dmarc=pass header.from=x.test\nmx1.cabforum.org; dmarc=fail", Dmarc.PASS),
        ("mx1.cabforum.org; ;;; ===", Dmarc.NONE),
    ],
)
def test_one_dmarc_judgement(header, verdict):
    assert dmarc(header, TRUSTED) is verdict
    assert dmarc(header, ()) is Dmarc.NONE  # nothing trusted: nothing judged


def test_a_forwarded_messages_sender_is_found_in_its_header_block():
    inline = "FYI\n\n---------- Forwarded message ---------\nFrom: Bob Roe <Bob@Bob-Trust.test>\nDate: Mon\nSubject: x\n"
    assert forwarded_sender(inline, STAFF).address == "bob@bob-trust.test"
    assert forwarded_sender(inline, STAFF).name == "Bob Roe"
    outlook = (
        "see below\n\n*From:* Jane Roe [mailto:jane@roe.test]\n*Sent:* Monday\n*To:* chair@example.org\n"
    )
    assert forwarded_sender(outlook, STAFF).address == "jane@roe.test"
    nested = (
        "From: Chair <chair@example.org>\nSent: Tue\nTo: x\n\n"
        "From: jane@roe.test\nDate: Mon\nTo: chair@example.org\n"
    )
    found = forwarded_sender(nested, STAFF)
    assert found.address == "jane@roe.test" and found.name == ""
    assert forwarded_sender("From: nobody in particular\n\nhello", STAFF) is None


def test_a_staff_address_is_never_one_of_the_applications_people():
    extraction = Extraction(
        representatives=(
            Representative("Alice", "alice@example-trust.test"),
            Representative("Chair", "chair@example.org", voting=True),
        ),
        emergency_contact=EmergencyContact("Chair", "chair@example.org", "+1 555 0100"),
    )
    clean = without_staff(extraction, STAFF)
    assert clean.representatives == (Representative("Alice", "alice@example-trust.test"),)
    assert clean.emergency_contact is None
    untouched = Extraction(representatives=(Representative("Alice", "alice@example-trust.test"),))
    assert without_staff(untouched, STAFF) is untouched


# ---- through ingest and the CLI --------------------------------------------------------------


@pytest.fixture
def config(tmp_path, database_url):
    path = tmp_path / "intake-bot.toml"
    path.write_text(
        f'[database]\nurl = "{database_url}"\n[storage]\npath = "{tmp_path / "st"}"\n'
        '[intake]\nstaff_addresses = ["@cabforum.org", "chair@example.org"]\n'
    )
    return path


@pytest.fixture
def cli(config, capsys, monkeypatch, tmp_path):
    """Run intake-bot as staff do: ingest(raw...) and run(args...) -> (exit code, stdout)."""
    monkeypatch.delenv("INTAKE_BOT_CONFIG", raising=False)
    counter = iter(range(1, 1000))

    class Cli:
        def run(self, *args: str) -> tuple[int, str]:
            code, out, err = run_cli(capsys, "--config", str(config), *args)
            return code, out + err

        def ingest(self, *raws: bytes) -> None:
            paths = []
            for raw in raws:
                path = tmp_path / f"{next(counter):03d}.eml"
                path.write_bytes(raw)
                paths.append(str(path))
            assert self.run("ingest", *paths)[0] == 0

        def export(self) -> dict:
            return json.loads(self.run("export", "--format", "json")[1])

        def application(self) -> dict:
            (app,) = self.export()["applications"]
            return app

        def flags(self) -> list[str]:
            (row,) = json.loads(self.run("status", "--json")[1])
            return row["flags"]

    return Cli()


HIJACK = """Hello,

Please update our application.

Organization Name: Evil Ltd
Website: https://evil.example
Voting Representative: Eve Mallory, eve@evil.example
Emergency Contact: eve@evil.example, +1 666 0000
"""
DATA_FIELDS = (
    "status",
    "organization_name",
    "website_url",
    "representatives",
    "emergency_contact",
    "missing",
)


def test_a_stranger_naming_the_reference_changes_nothing_and_hears_nothing(cli):
    cli.ingest(make_mail())
    before = cli.application()
    cli.ingest(make_mail(HIJACK, sender="Eve <eve@evil.example>", subject=f"Re: [{REF}] update"))
    after = cli.application()
    assert {k: after[k] for k in DATA_FIELDS} == {k: before[k] for k in DATA_FIELDS}
    assert [r["to"] for r in after["replies"]] == ["alice@example-trust.test"]
    assert [(m["from"], m["role"]) for m in after["messages"]] == [
        ("alice@example-trust.test", "applicant"),
        ("eve@evil.example", "outsider"),
    ]
    assert cli.flags() == ["outsider"]
    code, shown = cli.run("show", REF)
    assert code == 0 and "outsider" in shown and "eve@evil.example" in shown


def test_a_strangers_status_probe_gets_no_reply_at_all(cli):
    cli.ingest(make_mail())
    cli.ingest(make_mail("status?", sender="prober@elsewhere.test", subject=f"[{REF}] status?"))
    assert len(cli.application()["replies"]) == 1
    assert all(r["to"] == "alice@example-trust.test" for r in cli.export()["applications"][0]["replies"])


def test_the_same_sender_and_domain_fallback_joins_colleagues_only(cli):
    cli.ingest(make_mail())
    colleague = make_mail("Website: https://new.example-trust.test\n", sender="carol@example-trust.test")
    cli.ingest(colleague)
    app = cli.application()
    assert app["website_url"] == "https://new.example-trust.test"
    assert app["replies"][-1]["to"] == "carol@example-trust.test"


def test_a_forged_from_at_the_applicants_domain_is_an_outsider_where_dmarc_is_checked(cli, config):
    config.write_text(config.read_text() + 'trusted_authserv_ids = ["mx1.cabforum.org"]\n')
    passed = {"Authentication-Results": "mx1.cabforum.org; dmarc=pass header.from=example-trust.test"}
    failed = {"Authentication-Results": "mx1.cabforum.org; dmarc=fail header.from=example-trust.test"}
    cli.ingest(make_mail(headers=passed))
    forged = make_mail(HIJACK, sender="carol@example-trust.test", subject=f"[{REF}] update", headers=failed)
    cli.ingest(forged)
    app = cli.application()
    assert app["organization_name"] == "Example Trust Ltd" and len(app["replies"]) == 1
    assert app["messages"][-1]["role"] == "outsider"
    genuine = make_mail("Website: https://new.example-trust.test\n", subject=f"[{REF}] web", headers=passed)
    cli.ingest(genuine)
    assert cli.application()["website_url"] == "https://new.example-trust.test"


STAFF_REPLY = """Dear Alice,

please note the voting representative must be an employee. For emergencies you can reach
the chair at chair@example.org, +1 555 0100.

Emergency Contact: chair@example.org, +1 555 0100

Best regards,
The Chair
"""


def test_staff_in_the_thread_are_kept_not_read_not_answered(cli):
    cli.ingest(make_mail())
    before = cli.application()
    our_reply = before["replies"][0]["message_id"]
    cli.ingest(
        make_mail(
            STAFF_REPLY,
            sender="The Chair <chair@example.org>",
            subject=f"Re: [{REF}] Your application",
            headers={"In-Reply-To": our_reply, "Cc": "questions@cabforum.org"},
        )
    )
    after = cli.application()
    assert after["emergency_contact"] == before["emergency_contact"]
    assert len(after["replies"]) == 1
    assert after["messages"][-1] == {**after["messages"][-1], "from": "chair@example.org", "role": "staff"}
    assert cli.flags() == []
    shown = cli.run("show", REF)[1]
    assert "staff message from chair@example.org" in shown


def test_a_staff_address_quoted_by_the_applicant_is_nobodys_contact(cli):
    body = (
        make_mail()
        .decode()
        .split("\r\n\r\n", 1)[1]
        .replace("security@example-trust.test", "chair@example.org")
    )
    cli.ingest(make_mail(body.replace("\r\n", "\n")))
    app = cli.application()
    assert app["emergency_contact"] is None
    assert "emergency_contact" in app["missing"]


def test_staff_mail_on_no_application_opens_none(cli):
    cli.ingest(make_mail(sender="Dana <dana@cabforum.org>", subject="Membership application"))
    data = cli.export()
    assert data["applications"] == []
    assert [m["disposition"] for m in data["other_messages"]] == ["staff"]


FORWARDED_APPLICATION = """Hello,

We would like to apply for membership in the S/MIME Certificate Working Group.

Organization Name: Bob Trust Ltd
Category: Certificate Consumer
Website: https://www.bob-trust.test
Voting Representative: Bob Roe, bob@bob-trust.test
Emergency Contact: security@bob-trust.test, +44 20 7946 0001

Regards,
Bob
"""


def test_an_application_a_staff_member_forwards_inline_is_its_senders(cli):
    body = (
        "Forwarding an application I received directly.\n\nDana\n\n"
        "---------- Forwarded message ---------\n"
        "From: Bob Roe <bob@bob-trust.test>\nDate: Mon, 2 Nov 2026 at 09:00\n"
        "Subject: SMCWG membership\nTo: Dana <dana@cabforum.org>\n\n" + FORWARDED_APPLICATION
    )
    cli.ingest(make_mail(body, sender="Dana <dana@cabforum.org>", subject="Fwd: SMCWG membership"))
    app = cli.application()
    assert app["applicant_email"] == "bob@bob-trust.test"
    assert app["organization_name"] == "Bob Trust Ltd"
    assert [r["email"] for r in app["representatives"]] == ["bob@bob-trust.test"]
    assert [r["to"] for r in app["replies"]] == ["bob@bob-trust.test"]
    code, out = cli.run("preview", app["reference"])
    assert code == 0 and "To: bob@bob-trust.test" in out


def test_an_application_a_staff_member_forwards_as_an_attachment_is_its_senders(cli):
    original = make_mail(FORWARDED_APPLICATION, sender="Bob Roe <bob@bob-trust.test>", subject="SMCWG")
    forward = EmailMessage(policy=SMTP)
    forward["From"] = "Dana <dana@cabforum.org>"
    forward["To"] = "questions@cabforum.org"
    forward["Subject"] = "Fwd: SMCWG"
    forward["Message-ID"] = "<forward-1@cabforum.org>"
    forward.set_content("See the attached application.\n")
    forward.add_attachment(message_from_bytes(original, policy=default))
    assert forwarded_sender(parse_email(forward.as_bytes()).text, STAFF).address == "bob@bob-trust.test"
    cli.ingest(forward.as_bytes())
    app = cli.application()
    assert app["applicant_email"] == "bob@bob-trust.test"
    assert [r["to"] for r in app["replies"]] == ["bob@bob-trust.test"]
    # Bob's own follow-up joins his application as the applicant's
    cli.ingest(make_mail("Website: https://bob-trust.test/new\n", sender="bob@bob-trust.test"))
    assert cli.application()["website_url"] == "https://bob-trust.test/new"


def test_accept_merges_an_outsiders_message(cli):
    cli.ingest(make_mail())
    consultant = "Organization Name: Example Trust Holdings Ltd\n"
    cli.ingest(make_mail(consultant, sender="kim@consultancy.test", subject=f"[{REF}] our name"))
    kept = cli.application()["messages"][-1]
    assert kept["role"] == "outsider"
    code, out = cli.run("accept", kept["message_id"].strip("<>"), "--by", "dana")
    assert code == 0, out
    app = cli.application()
    assert app["organization_name"] == "Example Trust Holdings Ltd"
    assert app["messages"][-1]["role"] == "applicant"
    assert cli.flags() == []
    history = json.loads(cli.run("show", REF, "--json")[1])["history"]
    assert history[-1]["actor"] == "dana" and history[-1]["kind"] == "accepted"
    assert cli.run("accept", kept["message_id"])[0] == 2  # once only
    assert cli.run("accept", "99999")[0] == 2


# ---- over IMAP and SMTP ----------------------------------------------------------------------


def test_one_poll_answers_only_the_applicant(database_url, dovecot, imap_user, smtp_sink, tmp_path):
    """A mailbox with an application, a hijack, a status probe and a staff reply: one reply goes
    out, to the applicant; the server keeps everything and the export tells whose words were whose."""
    from datetime import UTC, datetime, timedelta

    from bot import Bot, parse

    mails = [
        make_mail(message_id="<alice-1@example-trust.test>"),
        make_mail(HIJACK, sender="Eve <eve@evil.example>", subject=f"Re: [{REF}] update"),
        make_mail("status?", sender="prober@elsewhere.test", subject=f"[{REF}] status?"),
        make_mail(
            STAFF_REPLY,
            sender="The Chair <chair@example.org>",
            subject=f"Re: [{REF}] Your application",
            headers={"References": "<alice-1@example-trust.test>"},
        ),
    ]
    for raw in mails:
        dovecot.append(imap_user, raw)
    bot = Bot.make(
        tmp_path,
        dovecot,
        imap_user,
        smtp_sink,
        since=datetime.now(UTC) - timedelta(days=1),
        database_url=database_url,
        extra='[intake]\nstaff_addresses = ["chair@example.org"]',
    )
    done = bot.run("poll")
    assert done.returncode == 0, done.stderr
    (sent,) = smtp_sink.messages  # poll sends before it exits
    assert sent.rcpt_tos == ("alice@example-trust.test",)
    assert "Eve" not in parse(sent.data).get_body(("plain",)).get_content()
    (app,) = bot.export()["applications"]
    assert [m["role"] for m in app["messages"]] == ["applicant", "outsider", "outsider", "staff"]
    assert app["organization_name"] == "Example Trust Ltd"
    assert app["emergency_contact"]["email"] == "security@example-trust.test"
    assert "outsider" in json.loads(bot.ok("status", "--json").stdout)[0]["flags"]


def test_reprocess_reads_the_applicants_words_only(cli):
    cli.ingest(make_mail())
    our_reply = cli.application()["replies"][0]["message_id"]
    cli.ingest(make_mail(HIJACK, sender="Eve <eve@evil.example>", subject=f"Re: [{REF}] update"))
    cli.ingest(make_mail(STAFF_REPLY, sender="chair@example.org", headers={"In-Reply-To": our_reply}))
    before = cli.application()
    assert cli.run("reprocess", REF)[0] == 0
    after = cli.application()
    assert {k: after[k] for k in DATA_FIELDS} == {k: before[k] for k in DATA_FIELDS}
    assert after["organization_name"] == "Example Trust Ltd"


# ---- DKIM where configured (verify_dkim) ----------------------------------------------------------


def dkim_key() -> tuple[bytes, bytes]:
    """(private key PEM, the DNS TXT record publishing its public key) of a fresh RSA key."""
    import base64

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)


DKIM_PRIVATE, DKIM_RECORD = dkim_key()


def dns(name: bytes, timeout: float = 5) -> bytes | None:
    """The test zone: our key at sel._domainkey.example-trust.test, nothing else."""
    return DKIM_RECORD if name == b"sel._domainkey.example-trust.test." else None


def signed(raw: bytes, domain: str = "example-trust.test") -> bytes:
    import dkim

    signature = dkim.sign(
        raw, b"sel", domain.encode(), DKIM_PRIVATE, include_headers=[b"from", b"subject", b"to"]
    )
    return signature + raw


def test_dkim_signatures_of_the_from_domain_are_verified():
    from intake_bot.untrusted import dkim_domains

    raw = make_mail()
    assert dkim_domains(signed(raw), "alice@example-trust.test", dns) == ("example-trust.test",)
    assert dkim_domains(raw, "alice@example-trust.test", dns) == ()  # not signed
    tampered = signed(raw).replace(b"Example Trust Ltd", b"Evil Trust Ltd")
    assert dkim_domains(tampered, "alice@example-trust.test", dns) == ()
    # a signature of another domain is never even looked up for this From
    assert dkim_domains(signed(raw, "other.test"), "alice@example-trust.test", dns) == ()
    assert dkim_domains(b"\x00garbage", "alice@example-trust.test", dns) == ()


def test_a_verified_dkim_signature_stands_in_for_dmarc_where_configured(tmp_path, database_url, monkeypatch):
    """With trusted_authserv_ids and verify_dkim: a follow-up whose DMARC did not pass at our
    server (dmarc=none) still speaks for the application when its DKIM signature of the From
    domain verifies; altered in transit, it is an outsider's."""
    from intake_bot import untrusted
    from intake_bot.config import Settings
    from intake_bot.pipeline import Incoming, Pipeline
    from intake_bot.roles import aligned
    from intake_bot.store.db import open_database

    settings = Settings(
        database_url=database_url,
        storage_path=tmp_path / "store",
        trusted_authserv_ids=TRUSTED,
        verify_dkim=True,
    )
    p = Pipeline(settings, open_database(settings.database_url))

    def read_here(incoming):  # the worker resolves keys by DNS; here, the test zone
        own, limits = p.own_addresses, settings.limits
        return untrusted.read_message(
            incoming.raw, limits, own, incoming.received_at, p.clock(), p.staff, True, dns
        )

    monkeypatch.setattr(p, "read_in_worker", read_here)
    no_verdict = {"Authentication-Results": "mx1.cabforum.org; dmarc=none header.from=example-trust.test"}
    assert p.process(Incoming(raw=signed(make_mail(headers=no_verdict)))).reference == REF
    update = make_mail(
        "Website: https://new.example-trust.test\n", subject=f"[{REF}] web", headers=no_verdict
    )
    forged = signed(update).replace(b"new.example", b"evil.example")
    assert p.process(Incoming(raw=forged)).reason.startswith("outsider")
    assert p.process(Incoming(raw=signed(update))).reason == ""
    assert aligned("a@mail.example-trust.test", ["example-trust.test"])
    assert not aligned("a@example-trust.test", ["trust.test.evil"]) and not aligned("a@x.test", ["test"])
