"""`ingest`: messages from files through the pipeline, as if they had come by IMAP, counted."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from contextlib import closing
from datetime import datetime, timedelta
from email.parser import BytesHeaderParser
from email.utils import parsedate_to_datetime

from sqlalchemy.orm import Session

from .pipeline import Incoming, Pipeline, group_full
from .records import Disposition, Reading
from .sources import SourcedMessage
from .sources.files import FileSource
from .times import as_utc
from .worker import ReadFailed

Read = Reading | ReadFailed | None  # what the workers read of a message (Pipeline.read_ahead)
OLD = timedelta(days=30)  # mail older than this is history: answering it is worth a warning


def ingest_files(
    pipeline: Pipeline,
    files: list[str],
    may_reply: bool = True,
    on_old_mail: Callable[[str, datetime], None] | None = None,
    on_message: Callable[[str, str], None] | None = None,
) -> Counter[str]:
    """Process every message of FILES in order; counts by summary group (see `summary`).
    ON_OLD_MAIL is told once, before the first message older than OLD that would be answered."""
    counts: Counter[str] = Counter()
    warned = not may_reply or on_old_mail is None

    def take(s: Session, message: SourcedMessage, incoming: Incoming, read: Read) -> None:
        nonlocal warned
        if not warned and on_old_mail is not None:
            sent = _date(message.raw)
            if sent is not None and pipeline.clock() - sent > OLD:
                on_old_mail(message.label, sent)
                warned = True
        outcome = pipeline.process(incoming, s, read)
        counts[_group(outcome.disposition)] += 1
        if on_message:
            on_message(message.label, f"{outcome.disposition} {outcome.reference or ''}".strip())

    source = FileSource(files)
    messages = ((m, Incoming(raw=m.raw, may_reply=may_reply, key=m.key)) for m in source.messages())
    with closing(pipeline.read_ahead(messages)) as read_ahead:  # the workers read the next ones meanwhile
        more = True
        while more:  # a commit a group of messages, as a poll does; each message a savepoint of its own
            more, size, started = False, 0, time.monotonic()
            with pipeline.db.transaction() as s:
                for done, ((message, incoming), read) in enumerate(read_ahead, 1):
                    take(s, message, incoming, read)
                    size += len(message.raw)
                    if group_full(done, size, started):
                        more = True
                        break
    if source.skipped:
        counts["skipped"] += len(source.skipped)
    return counts


def summary(counts: Counter[str]) -> str:
    """'7 messages: 2 applications, 1 follow-up, 3 other, 1 quarantined; 2 files skipped (not mail)'"""
    messages = sum(n for group, n in counts.items() if group != "skipped")
    parts = [
        f"{counts['application']} application(s)",
        f"{counts['follow_up']} follow-up(s)",
        f"{counts['other']} other",
        f"{counts['quarantined']} quarantined",
    ]
    line = f"{messages} message(s): " + ", ".join(parts)
    return line + (f"; {counts['skipped']} file(s) skipped (not mail)" if counts["skipped"] else "")


def _group(disposition: str) -> str:
    if disposition in (Disposition.APPLICATION, Disposition.FOLLOW_UP, Disposition.QUARANTINED):
        return str(disposition)
    return "other"


def _date(raw: bytes) -> datetime | None:
    """The Date header, which is what `ingest` takes as the time a message arrived; None if unusable."""
    try:
        header = BytesHeaderParser().parsebytes(raw[:65536]).get("Date")
        return as_utc(parsedate_to_datetime(str(header))) if header else None
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
