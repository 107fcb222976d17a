"""After the first mails: replies that never go stale, decisions, reminders, dormancy (in-process,
over a real database and a real SMTP sink)."""

from __future__ import annotations

import email
from dataclasses import replace
from datetime import UTC, datetime
from email.policy import default

import pytest
from sqlalchemy import select

from intake_bot.config import Settings
from intake_bot.digest import gather, queue_digest
from intake_bot.errors import UsageError
from intake_bot.export import export_data, members_data
from intake_bot.lifecycle import RemindReport, decide, remind, resend
from intake_bot.outbox import _claim, _confirm, deliver_outbox
from intake_bot.pipeline import Incoming, Pipeline
from intake_bot.records import Disposition, ReplyKind, ReplyState
from intake_bot.staff import add_note, set_field
from intake_bot.status import Filters, read_status
from intake_bot.store.db import open_database
from intake_bot.store.schema import Reply, StoredMessage
from mails import make_mail
from mailservers import SmtpSink

NOW = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
INCOMPLETE = make_mail(
    "Hello,\n\nWe would like to join the S/MIME Certificate Working Group as a Certificate Consumer.\n\n"
    "Organization Name: Example Trust Ltd\nWebsite: https://www.example-trust.test\n\nAlice\n",
    message_id="<first@example-trust.test>",
)


@pytest.fixture
def pipeline(tmp_path, database_url):
    settings = Settings(database_url=database_url, storage_path=tmp_path / "store")
    return Pipeline(settings, open_database(settings.database_url), clock=lambda: NOW)


def follow_up(body: str, n: int = 1) -> bytes:
    return make_mail(
        body,
        subject="Re: [SMCWG-2026-0001] Membership application",
        message_id=f"<follow{n}@example-trust.test>",
        headers={"In-Reply-To": "<first@example-trust.test>"},
    )


IPR = '{"filename": "ipr.pdf", "sha256": "ab", "size": 1}'


def exported(pipeline) -> dict:
    with pipeline.db.transaction() as s:
        return export_data(s)


def replies_raw(pipeline) -> list[bytes]:
    with pipeline.db.transaction() as s:
        return [r.raw for r in s.scalars(select(Reply).order_by(Reply.id))]


def replies(pipeline) -> list[tuple[str, str]]:
    with pipeline.db.transaction() as s:
        return [(r.kind, r.state) for r in s.scalars(select(Reply).order_by(Reply.id))]


def test_a_new_reply_supersedes_the_older_unsent_one(pipeline):
    pipeline.process(Incoming(raw=INCOMPLETE))
    pipeline.process(Incoming(raw=follow_up("Emergency contact: soc@example-trust.test, +44 20 7946 0000\n")))
    assert replies(pipeline) == [
        (ReplyKind.MISSING_ITEMS, ReplyState.SUPERSEDED),
        (ReplyKind.MISSING_ITEMS, ReplyState.QUEUED),
    ]


def test_a_reply_superseded_in_the_session_that_holds_it_says_so(pipeline):
    # A poll processes many messages in one session: the reply it still holds is brought up to date.
    with pipeline.db.transaction() as s:
        pipeline.process(Incoming(raw=INCOMPLETE), s)
        first = s.scalars(select(Reply)).one()
        pipeline.process(Incoming(raw=follow_up("Emergency contact: soc@example-trust.test\n")), s)
        assert first.state == ReplyState.SUPERSEDED and first in s and first not in s.dirty
    assert [state for _, state in replies(pipeline)] == [ReplyState.SUPERSEDED, ReplyState.QUEUED]


def test_a_sent_reply_stays_sent(pipeline, smtp_sink: SmtpSink):
    pipeline.process(Incoming(raw=INCOMPLETE))
    deliver_outbox(pipeline.db, smtp_sink.smtp_settings(), lambda: NOW)
    pipeline.process(Incoming(raw=follow_up("Emergency contact: soc@example-trust.test\n")))
    assert [state for _, state in replies(pipeline)] == [ReplyState.SENT, ReplyState.QUEUED]


