""" "Nothing new": told before SQLAlchemy is imported, so an idle cron poll costs little more than a login.

A poll that completed writes a small state file beside the stored mail: the folder's UIDVALIDITY
and UIDNEXT as it SELECTed them, the highest UID recorded in the database and its schema revision.
The next poll skips all work only when every one of these still holds:

- the database (SQLite, read with the standard library) has no reply waiting to be sent, being sent
  or in any state but sent/failed/bounced, and no processed message still to be flagged on the server;
- its highest recorded UID and schema revision are what the state file says (a restored or replaced
  database, or one another program changed, is polled in full), and that revision is the one this
  code expects (after an upgrade of intake-bot the full poll brings the database up to date);
- the server reports the same UIDVALIDITY and UIDNEXT (STATUS): no message arrived since.

Every UID below the recorded UIDNEXT was in the mailbox when that poll searched it, so it was
processed then; anything else takes the full path. Any doubt (another database backend, an unreadable
file, an error) means a full poll.
"""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from .config import ImapSettings, Settings
from .store.readonly import connect, revision, sqlite_file
from .store.revision import SCHEMA_HEAD

STATE_FILE = ".intake-bot-poll-state.json"
_DONE_STATES = ("sent", "failed", "bounced", "superseded")  # any other reply state is work for a poll


def nothing_new(settings: Settings) -> bool:
    """True only when a full poll would neither process, flag nor send anything."""
    imap = settings.imap
    database = sqlite_file(settings.database_url)
    if imap is None or database is None or not database.exists():
        return False
    try:
        state = json.loads((settings.storage_path / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(state, dict) or state.get("key") != _key(settings, imap):
        return False
    if _reminder_due(state.get("remind_at")):  # reminders fall due with time, not with mail
        return False
    outbox = settings.smtp is not None  # without [smtp], queued replies are no work for a poll
    facts = _database_facts(database, state.get("mailbox_id"), state.get("uidvalidity"), outbox)
    if facts is None or facts != state.get("database") or facts[0] != SCHEMA_HEAD:
        return False
    current = _folder_status(imap)
    return current is not None and list(current) == [state.get("uidvalidity"), state.get("uidnext")]


def _folder_status(imap: ImapSettings) -> tuple[int, int] | None:
    """The server's (UIDVALIDITY, UIDNEXT) now; None on any trouble: the full poll meets the same
    trouble and reports it as it always did."""
    from .sources import probe  # the standard library's imaplib: lighter than imapclient

    if probe.supports(imap):
        return probe.folder_status(imap)
    from .errors import IntakeError
    from .sources.imap import connect  # imapclient (XOAUTH2, folder names in modified UTF-7)

    try:
        with connect(imap) as box:
            status = box.status(imap.folder)
    except IntakeError:
        return None
    return status.uidvalidity, status.uidnext


def remember(
    settings: Settings, mailbox_id: int, uidvalidity: int, uidnext: int, remind_at: datetime | None = None
) -> None:
    """After a poll that completed (everything below `uidnext`, as SELECTed, is processed);
    `remind_at`: when the next reminder falls due (lifecycle.next_reminder_due)."""
    imap = settings.imap
    database = sqlite_file(settings.database_url)
    path = settings.storage_path / STATE_FILE
    outbox = settings.smtp is not None
    facts = _database_facts(database, mailbox_id, uidvalidity, outbox) if imap and database else None
    if imap is None or facts is None:
        path.unlink(missing_ok=True)
        return
    state = {
        "key": _key(settings, imap),
        "mailbox_id": mailbox_id,
        "uidvalidity": uidvalidity,
        "uidnext": uidnext,
        "database": facts,
        "remind_at": remind_at.isoformat() if remind_at else None,
    }
    temporary = path.with_name(f"{path.name}.{os.getpid()}")
    fd = os.open(temporary, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(state, out)
    os.replace(temporary, path)


def _reminder_due(value: object) -> bool:
    if value is None:
        return False
    try:
        return datetime.now(UTC) >= datetime.fromisoformat(str(value))
    except ValueError:
        return True


def forget(settings: Settings) -> None:
    (settings.storage_path / STATE_FILE).unlink(missing_ok=True)


def _key(settings: Settings, imap: ImapSettings) -> list[str]:
    return [settings.database_url, f"{imap.username}@{imap.host}:{imap.port}", imap.folder]


def _database_facts(database: Path, mailbox_id: object, uidvalidity: object, outbox: bool) -> list | None:
    """[schema revision, highest UID recorded] when no reply and no flag is outstanding, else None."""
    if not isinstance(mailbox_id, int) or not isinstance(uidvalidity, int):
        return None
    conn = connect(database)
    if conn is None:
        return None
    try:
        marks = ",".join("?" * len(_DONE_STATES))
        waiting = conn.execute(f"SELECT 1 FROM replies WHERE state NOT IN ({marks}) LIMIT 1", _DONE_STATES)
        if outbox and waiting.fetchone():
            return None
        if conn.execute("SELECT 1 FROM imap_uids WHERE flag_pending LIMIT 1").fetchone():
            return None
        highest = conn.execute(
            "SELECT max(uid) FROM imap_uids WHERE mailbox_id = ? AND uidvalidity = ?",
            (mailbox_id, uidvalidity),
        ).fetchone()
        return [revision(conn), highest[0] if highest else None]
    except sqlite3.Error:
        return None
    finally:
        conn.close()
