"""The idle poll's quick path (pollstate.py): it skips work only when there is none.

Real Dovecot and aiosmtpd; the quick path says "nothing new" in the --debug log.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot import Bot
from intake_bot.pollstate import STATE_FILE
from mails import make_mail
from mailservers import Dovecot, SmtpSink

QUICK = "nothing new and nothing to send"


def quick(bot: Bot) -> bool:
    return QUICK in bot.ok("--debug", "poll").stderr


def test_idle_poll_takes_the_quick_path_but_never_past_mail_or_replies(
    dovecot: Dovecot, imap_user: str, smtp_sink: SmtpSink, tmp_path: Path
) -> None:
    bot = Bot.make(tmp_path, dovecot, imap_user, smtp_sink, since=datetime.now(UTC) - timedelta(days=1))
    dovecot.append(imap_user, make_mail(sender="a@first.test", message_id="<q1@first.test>"))
    assert not quick(bot)
    assert len(smtp_sink.wait_for(1)) == 1
    assert (tmp_path / "store" / STATE_FILE).exists()
    assert quick(bot)

    dovecot.append(imap_user, make_mail(sender="b@second.test", message_id="<q2@second.test>"))
    assert not quick(bot)  # new mail: processed and answered
    assert len(smtp_sink.wait_for(2)) == 2
    assert quick(bot)

    reference = bot.export()["applications"][0]["reference"]
    bot.ok("resend", reference)  # a reply queued by staff between polls is sent by the next one
    assert not quick(bot)
    assert len(smtp_sink.wait_for(3)) == 3

    smtp_sink.mode = "tempfail"  # a reply that could not go out keeps every poll on the full path
    bot.ok("resend", reference)
    assert not quick(bot)
    assert not quick(bot)
    assert len(smtp_sink.messages) == 3
    bot.query("UPDATE replies SET next_attempt_at = NULL")
    smtp_sink.mode = "accept"
    assert not quick(bot)
    assert len(smtp_sink.wait_for(4)) == 4
    assert quick(bot)


def test_a_replaced_database_or_a_renumbered_folder_is_polled_in_full(
    dovecot: Dovecot, imap_user: str, smtp_sink: SmtpSink, tmp_path: Path
) -> None:
    bot = Bot.make(tmp_path, dovecot, imap_user, smtp_sink, since=datetime.now(UTC) - timedelta(days=1))
    dovecot.append(imap_user, make_mail(sender="a@first.test", message_id="<r1@first.test>"))
    bot.ok("poll")
    assert quick(bot)
    bot.query("DELETE FROM imap_uids")  # e.g. an older backup restored: the UIDs are read again
    assert not quick(bot)
    assert bot.query("SELECT count(*) FROM imap_uids") == [(1,)]
    assert quick(bot)
    dovecot.doveadm("mailbox", "update", "-u", imap_user, "--uid-validity", "12345", "INBOX")
    assert not quick(bot)
    assert quick(bot)
    assert len(smtp_sink.messages) == 1  # the same message, recognised: never answered twice


def test_the_quick_path_imports_neither_sqlalchemy_nor_imapclient_nor_the_item_catalogue(
    dovecot: Dovecot, imap_user: str, smtp_sink: SmtpSink, tmp_path: Path
) -> None:
    bot = Bot.make(tmp_path, dovecot, imap_user, smtp_sink, since=datetime.now(UTC) - timedelta(days=1))
    dovecot.append(imap_user, make_mail(sender="a@first.test", message_id="<i1@first.test>"))
    bot.ok("poll")
    script = (
        "import sys\n"
        "from intake_bot.cli import main\n"
        "try:\n"
        "    main(['--config', sys.argv[1], 'poll'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('imported:', [m for m in ('sqlalchemy', 'imapclient', 'intake_bot.items') if m in sys.modules])\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script, str(bot.config)], env=bot.env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.rstrip().endswith("imported: []")


def test_poll_queues_the_reminders_that_fall_due_even_when_idle(
    dovecot: Dovecot, imap_user: str, smtp_sink: SmtpSink, tmp_path: Path
) -> None:
    bot = Bot.make(tmp_path, dovecot, imap_user, smtp_sink, since=datetime.now(UTC) - timedelta(days=1))
    dovecot.append(imap_user, make_mail(sender="a@first.test", message_id="<r1@first.test>"))
    assert not quick(bot)
    assert len(smtp_sink.wait_for(1)) == 1
    state_file = tmp_path / "store" / STATE_FILE
    due = datetime.fromisoformat(json.loads(state_file.read_text())["remind_at"])
    assert timedelta(days=13) < due - datetime.now(UTC) <= timedelta(days=14)  # remind_after_days
    assert quick(bot)

    # Fifteen days on: the applicant's mail is that old, and the reminder the state file noted is due.
    bot.query("UPDATE messages SET received_at = '2026-01-01 00:00:00'")
    state = json.loads(state_file.read_text())
    state_file.write_text(json.dumps({**state, "remind_at": "2026-01-15T00:00:00+00:00"}))
    assert not quick(bot)
    assert len(smtp_sink.wait_for(2)) == 2
    assert [r["kind"] for r in bot.export()["applications"][0]["replies"]] == ["missing_items", "reminder"]
    assert quick(bot)  # the next one is due fourteen days after this reminder
