"""Thin click commands: each opens what it needs, calls one library function, prints the result."""

from __future__ import annotations

import functools
import logging
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import click

from .cleantext import csv_cell, escape_controls, escape_value, terminal_json
from .config import Settings, load_settings
from .errors import IntakeError, UsageError

log = logging.getLogger("intake_bot")


class Context:
    def __init__(self, config_path: str | None, debug: bool) -> None:
        self.config_path = config_path
        self.debug = debug
        self._settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(self.config_path)
        return self._settings

    def database(self, create: bool = False):
        """The database, brought up to date. Only the commands that take mail in (and `db upgrade`,
        `demo`) pass CREATE: any other on a missing SQLite file says so instead of making an empty one."""
        from .store.db import open_database  # SQLAlchemy is imported only by commands that need it

        if create:  # a command that takes mail in stores it too: refuse before making anything
            from .storage import check_root

            check_root(self.settings.storage_path)
        return open_database(self.settings.database_url, create=create)

    def reader(self):
        """The database for a command that only reads (status, show, export, ...): works on a file the
        user may only read, writes nothing beside it, never migrates (store/readonly.py)."""
        from .store.db import open_database

        return open_database(self.settings.database_url, create=False, readonly=True)


pass_ctx = click.make_pass_decorator(Context)


by_option = click.option("--by", help="Who did it (default: the user who ran sudo, else the OS user).")


def json_option(f):
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")(f)


def output_options(f):
    """--json / --csv for every listing: one shared set, so scripts can rely on it. The command gets
    `fmt`: "table", "json" or "csv"; both flags at once is a usage error."""

    @functools.wraps(f)
    def wrapper(*args, as_json: bool, as_csv: bool, **kwargs):
        if as_json and as_csv:
            raise click.UsageError("--json and --csv cannot be used together; choose one")
        return f(*args, fmt="json" if as_json else "csv" if as_csv else "table", **kwargs)

    wrapper = click.option(
        "--csv", "as_csv", is_flag=True, help="Print CSV (a header line even when empty)."
    )(wrapper)
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")(wrapper)


def choice(value: str | None, valid: Iterable[str], option: str) -> str | None:
    """VALUE if it is one of VALID (any case); else a usage error listing them. For options whose
    valid values are known only once the command runs (no import at start-up)."""
    if value is None:
        return None
    valid = list(valid)
    for candidate in valid:
        if value.casefold() == candidate.casefold():
            return candidate
    raise click.BadParameter(f"{value!r} is not one of {', '.join(valid)}", param_hint=f"'{option}'")


def colour_wanted() -> bool:
    """Colour on a terminal, unless NO_COLOR is set (https://no-color.org)."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def emit(rows: list[dict], fmt: str, table: Callable[[list[dict]], str], columns: Sequence[str] = ()) -> None:
    """A listing on stdout. `table` renders rows whose control characters are already escaped
    (values stored before they were removed on the way in), so it may add colour of its own.
    COLUMNS: the CSV header when there are no rows to take it from."""
    if fmt == "json":
        click.echo(terminal_json(rows))
    elif fmt == "csv":
        click.echo(rows_to_csv(rows, columns), nl=False)
    else:
        click.echo(table([escape_value(row) for row in rows]))


def rows_to_csv(rows: list[dict], columns: Sequence[str] = ()) -> str:
    """CSV of a listing; every cell through cleantext.csv_cell (no formula, no control character)."""
    import csv
    import io

    out = io.StringIO()
    fieldnames = list(rows[0]) if rows else list(columns)
    if fieldnames:
        writer = csv.DictWriter(out, fieldnames=fieldnames)
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {k: csv_cell(" ".join(map(str, v)) if isinstance(v, list) else v) for k, v in row.items()}
            )
    return out.getvalue()


def say(text: str) -> None:
    """Print text that holds values from mail: control characters are shown, not obeyed."""
    click.echo(escape_controls(text))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    metavar="PATH",
    envvar="INTAKE_BOT_CONFIG",
    help="Config file (default: $INTAKE_BOT_CONFIG, then ./intake-bot.toml).",
)
@click.option("--debug", is_flag=True, help="Log details and show tracebacks.")
@click.version_option(package_name="intake-bot", prog_name="intake-bot", message="%(prog)s %(version)s")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, debug: bool) -> None:
    """intake-bot: answers the CA/Browser Forum's membership mailbox."""
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING,
        format="%(levelname)s: %(message)s",
        stream=sys.stderr,
    )
    ctx.obj = Context(config_path, debug)


