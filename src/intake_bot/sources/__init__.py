"""Where mail comes from: IMAP (imap.py), files (files.py), a mail server delivering over LMTP (lmtp.py).

Every source hands the pipeline the same thing: a message's raw bytes and the key that names this
delivery within its source. The pipeline records (source, key) in the message's own transaction, so a
message a source offers again -- a poll killed before its commit, an MTA retrying after a lost reply --
is recognised and never processed twice. What a key is belongs to its source: IMAP's is the folder,
UIDVALIDITY and UID; LMTP's is the digest of the delivered bytes (a retry delivers the same bytes).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol


class Source(StrEnum):
    IMAP = "imap"
    FILE = "file"
    LMTP = "lmtp"


@dataclass(frozen=True)
class SourceKey:
    """One delivery, named as its source names it; unique in the database (table source_keys)."""

    source: Source
    key: str  # at most 255 characters


@dataclass(frozen=True)
class SourcedMessage:
    raw: bytes
    label: str  # for people: a file name, "UID 42"
    key: SourceKey | None = None  # None: the source promises nothing (files: processed as given)
    received_at: datetime | None = None  # when the source says it arrived (IMAP INTERNALDATE)


class MailSource(Protocol):
    """What the intake loop reads: messages in the order they are to be processed."""

    def messages(self) -> Iterator[SourcedMessage]: ...
