"""`config check`: try each configured part once and say in one line what is wrong."""

from __future__ import annotations

from collections.abc import Iterator

from .config import Settings
from .errors import IntakeError

Check = tuple[str, bool, str, int]  # name, ok, one line, exit code when it failed


def run_checks(settings: Settings) -> Iterator[Check]:
    yield "config", True, str(settings.source or "defaults (no config file)"), 2
    yield _database(settings)
    yield _imap(settings)
    yield _smtp(settings)


def _database(settings: Settings) -> Check:
    from .store.db import open_database, safe_url

    try:
        open_database(settings.database_url)
    except IntakeError as exc:
        return "database", False, str(exc), exc.exit_code
    return "database", True, safe_url(settings.database_url), 1


def _imap(settings: Settings) -> Check:
    if settings.imap is None:
        return "imap", True, "not configured: poll and watch are unavailable", 2
    from .sources.imap import connect

    imap = settings.imap
    try:
        with connect(imap) as box:
            state = box.select(imap.folder)
    except IntakeError as exc:
        return "imap", False, str(exc), exc.exit_code
    return "imap", True, f"{imap.username}@{imap.host}:{imap.port} {imap.folder} (UIDNEXT {state.uidnext})", 1


def _smtp(settings: Settings) -> Check:
    if settings.smtp is None:
        return "smtp", True, "not configured: replies stay queued", 2
    from .send import SmtpSender

    smtp = settings.smtp
    try:
        with SmtpSender(smtp) as sender:
            sender.check()
    except IntakeError as exc:
        return "smtp", False, str(exc), exc.exit_code
    return "smtp", True, f"{smtp.host}:{smtp.port} ({smtp.security})", 1
