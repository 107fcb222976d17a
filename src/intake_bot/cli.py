"""Thin click commands: each opens what it needs, calls one library function, prints the result."""

from __future__ import annotations

import logging
import os
import shutil
import sys
from collections.abc import Callable, Iterator
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

    def database(self):
        from .store.db import open_database  # SQLAlchemy is imported only by commands that need it

        return open_database(self.settings.database_url)


pass_ctx = click.make_pass_decorator(Context)


def json_option(f):
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")(f)


def output_options(f):
    """--json / --csv for every listing: one shared set, so scripts can rely on it."""
    f = click.option("--csv", "fmt", flag_value="csv", help="Print CSV.")(f)
    f = click.option("--json", "fmt", flag_value="json", help="Print JSON.")(f)
    return click.option("--table", "fmt", flag_value="table", default=True, help="Print a table (default).")(
        f
    )


def emit(rows: list[dict], fmt: str, table: Callable[[list[dict]], str]) -> None:
    """A listing on stdout. `table` renders rows whose control characters are already escaped
    (values stored before they were removed on the way in), so it may add colour of its own."""
    if fmt == "json":
        click.echo(terminal_json(rows))
    elif fmt == "csv":
        click.echo(rows_to_csv(rows), nl=False)
    else:
        click.echo(table([escape_value(row) for row in rows]))


def rows_to_csv(rows: list[dict]) -> str:
    """CSV of a listing; every cell through cleantext.csv_cell (no formula, no control character)."""
    import csv
    import io

    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
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
@pass_ctx
def ingest(c: Context, files: tuple[str, ...]) -> None:
    """Process raw messages from .eml files, Maildir folders, mbox files or - (stdin)."""
    from .pipeline import Incoming, Pipeline
    from .sources.files import read_messages

    pipeline = Pipeline(c.settings, c.database())
    for label, raw in read_messages(list(files)):
        outcome = pipeline.process(Incoming(raw=raw))
        log.info("%s: %s %s", label, outcome.disposition, outcome.reference or "")


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
        log.info("nothing new and nothing to send")
        return
    from .lock import Busy, run_lock

    try:
        with run_lock(settings.storage_path, wait):
            _poll_and_send(c, wait)
    except Busy:
        log.info("another intake-bot run is in progress; leaving this one to it")


def _poll_and_send(c: Context, wait: bool = False) -> None:
    from .errors import TransientError
    from .outbox import deliver_outbox, raise_if_unreachable
    from .poll import poll_once
    from .pollstate import forget, remember
    from .times import utcnow

    forget(c.settings)  # written again only if this run completes
    db = c.database()
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
    settings = replace(c.settings, imap=replace(c.settings.imap, folder=folder or c.settings.imap.folder))
    try:
        with run_lock(settings.storage_path, wait=True), _progress("Importing history") as progress:
            report = poll_once(settings, c.database(), utcnow, progress=progress, wait=True, silent=True)
    except Busy:  # pragma: no cover - wait=True blocks instead
        return
    click.echo(
        f"imported {report.fetched} message(s) from {settings.imap.folder}, no replies: "
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
        watch_forever(c.settings, c.database(), idle_timeout)
    except KeyboardInterrupt:
        log.info("watch stopped")


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
    try:
        with run_lock(c.settings.storage_path):
            report = deliver_outbox(c.database(), c.settings.smtp, utcnow)
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
@pass_ctx
def export(c: Context, fmt: str) -> None:
    """Dump every application and every other message (the spec's export format), or the members."""
    from .export import export_data, members_data, representatives_csv, to_csv, to_json

    with c.database().transaction() as s:
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
@click.option("--status", "statuses", multiple=True, help="Only this status (repeatable).")
@click.option("--wg", "working_group", help="Only this working group (e.g. SMCWG).")
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
    help="Exit 3 when something is stuck (failed or stuck replies, quarantined mail): for monitoring.",
)
@pass_ctx
def status(
    c: Context,
    fmt: str,
    statuses: tuple[str, ...],
    working_group: str | None,
    category: str | None,
    since: datetime | None,
    sort: str,
    check: bool,
) -> None:
    """The staff overview: one row per application, with what is missing and what is stuck."""
    from .status import Filters, read_status, render_table, stuck  # no SQLAlchemy on a SQLite database
    from .times import utcnow

    now = utcnow()
    filters = Filters(statuses, working_group, category, since.replace(tzinfo=UTC) if since else None, sort)
    rows, quarantined = read_status(c.settings.database_url, filters, now)
    emit(rows, fmt, lambda shown: render_table(shown, now, colour=sys.stdout.isatty()))
    problems = stuck(rows, quarantined)
    if fmt == "table" and quarantined:
        click.echo(f"\n{quarantined} message(s) in quarantine: see intake-bot quarantine", err=True)
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

    with c.database().transaction() as s:
        sha, filename = attachment_blob(s, reference, name)
    data = BlobStore(c.settings.storage_path).get(sha)
    if output == "-":
        sys.stdout.buffer.write(data)
    else:
        Path(output).write_bytes(data)
        click.echo(escape_controls(f"{filename}: {len(data)} bytes written to {output}"), err=True)


