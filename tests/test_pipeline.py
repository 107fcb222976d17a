"""The whole pipeline over a real SQLite file: raw bytes in, rows and queued replies out."""

import email
from datetime import UTC, datetime
from email.policy import default

import pytest
from sqlalchemy import func, select

from intake_bot.config import Limits, Settings
from intake_bot.export import export_data
from intake_bot.pipeline import Incoming, Pipeline
from intake_bot.records import Disposition, ReplyKind
from intake_bot.store.db import open_database
from intake_bot.store.schema import Reply, StoredMessage
from mails import APPLICATION_BODY, make_mail

NOW = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def pipeline(tmp_path, database_url):
    settings = Settings(database_url=database_url, storage_path=tmp_path / "store")
    return Pipeline(settings, open_database(settings.database_url), clock=lambda: NOW)


def run(pipeline, raw, **kw):
    return pipeline.process(Incoming(raw=raw, **kw))


def exported(pipeline):
    with pipeline.db.transaction() as s:
        return export_data(s)


def replies(pipeline):
    with pipeline.db.transaction() as s:
        return list(s.scalars(select(Reply).order_by(Reply.id)))


def test_an_application_opens_a_record_and_queues_one_reply(pipeline):
    out = run(pipeline, make_mail())
    assert out.disposition == Disposition.APPLICATION
    assert out.reference == "SMCWG-2026-0001"
    assert out.reply_kind == ReplyKind.MISSING_ITEMS
    (app,) = exported(pipeline)["applications"]
    assert app["organization_name"] == "Example Trust Ltd"
    assert app["category"] == "certificate_consumer"
    assert app["missing"] == ["ipr_agreement"]
    (reply,) = app["replies"]
    assert reply["items"] == ["ipr_agreement"] and reply["sent"] is False
    raw = replies(pipeline)[0].raw
    msg = email.message_from_bytes(raw, policy=default)
    assert msg["To"] == "alice@example-trust.test"
    assert "[SMCWG-2026-0001]" in msg["Subject"]


def test_same_message_twice_is_stored_once_and_answered_once(pipeline):
    raw = make_mail(message_id="<dup@example-trust.test>")
    run(pipeline, raw)
    second = run(pipeline, raw)
    assert second.disposition == Disposition.DUPLICATE
    data = exported(pipeline)
    assert len(data["applications"]) == 1
    assert len(data["applications"][0]["messages"]) == 1
    assert len(replies(pipeline)) == 1


def test_a_different_message_reusing_a_message_id_is_not_dropped(pipeline):
    run(pipeline, make_mail(message_id="<same@x.test>"))
    out = run(
        pipeline,
        make_mail(
            "Emergency contact: soc@example-trust.test\n",
            message_id="<same@x.test>",
            subject="Re: our application",
        ),
    )
    assert out.disposition == Disposition.FOLLOW_UP
    assert len(replies(pipeline)) == 2


def test_follow_up_by_reference_completes_the_application(pipeline):
    first = run(pipeline, make_mail())
    follow = make_mail(
        "Please find our IPR agreement attached.\n",
        subject=f"Re: [{first.reference}] application",
        sender="Bob Example <bob@elsewhere.test>",
    )
    out = run(pipeline, follow)
    assert out.disposition == Disposition.FOLLOW_UP and out.reference == first.reference


def test_follow_up_by_in_reply_to_our_reply(pipeline):
    run(pipeline, make_mail())
    our_reply = replies(pipeline)[0].message_id
    out = run(
        pipeline,
        make_mail(
            "Website: https://new.example-trust.test\n",
            subject="Re: hello",
            sender="carol@example-trust.test",  # a colleague: someone else's words are kept apart
            headers={"In-Reply-To": our_reply},
        ),
    )
    assert out.disposition == Disposition.FOLLOW_UP
    (app,) = exported(pipeline)["applications"]
    assert app["website_url"] == "https://new.example-trust.test"  # the later statement wins


