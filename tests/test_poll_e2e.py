"""`intake-bot poll` end to end: the real command against a real Dovecot and an aiosmtpd sink.

A mailbox as staff would have it (applications, a follow-up, a question, a bounce, an
out-of-office) goes through one `poll`; the export, the sink and the server's flags tell
whether the right thing happened, and a second `poll` must do nothing.

The helpers (Bot, write_config, corpus_mail) are in tests/bot.py.
"""

from __future__ import annotations

import signal
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot import BIN, KEYWORD, Bot, all_replies, corpus_mail, parse, received_ids, server_flags
from mails import make_mail
from mailservers import Dovecot, SmtpSink

# ---- the mailbox of the end-to-end test ----

ROWAN_FIRST = "<20250319132200.b5914fec42@mail.rowanstreetlabs.com>"
ROWAN_FOLLOW_UP = "<20250319162200.3e98da398c@mail.rowanstreetlabs.com>"
BLUEFINCH = "<20250306102100.2676d89f21@mail.bluefinchmail.com>"
QUESTION = "<20250402120000.60500620c0@mail.lakeshore-pki.com>"
BOUNCE = "<4ZDEVbounce01@mx1.cabforum.org>"
OUT_OF_OFFICE = "<20250403123700.1f81fa87e0@mail.oxbowfinance.com>"
EXAMPLE_TRUST = "<e2e-example-trust@example-trust.test>"


def fill_mailbox(dovecot: Dovecot, user: str) -> dict[str, int]:
    """Message-ID -> UID, in arrival order; the non-applications carry flags staff had set."""
    mails: list[tuple[str, bytes, tuple[str, ...]]] = [
        (ROWAN_FIRST, corpus_mail("d-t-category-followup"), ()),
        (QUESTION, corpus_mail("d-neg-general-question"), ("\\Seen", "\\Flagged")),
        (BLUEFINCH, corpus_mail("d-cc-labels"), ()),
        (BOUNCE, corpus_mail("d-neg-bounce"), ()),
        # A follow-up as a mail client writes it: no reference yet, threaded by References.
        (
            ROWAN_FOLLOW_UP,
            corpus_mail("d-t-category-followup", "02.eml", reference="", last_reply_message_id=ROWAN_FIRST),
            (),
        ),
        (OUT_OF_OFFICE, corpus_mail("d-neg-ooo"), ("\\Seen", "$label1")),
        (EXAMPLE_TRUST, make_mail(message_id=EXAMPLE_TRUST), ("\\Answered",)),
    ]
    return {mid: dovecot.append(user, raw, flags=flags) for mid, raw, flags in mails}


