"""The IMAP edge against a real Dovecot on loopback."""

from __future__ import annotations

import shlex
import socket
import sys
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from intake_bot.config import Secret
from intake_bot.errors import ConfigError, TransientError
from intake_bot.sources.imap import ImapError, connect
from mailservers import Dovecot


def message(n: int) -> bytes:
    return (
        f"From: applicant{n}@example.com\r\nTo: questions@cabforum.org\r\n"
        f"Subject: Application {n}\r\nMessage-ID: <m{n}@example.com>\r\n\r\nBody {n}\r\n"
    ).encode()


@pytest.mark.parametrize("security", ["ssl", "starttls", "none"])
def test_logs_in_with_each_security_mode(dovecot: Dovecot, imap_user: str, security: str) -> None:
    dovecot.append(imap_user, message(1))
    with connect(dovecot.imap_settings(imap_user, security)) as mailbox:
        state = mailbox.select("INBOX")
        assert state.uidvalidity > 0
        assert state.uidnext == 2
        assert mailbox.uids_from(1) == [1]


def test_xoauth2_token_from_file(dovecot: Dovecot, imap_user: str, tmp_path: Path) -> None:
    # The test server's static passdb checks an XOAUTH2 token like a password.
    token = tmp_path / "token"
    token.write_text(dovecot.password + "\n")
    settings = replace(dovecot.imap_settings(imap_user), password=Secret(), oauth2_token_file=str(token))
    with connect(settings) as mailbox:
        assert mailbox.select("INBOX").uidnext == 1


def test_xoauth2_token_from_command(dovecot: Dovecot, imap_user: str) -> None:
    command = shlex.join([sys.executable, "-c", f"print({dovecot.password!r})"])
    settings = replace(dovecot.imap_settings(imap_user), password=Secret(), oauth2_token_command=command)
    with connect(settings) as mailbox:
        assert mailbox.select("INBOX").uidnext == 1


def test_failing_token_command_is_a_config_error(dovecot: Dovecot, imap_user: str) -> None:
    settings = replace(dovecot.imap_settings(imap_user), oauth2_token_command="false")
    with pytest.raises(ConfigError, match="oauth2_token_command"):
        connect(settings)


@pytest.mark.parametrize(
    "command",
    [
        "{python} -c 'import sys; sys.stderr.write(\"refresh-token-SECRET\"); sys.exit(3)' --client-secret=SECRET",
        "{python} -c 'import time; time.sleep(0)' --client-secret=SECRET",  # prints no token
        "/nonexistent/helper --client-secret=SECRET",
    ],
)
def test_a_token_command_failure_names_only_the_program(command: str) -> None:
    """Its arguments and its output may hold a client secret or a refresh token."""
    from intake_bot.oauth import _token_from_command

    with pytest.raises(ConfigError) as failed:
        _token_from_command(command.format(python=shlex.quote(sys.executable)))
    message = str(failed.value)
    assert "SECRET" not in message and "--client" not in message and "import" not in message
    assert failed.value.__cause__ is None
    assert failed.value.__context__ is None or failed.value.__suppress_context__  # --debug prints no chain
    assert Path(sys.executable).name in message or "helper" in message


def test_wrong_password_is_a_config_error(dovecot: Dovecot, imap_user: str, tmp_path: Path) -> None:
    wrong = tmp_path / "password"
    wrong.write_text("wrong")
    settings = replace(dovecot.imap_settings(imap_user), password=Secret(file=str(wrong)))
    with pytest.raises(ConfigError, match=f"IMAP login as {imap_user} at 127.0.0.1:.* failed"):
        connect(settings)


def test_untrusted_certificate_is_a_config_error(dovecot: Dovecot, imap_user: str) -> None:
    settings = replace(dovecot.imap_settings(imap_user), ca_file=None)  # system CAs only
    with pytest.raises(ConfigError, match="certificate not trusted"):
        connect(settings)