def test_a_reply_superseded_after_its_batch_was_claimed_is_not_sent(pipeline, smtp_sink: SmtpSink):
    pipeline.process(Incoming(raw=INCOMPLETE))
    [(stale_id, _, _)] = _claim(pipeline.db, NOW, "elsewhere:1")
    pipeline.process(Incoming(raw=follow_up("Emergency contact: soc@example-trust.test\n")))
    assert not _confirm(pipeline.db, stale_id, "elsewhere:1", NOW)  # the sender's last look, before SMTP
    report = deliver_outbox(pipeline.db, smtp_sink.smtp_settings(), lambda: NOW)
    assert report.sent == 1 and len(smtp_sink.messages) == 1
    assert [state for _, state in replies(pipeline)] == [ReplyState.SUPERSEDED, ReplyState.SENT]
    assert b"<follow1@example-trust.test>" in smtp_sink.messages[0].data


# ---- decisions ----


def settings_of(pipeline, **changes) -> Settings:
    return replace(pipeline.settings, **changes)


def decided(pipeline, decision: str, reason: str = "", **options):
    with pipeline.db.transaction() as s:
        reply = decide(s, pipeline.settings, "SMCWG-2026-0001", decision, reason, "chair", NOW, **options)
        return reply and (reply.kind, reply.to_address, reply.raw)


def test_a_rejection_quotes_the_reason_and_answers_the_applicants_last_message(pipeline):
    pipeline.process(Incoming(raw=INCOMPLETE))
    kind, to, raw = decided(pipeline, "reject", "Your organisation issues no S/MIME certificates.")
    msg = email.message_from_bytes(raw, policy=default)
    assert (kind, to) == (ReplyKind.REJECTED, "alice@example-trust.test")
    assert msg["In-Reply-To"] == "<first@example-trust.test>"
    assert "Your organisation issues no S/MIME certificates." in msg.get_body(("plain",)).get_content()
    assert "Your organisation issues no S/MIME certificates." in msg.get_body(("html",)).get_content()
    assert replies(pipeline) == [
        (ReplyKind.MISSING_ITEMS, ReplyState.SUPERSEDED),
        (ReplyKind.REJECTED, ReplyState.QUEUED),
    ]


def test_decision_templates_can_be_overridden(pipeline, tmp_path):
    own = tmp_path / "own"
    own.mkdir()
    (own / "decision_withdrawn.txt.j2").write_text("Closed: {{ reference }}.\n")
    pipeline.settings = settings_of(pipeline, templates_dir=own)
    pipeline.process(Incoming(raw=INCOMPLETE))
    _, _, raw = decided(pipeline, "withdraw")
    text = email.message_from_bytes(raw, policy=default).get_body(("plain",)).get_content()
    assert text.splitlines() == ["Closed: SMCWG-2026-0001."]


def test_approval_of_an_incomplete_application_needs_force_and_names_the_missing_items(pipeline):
    pipeline.process(Incoming(raw=INCOMPLETE))
    with pytest.raises(UsageError, match="missing: .*ipr_agreement"):
        decided(pipeline, "approve")
    assert decided(pipeline, "approve", force=True, mail=False) is None
    with pytest.raises(UsageError, match="already approved"):
        decided(pipeline, "reject", "changed our minds")


def test_applicant_mail_after_a_decision_is_kept_flagged_and_unanswered(pipeline):
    pipeline.process(Incoming(raw=INCOMPLETE))
    decided(pipeline, "reject", "no")
    before = exported(pipeline)["applications"][0]
    out = pipeline.process(Incoming(raw=follow_up("Organization Name: Other Name Ltd\nPlease reconsider.\n")))
    assert out.disposition == Disposition.FOLLOW_UP and out.reply_kind is None
    after = exported(pipeline)["applications"][0]
    assert after["organization_name"] == before["organization_name"] == "Example Trust Ltd"
    assert len(after["messages"]) == 2 and len(after["replies"]) == 2
    rows, _ = read_status(pipeline.settings.database_url, Filters(), NOW)
    assert rows[0]["flags"] == ["new-mail"]
    with pipeline.db.transaction() as s:
        add_note(s, "SMCWG-2026-0001", "read it", "chair", NOW)
    assert read_status(pipeline.settings.database_url, Filters(), NOW)[0][0]["flags"] == []