def test_one_poll_answers_applications_and_leaves_other_mail_alone(
    database_url: str,
    dovecot: Dovecot,
    imap_user: str,
    smtp_sink: SmtpSink,
    tmp_path: Path,
) -> None:
    uids = fill_mailbox(dovecot, imap_user)
    before = server_flags(dovecot, imap_user)
    bot = Bot.make(
        tmp_path,
        dovecot,
        imap_user,
        smtp_sink,
        since=datetime.now(UTC) - timedelta(days=1),
        database_url=database_url,
    )

    done = bot.run("poll")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # nothing to say on a good run: cron mails stderr

    export = bot.export()
    apps = {app["messages"][0]["message_id"]: app for app in export["applications"]}
    assert set(apps) == {ROWAN_FIRST, BLUEFINCH, EXAMPLE_TRUST}
    rowan, bluefinch, trust = apps[ROWAN_FIRST], apps[BLUEFINCH], apps[EXAMPLE_TRUST]
    assert [m["message_id"] for m in rowan["messages"]] == [ROWAN_FIRST, ROWAN_FOLLOW_UP]
    # Extraction is judged elsewhere; here: each stage saw the right message (the follow-up's
    # category reached the application it threads into).
    assert rowan["category"] == "interested_party"
    assert bluefinch["organization_name"] == "Bluefinch Mail Inc."
    assert trust["organization_name"] == "Example Trust Ltd"
    assert "ipr_agreement" in trust["missing"]
    others = {m["message_id"]: m["disposition"] for m in export["other_messages"]}
    assert others == {QUESTION: "not_application", BOUNCE: "bounce", OUT_OF_OFFICE: "auto_reply"}

    # One reply per application message, each sent, each received once with the right headers.
    replies = all_replies(export)
    assert [(r["in_reply_to"], r["kind"]) for r in rowan["replies"]] == [
        (ROWAN_FIRST, "missing_items"),
        (ROWAN_FOLLOW_UP, "missing_items" if rowan["missing"] else "acknowledgement"),
    ]
    assert [r["in_reply_to"] for r in bluefinch["replies"]] == [BLUEFINCH]
    assert [(r["in_reply_to"], r["kind"]) for r in trust["replies"]] == [(EXAMPLE_TRUST, "missing_items")]
    # The follow-up arrived in the same poll, before anything was sent: its reply supersedes the
    # first one, which is never sent (a reply that is no longer true).
    assert rowan["replies"][0]["state"] == "superseded" and not rowan["replies"][0]["sent"]
    replies = [r for r in replies if r["state"] != "superseded"]
    assert all(r["sent"] for r in replies)
    received = {str(parse(m.data)["Message-ID"]): m for m in smtp_sink.wait_for(len(replies))}
    assert len(smtp_sink.messages) == len(replies) == 3
    for app in (rowan, bluefinch, trust):
        for reply in app["replies"]:
            if reply["state"] == "superseded":
                continue
            got = received[reply["message_id"]]
            headers = parse(got.data)
            assert got.rcpt_tos == (app["applicant_email"],) == (reply["to"],)
            assert got.mail_from == "questions@cabforum.org"
            assert got.authenticated
            assert headers["To"] == reply["to"]
            assert headers["In-Reply-To"] == reply["in_reply_to"]
            assert reply["in_reply_to"] in headers["References"].split()
            assert headers["Auto-Submitted"] == "auto-replied"
            assert f"[{app['reference']}]" in headers["Subject"]
    follow_up_reply = parse(received[rowan["replies"][1]["message_id"]].data)
    assert follow_up_reply["References"].split()[0] == ROWAN_FIRST  # the whole thread, oldest first

    # On the server: what the bot handled carries the keyword; everything else is exactly as it was.
    after = server_flags(dovecot, imap_user)
    handled = {uids[mid] for mid in (ROWAN_FIRST, ROWAN_FOLLOW_UP, BLUEFINCH, EXAMPLE_TRUST)}
    for uid, flags in after.items():
        expected = before[uid] | {KEYWORD} if uid in handled else before[uid]
        assert flags == expected, f"UID {uid}"
        assert "\\Seen" not in flags - before[uid]

    # A second run finds nothing new: no reply, no row, no flag changes.
    rows = bot.query("SELECT count(*) FROM messages")
    again = bot.run("poll")
    assert again.returncode == 0, again.stderr
    assert bot.export() == export
    assert bot.query("SELECT count(*) FROM messages") == rows
    assert server_flags(dovecot, imap_user) == after
    assert smtp_sink.wait_for(len(replies) + 1, timeout=0.5) == smtp_sink.messages
    assert len(smtp_sink.messages) == len(replies)