@cli.command()
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--no-replies", is_flag=True, help="Import history silently: record every message, queue no reply."
)
@pass_ctx
def ingest(c: Context, files: tuple[str, ...], no_replies: bool, warn_old: bool = True) -> None:
    """Process raw messages from .eml files, Maildir folders, mbox files or - (stdin).

    On a terminal it ends with a one-line summary; files in a folder that are not mail are skipped
    (and counted). It warns before it answers mail older than 30 days (--no-replies: answer none)."""
    from .ingest import ingest_files, summary
    from .pipeline import Pipeline

    def old_mail(label: str, sent: datetime) -> None:
        click.echo(
            f"intake-bot: warning: {label} was sent {sent:%Y-%m-%d}, over 30 days ago, and will be answered;"
            " to import history without replies use ingest --no-replies",
            err=True,
        )

    pipeline = Pipeline(c.settings, c.database(create=True))
    counts = ingest_files(
        pipeline,
        list(files),
        may_reply=not no_replies,
        on_old_mail=old_mail if warn_old else None,
        on_message=lambda label, what: log.info("%s: %s", label, what),
    )
    if sys.stderr.isatty():
        click.echo(summary(counts) + (", no replies" if no_replies else ""), err=True)


@cli.command()
@click.option("--wait", is_flag=True, help="Wait for a running poll to finish instead of exiting.")
@pass_ctx
def poll(c: Context, wait: bool) -> None:
    """One cron run: fetch new mail over IMAP, process it, send queued replies."""
    from .errors import ConfigError
    from .pollstate import nothing_new

    settings = c.settings
    if settings.imap is None:
        raise ConfigError("no [imap] section in the configuration: nothing to poll")
    if nothing_new(settings):  # before SQLAlchemy is even imported: idle cron runs stay cheap
        from .health import record_in_sqlite
        from .store.readonly import sqlite_file
        from .times import utcnow

        log.info("nothing new and nothing to send")
        database = sqlite_file(settings.database_url)
        assert database is not None, "nothing_new is true only of a SQLite database"
        record_in_sqlite(database, utcnow())
        return
    from .lock import Busy, run_lock

    try:
        with run_lock(settings.storage_path, wait):
            _poll_and_send(c, wait)
    except Busy:
        log.info("another intake-bot run is in progress; leaving this one to it")


def _poll_and_send(c: Context, wait: bool = False) -> None:
    """One poll and send; its success, or its error, is recorded for monitoring (health.py)."""
    from .health import record
    from .pollstate import forget
    from .times import utcnow

    forget(c.settings)  # written again only if this run completes
    db = c.database(create=True)
    try:
        _poll_and_send_to(c, db, wait)
    except IntakeError as exc:
        record(db, utcnow(), str(exc))
        raise
    record(db, utcnow())


def _poll_and_send_to(c: Context, db, wait: bool) -> None:
    from .errors import TransientError
    from .outbox import deliver_outbox, raise_if_unreachable
    from .poll import poll_once
    from .pollstate import remember
    from .times import utcnow

    imap_down: TransientError | None = None
    report = None
    try:
        with _progress("Processing mail") as progress:
            report = poll_once(c.settings, db, utcnow, progress=progress, wait=wait)
        log.info("fetched %d message(s): %s", report.fetched, report.dispositions)
    except TransientError as exc:  # what was committed before the IMAP server went away is answered
        imap_down = exc
    if c.settings.smtp is not None:
        delivery = deliver_outbox(db, c.settings.smtp, utcnow)
        if imap_down is None:
            raise_if_unreachable(delivery)
        elif delivery.unreachable:
            log.warning("replies stay queued: %s", delivery.unreachable)
    if imap_down is not None:
        raise imap_down
    if report is not None and report.mailbox_id is not None:
        assert report.uidvalidity is not None and report.uidnext is not None, "set with mailbox_id"
        from .lifecycle import next_reminder_due

        with db.transaction() as s:
            remind_at = next_reminder_due(s, c.settings)
        remember(c.settings, report.mailbox_id, report.uidvalidity, report.uidnext, remind_at)


@cli.command()
@click.option("--folder", help="The IMAP folder to import (default: [imap] folder).")
@pass_ctx
def backfill(c: Context, folder: str | None) -> None:
    """Import a folder's history silently: every message recorded, no reply sent (progress bar on a terminal)."""
    from dataclasses import replace

    from .errors import ConfigError
    from .lock import Busy, run_lock
    from .poll import poll_once
    from .times import utcnow

    if c.settings.imap is None:
        raise ConfigError("no [imap] section in the configuration: nothing to import")
    imap = replace(c.settings.imap, folder=folder or c.settings.imap.folder)
    settings = replace(c.settings, imap=imap)
    try:
        with run_lock(settings.storage_path, wait=True), _progress("Importing history") as progress:
            report = poll_once(
                settings, c.database(create=True), utcnow, progress=progress, wait=True, silent=True
            )
    except Busy:  # pragma: no cover - wait=True blocks instead
        return
    click.echo(
        f"imported {report.fetched} message(s) from {imap.folder}, no replies: "
        + ", ".join(f"{n} {d}" for d, n in sorted(report.dispositions.items())),
        err=True,
    )