def test_resend_sends_what_is_true_now(pipeline):
    pipeline.process(Incoming(raw=INCOMPLETE))
    decided(pipeline, "withdraw")
    with pipeline.db.transaction() as s:
        reply = resend(s, pipeline.settings, "SMCWG-2026-0001", "chair", NOW)
        assert reply.kind == ReplyKind.WITHDRAWN
    assert [state for _, state in replies(pipeline)] == [
        ReplyState.SUPERSEDED,
        ReplyState.SUPERSEDED,
        ReplyState.QUEUED,
    ]


# ---- reminders and dormancy ----


def remind_at(pipeline, when: datetime, **changes):
    with pipeline.db.transaction() as s:
        return remind(s, settings_of(pipeline, **changes), when)


def test_reminders_fall_due_from_the_applicants_last_mail_and_then_it_sleeps(pipeline):
    pipeline.process(Incoming(raw=INCOMPLETE))  # Date: 2 Nov 2026 10:00
    assert remind_at(pipeline, datetime(2026, 11, 16, 9, tzinfo=UTC)).reminded == []
    assert remind_at(pipeline, datetime(2026, 11, 16, 10, tzinfo=UTC)).reminded == ["SMCWG-2026-0001"]
    assert remind_at(pipeline, datetime(2026, 11, 17, 10, tzinfo=UTC)).reminded == []
    assert remind_at(pipeline, datetime(2026, 11, 30, 10, tzinfo=UTC)).reminded == ["SMCWG-2026-0001"]
    assert remind_at(pipeline, datetime(2026, 12, 14, 9, tzinfo=UTC)).dormant == []
    assert remind_at(pipeline, datetime(2026, 12, 14, 10, tzinfo=UTC)).dormant == ["SMCWG-2026-0001"]
    (app,) = exported(pipeline)["applications"]
    assert app["status"] == "dormant"
    assert [r["kind"] for r in app["replies"]] == ["missing_items", "reminder", "reminder"]
    last = replies_raw(pipeline)[-1]
    assert "ipr_agreement" in app["replies"][-1]["items"] and b"last reminder" in last
    assert remind_at(pipeline, datetime(2027, 6, 1, tzinfo=UTC)) == RemindReport([], [], [])
    pipeline.process(Incoming(raw=follow_up("Sorry for the delay.\n")))
    assert exported(pipeline)["applications"][0]["status"] == "incomplete"


def test_no_reminders_when_turned_off_or_for_a_complete_or_never_answered_application(pipeline):
    pipeline.process(Incoming(raw=INCOMPLETE, may_reply=False))  # history: recorded without a reply
    assert remind_at(pipeline, datetime(2027, 1, 1, tzinfo=UTC)) == RemindReport([], [], [])
    pipeline.process(Incoming(raw=follow_up("Hello again\n")))
    assert remind_at(pipeline, datetime(2027, 1, 1, tzinfo=UTC), remind_after_days=0).reminded == []
    pipeline.process(Incoming(raw=make_mail(message_id="<complete@x.test>", sender="c@complete.test")))
    with pipeline.db.transaction() as s:
        set_field(s, pipeline, "SMCWG-2026-0002", "ipr_agreement", IPR, "chair", NOW)
    assert remind_at(pipeline, datetime(2027, 1, 1, tzinfo=UTC)).reminded == ["SMCWG-2026-0001"]


def test_no_reminder_after_a_bounce(pipeline):
    pipeline.process(Incoming(raw=INCOMPLETE))
    with pipeline.db.transaction() as s:
        s.scalars(select(Reply)).one().state = ReplyState.BOUNCED
    assert remind_at(pipeline, datetime(2027, 1, 1, tzinfo=UTC)).held == ["SMCWG-2026-0001"]
    assert [kind for kind, _ in replies(pipeline)] == [ReplyKind.MISSING_ITEMS]


# ---- the digest ----