@cli.command()
@click.argument("reference")
@json_option
@pass_ctx
def show(c: Context, reference: str, as_json: bool) -> None:
    """One application in full: fields, missing items, messages, attachments, replies, history."""
    from .detail import application_detail, render_detail

    with c.database().transaction() as s:
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


@cli.command()
@output_options
@pass_ctx
def quarantine(c: Context, fmt: str) -> None:
    """List the messages that could not be processed, with their reasons."""
    from sqlalchemy import select

    from .export import iso
    from .store.schema import StoredMessage

    with c.database().transaction() as s:
        found = s.scalars(select(StoredMessage).where(StoredMessage.disposition == "quarantined")).all()
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
        return "\n".join(lines + ["", "Retry one with: intake-bot requeue ID"])

    emit(rows, fmt, table)


@cli.command()
@click.argument("message_row_id", type=int)
@pass_ctx
def requeue(c: Context, message_row_id: int) -> None:
    """Process a quarantined message again (after a fix)."""
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
        s.delete(row)
    outcome = Pipeline(c.settings, database).process(Incoming(raw=raw, received_at=received))
    say(f"message {message_row_id}: {outcome.disposition} {outcome.reference or ''} {outcome.reason}")


def _actor(by: str | None) -> str:
    import getpass

    return by or getpass.getuser()


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
by_option = click.option("--by", help="Who decided (default: the OS user).")


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


@cli.command("set")
@click.argument("reference")
@click.argument("field")
@click.argument("value")
@by_option
@pass_ctx
def set_(c: Context, reference: str, field: str, value: str, by: str | None) -> None:
    """Correct a field (named as in the export); the correction wins over extracted values."""
    from .pipeline import Pipeline
    from .staff import set_field
    from .times import utcnow

    db = c.database()
    with db.transaction() as s:
        missing = set_field(s, Pipeline(c.settings, db), reference, field, value, _actor(by), utcnow())
    click.echo(f"{reference}: {field} set; missing: {', '.join(missing) or 'nothing'}")


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
@click.argument("reference")
@click.option(
    "--decision",
    type=click.Choice(["approve", "reject", "withdraw"]),
    help="Show the mail this decision sends.",
)
@click.option("--reason", help="The rejection's reason, as the mail would quote it.")
@pass_ctx
def preview(c: Context, reference: str, decision: str | None, reason: str | None) -> None:
    """Print the mail the application would get now (or on --decision), without sending it."""
    from .staff import preview as render
    from .times import utcnow

    with c.database().transaction() as s:
        rendered = render(s, c.settings, reference, utcnow(), decision, reason)
    import email  # here, not at the top: every other command would pay for it
    import email.policy

    msg = email.message_from_bytes(rendered.raw, policy=email.policy.default)
    for name in ("From", "To", "Subject", "In-Reply-To"):
        say(f"{name}: {msg[name]}")
    say("\n" + msg.get_body(("plain",)).get_content())


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
    with run_lock(c.settings.storage_path, wait=True):
        report = queue_reminders(c.settings, c.database(), now)
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
    type=click.Path(file_okay=False),
    help="Where to put the demo database, storage and config.",
)
@click.pass_context
def demo(ctx: click.Context, directory: str) -> None:
    """Ingest the bundled sample applications into a fresh SQLite database and show the status."""
    from .paths import data_dir

    root = Path(directory).resolve()
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    config = root / "intake-bot.toml"
    config.write_text(
        f'[database]\nurl = "sqlite:///{root / "intake.db"}"\n\n[storage]\npath = "{root / "store"}"\n'
    )
    samples = sorted(str(p) for p in data_dir("samples").glob("*.eml"))
    ctx.obj = Context(str(config), ctx.obj.debug if ctx.obj else False)
    ctx.invoke(ingest, files=tuple(samples))
    click.echo(f"Ingested {len(samples)} sample messages into {root / 'intake.db'}\n")
    ctx.invoke(status)
    program = sys.argv[0] if sys.argv[0].endswith("intake-bot") else "intake-bot"
    click.echo(
        f"\nTry: {program} --config {config} show SMCWG-2026-0001   (or: status, export --format json)"
    )


def main(argv: list[str] | None = None) -> None:
    # Everything intake-bot creates (database and its journal files, stored mail, locks) holds
    # applicants' data: readable by its owner only.
    os.umask(0o077)
    try:
        cli.main(args=argv, prog_name="intake-bot", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
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
