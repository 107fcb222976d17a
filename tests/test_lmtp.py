"""`intake-bot lmtp`: the real command as a subprocess, a mail server's deliveries played by Python's
smtplib.LMTP, replies caught by the suite's SMTP sink.

A message is answered 250 only once it is committed; a retry of the same delivery is processed once
(also after a kill -9 between the commit and the 250); a database that cannot be written answers 451;
a message over the size limit 552."""

from __future__ import annotations

import json
import os
import signal
import smtplib
import socket
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot import (
    IMAP_PASSWORD_ENV,
    SMTP_PASSWORD_ENV,
    Bot,
    all_replies,
    parse,
    received_ids,
    run_cli,
    smtp_section,
)
from mails import make_mail
from mailservers import Dovecot, SmtpSink, free_ports

HELDOUT = Path(__file__).parent / "heldout"
SINCE = datetime.now(UTC) - timedelta(days=1)  # the polled copies arrive now: all are new mail


def lmtp_bot(directory: Path, database_url: str, sink: SmtpSink | None, extra: str = "") -> Bot:
    """A configuration with no [imap]: mail comes only over LMTP."""
    # A lock held by another process makes a delivery wait one second, not thirty, before its 451.
    quick = "?timeout=1" if database_url.startswith("sqlite") else "?options=-c%20lock_timeout%3D1000"
    lines = [
        "[database]",
        f'url = "{database_url}{quick}"',
        "[storage]",
        f'path = "{directory / "store"}"',
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    if sink is not None:
        lines += smtp_section(sink)
        env[SMTP_PASSWORD_ENV] = sink.password
    config = directory / "intake-bot.toml"
    config.write_text("\n".join(lines) + "\n" + extra)
    return Bot(config, env, database_url)


class LmtpServer:
    """`intake-bot lmtp --listen 127.0.0.1:PORT`, started and stopped as systemd would."""

    def __init__(self, bot: Bot, **env: str) -> None:
        self.bot, self.env = bot, {**bot.env, **env}
        self.port = free_ports(1)[0]
        self.proc: subprocess.Popen[str] | None = None

    def start(self) -> LmtpServer:
        argv = self.bot.argv("lmtp", "--listen", f"127.0.0.1:{self.port}")
        self.proc = subprocess.Popen(argv, env=self.env, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.proc.communicate()[1]
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=5) as sock:
                    if sock.recv(100).startswith(b"220 "):
                        return self
            except OSError:
                time.sleep(0.05)
        raise AssertionError("intake-bot lmtp did not start")

    def client(self) -> smtplib.LMTP:
        client = smtplib.LMTP("127.0.0.1", self.port, timeout=60)
        client.ehlo("mta.test")  # smtplib sends LHLO for it
        return client

    def deliver(self, raw: bytes, sender: str = "alice@example-trust.test") -> None:
        with self.client() as client:
            client.sendmail(sender, ["questions@cabforum.org"], raw)

    def stop(self) -> str:
        """SIGTERM; a clean stop exits 0. Returns what it logged."""
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        _, err = self.proc.communicate(timeout=30)
        assert self.proc.returncode == 0, err
        return err


@contextmanager
def serving(bot: Bot, **env: str) -> Iterator[LmtpServer]:
    server = LmtpServer(bot, **env).start()
    try:
        yield server
    finally:
        if server.proc is not None and server.proc.poll() is None:
            server.proc.kill()
            server.proc.wait()


def counts(bot: Bot) -> tuple[int, int, int]:
    """(messages stored, applications, replies queued or sent)."""
    return (
        bot.query("SELECT count(*) FROM messages")[0][0],
        bot.query("SELECT count(*) FROM applications")[0][0],
        bot.query("SELECT count(*) FROM replies")[0][0],
    )


def test_a_delivered_application_is_stored_answered_and_not_processed_twice(
    tmp_path: Path, database_url: str, smtp_sink: SmtpSink
) -> None:
    bot = lmtp_bot(tmp_path, database_url, smtp_sink)
    mail = make_mail(message_id="<lmtp1@example-trust.test>")
    bounce = make_mail(
        sender="Mail Delivery System <MAILER-DAEMON@mx.example-trust.test>",
        subject="Undelivered Mail Returned to Sender",
        headers={"Return-Path": "<alice@example-trust.test>"},  # the sender's own: replaced
    )
    with serving(bot) as server:
        server.deliver(mail)
        assert counts(bot) == (1, 1, 1)  # committed before the 250
        [reply] = smtp_sink.wait_for(1)
        assert parse(reply.data)["In-Reply-To"] == "<lmtp1@example-trust.test>"
        assert reply.rcpt_tos == ("alice@example-trust.test",)
        server.deliver(mail)  # the same delivery again: recognised, answered 250, nothing done
        server.deliver(bounce, sender="")  # the envelope sender becomes its Return-Path: no reply
        with server.client() as client:  # a second recipient waits for a transaction of its own
            client.mail("alice@example-trust.test")
            assert client.rcpt("questions@cabforum.org")[0] == 250
            assert client.rcpt("membership@cabforum.org")[0] == 452
        # the same delivery on two connections at once (read by two workers): committed once
        with ThreadPoolExecutor(2) as both:
            list(both.map(server.deliver, [mail, mail]))
        log = server.stop()
    assert "listening on" in log and "lmtp stopped" in log
    assert counts(bot) == (2, 1, 1)
    assert len(smtp_sink.messages) == 1
    export = bot.export()
    [app] = export["applications"]
    assert app["organization_name"] == "Example Trust Ltd"
    assert [m["disposition"] for m in export["other_messages"]] == ["bounce"]


def test_a_locked_database_answers_451_and_the_retry_is_processed(
    tmp_path: Path, database_url: str, smtp_sink: SmtpSink
) -> None:
    bot = lmtp_bot(tmp_path, database_url, smtp_sink)
    mail = make_mail(message_id="<lmtp-locked@example-trust.test>")
    with serving(bot) as server:
        with holding_the_database(database_url):
            with server.client() as client, pytest.raises(smtplib.SMTPDataError) as refused:
                client.sendmail("alice@example-trust.test", ["questions@cabforum.org"], mail)
            assert refused.value.smtp_code == 451
        assert counts(bot) == (0, 0, 0)
        server.deliver(mail)  # the mail server's retry
        smtp_sink.wait_for(1)
        server.stop()
    assert counts(bot) == (1, 1, 1)
    assert [m["message_id"] for m in bot.export()["applications"][0]["messages"]] == [
        "<lmtp-locked@example-trust.test>"
    ]


@contextmanager
def holding_the_database(url: str) -> Iterator[None]:
    """Another process holding the write lock (SQLite) or a lock on the bookkeeping (PostgreSQL)."""
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            conn.execute("ROLLBACK")
            conn.close()
        return
    engine = create_engine(url)
    try:
        with engine.connect() as conn, conn.begin():
            conn.execute(text("LOCK TABLE processed_keys IN ACCESS EXCLUSIVE MODE"))
            yield
    finally:
        engine.dispose()


def test_a_message_over_the_size_limit_is_refused_552(tmp_path: Path, database_url: str) -> None:
    bot = lmtp_bot(tmp_path, database_url, None, extra="[limits]\nmax_message_bytes = 4000\n")
    big = make_mail("Hello,\n\n" + ("x" * 70 + "\n") * 100)
    assert len(big) > 4000
    with serving(bot) as server:
        with server.client() as client:
            assert "size" in client.esmtp_features
            with pytest.raises(smtplib.SMTPSenderRefused) as early:  # smtplib declares SIZE=
                client.sendmail("alice@example-trust.test", ["questions@cabforum.org"], big)
            assert early.value.smtp_code == 552
            client.rset()
            assert client.mail("alice@example-trust.test")[0] == 250  # no SIZE declared
            assert client.rcpt("questions@cabforum.org")[0] == 250
            assert client.data(big)[0] == 552
        server.stop()
    assert counts(bot) == (0, 0, 0)


def test_killed_after_the_commit_before_its_250_the_retry_is_processed_once(
    tmp_path: Path, database_url: str, smtp_sink: SmtpSink
) -> None:
    bot = lmtp_bot(tmp_path, database_url, smtp_sink)
    mail = make_mail(message_id="<lmtp-kill@example-trust.test>")
    with serving(bot, INTAKE_BOT_LMTP_FAULT="kill-after-commit") as server:
        with pytest.raises(smtplib.SMTPServerDisconnected):  # no answer to DATA: the MTA keeps the mail
            server.deliver(mail)
        assert server.proc is not None and server.proc.wait(30) == -signal.SIGKILL
    assert counts(bot) == (1, 1, 1)  # it had committed
    with serving(bot) as server:  # restarted; the mail server tries again
        server.deliver(mail)
        smtp_sink.wait_for(1)
        server.stop()
    assert counts(bot) == (1, 1, 1)
    assert received_ids(smtp_sink) == {all_replies(bot.export())[0]["message_id"]: 1}


# ---- the held-out threads over LMTP give what `ingest` and `poll` give ----

THREADS = [
    "f-t-en-fr-ci-to-ip",
    "f-t-ja-sjis-emergency-later",
    "f-neg-recruiter-de",
    "f-neg-which-category-nl",
]


def test_held_out_threads_over_lmtp_give_the_same_export_as_ingest_and_poll(
    tmp_path: Path,
    database_url: str,
    new_database_url,
    dovecot: Dovecot,
    imap_user: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ingested, polled = tmp_path / "ingest", tmp_path / "poll"
    ingested.mkdir()
    polled.mkdir()
    by_file = lmtp_bot(ingested, new_database_url(ingested), None)
    by_poll = Bot.make(polled, dovecot, imap_user, None, since=SINCE, database_url=new_database_url(polled))
    monkeypatch.setenv(IMAP_PASSWORD_ENV, dovecot.password)
    over_lmtp = lmtp_bot(tmp_path, database_url, None)

    def export(bot: Bot) -> dict:
        return json.loads(run_cli(capsys, "--config", str(bot.config), "export", "--format", "json")[1])

    assert run_cli(capsys, "--config", str(by_file.config), "db", "upgrade")[0] == 0
    assert run_cli(capsys, "--config", str(by_poll.config), "db", "upgrade")[0] == 0
    with serving(over_lmtp) as server:
        for case in THREADS:
            first_id = None
            for eml in sorted((HELDOUT / case).glob("*.eml")):
                raw = eml.read_bytes()
                first_id = first_id or str(parse(raw)["Message-ID"])
                path = tmp_path / f"{case}-{eml.name}"
                path.write_bytes(substituted(raw, export(by_file), first_id))
                assert run_cli(capsys, "--config", str(by_file.config), "ingest", str(path))[0] == 0
                dovecot.append(imap_user, substituted(raw, export(by_poll), first_id))
                assert run_cli(capsys, "--config", str(by_poll.config), "poll")[0] == 0
                lmtp_raw = substituted(raw, export(over_lmtp), first_id)
                sender = parse(raw)["Return-Path"] or parse(raw)["From"].addresses[0].addr_spec
                server.deliver(lmtp_raw, sender=str(sender).strip("<>"))
        server.stop()
    by_lmtp, by_ingest = comparable(export(over_lmtp)), comparable(export(by_file))
    assert len(by_ingest["applications"]) == 2 and by_ingest["other_messages"]
    assert by_lmtp == by_ingest
    assert comparable(export(by_poll)) == by_ingest


def substituted(raw: bytes, export: dict, first_id: str) -> bytes:
    """{{reference}} and {{last_reply_message_id}} as the corpus runner fills them in."""
    for app in export["applications"]:
        if first_id in {m["message_id"] for m in app["messages"]}:
            last = app["replies"][-1]["message_id"] if app["replies"] else ""
            raw = raw.replace(b"{{reference}}", app["reference"].encode())
            return raw.replace(b"{{last_reply_message_id}}", last.encode())
    return raw


def comparable(export: dict) -> dict:
    """The export without what differs by nature: arrival times (ingest takes the Date header, LMTP
    the moment of delivery) and the replies' own Message-IDs and delivery state."""
    for app in export["applications"]:
        app.pop("created_at")
        app.pop("updated_at")
        for message in app["messages"]:
            message.pop("received_at")
        for reply in app["replies"]:
            for volatile in ("message_id", "sent", "state"):
                reply.pop(volatile, None)
    return export


# ---- the pure parts: no server needed ----


def test_the_envelope_sender_replaces_any_return_path_and_cannot_add_a_header() -> None:
    from intake_bot.sources.lmtp import delivered, lmtp_key

    content = (
        b"Return-Path: <forged@x.test>\r\nReturn-path:\r\n <folded@x.test>\r\nFrom: a@x.test\r\n"
        b"Subject: hi\r\n\r\nReturn-Path: <in the body: kept>\r\n"
    )
    message = delivered("bob@x.test>\r\nBcc: victim@y.test", content)
    assert message.raw == (
        b"Return-Path: <bob@x.testBcc: victim@y.test>\r\nFrom: a@x.test\r\nSubject: hi\r\n\r\n"
        b"Return-Path: <in the body: kept>\r\n"
    )
    assert message.key == lmtp_key(content)  # the delivered bytes, whoever the envelope names
    assert delivered("", content).raw.startswith(b"Return-Path: <>\r\nFrom:")


def test_listen_takes_host_and_port() -> None:
    from intake_bot.errors import UsageError
    from intake_bot.listen import listen_address

    assert listen_address("127.0.0.1:8024") == ("127.0.0.1", 8024)
    assert listen_address("[::1]:24") == ("::1", 24)
    for wrong in ("8024", "localhost", ":8024", "host:0", "host:http", "host:70000"):
        with pytest.raises(UsageError):
            listen_address(wrong)