def test_fetch_returns_raw_bytes_and_date_and_leaves_seen_unset(dovecot: Dovecot, imap_user: str) -> None:
    arrived = datetime(2026, 1, 5, 9, 30, tzinfo=timezone(timedelta(hours=2)))
    uid = dovecot.append(imap_user, message(1), internaldate=arrived)
    seen_uid = dovecot.append(imap_user, message(2), flags=["\\Seen"])
    with connect(dovecot.imap_settings(imap_user)) as mailbox:
        mailbox.select("INBOX")
        fetched = list(mailbox.fetch([uid, seen_uid]))
    assert [m.uid for m in fetched] == [uid, seen_uid]
    assert fetched[0].raw == message(1)
    assert fetched[0].internaldate == arrived
    assert fetched[0].internaldate.tzinfo == UTC
    assert "\\Seen" not in fetched[0].flags
    assert "\\Seen" in fetched[1].flags
    flags = dovecot.flags(imap_user)
    assert "\\Seen" not in flags[uid]
    assert "\\Seen" in flags[seen_uid]


def test_fetch_in_batches_yields_every_message_in_order(dovecot: Dovecot, imap_user: str) -> None:
    uids = [dovecot.append(imap_user, message(n)) for n in range(7)]
    with connect(dovecot.imap_settings(imap_user)) as mailbox:
        mailbox.select("INBOX")
        for size in (1, 3, 7, 500):
            fetched = list(mailbox.fetch(mailbox.uids_from(1), batch_size=size))
            assert [m.uid for m in fetched] == uids
            assert [m.raw for m in fetched] == [message(n) for n in range(7)]


