"""`config check`: try each configured part once and say in one line what is wrong."""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum

from .config import Settings
from .errors import IntakeError


class Outcome(StrEnum):
    OK = "ok"
    WARN = "warn"  # works, but unsafe or limited: said, not an error (exit 0)
    FAIL = "FAIL"


Check = tuple[str, Outcome, str, int]  # name, outcome, one line, exit code when it failed

NO_TRUSTED_AUTHSERV = (
    "no trusted_authserv_ids: DMARC results are not checked, so anyone can send mail as an "
    "applicant's address (see README, 'Forged senders')"
)


def run_checks(settings: Settings) -> Iterator[Check]:
    yield "config", Outcome.OK, str(settings.source or "defaults (no config file)"), 2
    yield _senders(settings)
    yield _templates(settings)
    yield _database(settings)
    yield _imap(settings)
    yield _smtp(settings)
    if settings.imap is not None:
        yield _polls(settings)


def _polls(settings: Settings) -> Check:
    """What the polls recorded (health.py): informative, never a failure of the configuration."""
    from .health import describe, failing, read_health
    from .times import utcnow

    try:
        health = read_health(settings.database_url)
        return "polls", Outcome.WARN if failing(health) else Outcome.OK, describe(health, utcnow()), 1
    except IntakeError as exc:
        return "polls", Outcome.WARN, f"not known ({exc})", 1


def _templates(settings: Settings) -> Check:
    """Every catalogued item has its wording: a reply lacking one could not be rendered."""
    from jinja2 import TemplateError

    from .replies import missing_wording

    try:
        source, missing = missing_wording(settings.templates_dir)
    except (TemplateError, OSError) as exc:
        return "templates", Outcome.FAIL, f"{settings.templates_dir}: {exc}", 2
    if missing:
        return "templates", Outcome.FAIL, f"{source} has no wording (HELP) for item {', '.join(missing)}", 2
    return "templates", Outcome.OK, str(settings.templates_dir or "built in"), 2


def _senders(settings: Settings) -> Check:
    if not settings.trusted_authserv_ids:
        return "senders", Outcome.WARN, NO_TRUSTED_AUTHSERV, 0
    return "senders", Outcome.OK, "DMARC trusted from " + ", ".join(settings.trusted_authserv_ids), 0


def _database(settings: Settings) -> Check:
    from .store.db import missing_sqlite_file, open_database, safe_url
    from .store.readonly import sqlite_file

    database = sqlite_file(settings.database_url)
    try:
        if database is not None and not database.exists():
            missing_sqlite_file(database, create=True)  # its folder must exist
            return (
                "database",
                Outcome.OK,
                f"{database} (not there yet: `db upgrade` or the first poll makes it)",
                1,
            )
        open_database(settings.database_url, create=False)
    except IntakeError as exc:
        return "database", Outcome.FAIL, str(exc), exc.exit_code
    return "database", Outcome.OK, safe_url(settings.database_url), 1


def _imap(settings: Settings) -> Check:
    if settings.imap is None:
        return "imap", Outcome.OK, "not configured: poll and watch are unavailable", 2
    from .sources.imap import connect

    imap = settings.imap
    try:
        with connect(imap) as box:
            state = box.select(imap.folder)
    except IntakeError as exc:
        return "imap", Outcome.FAIL, str(exc), exc.exit_code
    return (
        "imap",
        Outcome.OK,
        f"{imap.username}@{imap.host}:{imap.port} {imap.folder} (UIDNEXT {state.uidnext})",
        1,
    )


def _smtp(settings: Settings) -> Check:
    if settings.smtp is None:
        return "smtp", Outcome.OK, "not configured: replies stay queued", 2
    from .send import SmtpSender

    smtp = settings.smtp
    try:
        with SmtpSender(smtp) as sender:
            sender.check()
    except IntakeError as exc:
        return "smtp", Outcome.FAIL, str(exc), exc.exit_code
    return "smtp", Outcome.OK, f"{smtp.host}:{smtp.port} ({smtp.security})", 1
