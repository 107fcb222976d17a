"""Fault tests: the real `intake-bot poll` killed, cut off from its servers, or run twice at once.

Whatever happens, every message in the mailbox is processed exactly once, no application is
opened twice, every reply is delivered, and no reply is sent twice -- except that a run killed
between the SMTP server's acceptance and the database commit may send that one reply again,
with the same Message-ID (the one window no SMTP client can close).
"""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from bot import KEYWORD, Bot, parse, received_ids, server_flags
from intake_bot.config import SmtpSettings
from mails import APPLICATION_BODY, make_mail
from mailservers import Dovecot, SmtpSink

EX_TEMPFAIL = 75
SINCE = datetime.now(UTC) - timedelta(days=1)


# ---- a mailbox of a few hundred messages, and what should become of each ----


@dataclass(frozen=True)
class Mail:
    raw: bytes
    message_id: str
    kind: str  # application | follow_up | not_application | auto_reply | duplicate
    flags: tuple[str, ...] = ()

    @property
    def answered(self) -> bool:
        return self.kind in ("application", "follow_up")


def application(n: int) -> Mail:
    mid = f"<app{n}@org{n}.test>"
    body = APPLICATION_BODY.replace("Example Trust Ltd", f"Org {n} Ltd").replace("example-trust", f"org{n}")
    return Mail(make_mail(body, sender=f"Alice <alice@org{n}.test>", message_id=mid), mid, "application")


def follow_up(n: int) -> Mail:
    mid = f"<followup{n}@org{n}.test>"
    raw = make_mail(
        f"Hello,\n\nOur audit report: https://audits.test/org{n}.pdf\n\nAlice\n",
        sender=f"Alice <alice@org{n}.test>",
        subject=f"Re: Membership application of Org {n} Ltd",
        message_id=mid,
        headers={"In-Reply-To": f"<app{n}@org{n}.test>", "References": f"<app{n}@org{n}.test>"},
    )
    return Mail(raw, mid, "follow_up")


def question(n: int) -> Mail:
    mid = f"<question{n}@reader{n}.test>"
    raw = make_mail(
        "Hi,\n\nWhere can I find the latest version of the S/MIME Baseline Requirements?\n\nThanks\n",
        sender=f"Reader <reader@reader{n}.test>",
        subject="Latest version of the S/MIME BRs?",
        message_id=mid,
    )
    return Mail(raw, mid, "not_application", ("\\Seen",) if n % 2 else ())


def out_of_office(n: int) -> Mail:
    mid = f"<ooo{n}@away{n}.test>"
    raw = make_mail(
        "I am out of the office until Monday.\n",
        sender=f"Away <away@away{n}.test>",
        subject="Out of Office: SMCWG call",
        message_id=mid,
        headers={"Auto-Submitted": "auto-replied"},
    )
    return Mail(raw, mid, "auto_reply")


def workload(applications: int) -> list[Mail]:
    """Applications, questions and out-of-office notes, then follow-ups and second deliveries."""
    first: list[Mail] = []
    later: list[Mail] = []
    for n in range(applications):
        first.append(application(n))
        if n % 2 == 0:
            first.append(question(n))
        if n % 4 == 1:
            first.append(out_of_office(n))
        if n % 3 == 0:
            later.append(follow_up(n))
        if n % 10 == 5:  # the same bytes delivered twice: stored as a duplicate, never answered
            original = application(n)
            later.append(Mail(original.raw, original.message_id, "duplicate"))
    return first + later


def fill(dovecot: Dovecot, user: str, mails: list[Mail]) -> dict[int, Mail]:
    """Append in one session (hundreds of logins would be slow); returns UID -> mail."""
    by_uid = {}
    with dovecot.client(user) as client:
        for mail in mails:
            answer = client.append("INBOX", mail.raw, flags=mail.flags)
            by_uid[int(answer.split(b"]")[0].split()[-1])] = mail
    return by_uid