def test_mail_older_than_since_is_recorded_without_a_reply(
    database_url: str,
    dovecot: Dovecot,
    imap_user: str,
    smtp_sink: SmtpSink,
    tmp_path: Path,
) -> None:
    now = datetime.now(UTC)
    old = make_mail(sender="old@history.test", message_id="<old@history.test>")
    new = make_mail(sender="new@fresh.test", message_id="<new@fresh.test>")
    dovecot.append(imap_user, old, internaldate=now - timedelta(days=400))
    dovecot.append(imap_user, new, internaldate=now - timedelta(hours=1))
    bot = Bot.make(
        tmp_path,
        dovecot,
        imap_user,
        smtp_sink,
        since=now - timedelta(days=2),
        database_url=database_url,
    )

    bot.ok("poll")

    export = bot.export()
    apps = {app["applicant_email"]: app for app in export["applications"]}
    assert set(apps) == {"old@history.test", "new@fresh.test"}  # history is recorded all the same
    assert apps["old@history.test"]["replies"] == []
    assert [r["in_reply_to"] for r in apps["new@fresh.test"]["replies"]] == ["<new@fresh.test>"]
    assert set(received_ids(smtp_sink)) == {apps["new@fresh.test"]["replies"][0]["message_id"]}


def test_first_run_answers_only_mail_that_arrives_after_it(
    database_url: str,
    dovecot: Dovecot,
    imap_user: str,
    smtp_sink: SmtpSink,
    tmp_path: Path,
) -> None:
    # Years of history, and mail from this morning: all of it older than the first run.
    now = datetime.now(UTC)
    history = [
        make_mail(sender=f"staff@past{n}.test", message_id=f"<past{n}@history.test>") for n in range(3)
    ]
    for n, raw in enumerate(history):
        dovecot.append(imap_user, raw, internaldate=now - timedelta(days=365 * (n + 1)))
    dovecot.append(imap_user, make_mail(sender="staff@today.test"), internaldate=now - timedelta(hours=3))
    bot = Bot.make(
        tmp_path, dovecot, imap_user, smtp_sink, database_url=database_url
    )  # no `since`: the first run sets it

    bot.ok("poll")
    first = bot.export()
    assert len(first["applications"]) == 4
    assert all_replies(first) == []
    assert smtp_sink.messages == []

    dovecot.append(imap_user, make_mail(sender="later@fresh.test", message_id="<later@fresh.test>"))
    bot.ok("poll")

    replies = all_replies(bot.export())
    assert [(r["to"], r["in_reply_to"], r["sent"]) for r in replies] == [
        ("later@fresh.test", "<later@fresh.test>", True)
    ]
    assert set(received_ids(smtp_sink)) == {replies[0]["message_id"]}


def test_applications_can_be_moved_to_a_folder_over_starttls(
    database_url: str,
    dovecot: Dovecot,
    imap_user: str,
    smtp_sink: SmtpSink,
    tmp_path: Path,
) -> None:
    question = corpus_mail("d-neg-general-question")
    dovecot.append(imap_user, question, flags=("\\Flagged",))
    dovecot.append(imap_user, make_mail(message_id=EXAMPLE_TRUST))
    bot = Bot.make(
        tmp_path,
        dovecot,
        imap_user,
        smtp_sink,
        since=datetime.now(UTC) - timedelta(days=1),
        security="starttls",
        move_applications_to="Applications",
        database_url=database_url,
    )

    bot.ok("poll")
    bot.ok("poll")

    assert server_flags(dovecot, imap_user) == {1: {"\\Flagged"}}  # the question stays, as it was
    assert list(server_flags(dovecot, imap_user, "Applications").values()) == [{KEYWORD}]
    assert len(smtp_sink.messages) == 1
    assert [m["message_id"] for m in bot.export()["other_messages"]] == [QUESTION]


def test_watch_answers_mail_as_it_arrives_and_outlives_a_server_restart(
    database_url: str,
    private_dovecot: Dovecot,
    imap_user: str,
    smtp_sink: SmtpSink,
    tmp_path: Path,
) -> None:
    bot = Bot.make(
        tmp_path,
        private_dovecot,
        imap_user,
        smtp_sink,
        since=datetime.now(UTC) - timedelta(1),
        database_url=database_url,
    )
    watch = bot.start("watch", "--idle-timeout", "20")
    try:
        private_dovecot.append(imap_user, make_mail(sender="a@first.test", message_id="<w1@first.test>"))
        assert len(smtp_sink.wait_for(1, timeout=30)) == 1
        private_dovecot.stop()  # the IDLE connection drops: watch reconnects once it is back
        private_dovecot.start()
        private_dovecot.append(imap_user, make_mail(sender="b@second.test", message_id="<w2@second.test>"))
        assert len(smtp_sink.wait_for(2, timeout=30)) == 2
    finally:
        watch.send_signal(signal.SIGTERM)
        _, stderr = watch.communicate(timeout=10)
    assert watch.returncode == 0, stderr  # stopped cleanly
    assert [parse(m.data)["In-Reply-To"] for m in smtp_sink.messages] == [
        "<w1@first.test>",
        "<w2@second.test>",
    ]
    assert "reconnecting" in stderr
    assert "Traceback" not in stderr


