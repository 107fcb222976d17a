"""The idle poll's one question to the IMAP server, asked with the standard library's imaplib.

"Has anything arrived?" is a login and a STATUS. imapclient (the IMAP edge proper, sources/imap.py)
costs ~30 ms to import, half of it looking up its own version in the installed packages' metadata,
which is as much as the whole question. So the question is asked here, for the plain password login
(other settings are asked through imapclient); any trouble at all answers "don't know", and the
caller then does a full poll, which connects the usual way and reports what is wrong.
"""

from __future__ import annotations

import contextlib
import imaplib
import re
import ssl

from ..config import ImapSettings
from ..errors import ConfigError

_STATUS = re.compile(rb"\(([^()]*)\)\s*$")
_SAFE_FOLDER = re.compile(r"[A-Za-z0-9 ._/-]{1,200}")  # sent as a quoted string as it is


def supports(settings: ImapSettings) -> bool:
    """A password login and a folder name that needs no IMAP encoding (modified UTF-7, escapes)."""
    oauth = settings.oauth2_token_file or settings.oauth2_token_command or settings.oauth2
    return not oauth and _SAFE_FOLDER.fullmatch(settings.folder) is not None


def folder_status(settings: ImapSettings) -> tuple[int, int] | None:
    """(UIDVALIDITY, UIDNEXT) of the configured folder, or None on any trouble at all."""
    if not supports(settings):
        return None
    try:
        password = settings.password.value() or ""
        connection = _connect(settings)
        try:
            connection.login(settings.username, password)
            kind, answer = connection.status(f'"{settings.folder}"', "(UIDVALIDITY UIDNEXT)")
        finally:
            _logout(connection)
    except (OSError, ssl.SSLError, imaplib.IMAP4.error, ConfigError, UnicodeError):
        return None
    if kind != "OK" or not answer or not isinstance(answer[0], bytes):
        return None
    return _parse(answer[0])


def _connect(settings: ImapSettings) -> imaplib.IMAP4:
    # A TLS context loads the system's CA store (~45 ms): made only for a connection that uses TLS.
    if settings.security == "ssl":
        context = ssl.create_default_context(cafile=settings.ca_file)
        return imaplib.IMAP4_SSL(settings.host, settings.port, ssl_context=context, timeout=settings.timeout)
    connection = imaplib.IMAP4(settings.host, settings.port, timeout=settings.timeout)
    if settings.security == "starttls":
        connection.starttls(ssl.create_default_context(cafile=settings.ca_file))
    return connection


def _logout(connection: imaplib.IMAP4) -> None:
    with contextlib.suppress(OSError, imaplib.IMAP4.error):
        connection.logout()


def _parse(line: bytes) -> tuple[int, int] | None:
    """b'INBOX (UIDVALIDITY 1700000000 UIDNEXT 42)' -> (1700000000, 42)."""
    found = _STATUS.search(line)
    if found is None:
        return None
    words = found.group(1).split()
    items = dict(zip(words[::2], words[1::2], strict=False))
    try:
        return int(items[b"UIDVALIDITY"]), int(items[b"UIDNEXT"])
    except (KeyError, ValueError):
        return None
