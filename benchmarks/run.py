"""Benchmark intake-bot against the floor of its own stack, side by side, in one run (issue 7).

Starts its own Dovecot and SMTP sink (tests/mailservers.py), fills mailboxes with a deterministic
corpus (benchmarks/corpus.py) and measures, as whole processes:

- backlog ingest: `intake-bot poll` (full processing, replies sent to the sink) vs bare.py
  (imapclient fetch in batches of 100 + mail-parser), messages per second;
- idle poll (nothing new): `intake-bot poll` vs bare.py, seconds;
- arrival-to-reply latency of `intake-bot watch`: APPEND to the reply arriving at the sink;
- peak RSS on a large backlog: `intake-bot poll` vs bare.py;
- `intake-bot status` over that many applications vs `intake-bot --help`;
- the peer, django-helpdesk's `manage.py get_email`, on the same backlog right after intake-bot, when
  its set-up is there (`--peer`, /work/shared/bench/peer/README.md), else skipped with a note.

Ratios are taken within this one run (the machine is shared; absolute numbers move). See
benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))  # the test servers: one implementation, not a copy
sys.path.insert(0, str(HERE))

from corpus import Corpus  # noqa: E402

from mailservers import Dovecot, SmtpSink, make_cert  # noqa: E402

BIN = Path(sys.executable).with_name("intake-bot")
BARE = HERE / "bare.py"
TARGETS = {"ingest": 0.7, "idle": 1.5, "watch_p95_s": 2.0, "rss": 1.3, "status": 1.5, "helpdesk": 3.0}
PEER = Path("/tmp/peerbench")  # the peer's set-up (setup.sh): its venv and Django project
PHASES = ("ingest", "idle", "watch", "rss", "status")


@dataclass
class Run:
    seconds: float
    max_rss_mb: float
    returncode: int
    stdout: str
    stderr: str


def run_process(argv: list[str], env: dict[str, str] | None = None, timeout: float = 3600) -> Run:
    """Run a whole process; wall time and its own peak RSS (wait4's rusage, not the children's total)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(argv, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        timer = threading.Timer(timeout, process.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(
            seconds, usage.ru_maxrss / 1024, process.returncode, out.read().decode(), err.read().decode()
        )


def checked(run: Run, what: str) -> Run:
    if run.returncode != 0:
        raise RuntimeError(f"{what} exited {run.returncode}:\n{run.stderr[-3000:]}")
    return run


class Bench:
    """The servers, one mailbox per measurement, and the two programs under test."""

    def __init__(self, work: Path, profile: Path | None = None) -> None:
        self.work = work
        self.profile = profile
        self.token = secrets.token_hex(4)
        self.dovecot = Dovecot(work / "dovecot")
        self.sink = SmtpSink(make_cert(work / "dovecot"), tls="starttls", username="questions@cabforum.org")
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}

    def __enter__(self) -> Bench:
        self.dovecot.start()
        self.sink.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.sink.stop()
        self.dovecot.stop()

    # ---- mailboxes

    def fill(self, user: str, messages: Iterable[bytes], batch_bytes: int = 16 << 20) -> tuple[int, int]:
        """APPEND the messages (MULTIAPPEND in batches); returns (count, bytes)."""
        count = size = 0
        with self.dovecot.client(user) as client:
            batch: list[bytes] = []
            pending = 0
            for raw in messages:
                batch.append(raw)
                pending += len(raw)
                count, size = count + 1, size + len(raw)
                if pending >= batch_bytes or len(batch) >= 500:
                    client.multiappend("INBOX", batch)
                    batch, pending = [], 0
            if batch:
                client.multiappend("INBOX", batch)
        return count, size

    # ---- the bare script

    def bare(self, user: str, state: Path) -> Run:
        argv = [sys.executable, str(BARE), "--port", str(self.dovecot.imaps_port), "--user", user]
        argv += ["--password-file", str(self.dovecot.root / "imap-password")]
        argv += ["--ca-file", str(self.dovecot.ca_file), "--state", str(state)]
        return checked(run_process(argv, self.env), "bare.py")

    # ---- intake-bot

    def bot_config(self, name: str, user: str) -> Path:
        """A fresh database and storage for `user`'s mailbox; every message may be answered."""
        directory = self.work / name
        directory.mkdir()
        imap = self.dovecot.imap_settings(user)
        smtp = self.sink.smtp_settings()
        config = directory / "intake-bot.toml"
        config.write_text(
            f'[database]\nurl = "sqlite:///{directory / "intake.db"}"\n'
            f'[storage]\npath = "{directory / "store"}"\n'
            f'[imap]\nhost = "{imap.host}"\nport = {imap.port}\nsecurity = "ssl"\n'
            f'ca_file = "{imap.ca_file}"\nusername = "{user}"\npassword_file = "{imap.password.file}"\n'
            'since = "2020-01-01"\n'
            f'[smtp]\nhost = "{smtp.host}"\nport = {smtp.port}\nsecurity = "starttls"\n'
            f'ca_file = "{smtp.ca_file}"\nusername = "{smtp.username}"\npassword_file = "{smtp.password.file}"\n'
            'from_address = "questions@cabforum.org"\n'
        )
        return config

    def bot(self, config: Path, *args: str, profile: str | None = None) -> Run:
        argv = [str(BIN), "--config", str(config), *args]
        if self.profile and profile:
            # py-spy's collapsed stacks (flamegraph.pl / speedscope read them; see benchmarks/README.md).
            out = self.profile / f"{profile}.txt"
            argv = ["py-spy", "record", "--rate", "200", "--format", "raw", "-o", str(out), "--", *argv]
            argv[0] = shutil.which("py-spy") or str(BIN.with_name("py-spy"))
        return checked(run_process(argv, self.env), f"intake-bot {args}")

    def user(self, name: str) -> str:
        return f"{name}-{self.token}"


class Helpdesk:
    """django-helpdesk's `manage.py get_email` as the peer's benchmark runs it (bench2.sh): a fresh copy
    of its template database whose one queue polls this run's Dovecot (IMAPS, as intake-bot does), and
    the same SMTP sink for its auto-replies (STARTTLS and AUTH, through a settings module of our own)."""

    def __init__(self, peer: Path, bench: Bench) -> None:
        self.python = peer / "venv-helpdesk" / "bin" / "python"
        self.site = peer / "helpdesk_site"
        self.bench = bench

    def missing(self) -> str:
        """Why the peer cannot run here ("" when it can)."""
        for needed in (self.python, self.site / "manage.py", self.site / "db-template.sqlite3"):
            if not needed.exists():
                return f"skipped: {needed} not found (set up the peer: /work/shared/bench/peer/README.md)"
        return ""

    def run(self, name: str, user: str) -> tuple[Run, int]:
        """get_email once over USER's mailbox with fresh state; (the run, the tickets it opened)."""
        bench, directory = self.bench, self.bench.work / name
        directory.mkdir()
        db = directory / "db.sqlite3"
        shutil.copyfile(self.site / "db-template.sqlite3", db)
        with sqlite3.connect(db) as conn:
            conn.execute(
                "UPDATE helpdesk_queue SET email_box_host = '127.0.0.1', email_box_port = ?, email_box_ssl = 1,"
                " email_box_user = ?, email_box_pass = ?, email_box_last_check = NULL",
                (bench.dovecot.imaps_port, user, bench.dovecot.password),
            )
        sink = bench.sink
        (directory / "bench_settings.py").write_text(
            "from hdsite.settings import *  # noqa: F403\n"
            f"EMAIL_PORT = {sink.port}\nEMAIL_USE_TLS = True\n"
            f"EMAIL_HOST_USER = {sink.username!r}\nEMAIL_HOST_PASSWORD = {sink.password!r}\n"
        )
        env = dict(bench.env, DJANGO_SETTINGS_MODULE="bench_settings", HD_DB=str(db))
        env.update(HD_MEDIA=str(directory / "media"), PYTHONPATH=f"{directory}:{self.site}")
        env["SSL_CERT_FILE"] = str(sink.ca_file)  # Django's SMTP backend verifies the sink's certificate
        argv = [str(self.python), str(self.site / "manage.py"), "get_email", "--debug_to_stdout"]
        run = checked(run_process(argv, env), "django-helpdesk get_email")
        with sqlite3.connect(db) as conn:
            tickets = conn.execute("SELECT count(*) FROM helpdesk_ticket").fetchone()[0]
        return run, tickets


def median(values: list[float]) -> float:
    return statistics.median(values)


def alternate(repeat: int, *steps: Callable[[], float]) -> list[list[float]]:
    """Run the steps in turn `repeat` times, so that a busy spell on the machine hits both sides."""
    results: list[list[float]] = [[] for _ in steps]
    for _ in range(repeat):
        for i, step in enumerate(steps):
            results[i].append(step())
    return results


def measure(args: argparse.Namespace, bench: Bench, log: Callable[[str], None]) -> dict:
    results: dict = {}
    phases = set(args.only.split(",")) if args.only else set(PHASES)

    if phases & {"ingest", "idle"}:
        user = bench.user("ingest")
        corpus = Corpus(args.messages, args.pdf_share, tag="ingest")
        count, size = bench.fill(user, corpus.messages())
        log(f"ingest mailbox: {count} messages, {size / 1e6:.1f} MB")
        helpdesk = Helpdesk(args.peer, bench)
        skipped = helpdesk.missing()
        if not skipped:  # get_email deletes what it takes in: a mailbox of its own, the same messages
            hd_user = bench.user("helpdesk")
            bench.fill(hd_user, corpus.messages())
        # Bare before and after intake-bot: a slow spell on the shared machine hits both sides.
        bare_first = bench.bare(user, bench.work / "bare-ingest-1.json")
        log(f"bare ingest: {bare_first.seconds:.2f} s")
        config = bench.bot_config("ingest", user)
        sent_before = len(bench.sink.messages)
        poll = bench.bot(config, "poll", profile="ingest-poll")
        replies = len(bench.sink.messages) - sent_before
        log(f"intake-bot poll: {poll.seconds:.2f} s, {replies} replies")
        peer: dict = {"skipped": skipped}
        if not skipped:
            sent_before = len(bench.sink.messages)
            hd, tickets = helpdesk.run("helpdesk", hd_user)
            hd_replies = len(bench.sink.messages) - sent_before
            log(f"django-helpdesk get_email: {hd.seconds:.2f} s, {tickets} tickets, {hd_replies} replies")
            ratio = hd.seconds / poll.seconds  # the same messages: a ratio of rates
            peer = {
                "seconds": round(hd.seconds, 3),
                "msg_per_s": round(count / hd.seconds, 1),
                "max_rss_mb": round(hd.max_rss_mb, 1),
                "tickets": tickets,
                "replies_sent": hd_replies,
                "ratio": round(ratio, 3),
                "target": f">= {TARGETS['helpdesk']}",
                "ok": ratio >= TARGETS["helpdesk"],
            }
        else:
            log(f"django-helpdesk: {skipped}")
        bare_second = bench.bare(user, bench.work / "bare-ingest-2.json")
        log(f"bare ingest again: {bare_second.seconds:.2f} s")
        bare_rate = count / statistics.mean([bare_first.seconds, bare_second.seconds])
        bot_rate = count / poll.seconds
        results["ingest"] = {
            "messages": count,
            "megabytes": round(size / 1e6, 1),
            "bare_seconds": [round(bare_first.seconds, 3), round(bare_second.seconds, 3)],
            "bot_seconds": round(poll.seconds, 3),
            "replies_sent": replies,
            "bare_msg_per_s": round(bare_rate, 1),
            "bot_msg_per_s": round(bot_rate, 1),
            "ratio": round(bot_rate / bare_rate, 3),
            "target": f">= {TARGETS['ingest']}",
            "ok": bot_rate / bare_rate >= TARGETS["ingest"],
            "helpdesk": peer,
        }
        if "idle" in phases:
            bare_idle, bot_idle = alternate(
                args.repeat,
                lambda: bench.bare(user, bench.work / "bare-ingest-2.json").seconds,
                lambda: bench.bot(config, "poll", profile="idle-poll").seconds,
            )
            ratio = median(bot_idle) / median(bare_idle)
            results["idle"] = {
                "mailbox_messages": count,
                "bare_seconds": [round(s, 3) for s in bare_idle],
                "bot_seconds": [round(s, 3) for s in bot_idle],
                "bare_median_s": round(median(bare_idle), 3),
                "bot_median_s": round(median(bot_idle), 3),
                "ratio": round(ratio, 3),
                "target": f"<= {TARGETS['idle']}",
                "ok": ratio <= TARGETS["idle"],
            }
            log(f"idle poll: bot {median(bot_idle):.3f} s, bare {median(bare_idle):.3f} s")

    if "watch" in phases:
        results["watch"] = watch_latency(args, bench, log)

    if phases & {"rss", "status"}:
        user = bench.user("rss")
        corpus = Corpus(args.rss_messages, args.pdf_share, tag="rss")
        count, size = bench.fill(user, corpus.messages())
        log(f"large mailbox: {count} messages, {size / 1e6:.1f} MB")
        bare = bench.bare(user, bench.work / "bare-rss.json")
        log(f"bare: {bare.seconds:.1f} s, {bare.max_rss_mb:.0f} MB")
        config = bench.bot_config("rss", user)
        poll = bench.bot(config, "poll", profile="large-poll")
        log(f"intake-bot poll: {poll.seconds:.1f} s, {poll.max_rss_mb:.0f} MB")
        ratio = poll.max_rss_mb / bare.max_rss_mb
        results["rss"] = {
            "messages": count,
            "megabytes": round(size / 1e6, 1),
            "bare_mb": round(bare.max_rss_mb, 1),
            "bot_mb": round(poll.max_rss_mb, 1),
            "bare_seconds": round(bare.seconds, 2),
            "bot_seconds": round(poll.seconds, 2),
            "ratio": round(ratio, 3),
            "target": f"<= {TARGETS['rss']}",
            "ok": ratio <= TARGETS["rss"],
        }
        if "status" in phases:
            results["status"] = status_time(args, bench, config, count, log)
    return results


def watch_latency(args: argparse.Namespace, bench: Bench, log: Callable[[str], None]) -> dict:
    """APPEND one message at a time; the time until its reply reaches the sink."""
    user = bench.user("watch")
    config = bench.bot_config("watch", user)
    corpus = Corpus(args.watch_messages + 1, args.pdf_share, tag="watch")
    argv = [str(BIN), "--config", str(config), "watch", "--idle-timeout", "300"]
    stderr = (bench.work / "watch" / "stderr.txt").open("w+")
    process = subprocess.Popen(argv, env=bench.env, stdout=subprocess.DEVNULL, stderr=stderr)
    latencies: list[float] = []
    try:
        for n in range(args.watch_messages + 1):  # message 0 warms up: its latency is not counted
            before = len(bench.sink.messages)
            start = time.perf_counter()
            bench.dovecot.append(user, corpus.message(n))
            if len(bench.sink.wait_for(before + 1, timeout=60)) <= before:
                stderr.seek(0)
                raise RuntimeError(f"watch sent no reply within 60 s:\n{stderr.read()[-3000:]}")
            if n:
                latencies.append(time.perf_counter() - start)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        stderr.close()
    ordered = sorted(latencies)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    log(f"watch: p50 {median(latencies):.3f} s, p95 {p95:.3f} s")
    return {
        "messages": len(latencies),
        "pdf_messages": sum(corpus.has_pdf(n) for n in range(1, args.watch_messages + 1)),
        "latencies_s": [round(x, 3) for x in latencies],
        "p50_s": round(median(latencies), 3),
        "p95_s": round(p95, 3),
        "max_s": round(ordered[-1], 3),
        "target": f"p95 <= {TARGETS['watch_p95_s']} s",
        "ok": p95 <= TARGETS["watch_p95_s"],
    }


def status_time(
    args: argparse.Namespace, bench: Bench, config: Path, mailbox: int, log: Callable[[str], None]
) -> dict:
    rows = json.loads(bench.bot(config, "status", "--json").stdout)
    help_times, status_times = alternate(
        args.repeat,
        lambda: bench.bot(config, "--help").seconds,
        lambda: bench.bot(config, "status", profile="status").seconds,
    )
    ratio = median(status_times) / median(help_times)
    log(
        f"status: {median(status_times):.3f} s over {len(rows)} applications; --help {median(help_times):.3f} s"
    )
    return {
        "applications": len(rows),
        "help_seconds": [round(s, 3) for s in help_times],
        "status_seconds": [round(s, 3) for s in status_times],
        "help_median_s": round(median(help_times), 3),
        "status_median_s": round(median(status_times), 3),
        "ratio": round(ratio, 3),
        "target": f"<= {TARGETS['status']}",
        "ok": ratio <= TARGETS["status"],
    }


def table(results: dict) -> str:
    def ok(entry: dict) -> str:
        return "ok" if entry["ok"] else "MISS"

    lines = [f"{'measurement':<34} {'intake-bot':>12} {'baseline':>12} {'ratio':>7}  {'target':<11} result"]
    if "ingest" in results:
        r = results["ingest"]
        lines.append(
            f"{'ingest, msg/s (' + str(r['messages']) + ' msgs)':<34} {r['bot_msg_per_s']:>12} "
            f"{r['bare_msg_per_s']:>12} {r['ratio']:>6}x  {r['target']:<11} {ok(r)}"
        )
    peer = results.get("ingest", {}).get("helpdesk")
    if peer and "ratio" in peer:
        lines.append(
            f"{'ingest vs django-helpdesk, msg/s':<34} {results['ingest']['bot_msg_per_s']:>12} "
            f"{peer['msg_per_s']:>12} {peer['ratio']:>6}x  {peer['target']:<11} {ok(peer)}"
        )
    elif peer:
        lines.append(f"{'ingest vs django-helpdesk':<34} {peer['skipped']}")
    if "idle" in results:
        r = results["idle"]
        lines.append(
            f"{'idle poll, s (median)':<34} {r['bot_median_s']:>12} {r['bare_median_s']:>12} "
            f"{r['ratio']:>6}x  {r['target']:<11} {ok(r)}"
        )
    if "watch" in results:
        r = results["watch"]
        label = f"watch latency p50/p95, s ({r['messages']})"
        lines.append(
            f"{label:<34} {str(r['p50_s']) + '/' + str(r['p95_s']):>12} {'-':>12} {'-':>7}  "
            f"{'p95 <= 2 s':<11} {ok(r)}"
        )
    if "rss" in results:
        r = results["rss"]
        lines.append(
            f"{'peak RSS, MB (' + str(r['messages']) + ' msgs)':<34} {r['bot_mb']:>12} {r['bare_mb']:>12} "
            f"{r['ratio']:>6}x  {r['target']:<11} {ok(r)}"
        )
    if "status" in results:
        r = results["status"]
        label = f"status vs --help, s ({r['applications']} apps)"
        lines.append(
            f"{label:<34} {r['status_median_s']:>12} {r['help_median_s']:>12} {r['ratio']:>6}x  "
            f"{r['target']:<11} {ok(r)}"
        )
    lines.append("baseline: bare.py (imapclient + mail-parser) for ingest, idle and RSS; --help for status;")
    lines.append("django-helpdesk's manage.py get_email on the same messages, right after intake-bot's poll")
    return "\n".join(lines)


def compile_bytecode() -> None:
    """Measure intake-bot as installed: pip compiles a package's bytecode when it installs it, but an
    editable install (this checkout) has none, and with PYTHONDONTWRITEBYTECODE set every run would
    compile the whole package again. The bare script's libraries are compiled by pip already."""
    import compileall

    import intake_bot

    compileall.compile_dir(Path(intake_bot.__file__).parent, quiet=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--messages", type=int, default=1000, help="backlog for ingest and idle (default 1000)"
    )
    parser.add_argument("--pdf-share", type=float, default=0.3, help="share of mails with a 200 KB PDF (0.3)")
    parser.add_argument(
        "--rss-messages", type=int, default=10000, help="backlog for peak RSS and status (default 10000)"
    )
    parser.add_argument("--watch-messages", type=int, default=50, help="messages appended one by one (50)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per idle poll / status timing (5)")
    parser.add_argument(
        "--peer",
        type=Path,
        default=PEER,
        help=f"the peer's set-up (venv-helpdesk, helpdesk_site); skipped when absent ({PEER})",
    )
    parser.add_argument("--only", metavar="PHASES", help=f"comma-separated subset of {','.join(PHASES)}")
    parser.add_argument("--json", metavar="FILE", help="write the results as JSON")
    parser.add_argument(
        "--profile",
        metavar="DIR",
        help="run intake-bot under py-spy and write collapsed stacks to DIR (times then include py-spy)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the work directory (databases, logs)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    args = parser.parse_args(argv)
    if args.only and not set(args.only.split(",")) <= set(PHASES):
        parser.error(f"--only takes a subset of {','.join(PHASES)}")

    def log(line: str) -> None:
        if not args.quiet:
            print(f"[{time.strftime('%H:%M:%S')}] {line}", file=sys.stderr, flush=True)

    compile_bytecode()
    # Dovecot reads mail as uid nobody: the work directory must be open to others (not pytest's tmp).
    work = Path(tempfile.mkdtemp(prefix="intake-bench-", dir="/tmp"))
    work.chmod(0o755)
    (work / "dovecot").mkdir()
    started = time.time()
    try:
        profile = Path(args.profile).resolve() if args.profile else None
        if profile:
            profile.mkdir(parents=True, exist_ok=True)
        with Bench(work, profile) as bench:
            results = measure(args, bench, log)
    finally:
        if args.keep:
            log(f"work directory kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    report = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "seconds": round(time.time() - started, 1),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load": os.getloadavg()},
        "settings": {
            k: str(v) if isinstance(v, Path) else v
            for k, v in vars(args).items()
            if k not in ("json", "keep", "quiet")
        },
        "targets": TARGETS,
        "results": results,
    }
    print(table(results))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