# ---- checks shared by the tests ----


def check_processed_once(bot: Bot, by_uid: dict[int, Mail]) -> None:
    """One messages row per appended message, one imap_uids row per UID, no quarantine."""
    uids = [uid for (uid,) in bot.query("SELECT uid FROM imap_uids")]
    assert sorted(uids) == sorted(by_uid)
    rows = Counter(bot.query("SELECT message_id, disposition FROM messages"))
    expected = Counter((mail.message_id, mail.kind) for mail in by_uid.values())
    assert rows == expected
    assert bot.query("SELECT count(*) FROM applications") == [
        (sum(mail.kind == "application" for mail in by_uid.values()),)
    ]
    assert bot.query("SELECT count(*) FROM imap_uids WHERE flag_pending") == [(0,)]


def check_replies(bot: Bot, sink: SmtpSink, by_uid: dict[int, Mail], allowed_duplicates: int = 0) -> None:
    """One reply per answered message, each delivered, none twice (beyond the crash window)."""
    replies = dict(
        bot.query(
            "SELECT m.message_id, r.message_id FROM replies r JOIN messages m ON m.id = r.answers_message_id"
        )
    )
    assert sorted(replies) == sorted(mail.message_id for mail in by_uid.values() if mail.answered)
    # A reply still unsent when the applicant's next message was answered is superseded, never sent.
    states = dict(bot.query("SELECT message_id, state FROM replies"))
    assert set(states.values()) <= {"sent", "superseded"}
    sent = {mid for mid, state in states.items() if state == "sent"}
    received = received_ids(sink)
    stale = set(received) - sent  # only a reply the server took just before a kill, superseded after it
    assert sent <= set(received) and len(stale) <= allowed_duplicates, stale
    # Each kill can cost at most the one reply in flight: the server took it, the kill came before it
    # was recorded. Two kills in a row can strike the same reply, so it may arrive three times.
    extra = {mid: n - 1 for mid, n in received.items() if n > 1}
    assert sum(extra.values()) + len(stale) <= allowed_duplicates, (extra, stale)


def check_server_flags(dovecot: Dovecot, user: str, by_uid: dict[int, Mail]) -> None:
    """Answered mail carries the keyword; everything else has exactly the flags it arrived with."""
    for uid, flags in server_flags(dovecot, user).items():
        mail = by_uid[uid]
        expected = set(mail.flags) | ({KEYWORD} if mail.answered else set())
        assert flags == expected, f"UID {uid} ({mail.kind})"


def wait_until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def run_until(run: subprocess.Popen[str], condition: Callable[[], bool], timeout: float = 60) -> bool:
    """Wait until the run exits (True), or until `condition` holds or `timeout` passes (False)."""
    deadline = time.monotonic() + timeout
    while run.poll() is None:
        if condition() or time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


def processed_at_least(bot: Bot, count: int) -> bool:
    return processed(bot) >= count


def received_at_least(sink: SmtpSink, count: int) -> bool:
    return len(sink.messages) >= count


def processed(bot: Bot) -> int:
    try:
        return bot.query("SELECT count(*) FROM messages")[0][0]
    except Exception:  # not created yet, or locked for a moment
        return 0


# ---- SIGKILL at random points ----

KILLS = 14