@cli.command()
@click.option("--idle-timeout", default=300, show_default=True, help="Seconds per IMAP IDLE wait.")
@pass_ctx
def watch(c: Context, idle_timeout: int) -> None:
    """Stay connected (IMAP IDLE): process mail as it arrives and send its replies, until stopped."""
    import signal

    from .errors import ConfigError
    from .watch import watch_forever

    if c.settings.imap is None:
        raise ConfigError("no [imap] section in the configuration: nothing to watch")
    # SIGTERM (systemd, docker stop) stops it like Ctrl-C: a message being processed is rolled
    # back and taken up again by the next run; a clean stop exits 0.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        watch_forever(c.settings, c.database(create=True), idle_timeout)
    except KeyboardInterrupt:
        log.info("watch stopped")


@cli.command()
@click.option(
    "--listen", required=True, metavar="HOST:PORT", help="Where to answer LMTP, e.g. 127.0.0.1:8024."
)
@pass_ctx
def lmtp(c: Context, listen: str) -> None:
    """Receive mail over LMTP from a mail server (Postfix, Exim) and process it as poll would: a
    message is acknowledged (250) only once it is committed; replies are sent as watch sends them.
    Runs until SIGTERM."""
    from .listen import listen_address, serve_lmtp

    host, port = listen_address(listen)
    if not c.debug:  # a service's journal says what became of each message
        log.setLevel(logging.INFO)
    serve_lmtp(c.settings, c.database(create=True), host, port)


@cli.command()
@pass_ctx
def send(c: Context) -> None:
    """Deliver queued replies (the outbox) over SMTP."""
    from .errors import ConfigError
    from .lock import Busy, run_lock
    from .outbox import deliver_outbox, raise_if_unreachable
    from .times import utcnow

    if c.settings.smtp is None:
        raise ConfigError("no [smtp] section in the configuration: replies stay queued")
    from .store.readonly import sqlite_file

    missing = sqlite_file(c.settings.database_url)
    if missing is not None and not missing.exists():  # started beside the first poll, which makes it
        log.info("no database at %s yet: nothing to send", missing)
        return
    database = c.database()  # before the lock: no run folder is made for a database that is not there
    try:
        with run_lock(c.settings.storage_path):
            report = deliver_outbox(database, c.settings.smtp, utcnow)
    except Busy:
        log.info("another intake-bot run is in progress; it sends the outbox")
        return
    log.info("sent %d, deferred %d, failed %d", report.sent, report.deferred, report.failed)
    raise_if_unreachable(report)


