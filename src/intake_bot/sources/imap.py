"""The IMAP edge: the only module that talks to the mailbox server (through imapclient).

Network trouble becomes TransientError (exit 75: cron retries, nothing lost); a refused login or an
untrusted certificate becomes ConfigError (exit 2: retrying will not help).
"""

from __future__ import annotations

import logging
import ssl
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientAbortError, IMAPClientError, LoginError

from ..config import ImapSettings
from ..errors import ConfigError, IntakeError, TransientError
from ..oauth import access_token
from . import Source, SourcedMessage, SourceKey

log = logging.getLogger(__name__)

FETCH_ITEMS = ["BODY.PEEK[]", "INTERNALDATE", "FLAGS"]  # PEEK: fetching must never set \Seen
STORE_BATCH = 500  # UIDs per STORE/MOVE command, to keep command lines short
# Mail per FETCH at most (a message over it comes alone): bounds the memory a batch takes.
FETCH_BYTES = 8 << 20


class ImapError(IntakeError):
    """The IMAP server refused a command (a NO or BAD answer), e.g. a folder that does not exist."""


@dataclass(frozen=True)
class MailboxState:
    uidvalidity: int
    uidnext: int


@dataclass(frozen=True)
class FetchedMessage:
    uid: int
    internaldate: datetime  # aware, UTC
    raw: bytes
    flags: frozenset[str]  # e.g. "\\Seen", "$IntakeProcessed"


@dataclass(frozen=True, kw_only=True)
class ImapMessage(SourcedMessage):
    uid: int
    flags: frozenset[str]


def imap_key(mailbox_id: int, uidvalidity: int, uid: int) -> SourceKey:
    """The folder (its row in the database), UIDVALIDITY and UID: "3:1700000000:42"."""
    return SourceKey(Source.IMAP, f"{mailbox_id}:{uidvalidity}:{uid}")


class ImapFolder:
    """Given UIDs of one SELECTed folder, fetched in order (a MailSource)."""

    def __init__(
        self, box: ImapMailbox, mailbox_id: int, uidvalidity: int, uids: Sequence[int], batch_size: int
    ) -> None:
        self.box, self.mailbox_id, self.uidvalidity = box, mailbox_id, uidvalidity
        self.uids, self.batch_size = uids, batch_size

    def messages(self) -> Iterator[ImapMessage]:
        for fetched in self.box.fetch(self.uids, self.batch_size):
            yield ImapMessage(
                raw=fetched.raw,
                label=f"UID {fetched.uid}",
                key=imap_key(self.mailbox_id, self.uidvalidity, fetched.uid),
                received_at=fetched.internaldate,
                uid=fetched.uid,
                flags=fetched.flags,
            )


def connect(settings: ImapSettings) -> ImapMailbox:
    """Connect and log in as the settings say (password or XOAUTH2)."""
    where = f"{settings.host}:{settings.port}"
    context = ssl.create_default_context(cafile=settings.ca_file)
    with _errors(where, "connect"):
        client = IMAPClient(
            settings.host,
            settings.port,
            ssl=settings.security == "ssl",
            ssl_context=context,
            timeout=settings.timeout,
        )
    mailbox = ImapMailbox(client, where)
    try:
        with _errors(where, "login"):
            if settings.security == "starttls":
                if not client.has_capability("STARTTLS"):
                    raise ConfigError(f"IMAP server {where} does not offer STARTTLS (security = starttls)")
                client.starttls(context)
            _login(client, settings, where)
    except BaseException:
        mailbox.close()
        raise
    client.normalise_times = False  # keep INTERNALDATE's zone so it can be made UTC
    return mailbox


def _login(client: IMAPClient, settings: ImapSettings, where: str) -> None:
    token = _oauth2_token(settings)
    try:
        if token is not None:
            client.oauth2_login(settings.username, token)
        else:
            client.login(settings.username, settings.password.value() or "")
    except LoginError as exc:
        reason = _reason(exc)
        if "[UNAVAILABLE]" in reason:  # the server's own auth backend is down: try again later
            raise TransientError(f"IMAP server {where} cannot log in now: {reason}") from exc
        raise ConfigError(f"IMAP login as {settings.username} at {where} failed: {reason}") from exc


def _oauth2_token(settings: ImapSettings) -> str | None:
    return access_token(settings.oauth2_token_file, settings.oauth2_token_command, settings.oauth2)