def test_poll_killed_at_random_points_loses_and_doubles_nothing(
    database_url: str, dovecot: Dovecot, imap_user: str, smtp_sink: SmtpSink, tmp_path: Path
) -> None:
    seed = int(os.environ.get("INTAKE_FAULT_SEED", random.randrange(2**32)))
    rng = random.Random(seed)
    by_uid = fill(dovecot, imap_user, workload(100))
    bot = Bot.make(
        tmp_path, dovecot, imap_user, smtp_sink, since=SINCE, batch_size=40, database_url=database_url
    )

    log = []  # (trigger, messages processed, replies received) at each kill, for the failure message
    kills = 0
    while kills < KILLS:
        run = bot.start("poll")
        sending = kills >= KILLS // 2  # the first half strikes while mail is processed
        if kills % 2:  # anywhere: start-up, migrations, fetching, processing, flagging, sending
            delay = rng.uniform(0.2, 2.5 if sending else 1.5)
            trigger = f"after {delay:.2f} s"
            finished = run_until(run, lambda: False, delay)
        elif not sending:  # racing the next commit, or the keyword STORE after a batch
            more = rng.randint(5, 30)
            trigger = f"after {more} messages"
            finished = run_until(run, partial(processed_at_least, bot, processed(bot) + more))
        else:  # right after the SMTP server accepted some replies: the crash window
            more = rng.randint(1, 20)
            trigger = f"after {more} replies"
            finished = run_until(run, partial(received_at_least, smtp_sink, len(smtp_sink.messages) + more))
        if finished:
            assert run.returncode == 0, run.communicate()[1]
            break
        run.send_signal(signal.SIGKILL)
        run.communicate()
        kills += 1
        log.append((trigger, processed(bot), len(smtp_sink.messages)))

    bot.ok("poll")  # to completion
    context = f"seed {seed}, kills {log}"
    print(context)  # shown with -s, or on failure
    assert kills >= 4, context
    smtp_sink.wait_for(1)
    try:
        check_processed_once(bot, by_uid)
        check_replies(bot, smtp_sink, by_uid, allowed_duplicates=kills)
        check_server_flags(dovecot, imap_user, by_uid)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n{context}") from exc

    doubled = sum(n - 1 for n in received_ids(smtp_sink).values())
    print(f"{len(by_uid)} messages, {kills} kills, {doubled} reply(ies) sent again in the crash window")
    # And a run after that has nothing left to do.
    count = len(smtp_sink.messages)
    bot.ok("poll")
    assert len(smtp_sink.messages) == count
    check_processed_once(bot, by_uid)


# ---- Dovecot stopped ----


def test_dovecot_down_before_the_run_exits_75_and_a_later_run_completes(
    database_url: str, private_dovecot: Dovecot, imap_user: str, smtp_sink: SmtpSink, tmp_path: Path
) -> None:
    by_uid = fill(private_dovecot, imap_user, workload(4))
    bot = Bot.make(tmp_path, private_dovecot, imap_user, smtp_sink, since=SINCE, database_url=database_url)
    private_dovecot.stop()

    down = bot.run("poll")

    assert down.returncode == EX_TEMPFAIL, down.stderr
    assert "unreachable" in down.stderr
    assert len(down.stderr.strip().splitlines()) == 1  # one line, no traceback
    assert processed(bot) == 0
    private_dovecot.start()
    bot.ok("poll")
    check_processed_once(bot, by_uid)
    check_replies(bot, smtp_sink, by_uid)
    check_server_flags(private_dovecot, imap_user, by_uid)


def test_dovecot_stopped_mid_run_exits_75_and_a_later_run_completes(
    database_url: str, private_dovecot: Dovecot, imap_user: str, smtp_sink: SmtpSink, tmp_path: Path
) -> None:
    by_uid = fill(private_dovecot, imap_user, workload(30))
    bot = Bot.make(
        tmp_path, private_dovecot, imap_user, smtp_sink, since=SINCE, batch_size=10, database_url=database_url
    )

    run = bot.start("poll")
    wait_until(lambda: processed(bot) >= 3)
    private_dovecot.stop()
    _, stderr = run.communicate(timeout=60)

    assert run.returncode == EX_TEMPFAIL, stderr
    assert "unreachable" in stderr
    done = processed(bot)
    assert 3 <= done < len(by_uid)
    # What was committed before the server went away is answered already (all but the replies a
    # newer one superseded in the same group: those are never sent).
    unsuperseded = bot.query("SELECT count(*) FROM replies WHERE state <> 'superseded'")[0][0]
    assert len(smtp_sink.messages) == unsuperseded > 0
    private_dovecot.start()
    bot.ok("poll")
    check_processed_once(bot, by_uid)
    check_replies(bot, smtp_sink, by_uid)
    check_server_flags(private_dovecot, imap_user, by_uid)