def test_fetch_splits_a_batch_over_the_byte_limit(
    dovecot: Dovecot, imap_user: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import intake_bot.sources.imap as imap

    uids = [dovecot.append(imap_user, message(n)) for n in range(7)]
    monkeypatch.setattr(imap, "FETCH_BYTES", len(message(0)) * 2)  # two messages per FETCH
    with connect(dovecot.imap_settings(imap_user)) as mailbox:
        mailbox.select("INBOX")
        assert list(mailbox._by_size(uids, 200)) == [uids[0:2], uids[2:4], uids[4:6], uids[6:]]
        fetched = list(mailbox.fetch(uids + [uids[-1] + 1], batch_size=200))
        assert [m.uid for m in fetched] == uids
        assert [m.raw for m in fetched] == [message(n) for n in range(7)]
        monkeypatch.setattr(imap, "FETCH_BYTES", 1)  # each message over the limit: one per FETCH
        assert list(mailbox._by_size(uids[:3], 200)) == [[uid] for uid in uids[:3]]


def test_uids_from_skips_what_is_below(dovecot: Dovecot, imap_user: str) -> None:
    uids = [dovecot.append(imap_user, message(n)) for n in range(3)]
    with connect(dovecot.imap_settings(imap_user)) as mailbox:
        mailbox.select("INBOX")
        assert mailbox.uids_from(uids[1]) == uids[1:]
        # "n:*" matches the last message even when n is above it: it must not come back.
        assert mailbox.uids_from(uids[-1] + 1) == []
        assert list(mailbox.fetch([])) == []


def test_expunged_uid_is_skipped(dovecot: Dovecot, imap_user: str) -> None:
    uid = dovecot.append(imap_user, message(1))
    with connect(dovecot.imap_settings(imap_user)) as mailbox:
        mailbox.select("INBOX")
        assert [m.uid for m in mailbox.fetch([uid, uid + 1])] == [uid]


def test_keyword_is_set_on_the_given_messages_only(dovecot: Dovecot, imap_user: str) -> None:
    first = dovecot.append(imap_user, message(1))
    second = dovecot.append(imap_user, message(2), flags=["\\Flagged"])
    with connect(dovecot.imap_settings(imap_user)) as mailbox:
        mailbox.select("INBOX")
        mailbox.add_keyword([second], "$IntakeProcessed")
        mailbox.add_keyword([], "$IntakeProcessed")
    flags = dovecot.flags(imap_user)
    assert "$IntakeProcessed" not in flags[first]
    assert {"$IntakeProcessed", "\\Flagged"} <= flags[second]
    assert "\\Seen" not in flags[second]


def test_move_creates_the_folder(dovecot: Dovecot, imap_user: str) -> None:
    stay, go = dovecot.append(imap_user, message(1)), dovecot.append(imap_user, message(2))
    with connect(dovecot.imap_settings(imap_user)) as mailbox:
        mailbox.select("INBOX")
        mailbox.move([go], "Applications")
        assert mailbox.uids_from(1) == [stay]
        mailbox.select("Applications")
        assert [m.raw for m in mailbox.fetch(mailbox.uids_from(1))] == [message(2)]
    assert set(dovecot.flags(imap_user)) == {stay}


def test_select_missing_folder_is_an_imap_error(dovecot: Dovecot, imap_user: str) -> None:
    with connect(dovecot.imap_settings(imap_user)) as mailbox, pytest.raises(ImapError, match="SELECT"):
        mailbox.select("No such folder")


def test_uidvalidity_change_is_visible(dovecot: Dovecot, imap_user: str) -> None:
    dovecot.append(imap_user, message(1))
    with connect(dovecot.imap_settings(imap_user)) as mailbox:
        before = mailbox.select("INBOX")
    changed = str(before.uidvalidity + 7)
    dovecot.doveadm("mailbox", "update", "-u", imap_user, "--uid-validity", changed, "INBOX")
    with connect(dovecot.imap_settings(imap_user)) as mailbox:
        assert mailbox.select("INBOX").uidvalidity == before.uidvalidity + 7


def test_idle_reports_a_message_that_came_before_it(dovecot: Dovecot, imap_user: str) -> None:
    with connect(dovecot.imap_settings(imap_user)) as mailbox:
        mailbox.select("INBOX")
        dovecot.append(imap_user, message(1))
        assert mailbox.idle(30) is True
        assert mailbox.uids_from(1) == [1]


def test_idle_reports_a_message_that_comes_during_it(dovecot: Dovecot, imap_user: str) -> None:
    with connect(dovecot.imap_settings(imap_user)) as mailbox:
        mailbox.select("INBOX")
        later = threading.Timer(0.1, dovecot.append, (imap_user, message(1)))
        later.start()
        try:
            assert mailbox.idle(30) is True
        finally:
            later.join()
        assert mailbox.uids_from(1) == [1]


def test_idle_without_change_is_false(dovecot: Dovecot, imap_user: str) -> None:
    with connect(dovecot.imap_settings(imap_user)) as mailbox:
        mailbox.select("INBOX")
        assert mailbox.idle(0.2) is False
        assert mailbox.select("INBOX").uidnext == 1  # still usable afterwards


def test_server_gone_is_transient(private_dovecot: Dovecot, imap_user: str) -> None:
    for n in range(3):
        private_dovecot.append(imap_user, message(n))
    settings = private_dovecot.imap_settings(imap_user)
    mailbox = connect(settings)
    mailbox.select("INBOX")
    private_dovecot.stop()
    with pytest.raises(TransientError, match="IMAP server 127.0.0.1:.* unreachable"):
        list(mailbox.fetch(mailbox.uids_from(1)))
    mailbox.close()  # must not raise on a dead connection
    with pytest.raises(TransientError, match="unreachable"):
        connect(settings)
    private_dovecot.start()  # same dirs: the mail is still there
    with connect(settings) as mailbox:
        mailbox.select("INBOX")
        assert len(list(mailbox.fetch(mailbox.uids_from(1)))) == 3


def test_silent_server_is_transient(dovecot: Dovecot, imap_user: str) -> None:
    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts connections, never greets
        settings = replace(dovecot.imap_settings(imap_user), port=silent.getsockname()[1], timeout=0.3)
        with pytest.raises(TransientError, match="unreachable"):
            connect(settings)


def test_xoauth2_with_a_token_refreshed_at_the_token_endpoint(
    dovecot: Dovecot, imap_user: str, token_endpoint, tmp_path: Path
) -> None:
    # The test server's static passdb checks an XOAUTH2 token like a password.
    token_endpoint.access_token = dovecot.password
    settings = replace(
        dovecot.imap_settings(imap_user), password=Secret(), oauth2=token_endpoint.settings(tmp_path)
    )
    with connect(settings) as mailbox:
        assert mailbox.select("INBOX").uidnext == 1
    assert len(token_endpoint.requests) == 1