class ImapMailbox:
    """One logged-in connection. Every method raises TransientError when the server is gone."""

    def __init__(self, client: IMAPClient, where: str) -> None:
        self._client = client
        self.where = where

    def __enter__(self) -> ImapMailbox:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def select(self, folder: str) -> MailboxState:
        with self._errors(f"SELECT {folder}"):
            answer = self._client.select_folder(folder)
            uidnext = answer.get(b"UIDNEXT")
            if uidnext is None:  # optional in SELECT's answer; STATUS always has it
                uidnext = self._client.folder_status(folder, [b"UIDNEXT"])[b"UIDNEXT"]
        return MailboxState(uidvalidity=int(answer[b"UIDVALIDITY"]), uidnext=int(uidnext))

    def status(self, folder: str) -> MailboxState:
        """UIDVALIDITY and UIDNEXT without selecting the folder (STATUS)."""
        with self._errors(f"STATUS {folder}"):
            answer = self._client.folder_status(folder, [b"UIDVALIDITY", b"UIDNEXT"])
        return MailboxState(uidvalidity=int(answer[b"UIDVALIDITY"]), uidnext=int(answer[b"UIDNEXT"]))

    def uids_from(self, min_uid: int) -> list[int]:
        """UIDs >= min_uid in the selected folder, ascending."""
        with self._errors("UID SEARCH"):
            found = self._client.search(["UID", f"{max(min_uid, 1)}:*"])
        # "n:*" also matches the highest UID when that is below n.
        return sorted(uid for uid in found if uid >= min_uid)

    def fetch(self, uids: Sequence[int], batch_size: int = 200) -> Iterator[FetchedMessage]:
        """The messages, in the order given, one FETCH per batch (split to stay under FETCH_BYTES);
        \\Seen is left as it was."""
        for batch in self._by_size(uids, max(batch_size, 1)):
            with self._errors("UID FETCH"):
                answer = self._client.fetch(batch, FETCH_ITEMS)
                # An unsolicited FETCH (another client changed flags) can overwrite an entry in
                # imapclient's answer; ask once more before taking a message as expunged.
                missing = [uid for uid in batch if b"BODY[]" not in answer.get(uid, {})]
                if missing:
                    answer.update(self._client.fetch(missing, FETCH_ITEMS))
            for uid in batch:
                data = answer.pop(uid, {})  # a processed message's bytes need not wait for the batch
                if b"BODY[]" not in data:
                    continue  # expunged since the SEARCH
                yield FetchedMessage(
                    uid=uid,
                    internaldate=_utc(data[b"INTERNALDATE"]),
                    raw=bytes(data[b"BODY[]"]),
                    flags=frozenset(_text(flag) for flag in data.get(b"FLAGS", ())),
                )

    def _by_size(self, uids: Sequence[int], batch_size: int) -> Iterator[list[int]]:
        """Batches of batch_size UIDs, split where their RFC822.SIZEs add up to over FETCH_BYTES."""
        for batch in _batches(uids, batch_size):
            with self._errors("UID FETCH"):
                sizes = self._client.fetch(batch, ["RFC822.SIZE"])
            part: list[int] = []
            total = 0
            for uid in batch:
                size = int(sizes.get(uid, {}).get(b"RFC822.SIZE", 0))  # 0: expunged, skipped later
                if part and total + size > FETCH_BYTES:
                    yield part
                    part, total = [], 0
                part.append(uid)
                total += size
            if part:
                yield part

    def add_keyword(self, uids: Sequence[int], keyword: str) -> None:
        for batch in _batches(uids, STORE_BATCH):
            with self._errors("UID STORE"):
                self._client.add_flags(batch, [keyword], silent=True)

    def move(self, uids: Sequence[int], folder: str) -> None:
        """Move to `folder`, creating it first if needed."""
        with self._errors(f"CREATE {folder}"):
            if not self._client.folder_exists(folder):
                self._client.create_folder(folder)
            can_move = self._client.has_capability("MOVE")
        for batch in _batches(uids, STORE_BATCH):
            with self._errors(f"UID MOVE {folder}"):
                if can_move:
                    self._client.move(batch, folder)
                else:
                    # Flag only; a plain EXPUNGE would also remove what staff marked \Deleted.
                    self._client.copy(batch, folder)
                    self._client.add_flags(batch, [b"\\Deleted"], silent=True)

    def idle(self, timeout_s: float) -> bool:
        """Wait up to timeout_s for a change in the selected folder; True when the server reported one.

        Keep timeout_s under 29 minutes (RFC 2177): servers may drop a longer IDLE.
        """
        with self._errors("IDLE"):
            # Changes since the last command are only reported in answer to the next one: ask first.
            if _any_change(self._client.noop()[1]):
                return True
            if not self._client.has_capability("IDLE"):
                time.sleep(timeout_s)
                return _any_change(self._client.noop()[1])
            self._client.idle()
            responses: list[tuple[object, ...]] = []
            try:
                responses = self._client.idle_check(timeout=timeout_s)
            finally:
                responses += self._client.idle_done()[1]
        return _any_change(responses)

    def close(self) -> None:
        try:
            self._client.logout()
        except (IMAPClientError, OSError):
            with suppress(OSError):
                self._client.shutdown()

    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        with _errors(self.where, doing):
            yield


@contextmanager
def _errors(where: str, doing: str) -> Iterator[None]:
    """Translate library and socket errors into intake-bot's one-line errors."""
    try:
        yield
    except ssl.SSLCertVerificationError as exc:
        raise ConfigError(
            f"IMAP server {where}: certificate not trusted ({exc.verify_message}); set ca_file?"
        ) from exc
    except (IMAPClientAbortError, OSError) as exc:  # refused, reset, timeout, TLS failure, dropped
        raise TransientError(f"IMAP server {where} unreachable: {_reason(exc)}") from exc
    except LoginError:
        raise
    except IMAPClientError as exc:
        raise ImapError(f"IMAP server {where}: {doing} failed: {_reason(exc)}") from exc


def _batches(uids: Sequence[int], size: int) -> Iterator[list[int]]:
    uids = list(uids)
    for start in range(0, len(uids), size):
        yield uids[start : start + size]


def _any_change(responses: list[tuple[object, ...]]) -> bool:
    # Changes are "<n> EXISTS", "<n> EXPUNGE", "<n> FETCH"...; "OK Still here" keepalives are not.
    return any(isinstance(response[0], int) for response in responses)


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def _text(flag: bytes | str) -> str:
    return flag.decode("utf-8", "replace") if isinstance(flag, bytes) else flag


def _reason(exc: BaseException) -> str:
    text = str(exc).strip()
    if text[:2] in ("b'", 'b"') and text[-1:] == text[1:2]:  # imapclient puts the server's bytes in
        text = text[2:-1]
    return (text.splitlines() or [type(exc).__name__])[0]