def test_a_hung_dovecot_times_out_with_exit_75(
    database_url: str, private_dovecot: Dovecot, imap_user: str, smtp_sink: SmtpSink, tmp_path: Path
) -> None:
    by_uid = fill(private_dovecot, imap_user, workload(2))
    bot = Bot.make(
        tmp_path,
        private_dovecot,
        imap_user,
        smtp_sink,
        since=SINCE,
        imap_timeout=1,
        database_url=database_url,
    )
    group = private_dovecot._process.pid  # type: ignore[union-attr]
    os.killpg(group, signal.SIGSTOP)  # accepts connections (the kernel does), answers nothing
    try:
        hung = bot.run("poll", timeout=30)
    finally:
        os.killpg(group, signal.SIGCONT)

    assert hung.returncode == EX_TEMPFAIL, hung.stderr
    assert "unreachable" in hung.stderr
    bot.ok("poll")
    check_processed_once(bot, by_uid)
    check_replies(bot, smtp_sink, by_uid)


# ---- SMTP down, 4xx, 5xx ----


def reply_states(bot: Bot) -> list[tuple]:
    return bot.query(
        "SELECT state, attempts, next_attempt_at IS NOT NULL, last_error FROM replies ORDER BY id"
    )


def test_smtp_down_queues_replies_and_a_later_run_delivers_them(
    database_url: str, dovecot: Dovecot, imap_user: str, smtp_sink: SmtpSink, tmp_path: Path
) -> None:
    by_uid = fill(dovecot, imap_user, [application(n) for n in range(3)])
    bot = Bot.make(tmp_path, dovecot, imap_user, smtp_sink, since=SINCE, database_url=database_url)
    smtp_sink.stop()

    down = bot.run("poll")

    assert down.returncode == EX_TEMPFAIL, down.stderr
    assert "queued" in down.stderr
    assert len(down.stderr.strip().splitlines()) == 1
    export = bot.export()
    assert [r["sent"] for app in export["applications"] for r in app["replies"]] == [False] * 3
    check_processed_once(bot, by_uid)  # the mail itself is done: IMAP was fine
    check_server_flags(dovecot, imap_user, by_uid)

    still_down = bot.run("send")
    assert still_down.returncode == EX_TEMPFAIL, still_down.stderr
    smtp_sink.start()
    bot.ok("send")  # at once: the replies did nothing wrong, the server was away

    check_replies(bot, smtp_sink, by_uid)
    bot.ok("poll")
    assert len(smtp_sink.messages) == 3


def test_smtp_4xx_keeps_replies_queued_with_backoff(
    database_url: str, dovecot: Dovecot, imap_user: str, smtp_sink: SmtpSink, tmp_path: Path
) -> None:
    by_uid = fill(dovecot, imap_user, [application(n) for n in range(2)])
    bot = Bot.make(tmp_path, dovecot, imap_user, smtp_sink, since=SINCE, database_url=database_url)
    smtp_sink.mode = "tempfail"

    bot.ok("poll")  # the server answered: not an outage, just "later"

    states = reply_states(bot)
    assert [s[:3] for s in states] == [("queued", 1, True)] * 2
    assert all("451" in s[3] for s in states)
    smtp_sink.mode = "accept"
    bot.ok("send")
    assert smtp_sink.messages == []  # not due yet
    bot.query("UPDATE replies SET next_attempt_at = '2000-01-01 00:00:00.000000'")  # time passes
    bot.ok("send")
    check_replies(bot, smtp_sink, by_uid)