def test_the_digest_says_what_needs_a_person_and_nothing_when_nothing_does(pipeline, smtp_sink: SmtpSink):
    settings = settings_of(pipeline, digest_to="membership@cabforum.org")
    with pipeline.db.transaction() as s:
        assert queue_digest(s, settings, NOW) is None
    pipeline.process(Incoming(raw=make_mail(message_id="<complete@x.test>")))
    with pipeline.db.transaction() as s:
        set_field(s, pipeline, "SMCWG-2026-0001", "ipr_agreement", IPR, "chair", NOW)
    pipeline.quarantine(Incoming(raw=b"broken"), pipeline.blobs.put(b"broken"), "ParseError: a test")
    with pipeline.db.transaction() as s:
        assert queue_digest(s, settings, NOW) is not None
    deliver_outbox(pipeline.db, smtp_sink.smtp_settings(), lambda: NOW)
    [digest] = [m for m in smtp_sink.messages if m.rcpt_tos == ("membership@cabforum.org",)]
    text = email.message_from_bytes(digest.data, policy=default).get_body(("plain",)).get_content()
    assert "SMCWG-2026-0001" in text and "awaiting a decision" in text and "ParseError: a test" in text


def test_a_dismissed_quarantined_message_leaves_the_digest(pipeline):
    settings = settings_of(pipeline, digest_to="membership@cabforum.org")
    outcome = pipeline.quarantine(Incoming(raw=b"broken"), pipeline.blobs.put(b"broken"), "ParseError: x")
    with pipeline.db.transaction() as s:
        assert [m["id"] for m in gather(s, NOW).quarantined] == [outcome.message_row_id]
        s.get(StoredMessage, outcome.message_row_id).dismissed_at = NOW
    with pipeline.db.transaction() as s:
        assert gather(s, NOW).quarantined == []
        assert queue_digest(s, settings, NOW) is None


# ---- the members export ----


def test_members_are_listed_by_working_group_and_category_approved_only(pipeline):
    for n, (org, category) in enumerate(
        [
            ("Zeta CA", "Certificate Issuer"),
            ("Alpha CA", "Certificate Issuer"),
            ("Mail Co", "Certificate Consumer"),
        ]
    ):
        body = f"We apply to join the SMCWG.\nOrganization Name: {org}\nCategory: {category}\n"
        pipeline.process(Incoming(raw=make_mail(body, sender=f"a@org{n}.test", message_id=f"<m{n}@x.test>")))
    pipeline.process(Incoming(raw=make_mail(message_id="<pending@x.test>", sender="p@pending.test")))
    with pipeline.db.transaction() as s:
        for ref in ("SMCWG-2026-0001", "SMCWG-2026-0002", "SMCWG-2026-0003"):
            decide(s, pipeline.settings, ref, "approve", "", "chair", NOW, force=True, mail=False)
        assert members_data(s) == {
            "forumGroups": [
                {
                    "name": "S/MIME Certificate Working Group",
                    "participantTypes": [
                        {
                            "participantType": "Certificate Issuer",
                            "members": [
                                {"memberOrganization": "Alpha CA"},
                                {"memberOrganization": "Zeta CA"},
                            ],
                        },
                        {
                            "participantType": "Certificate Consumer",
                            "members": [{"memberOrganization": "Mail Co"}],
                        },
                    ],
                }
            ]
        }


def test_a_bounced_digest_is_marked_and_belongs_to_no_application(pipeline):
    settings = settings_of(pipeline, digest_to="membership@cabforum.org")
    pipeline.quarantine(Incoming(raw=b"broken"), pipeline.blobs.put(b"broken"), "ParseError: a test")
    with pipeline.db.transaction() as s:
        digest_id = queue_digest(s, settings, NOW).message_id
    bounce = make_mail(
        f"Delivery failed.\n\nOriginal-Message-ID: {digest_id}\n",
        sender="MAILER-DAEMON@cabforum.org",
        subject="Undelivered Mail Returned to Sender",
        headers={"Auto-Submitted": "auto-replied", "Content-Type": "text/plain"},
    )
    out = pipeline.process(Incoming(raw=bounce))
    assert out.disposition == Disposition.BOUNCE
    with pipeline.db.transaction() as s:
        assert (
            s.scalars(select(Reply.state).where(Reply.application_id.is_(None))).one() == ReplyState.BOUNCED
        )