def test_colleague_at_the_same_domain_joins_the_one_open_application(pipeline):
    run(pipeline, make_mail())
    out = run(
        pipeline,
        make_mail(
            "Emergency contact: noc@example-trust.test, +44 20 7946 0001\n",
            subject="Our emergency contact",
            sender="dave@example-trust.test",
        ),
    )
    assert out.disposition == Disposition.FOLLOW_UP


@pytest.mark.parametrize(
    ("note", "sender"),
    [
        ("Hej,\n\nvedhæftet som aftalt.\n\nMvh\nSofie\nAssistent | Example Trust Ltd\n", "Sofie <sofie@example-trust.test>"),
        ("As discussed - see above.\n\nSent from my iPhone\n", "Bob Example <bob@example-trust.test>"),
        ("Vedlagt, som avtalt. Si fra om noe mangler.\n\nHilsen Ola\n", "Ola <ola@example-trust.test>"),
    ],
)  # fmt: skip
def test_a_colleagues_short_note_in_the_thread_keeps_what_the_applicant_gave(pipeline, note, sender):
    first = run(
        pipeline, make_mail(APPLICATION_BODY.replace("Website: https://www.example-trust.test\n", ""))
    )
    our_reply = replies(pipeline)[0].message_id
    quoted = "\n".join("> " + line for line in APPLICATION_BODY.split("\n"))
    out = run(
        pipeline,
        make_mail(
            f"{note}\n{quoted}\n",
            subject=f"Re: [{first.reference}] SMCWG application",
            sender=sender,
            headers={"In-Reply-To": our_reply},
            attachments=[("IPR.txt", "text/plain", b"not an agreement")],
        ),
    )
    assert out.disposition == Disposition.FOLLOW_UP
    (app,) = exported(pipeline)["applications"]
    assert app["organization_name"] == "Example Trust Ltd"
    assert app["category"] == "certificate_consumer"
    # asked for what is still missing, nothing the applicant gave
    assert sorted(app["missing"]) == ["ipr_agreement", "website_url"]
    assert sorted(app["replies"][-1]["items"]) == ["ipr_agreement", "website_url"]


def test_auto_reply_inside_a_thread_gets_no_reply(pipeline):
    first = run(pipeline, make_mail())
    out = run(
        pipeline,
        make_mail(
            "I am away.",
            subject=f"Automatic reply: [{first.reference}]",
            headers={"Auto-Submitted": "auto-replied"},
        ),
    )
    assert out.disposition == Disposition.AUTO_REPLY
    assert len(replies(pipeline)) == 1
    assert exported(pipeline)["other_messages"][0]["disposition"] == "auto_reply"


def test_a_general_question_is_recorded_without_application_or_reply(pipeline):
    out = run(
        pipeline,
        make_mail("Where can I find the S/MIME BRs?", subject="BR question", sender="q@university.test"),
    )
    assert out.disposition == Disposition.NOT_APPLICATION
    data = exported(pipeline)
    assert data["applications"] == [] and replies(pipeline) == []
    assert data["other_messages"][0]["disposition"] == "not_application"


def test_old_mail_is_recorded_without_a_reply(pipeline):
    out = run(pipeline, make_mail(), may_reply=False)
    assert out.disposition == Disposition.APPLICATION and out.reply_kind is None
    assert replies(pipeline) == []


def test_unparseable_bytes_are_quarantined_with_raw_kept(pipeline):
    out = run(pipeline, b"   \r\n\r\n")
    assert out.disposition == Disposition.QUARANTINED and out.reason
    with pipeline.db.transaction() as s:
        row = s.get(StoredMessage, out.message_row_id)
        assert pipeline.blobs.get(row.raw_sha256) == b"   \r\n\r\n"


def test_oversized_message_is_quarantined_visibly(tmp_path, database_url):
    settings = Settings(
        database_url=database_url,
        storage_path=tmp_path / "store",
        limits=Limits(max_message_bytes=1000),
    )
    p = Pipeline(settings, open_database(settings.database_url))
    out = p.process(Incoming(raw=make_mail(APPLICATION_BODY * 5)))
    assert out.disposition == Disposition.QUARANTINED and "limit" in out.reason