def test_smtp_5xx_records_the_reply_as_failed(
    database_url: str, dovecot: Dovecot, imap_user: str, smtp_sink: SmtpSink, tmp_path: Path
) -> None:
    fill(dovecot, imap_user, [application(0)])
    bot = Bot.make(tmp_path, dovecot, imap_user, smtp_sink, since=SINCE, database_url=database_url)
    smtp_sink.mode = "permfail"

    bot.ok("poll")

    [(state, attempts, _, error)] = reply_states(bot)
    assert (state, attempts) == ("failed", 1)
    assert "554" in error
    smtp_sink.mode = "accept"
    bot.ok("send")
    bot.ok("poll")
    assert smtp_sink.messages == []  # a refused reply is for staff now, not for retries
    [app] = bot.export()["applications"]
    assert [r["sent"] for r in app["replies"]] == [False]


# ---- two runs at once ----


def test_two_polls_and_a_send_started_together_process_each_message_once(
    database_url: str, dovecot: Dovecot, imap_user: str, smtp_sink: SmtpSink, tmp_path: Path
) -> None:
    by_uid = fill(dovecot, imap_user, workload(20))
    bot = Bot.make(tmp_path, dovecot, imap_user, smtp_sink, since=SINCE, database_url=database_url)

    runs = [bot.start("poll"), bot.start("poll", "--wait"), bot.start("send"), bot.start("poll")]
    results = [(run.wait(timeout=60), run.communicate()[1]) for run in runs]

    assert all(code == 0 for code, _ in results), results
    check_processed_once(bot, by_uid)
    check_replies(bot, smtp_sink, by_uid)  # each exactly once: nobody was killed
    check_server_flags(dovecot, imap_user, by_uid)


def test_three_pollers_on_one_mailbox_and_one_database_process_and_send_once(
    database_url: str, dovecot: Dovecot, imap_user: str, smtp_sink: SmtpSink, tmp_path: Path
) -> None:
    """Three hosts (each its own folder, so no shared lock file) on one mailbox and one database."""
    by_uid = fill(dovecot, imap_user, workload(80))
    for n in range(3):
        (tmp_path / f"host{n}").mkdir()
    hosts = [
        Bot.make(tmp_path / f"host{n}", dovecot, imap_user, smtp_sink, since=SINCE, database_url=database_url)
        for n in range(3)
    ]
    runs = [host.start("poll") for host in hosts] + [host.start("send") for host in hosts[:2]]
    results = [(run.wait(timeout=120), run.communicate()[1]) for run in runs]
    assert all(code == 0 for code, _ in results), results
    for host in hosts:  # whatever a busy host left to the others is done by now
        host.ok("poll", "--wait")

    check_processed_once(hosts[0], by_uid)
    check_replies(hosts[0], smtp_sink, by_uid)  # each exactly once
    check_server_flags(dovecot, imap_user, by_uid)


# ---- UIDVALIDITY ----


def test_changed_uidvalidity_answers_nothing_twice(
    database_url: str, dovecot: Dovecot, imap_user: str, smtp_sink: SmtpSink, tmp_path: Path
) -> None:
    by_uid = fill(dovecot, imap_user, workload(6))
    bot = Bot.make(tmp_path, dovecot, imap_user, smtp_sink, since=SINCE, database_url=database_url)
    bot.ok("poll")
    with dovecot.client(imap_user) as client:
        old = client.select_folder("INBOX", readonly=True)[b"UIDVALIDITY"]
    dovecot.doveadm("mailbox", "update", "-u", imap_user, "--uid-validity", str(old + 1000), "INBOX")
    new = {n: application(n) for n in (100, 101)}
    by_uid.update(fill(dovecot, imap_user, list(new.values())))
    rows_before = processed(bot)

    bot.ok("poll")

    with dovecot.client(imap_user) as client:
        assert client.select_folder("INBOX", readonly=True)[b"UIDVALIDITY"] == old + 1000
    check_replies(bot, smtp_sink, {uid: m for uid, m in by_uid.items()})
    assert processed(bot) == rows_before + len(new)  # the old mail is recognised, not stored again
    check_server_flags(dovecot, imap_user, by_uid)
    assert [parse(m.data)["In-Reply-To"] for m in smtp_sink.messages[-2:]] == [
        mail.message_id for mail in new.values()
    ]