def test_poll_without_imap_section_is_a_config_error(tmp_path: Path) -> None:
    config = tmp_path / "intake-bot.toml"
    config.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "intake.db"}"\n')
    done = subprocess.run([str(BIN), "--config", str(config), "poll"], capture_output=True, text=True)
    assert done.returncode == 2
    assert "[imap]" in done.stderr
    assert "Traceback" not in done.stderr


def test_backfill_imports_history_without_a_single_reply(
    database_url: str, dovecot: Dovecot, imap_user: str, smtp_sink: SmtpSink, tmp_path: Path
) -> None:
    for n in range(5):
        dovecot.append(imap_user, make_mail(sender=f"old{n}@org{n}.test", message_id=f"<old{n}@org{n}.test>"))
    bot = Bot.make(tmp_path, dovecot, imap_user, smtp_sink, database_url=database_url)
    done = bot.ok("backfill")
    assert "imported 5 message(s)" in done.stderr
    export = bot.export()
    assert len(export["applications"]) == 5 and all_replies(export) == []
    bot.ok("poll")
    assert all_replies(bot.export()) == [] and smtp_sink.messages == []


def _too_many_parts(n: int) -> bytes:
    parts = "".join(f"--b\r\nContent-Type: text/plain\r\n\r\npart {i}\r\n" for i in range(12))
    return (
        f"From: Mallory <m{n}@parts.test>\r\nTo: questions@cabforum.org\r\nSubject: parts {n}\r\n"
        f"Message-ID: <parts-{n}@parts.test>\r\nMIME-Version: 1.0\r\n"
        f'Content-Type: multipart/mixed; boundary="b"\r\n\r\n{parts}--b--\r\n'
    ).encode()


def test_a_poll_commits_in_groups_and_a_bad_message_takes_only_itself_back(
    database_url: str, dovecot: Dovecot, imap_user: str, smtp_sink: SmtpSink, tmp_path: Path
) -> None:
    """More messages than one commit group (50), with messages quarantined in the middle of groups."""
    bad = {7, 49, 50, 51, 99}
    with dovecot.client(imap_user) as client:
        for n in range(120):
            raw = (
                _too_many_parts(n)
                if n in bad
                else make_mail(sender=f"Applicant {n} <a{n}@org{n}.test>", message_id=f"<g{n}@org{n}.test>")
            )
            client.append("INBOX", raw)
    bot = Bot.make(
        tmp_path,
        dovecot,
        imap_user,
        smtp_sink,
        since=datetime.now(UTC) - timedelta(days=1),
        database_url=database_url,
        imap_extra="[limits]\nmax_parts = 5",
    )
    bot.ok("poll")

    assert bot.query("SELECT count(*) FROM imap_uids") == [(120,)]
    rows = bot.query("SELECT disposition, count(*) FROM messages GROUP BY disposition ORDER BY disposition")
    assert rows == [("application", 115), ("quarantined", 5)]
    assert len(smtp_sink.wait_for(115)) == 115
    assert {m["message_id"] for m in bot.export()["other_messages"]} == {
        f"<parts-{n}@parts.test>" for n in bad
    }
    again = bot.ok("--debug", "poll")
    assert "fetched 0 message" in again.stderr or "nothing new" in again.stderr
    assert len(smtp_sink.messages) == 115