def test_rate_limit_stops_a_reply_storm(tmp_path, database_url):
    settings = Settings(
        database_url=database_url,
        storage_path=tmp_path / "store",
        limits=Limits(max_replies_per_recipient_per_day=2),
    )
    p = Pipeline(settings, open_database(settings.database_url))
    for i in range(4):
        p.process(
            Incoming(raw=make_mail(f"Website: https://v{i}.example-trust.test\n" if i else APPLICATION_BODY))
        )
    with p.db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(Reply)) == 2


def test_dmarc_failure_at_our_server_means_no_reply(tmp_path, database_url):
    settings = Settings(
        database_url=database_url,
        storage_path=tmp_path / "store",
        trusted_authserv_ids=("mx1.cabforum.org",),
    )
    p = Pipeline(settings, open_database(settings.database_url))
    forged = make_mail(headers={"Authentication-Results": "mx1.cabforum.org; dmarc=fail header.from=x.test"})
    # another applicant: the first one's own unproven follow-up would be kept apart (test_roles.py)
    trusted_only = make_mail(
        sender="bob@other-trust.test", headers={"Authentication-Results": "evil.example; dmarc=fail"}
    )
    # no verdict of ours (no DMARC record, or no header): answered, as a reply carries nothing the
    # sender wrote (test_untrusted_replies.py)
    no_policy = make_mail(
        sender="carol@third-trust.test",
        headers={"Authentication-Results": "mx1.cabforum.org; dmarc=none header.from=third-trust.test"},
    )
    assert p.process(Incoming(raw=forged)).reply_kind is None
    assert p.process(Incoming(raw=trusted_only)).reply_kind is not None
    assert p.process(Incoming(raw=no_policy)).reply_kind is not None


def test_attachment_names_never_become_paths(pipeline, tmp_path):
    raw = make_mail(attachments=[("../../../etc/passwd", "application/octet-stream", b"root:x:0:0")])
    out = run(pipeline, raw)
    with pipeline.db.transaction() as s:
        (att,) = s.get(StoredMessage, out.message_row_id).attachments
        assert att.filename == "passwd"
    assert not (tmp_path / "etc").exists()
    assert pipeline.blobs.path_for(att.sha256).read_bytes() == b"root:x:0:0"


def test_an_application_naming_another_working_group_is_filed_there(pipeline):
    body = "We apply to join the Server Certificate Working Group as a Certificate Issuer.\n"
    out = run(pipeline, make_mail(body, subject="SCWG membership application"))
    assert out.reference.startswith("SCWG-")
    (app,) = exported(pipeline)["applications"]
    assert "test_websites" in app["missing"] and "certificate_evidence" not in app["missing"]


def test_mentioning_another_group_in_passing_keeps_the_default(pipeline):
    body = "We are in the SCWG already and now apply to the S/MIME Certificate Working Group.\nCategory: Certificate Consumer\n"
    assert run(pipeline, make_mail(body)).reference.startswith("SMCWG-")


def test_staff_are_told_when_an_application_becomes_complete(tmp_path, database_url):
    settings = Settings(
        database_url=database_url, storage_path=tmp_path / "store", notify_address="staff@cabforum.org"
    )
    p = Pipeline(settings, open_database(settings.database_url), clock=lambda: NOW)
    first = p.process(Incoming(raw=make_mail()))
    p.process(
        Incoming(
            raw=make_mail(
                "IPR agreement attached.",
                subject=f"Re: [{first.reference}] application",
                attachments=[("ipr.pdf", "application/pdf", signed_ipr_pdf())],
            )
        )
    )
    (app,) = exported(p)["applications"]
    assert app["status"] == "complete"
    (note,) = app["staff_notifications"]
    assert note["to"] == "staff@cabforum.org" and len(app["replies"]) == 2
    raw = [r.raw for r in replies(p) if r.kind == "staff_notification"][0]
    assert b"intake-bot show " + first.reference.encode() in raw