@contextmanager
def _progress(label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on a terminal; nothing under cron."""
    if not sys.stderr.isatty():
        yield None
        return
    bar = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, label=label, file=sys.stderr)
            bar.__enter__()
        bar.update(1)

    try:
        yield update
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv", "members", "representatives"]),
    default="json",
    show_default=True,
    help="json/csv: everything; members: approved members as the web site reads them (JSON);"
    " representatives: their representatives, for the mailing lists (CSV).",
)
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.option("--csv", "as_csv", is_flag=True, help="Same as --format csv.")
@pass_ctx
def export(c: Context, fmt: str, as_json: bool, as_csv: bool) -> None:
    """Dump every application and every other message (the spec's export format), or the members."""
    from .export import export_data, members_data, representatives_csv, to_csv, to_json

    if as_json and as_csv:
        raise click.UsageError("--json and --csv cannot be used together; choose one")
    fmt = "json" if as_json else "csv" if as_csv else fmt
    with c.reader().transaction() as s:
        if fmt == "members":
            click.echo(to_json(members_data(s)))
            return
        if fmt == "representatives":
            click.echo(representatives_csv(s), nl=False)
            return
        data = export_data(s, rules=c.settings.evidence_rules)
    click.echo(to_json(data) if fmt == "json" else to_csv(data), nl=fmt == "json")


@cli.command()
@output_options
@click.option(
    "--status", "statuses", multiple=True, help="Only this status (repeatable); any status, decided too."
)
@click.option(
    "--all",
    "everything",
    is_flag=True,
    help="The table shows decided applications too (--json/--csv always do).",
)
@click.option("--wg", "working_group", help="Only this working group (SMCWG, SCWG, CSCWG).")
@click.option(
    "--category",
    type=click.Choice(["certificate_issuer", "certificate_consumer", "interested_party", "associate_member"]),
    help="Only this category.",
)
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Only with activity on or after this date.")
@click.option(
    "--sort",
    type=click.Choice(["reference", "activity", "age", "status", "organisation"]),
    default="reference",
    show_default=True,
    help="Row order.",
)
@click.option(
    "--check",
    is_flag=True,
    help="Exit 3 when something is stuck (failed or stuck replies, quarantined mail, no successful poll"
    " for [monitoring] max_silence_minutes): for monitoring.",
)
@pass_ctx
def status(
    c: Context,
    fmt: str,
    statuses: tuple[str, ...],
    everything: bool,
    working_group: str | None,
    category: str | None,
    since: datetime | None,
    sort: str,
    check: bool,
) -> None:
    """The staff overview: one row per open application (--all: decided ones too), with what is
    missing and what is stuck."""
    from .health import describe, read_health, silence
    from .status import (
        COLUMNS,
        DECIDED,
        STATUSES,
        Filters,
        inbox_counts,
        inbox_line,
        read_status,
        render_table,
        stuck,
    )
    from .times import utcnow

    statuses = tuple(choice(s, STATUSES, "--status") or s for s in statuses)
    working_group = choice(working_group, tuple(c.settings.evidence_rules.profiles), "--wg")
    now = utcnow()
    filters = Filters(statuses, working_group, category, since.replace(tzinfo=UTC) if since else None, sort)
    rows, quarantined = read_status(c.settings.database_url, filters, now)
    # The table is what a person reads each morning: the open applications. --json and --csv keep
    # the contract of one row per application, for scripts.
    hide_decided = fmt == "table" and not (everything or statuses)
    shown = [r for r in rows if r["status"] not in DECIDED] if hide_decided else rows
    width = None if sys.stdout.isatty() else sys.maxsize  # a pipe or file gets whole cells
    emit(shown, fmt, lambda safe: render_table(safe, now, width=width, colour=colour_wanted()), COLUMNS)
    if fmt == "table" and len(shown) < len(rows):
        click.echo(f"({len(rows) - len(shown)} decided application(s) not shown: --all)", err=True)
    problems = stuck(rows, quarantined)
    if c.settings.imap is not None or c.settings.max_silence_minutes:
        health = read_health(c.settings.database_url)
        problems += filter(None, [silence(health, c.settings.max_silence_minutes, now)])
        if fmt == "table":
            click.echo(describe(health, now), err=True)
    if fmt == "table" and quarantined:
        click.echo(f"\n{quarantined} message(s) in quarantine: see intake-bot quarantine", err=True)
    waiting = inbox_line(inbox_counts(c.settings.database_url)) if fmt == "table" else None
    if waiting:
        click.echo(waiting, err=True)
    if check and problems:
        click.echo("stuck: " + "; ".join(problems), err=True)
        sys.exit(3)


@cli.command()
@click.argument("reference")
@click.argument("name")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    required=True,
    help="File to write (- for stdout).",
)
@pass_ctx
def attachment(c: Context, reference: str, name: str, output: str) -> None:
    """Save one of an application's attachments (by file name or SHA-256 prefix)."""
    from .detail import attachment_blob
    from .storage import BlobStore

    with c.reader().transaction() as s:
        sha, filename = attachment_blob(s, reference, name)
    data = BlobStore(c.settings.storage_path).get(sha)
    if output == "-":
        sys.stdout.buffer.write(data)
    else:
        try:
            Path(output).write_bytes(data)
        except OSError as exc:
            raise UsageError(f"cannot write {output}: {exc.strerror}") from exc
        click.echo(escape_controls(f"{filename}: {len(data)} bytes written to {output}"), err=True)


@cli.command()
@click.argument("reference")
@json_option
@pass_ctx
def show(c: Context, reference: str, as_json: bool) -> None:
    """One application in full: fields, missing items, messages, attachments, replies, history."""
    from .detail import application_detail, render_detail

    with c.reader().transaction() as s:
        detail = application_detail(s, reference, rules=c.settings.evidence_rules)
    if as_json:
        click.echo(terminal_json(detail))
    else:
        say(render_detail(detail))


@cli.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
@pass_ctx
def db_upgrade(c: Context) -> None:
    """Apply the database migrations (Alembic, migrations/)."""
    from .store.db import Database

    Database(c.settings.database_url).upgrade()
    click.echo("database is up to date")


@db.command("copy")
@click.option(
    "--to",
    "target_url",
    required=True,
    metavar="URL",
    help="SQLAlchemy URL of the empty target database, e.g. postgresql+psycopg://intake@host/intake.",
)
@pass_ctx
def db_copy(c: Context, target_url: str) -> None:
    """Copy the whole database to another one (e.g. SQLite to PostgreSQL); the target must be empty."""
    from .store.copy import copy_database
    from .store.db import Database, safe_url

    counts = copy_database(c.database(), Database(target_url))
    click.echo(f"copied to {safe_url(target_url)}: " + ", ".join(f"{n} {t}" for t, n in counts.items()))
    click.echo("Now point [database] url at it; [storage] path stays as it is.")


@cli.group(invoke_without_command=True)
@output_options
@click.pass_context
def quarantine(ctx: click.Context, fmt: str) -> None:
    """List the messages that could not be processed, with their reasons (`quarantine dismiss` one
    that never will be)."""
    if ctx.invoked_subcommand is not None:
        return
    from sqlalchemy import select

    from .export import iso
    from .store.schema import StoredMessage

    c = ctx.find_object(Context)
    assert c is not None, "the cli group made it"
    with c.reader().transaction() as s:
        found = s.scalars(
            select(StoredMessage)
            .where(StoredMessage.disposition == "quarantined", StoredMessage.dismissed_at.is_(None))
            .order_by(StoredMessage.id)
        ).all()
        rows = [
            {
                "id": m.id,
                "received_at": iso(m.received_at),
                "message_id": m.message_id,
                "from": m.from_address,
                "size": m.size,
                "reason": m.reason,
            }
            for m in found
        ]

    def table(rows: list[dict]) -> str:
        if not rows:
            return "no quarantined messages"
        lines = [f"{'ID':>6}  {'RECEIVED':<16}  {'MESSAGE-ID':<36}  REASON"]
        lines += [
            f"{r['id']:>6}  {(r['received_at'] or '')[:16]:<16}  {r['message_id'][:36]:<36}  {r['reason'][:80]}"
            for r in rows
        ]
        return "\n".join(
            [*lines, "", "Retry one with: intake-bot requeue ID; or, if it never will be processed:"]
            + ["  intake-bot quarantine dismiss ID --reason TEXT"]
        )

    emit(rows, fmt, table, ("id", "received_at", "message_id", "from", "size", "reason"))


@quarantine.command("dismiss")
@click.argument("message_row_id", type=int, metavar="ID")
@click.option("--reason", required=True, help="Why it will never be processed (kept with it).")
@by_option
@pass_ctx
def quarantine_dismiss(c: Context, message_row_id: int, reason: str, by: str | None) -> None:
    """Clear a quarantined message that will never be processed: kept with its bytes, no longer
    listed or counted by `status --check`."""
    from .store.schema import StoredMessage
    from .times import utcnow

    with c.database().transaction() as s:
        row = s.get(StoredMessage, message_row_id)
        if row is None or row.disposition != "quarantined" or row.dismissed_at is not None:
            raise UsageError(f"message {message_row_id} is not in quarantine (see intake-bot quarantine)")
        row.dismissed_at = utcnow()
        row.dismissed_by = _actor(by)
        row.dismissal_reason = reason
    click.echo(f"message {message_row_id}: dismissed")


@cli.command()
@click.argument("message_row_id", type=int, metavar="ID")
@pass_ctx
def requeue(c: Context, message_row_id: int) -> None:
    """Process a quarantined message again (after a fix); it keeps its id."""
    from .pipeline import Incoming, Pipeline
    from .storage import BlobStore
    from .store.schema import StoredMessage

    database = c.database()
    with database.transaction() as s:
        row = s.get(StoredMessage, message_row_id)
        if row is None or row.disposition != "quarantined":
            raise UsageError(f"message {message_row_id} is not in quarantine")
        raw = BlobStore(c.settings.storage_path).get(row.raw_sha256)
        received = row.received_at
    incoming = Incoming(raw=raw, received_at=received, row_id=message_row_id)
    outcome = Pipeline(c.settings, database).process(incoming)
    say(f"message {message_row_id}: {outcome.disposition} {outcome.reference or ''} {outcome.reason}")


@cli.command()
@output_options
@pass_ctx
def inbox(c: Context, fmt: str) -> None:
    """List the messages that need a person: possible applications and questions about joining."""
    from .inbox import rows, waiting

    with c.reader().transaction() as s:
        found = rows(waiting(s))

    def table(rows: list[dict]) -> str:
        if not rows:
            return "nothing waiting for a person"
        lines = [f"{'ID':>6}  {'RECEIVED':<16}  {'FROM':<30}  {'SUBJECT':<40}  WHY"]
        lines += [
            f"{r['id']:>6}  {(r['received_at'] or '')[:16]:<16}  {r['from'][:30]:<30}  "
            f"{r['subject'][:40]:<40}  {r['why'][:70]}"
            for r in rows
        ]
        return "\n".join(lines + ["", "Make an application of one with: intake-bot open ID [--category C]"])

    emit(found, fmt, table)


@cli.command("open")
@click.argument("message")
@click.option(
    "--category",
    type=click.Choice(["certificate_issuer", "certificate_consumer", "interested_party", "associate_member"]),
    help="The category, when the message does not say (or says it wrong).",
)
@click.option("--by", help="Who opened it (default: the OS user).")
@pass_ctx
def open_(c: Context, message: str, category: str | None, by: str | None) -> None:
    """Make an application of a message in the inbox (its id there, or its Message-ID); it is answered as usual."""
    from .inbox import open_message
    from .pipeline import Pipeline
    from .times import utcnow

    database = c.database()
    with database.transaction() as s:
        outcome = open_message(s, Pipeline(c.settings, database), message, category, _actor(by), utcnow())
    click.echo(
        f"message {outcome.message_row_id}: {outcome.reference} opened; reply {outcome.reply_kind or 'none'}"
    )


def _actor(by: str | None) -> str:
    """--by, else the person behind sudo (SUDO_USER), else the OS user."""
    import getpass

    return by or os.environ.get("SUDO_USER") or getpass.getuser()


def _decision(
    c: Context, reference: str, decision: str, reason: str, by: str | None, force: bool, no_mail: bool
) -> None:
    from .lifecycle import decide
    from .times import utcnow

    with c.database().transaction() as s:
        reply = decide(
            s, c.settings, reference, decision, reason, _actor(by), utcnow(), force=force, mail=not no_mail
        )
        told = f"; {reply.kind} mail to {reply.to_address} queued" if reply else "; no mail"
    click.echo(f"{reference}: {DECIDED_AS[decision]}{told}")


DECIDED_AS = {"approve": "approved", "reject": "rejected", "withdraw": "withdrawn"}


def decision_options(f):
    f = click.option("--no-mail", is_flag=True, help="Record the decision without mailing the applicant.")(f)
    return click.option(
        "--force", is_flag=True, help="Decide even an incomplete (approve) or already decided application."
    )(f)


@cli.command()
@click.argument("reference")
@by_option
@decision_options
@pass_ctx
def approve(c: Context, reference: str, by: str | None, force: bool, no_mail: bool) -> None:
    """Approve an application and mail the applicant (exit 2 when items are missing, unless --force)."""
    _decision(c, reference, "approve", "", by, force, no_mail)


@cli.command()
@click.argument("reference")
@click.option(
    "--reason", required=True, help="Why it is rejected (kept in the history, quoted to the applicant)."
)
@by_option
@decision_options
@pass_ctx
def reject(c: Context, reference: str, reason: str, by: str | None, force: bool, no_mail: bool) -> None:
    """Reject an application, with a reason, and mail the applicant."""
    _decision(c, reference, "reject", reason, by, force, no_mail)


@cli.command()
@click.argument("reference")
@by_option
@decision_options
@pass_ctx
def withdraw(c: Context, reference: str, by: str | None, force: bool, no_mail: bool) -> None:
    """Mark an application as withdrawn by the applicant, and mail them."""
    _decision(c, reference, "withdraw", "", by, force, no_mail)


@cli.command()
@click.argument("reference")
@click.argument("text")
@by_option
@pass_ctx
def note(c: Context, reference: str, text: str, by: str | None) -> None:
    """Add a note to an application's history."""
    from .staff import add_note
    from .times import utcnow

    with c.database().transaction() as s:
        add_note(s, reference, text, _actor(by), utcnow())
    click.echo(f"{reference}: note added")


class _FieldsHelp(click.Command):
    """`set --help` lists every field and the shape of its value, from the one catalogue: read when
    the help is shown, not at every start (the catalogue is a third of an idle poll's imports)."""

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from .corrections import shapes_help

        own = self.help
        self.help = (own or "") + "\n\n\b\nFIELDs and their VALUEs:\n" + shapes_help()
        try:
            super().format_help_text(ctx, formatter)
        finally:
            self.help = own


@cli.command("set", cls=_FieldsHelp)
@click.argument("reference")
@click.argument("field")
@click.argument("value")
@by_option
@pass_ctx
def set_(c: Context, reference: str, field: str, value: str, by: str | None) -> None:
    """Correct a field (named as in the export); the correction wins over extracted values.

    The value is checked as the reader checks what it reads (addresses, web addresses, JSON shapes);
    `intake-bot unset REF FIELD` removes the correction again."""
    from .pipeline import Pipeline
    from .staff import set_field
    from .times import utcnow

    db = c.database()
    with db.transaction() as s:
        missing = set_field(s, Pipeline(c.settings, db), reference, field, value, _actor(by), utcnow())
    click.echo(f"{reference}: {field} set; missing: {', '.join(missing) or 'nothing'}")


@cli.command()
@click.argument("reference")
@click.argument("field")
@by_option
@pass_ctx
def unset(c: Context, reference: str, field: str, by: str | None) -> None:
    """Remove a staff correction of a field: what the applicant sent counts again."""
    from .pipeline import Pipeline
    from .staff import unset_field
    from .times import utcnow

    db = c.database()
    with db.transaction() as s:
        missing = unset_field(s, Pipeline(c.settings, db), reference, field, _actor(by), utcnow())
    click.echo(f"{reference}: {field} correction removed; missing: {', '.join(missing) or 'nothing'}")


@cli.command()
@click.argument("references", nargs=-1)
@click.option(
    "--all", "everything", is_flag=True, help="Every application (with a progress bar on a terminal)."
)
@by_option
@pass_ctx
def reprocess(c: Context, references: tuple[str, ...], everything: bool, by: str | None) -> None:
    """Re-run extraction on the stored raw messages, without sending replies."""
    from sqlalchemy import select

    from .pipeline import Pipeline
    from .staff import reprocess as run
    from .store.schema import Application
    from .times import utcnow

    db = c.database()
    if everything:
        with db.transaction() as s:
            references = tuple(s.scalars(select(Application.reference).order_by(Application.id)))
    elif not references:
        raise click.UsageError("name one or more REFERENCEs, or --all")
    pipeline = Pipeline(c.settings, db)
    with _progress("Reprocessing") as progress:
        for n, reference in enumerate(references, start=1):
            with db.transaction() as s:
                missing = run(s, pipeline, reference, _actor(by), utcnow())
            if progress:
                progress(n, len(references))
            elif not everything:
                click.echo(f"{reference}: reprocessed; missing: {', '.join(missing) or 'nothing'}")
    if everything:
        click.echo(f"reprocessed {len(references)} application(s)")


@cli.command()
@click.argument("message")
@by_option
@pass_ctx
def accept(c: Context, message: str, by: str | None) -> None:
    """Merge an outsider's message into its application (MESSAGE: its number in `show`, or its Message-ID)."""
    from .pipeline import Pipeline
    from .staff import accept as merge
    from .times import utcnow

    db = c.database()
    with db.transaction() as s:
        app, row, missing = merge(s, Pipeline(c.settings, db), message, _actor(by), utcnow())
        click.echo(
            f"{app.reference}: message #{row.id} from {row.from_address} accepted;"
            f" missing: {', '.join(missing) or 'nothing'}"
        )


@cli.command()
@click.argument("reference")
@click.option(
    "--decision",
    type=click.Choice(["approve", "reject", "withdraw"]),
    help="Show the mail this decision sends.",
)
@click.option("--reason", help="The rejection's reason, as the mail would quote it.")
@click.option("--raw", is_flag=True, help="Write the mail's bytes exactly as `send` sends them.")
@pass_ctx
def preview(c: Context, reference: str, decision: str | None, reason: str | None, raw: bool) -> None:
    """Print the mail the application gets next, without sending it: the reply waiting in the
    outbox exactly as `send` will send it, else the one it would get now (or on --decision); its
    headers, text and HTML parts (--raw: its bytes)."""
    from .staff import preview as render
    from .times import utcnow

    with c.database().transaction() as s:
        mail = render(s, c.settings, reference, utcnow(), decision, reason)
    if raw:
        click.echo(mail.raw, nl=False)  # bytes: written to the binary stream as they are
        return
    import email  # here, not at the top: every other command would pay for it
    import email.policy

    msg = email.message_from_bytes(mail.raw, policy=email.policy.default)
    if mail.queued is not None:
        say(f"# reply #{mail.queued}, queued: `intake-bot send` sends this mail as it is")
    else:
        say(f"# not queued: what {'`' + decision + '`' if decision else '`resend`'} would queue now")
    for name, value in msg.items():
        say(f"{name}: {' '.join(str(value).split())}")
    for part in ("plain", "html"):
        body = msg.get_body((part,))
        if body is not None:
            content = body.get_content().replace("\r\n", "\n")  # the SMTP line ends, as a terminal shows them
            say(f"\n----- text/{part} -----\n" + content.rstrip("\n"))


@cli.command()
@click.argument("reference")
@by_option
@pass_ctx
def resend(c: Context, reference: str, by: str | None) -> None:
    """Queue the application's current reply again (sent by the next poll or send)."""
    from .staff import resend as queue
    from .times import utcnow

    with c.database().transaction() as s:
        reply = queue(s, c.settings, reference, _actor(by), utcnow())
        say(f"{reference}: {reply.kind} to {reply.to_address} queued as {reply.message_id}")


@cli.command()
@click.option("--now", "at", hidden=True, help="Tests only: the time to take as now (ISO 8601).")
@pass_ctx
def remind(c: Context, at: str | None) -> None:
    """Queue the reminders due now and mark dormant the applications reminded enough (poll does this too)."""
    from .lifecycle import queue_reminders
    from .lock import run_lock
    from .times import utcnow

    now = _instant(at) if at else utcnow()
    database = c.database()  # before the lock: no run folder is made for a database that is not there
    with run_lock(c.settings.storage_path, wait=True):
        report = queue_reminders(c.settings, database, now)
    for label, refs in (("reminded", report.reminded), ("dormant", report.dormant), ("held", report.held)):
        if refs:
            click.echo(f"{label}: {' '.join(refs)}")


@cli.command()
@click.option("--now", "at", hidden=True, help="Tests only: the time to take as now (ISO 8601).")
@pass_ctx
def digest(c: Context, at: str | None) -> None:
    """Mail [replies] digest_to what needs a person (nothing when nothing does); weekly from cron."""
    from .digest import queue_digest
    from .lock import Busy, run_lock
    from .outbox import deliver_outbox, raise_if_unreachable
    from .times import utcnow

    db = c.database()
    with db.transaction() as s:
        reply = queue_digest(s, c.settings, _instant(at) if at else utcnow())
    if reply is None:
        click.echo("nothing needs a person: no digest sent")
        return
    click.echo(f"digest to {c.settings.digest_to} queued")
    if c.settings.smtp is None:
        return
    try:
        with run_lock(c.settings.storage_path, wait=True):
            raise_if_unreachable(deliver_outbox(db, c.settings.smtp, utcnow))
    except Busy:  # pragma: no cover - wait=True blocks instead
        pass


def _instant(value: str) -> datetime:
    try:
        found = datetime.fromisoformat(value)
    except ValueError as exc:
        raise UsageError(f"not an ISO 8601 time: {value!r}") from exc
    return found if found.tzinfo else found.replace(tzinfo=UTC)


@cli.group("config")
def config_group() -> None:
    """Configuration."""


@config_group.command("check")
@pass_ctx
def config_check(c: Context) -> None:
    """Validate the configuration and try the database, IMAP and SMTP logins."""
    from .checks import Outcome, run_checks

    worst = 0
    for name, outcome, detail, code in run_checks(c.settings):
        click.echo(f"{name:<9} {outcome}  {detail}")
        worst = max(worst, code if outcome is Outcome.FAIL else 0)
    if worst:
        sys.exit(worst)


@cli.command()
@click.option(
    "--dir",
    "directory",
    default="demo",
    show_default=True,
    type=click.Path(),
    help="Where to put the demo database, storage and config: a new or empty folder, or an earlier demo's.",
)
@click.pass_context
def demo(ctx: click.Context, directory: str) -> None:
    """Ingest the bundled sample applications into a fresh SQLite database and show the status."""
    from . import demo as folder
    from .paths import data_dir

    root = Path(directory).resolve()
    folder.prepare(root)
    config = root / folder.CONFIG
    config.write_text(
        f'[database]\nurl = "sqlite:///{root / folder.DATABASE}"\n\n[storage]\npath = "{root / folder.STORE}"\n'
    )
    samples = sorted(str(p) for p in data_dir("samples").glob("*.eml"))
    ctx.obj = Context(str(config), ctx.obj.debug if ctx.obj else False)
    ctx.invoke(ingest, files=tuple(samples), no_replies=False, warn_old=False)  # the samples are weeks old
    click.echo(f"Ingested {len(samples)} sample messages into {root / folder.DATABASE}\n")
    ctx.invoke(status)
    program = sys.argv[0] if sys.argv[0].endswith("intake-bot") else "intake-bot"
    click.echo(
        f"\nTry: {program} --config {config} show SMCWG-2026-0001   (or: status, export --format json)"
    )


GLOBAL_OPTIONS = ("--config", "--debug")


def click_message(exc: click.ClickException) -> str:
    """Click's complaint in intake-bot's style; a global option after the command says where it goes."""
    if isinstance(exc, click.NoSuchOption) and exc.option_name in GLOBAL_OPTIONS:
        command = exc.ctx.info_name if exc.ctx else "COMMAND"
        return (
            f"{exc.option_name} is a global option: give it before the command"
            f" (intake-bot {exc.option_name} ... {command} ...)"
        )
    message = exc.format_message()
    return message[:1].lower() + message[1:] if message[:2] != message[:2].upper() else message


def main(argv: list[str] | None = None) -> None:
    # Everything intake-bot creates (database and its journal files, stored mail, locks) holds
    # applicants' data: readable by its owner only.
    os.umask(0o077)
    try:
        cli.main(args=argv, prog_name="intake-bot", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("intake-bot: aborted", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        click.echo(f"intake-bot: {click_message(exc)}", err=True)
        if isinstance(exc, click.UsageError) and exc.ctx is not None:
            click.echo(f"Try '{exc.ctx.command_path} --help' for help.", err=True)
        sys.exit(2)
    except IntakeError as exc:
        if "--debug" in sys.argv:
            raise
        click.echo(escape_controls(f"intake-bot: {exc}"), err=True)  # may quote a stored value
        sys.exit(exc.exit_code)
    except Exception as exc:
        if "--debug" in sys.argv:
            raise
        click.echo(
            escape_controls(
                f"intake-bot: unexpected error: {type(exc).__name__}: {exc} (run with --debug for details)"
            ),
            err=True,
        )
        sys.exit(1)
