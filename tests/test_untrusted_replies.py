"""A reply can be made to go to anyone (a forged From): it must carry nothing the sender wrote,
and no one can be sent more than the daily limit, however the address is spelled."""

from __future__ import annotations

import email
from email.policy import default

import pytest
from sqlalchemy import select

from intake_bot.config import Limits, Settings
from intake_bot.pipeline import Incoming, Pipeline
from intake_bot.recipients import recipient_domain, recipient_mailbox
from intake_bot.store.db import open_database
from intake_bot.store.schema import Reply
from mails import APPLICATION_BODY, make_mail

PHISH_NAME = "Your account is suspended: https://phish.example/login"
PHISH_SUBJECT = "ACTION REQUIRED – verify your mailbox at https://phish.example/verify"


def pipeline_with(tmp_path, database_url, **limits: int) -> Pipeline:
    settings = Settings(database_url=database_url, storage_path=tmp_path / "store", limits=Limits(**limits))
    return Pipeline(settings, open_database(settings.database_url))


def sent(pipeline: Pipeline) -> list[email.message.EmailMessage]:
    with pipeline.db.transaction() as s:
        raws = s.scalars(select(Reply.raw).order_by(Reply.id)).all()
    return [email.message_from_bytes(raw, policy=default) for raw in raws]


def test_a_forged_name_and_subject_are_not_reflected(tmp_path, database_url):
    p = pipeline_with(tmp_path, database_url)
    forged = make_mail(sender=f'"{PHISH_NAME}" <victim@example.org>', subject=PHISH_SUBJECT)
    assert p.process(Incoming(raw=forged)).reply_kind is not None
    (reply,) = sent(p)
    assert reply["Subject"] == "[SMCWG-2026-0001] Your application to the S/MIME Certificate Working Group"
    text = reply.get_body(("plain",)).get_content()
    html = reply.get_body(("html",)).get_content()
    for part in (str(reply["Subject"]), text, html):
        assert "phish" not in part and "suspended" not in part and "ACTION REQUIRED" not in part
    assert text.startswith("Hello,")


def test_a_follow_up_still_threads_by_headers_and_reference(tmp_path, database_url):
    p = pipeline_with(tmp_path, database_url)
    first = make_mail(message_id="<first@example-trust.test>")
    assert p.process(Incoming(raw=first)).reference == "SMCWG-2026-0001"
    (reply,) = sent(p)
    assert reply["In-Reply-To"] == "<first@example-trust.test>"
    answer = make_mail(
        "Website: https://www.example-trust.test\n",
        subject=f"Re: {reply['Subject']}",
        headers={"In-Reply-To": reply["Message-ID"], "References": reply["Message-ID"]},
    )
    assert p.process(Incoming(raw=answer)).reference == "SMCWG-2026-0001"


def test_a_plus_tag_flood_gets_at_most_the_daily_limit(tmp_path, database_url):
    p = pipeline_with(tmp_path, database_url, max_replies_per_recipient_per_day=3)
    for n in range(8):
        address = f"Victim+{n}@Example.org" if n % 2 else f"victim+{n}@example.org"
        p.process(Incoming(raw=make_mail(APPLICATION_BODY, sender=f"Victim <{address}>")))
    assert len(sent(p)) == 3


def test_the_domain_has_a_daily_limit_of_its_own(tmp_path, database_url):
    p = pipeline_with(
        tmp_path, database_url, max_replies_per_recipient_per_day=3, max_replies_per_domain_per_day=4
    )
    for n in range(7):
        p.process(Incoming(raw=make_mail(APPLICATION_BODY, sender=f"user{n}@example.org")))
    assert len(sent(p)) == 4
    other = make_mail(APPLICATION_BODY, sender="someone@example.net")
    assert p.process(Incoming(raw=other)).reply_kind is not None


@pytest.mark.parametrize(
    ("address", "mailbox", "domain"),
    [
        ("Victim+42@Example.ORG", "victim@example.org", "example.org"),
        ("victim@example.org.", "victim@example.org", "example.org"),
        ("a+b+c@x.test", "a@x.test", "x.test"),
        ("+only@x.test", "+only@x.test", "x.test"),
        ("nodomain", "nodomain", ""),
    ],
)
def test_recipient_keys(address, mailbox, domain):
    assert (recipient_mailbox(address), recipient_domain(address)) == (mailbox, domain)


def test_migration_0008_fills_in_the_keys_of_existing_replies(database_url):
    from alembic import command
    from sqlalchemy import text

    from intake_bot.store.db import Database, alembic_config

    db = Database(database_url)
    cfg = alembic_config(db.url)
    command.upgrade(cfg, "0007")
    now = "2026-11-02 10:00:00"
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO applications (reference, working_group, status, applicant_email, applicant_domain,"
                " missing, created_at, updated_at, needs_review)"
                " VALUES ('SMCWG-2026-0001', 'SMCWG', 'incomplete', 'v@x.test', 'x.test', '[]', :t, :t, false)"
            ),
            {"t": now},
        )
        conn.execute(
            text(
                "INSERT INTO replies (application_id, kind, to_address, message_id, in_reply_to, items, raw,"
                " state, attempts, last_error, created_at)"
                " SELECT id, 'missing_items', 'Victim+7@Example.ORG', '<r@x>', '', '[]', :raw, 'sent', 1, '', :t"
                " FROM applications"
            ),
            {"t": now, "raw": b"x"},
        )
    command.upgrade(cfg, "head")
    with db.engine.begin() as conn:
        row = conn.execute(text("SELECT to_mailbox, to_domain FROM replies")).one()
    assert tuple(row) == ("victim@example.org", "example.org")
    db.engine.dispose()


def test_attachments_and_certificates_are_named_by_position_and_kind_only(tmp_path, database_url):
    """File names and certificate names are the sender's words: a reply says 'the second
    attachment, a PDF', never 'verify-at-phish.example.pdf' or a CN."""
    import artefacts as a

    p = pipeline_with(tmp_path, database_url)
    _, cert = a.issue("verify-now@phish.example", san="dns")  # no e-mail SAN: it is a problem
    unsigned = a.ipr_agreement(by="")  # not signed: a problem that names the file
    body = APPLICATION_BODY.replace("Certificate Consumer", "Certificate Issuer").replace(
        "Organization Name: Example Trust Ltd", "Organization Name: Example Trust Ltd https://phish.example"
    )
    forged = make_mail(
        body,
        sender="Victim <victim@example.org>",
        attachments=[
            ("Verify your account at phish.example \u202efdp.pdf", "application/pdf", unsigned),
            ("call 555 0100 phish.example.pem", "application/x-pem-file", a.pem(cert)),
        ],
    )
    assert p.process(Incoming(raw=forged)).reply_kind is not None
    (reply,) = sent(p)
    text = " ".join(reply.get_body(("plain",)).get_content().split())
    html = reply.get_body(("html",)).get_content()
    assert "your IPR agreement (the first attachment, a PDF) is not signed" in text
    assert "the certificate in the second attachment, a certificate file, has no e-mail address" in text
    for part in (str(reply["Subject"]), text, html):
        assert "phish" not in part and "555" not in part and "\u202e" not in part and "Verify" not in part