# ---- the server refuses to mark mail ----


def test_a_server_refusing_the_keyword_does_not_stop_mail_processing(
    database_url: str, dovecot: Dovecot, imap_user: str, smtp_sink: SmtpSink, tmp_path: Path
) -> None:
    by_uid = fill(dovecot, imap_user, workload(3))
    bot = Bot.make(
        tmp_path,
        dovecot,
        imap_user,
        smtp_sink,
        since=SINCE,
        imap_extra='processed_keyword = "(bad"',
        database_url=database_url,
    )

    done = bot.run("poll")

    assert done.returncode == 0, done.stderr
    assert "cannot mark handled mail" in done.stderr
    check_replies(bot, smtp_sink, by_uid)
    assert all(flags == set(by_uid[uid].flags) for uid, flags in server_flags(dovecot, imap_user).items())
    pending = bot.query("SELECT count(*) FROM imap_uids WHERE flag_pending")[0][0]
    assert pending == sum(mail.answered for mail in by_uid.values())  # kept for a later run


# ---- a sender killed holding a claim on a reply that went stale meanwhile ----


def offline_bot(directory: Path, database_url: str, smtp: SmtpSettings) -> Bot:
    """`intake-bot` without IMAP (mail comes by `ingest`), sending to `smtp`."""
    path = directory / "intake-bot.toml"
    path.write_text(
        f'[database]\nurl = "{database_url}"\n[storage]\npath = "{directory / "store"}"\n'
        f'[smtp]\nhost = "{smtp.host}"\nport = {smtp.port}\nsecurity = "{smtp.security}"\n'
        f'ca_file = "{smtp.ca_file or ""}"\nusername = "{smtp.username or ""}"\n'
        f'password_file = "{smtp.password.file or ""}"\nfrom_address = "questions@cabforum.org"\n'
        f"timeout = {int(smtp.timeout)}\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    return Bot(path, env, database_url)


def test_a_reply_superseded_while_its_killed_sender_held_the_claim_is_never_sent(
    database_url: str, smtp_sink: SmtpSink, tmp_path: Path
) -> None:
    first = tmp_path / "first.eml"
    first.write_bytes(make_mail(message_id="<first@example-trust.test>"))
    second = tmp_path / "second.eml"
    second.write_bytes(
        make_mail(
            "Our IPR agreement follows by post.\n",
            subject="Re: [SMCWG-2026-0001] Membership application",
            message_id="<second@example-trust.test>",
            headers={"In-Reply-To": "<first@example-trust.test>"},
        )
    )
    with socket.create_server(("127.0.0.1", 0)) as silent:  # takes the connection, never greets
        stalled = offline_bot(tmp_path, database_url, smtp_sink.smtp_settings(port=silent.getsockname()[1]))
        stalled.ok("ingest", str(first))
        run = stalled.start("send")  # claims the reply, then waits for a greeting that never comes
        claimed = partial(stalled.query, "SELECT 1 FROM replies WHERE state = 'sending'")
        assert not run_until(run, lambda: bool(claimed()))
        run.send_signal(signal.SIGKILL)
        run.communicate()
    stalled.ok("ingest", str(second))  # a newer reply: the claimed one is stale now

    bot = offline_bot(tmp_path, database_url, smtp_sink.smtp_settings())
    bot.ok("send")
    bot.ok("send")
    [(stale,), (current,)] = bot.query("SELECT message_id FROM replies ORDER BY id")
    assert received_ids(smtp_sink) == Counter({current: 1})
    assert bot.query("SELECT state FROM replies ORDER BY id") == [("superseded",), ("sent",)]
    assert stale != current
