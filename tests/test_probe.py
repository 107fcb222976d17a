"""The idle poll's STATUS question over imaplib (sources/probe.py), against the real Dovecot."""

from __future__ import annotations

from pathlib import Path

from intake_bot.config import Secret
from intake_bot.sources.imap import connect
from intake_bot.sources.probe import _parse, folder_status, supports
from mails import make_mail
from mailservers import Dovecot


def test_it_answers_what_imapclient_answers_over_ssl_and_starttls(dovecot: Dovecot, imap_user: str) -> None:
    dovecot.append(imap_user, make_mail(sender="a@first.test", message_id="<p1@first.test>"))
    with connect(dovecot.imap_settings(imap_user)) as box:
        expected = box.status("INBOX")
    for security in ("ssl", "starttls"):
        assert folder_status(dovecot.imap_settings(imap_user, security)) == (
            expected.uidvalidity,
            expected.uidnext,
        )
    dovecot.append(imap_user, make_mail(sender="b@second.test", message_id="<p2@second.test>"))
    assert folder_status(dovecot.imap_settings(imap_user))[1] == expected.uidnext + 1


def test_any_trouble_is_none(dovecot: Dovecot, imap_user: str, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong"
    wrong.write_text("not the password")
    assert folder_status(dovecot.imap_settings(imap_user, password=Secret(file=str(wrong)))) is None
    assert folder_status(dovecot.imap_settings(imap_user, folder="Nope")) is None
    assert folder_status(dovecot.imap_settings(imap_user, folder="Entwürfe")) is None
    assert folder_status(dovecot.imap_settings(imap_user, oauth2_token_file=str(wrong))) is None
    assert folder_status(dovecot.imap_settings(imap_user, port=1)) is None
    assert folder_status(dovecot.imap_settings(imap_user, ca_file=str(wrong))) is None


def test_status_lines_are_read_whatever_the_order() -> None:
    assert _parse(b'"INBOX" (UIDNEXT 42 UIDVALIDITY 7)') == (7, 42)
    assert _parse(b"INBOX (UIDVALIDITY 7)") is None
    assert _parse(b"garbage") is None


def test_what_it_does_not_ask_is_left_to_imapclient(dovecot: Dovecot, imap_user: str, tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text("t")
    assert not supports(dovecot.imap_settings(imap_user, oauth2_token_file=str(token)))
    assert not supports(dovecot.imap_settings(imap_user, folder="Entwürfe"))
    assert not supports(dovecot.imap_settings(imap_user, folder='a"b'))
    assert supports(dovecot.imap_settings(imap_user, folder="Lists/cabforum.org"))