def signed_ipr_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    for line in (
        "CAB Forum Agreement for IPR Policy v.1.4",
        'This CAB Forum IPR Policy Agreement (the "Agreement") constitutes a binding contract',
        "among the participants of the CA/Browser Forum. Participant agrees on its behalf.",
        "PARTICIPANT",
        "By: /s/ Alice Example",
        "Print Name: Alice Example",
        "Title: CEO",
        "Participant Organization Name (if entity): Example Trust Ltd",
        "Date: 2026-11-01",
    ):
        pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def test_a_bounce_of_our_reply_is_matched_to_it_and_never_answered(pipeline):
    run(pipeline, make_mail())
    (reply,) = replies(pipeline)
    bounce = (
        b"From: Mail Delivery System <MAILER-DAEMON@mx.example-trust.test>\r\nTo: questions@cabforum.org\r\n"
        b"Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <bounce1@mx>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        b"--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\n\r\n"
        b"Final-Recipient: rfc822; alice@example-trust.test\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        b"Diagnostic-Code: smtp; 550 5.1.1 user unknown\r\n"
        b"--b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: " + reply.message_id.encode() + b"\r\n"
        b"--b--\r\n"
    )
    out = run(pipeline, bounce)
    assert out.disposition == Disposition.BOUNCE and out.reply_kind is None
    (reply,) = replies(pipeline)
    assert reply.state == "bounced" and "5.1.1" in reply.last_error
    (app,) = exported(pipeline)["applications"]
    assert app["replies"][0]["state"] == "bounced"


def test_in_a_shared_transaction_a_failing_message_takes_only_its_own_writes_back(pipeline, monkeypatch):
    """A poll commits many messages at once; each one is a savepoint (all of its writes or none)."""
    import intake_bot.pipeline as stages

    real_render = stages.render_reply

    def render_or_fail(reply, templates_dir):  # fails after the application and message rows exist
        if "second" in reply.to_address:
            raise RuntimeError("rendering broke")
        return real_render(reply, templates_dir)

    monkeypatch.setattr(stages, "render_reply", render_or_fail)
    senders = ["first@one.test", "second@two.test", "third@three.test"]
    with pipeline.db.transaction() as s:
        outcomes = [
            pipeline.process(Incoming(raw=make_mail(sender=a, message_id=f"<{a}>")), s) for a in senders
        ]
    assert [o.disposition for o in outcomes] == ["application", "quarantined", "application"]
    assert "rendering broke" in outcomes[1].reason
    apps = exported(pipeline)["applications"]
    assert [a["applicant_email"] for a in apps] == ["first@one.test", "third@three.test"]
    assert [r.to_address for r in replies(pipeline)] == ["first@one.test", "third@three.test"]
    with pipeline.db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(StoredMessage)) == 3


def test_a_follow_up_naming_the_voter_without_an_address_marks_a_representative_given_before(pipeline):
    first = make_mail(
        "Representatives: Jane Roe <jane@kestrel.test>, John Smith <john@kestrel.test>\n",
        sender="Jane Roe <jane@kestrel.test>",
        message_id="<v1@kestrel.test>",
        subject="SMCWG application of Kestrel Ltd",
    )
    reference = run(pipeline, first).reference
    follow_up = make_mail(
        "Hi,\n\nJohn Smith will be our voting representative.\n\nJane\n",
        sender="Jane Roe <jane@kestrel.test>",
        message_id="<v2@kestrel.test>",
        subject=f"Re: [{reference}] SMCWG application of Kestrel Ltd",
    )
    assert run(pipeline, follow_up).reference == reference
    reps = exported(pipeline)["applications"][0]["representatives"]
    assert [(r["email"], r["voting"]) for r in reps] == [
        ("jane@kestrel.test", False),
        ("john@kestrel.test", True),
    ]
