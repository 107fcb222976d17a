"""Messages from files: .eml, a Maildir folder, an mbox file, or `-` for standard input."""

from __future__ import annotations

import mailbox
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from ..errors import UsageError
from . import SourcedMessage

# A file that starts as mail does: a header field ("Name:") or an mbox "From " line.
_MAIL_START = re.compile(rb"\A(?:\xef\xbb\xbf)?(?:From |[\x21-\x39\x3b-\x7e]{1,76}:)")


def looks_like_mail(head: bytes) -> bool:
    return bool(_MAIL_START.match(head))


class FileSource:
    """The files `ingest` is given, in order (a MailSource). Files carry no delivery of their own to
    name, so they have no source key: each is processed as given, and mail seen before is the
    pipeline's duplicate. Files in a folder that are not mail are counted in `skipped`."""

    def __init__(self, paths: list[str]) -> None:
        self.paths = paths
        self.skipped: list[str] = []

    def messages(self) -> Iterator[SourcedMessage]:
        for label, raw in read_messages(self.paths):
            if raw is None:
                self.skipped.append(label)
            else:
                yield SourcedMessage(raw=raw, label=label)


def read_messages(paths: list[str]) -> Iterator[tuple[str, bytes | None]]:
    """(label, raw bytes) for every message, in the order given; (label, None) for a file in a folder
    that is not mail (a note, a picture, .DS_Store: neither named .eml nor starting as mail does):
    skipped, never stored as a message. A file named on its own, or named .eml, is taken as mail
    whatever it holds (it is quarantined if it is not)."""
    for name in paths:
        if name == "-":
            yield "<stdin>", sys.stdin.buffer.read()
            continue
        path = Path(name)
        if path.is_dir():
            yield from _maildir(path)
        elif path.is_file():
            yield from _file(path)
        else:
            raise UsageError(f"no such file or folder: {name}")


def _file(path: Path) -> Iterator[tuple[str, bytes | None]]:
    with path.open("rb") as f:
        head = f.read(5)
    if head == b"From ":
        for i, msg in enumerate(mailbox.mbox(path, create=False)):
            yield f"{path}#{i + 1}", msg.as_bytes()
    else:
        yield str(path), path.read_bytes()


def _maildir(path: Path) -> Iterator[tuple[str, bytes | None]]:
    if not (path / "cur").is_dir() and not (path / "new").is_dir():
        folders = [path]  # a plain folder of .eml files
    else:
        folders = [path / sub for sub in ("new", "cur") if (path / sub).is_dir()]
    for folder in folders:
        for child in sorted(p for p in folder.iterdir() if p.is_file()):
            raw = child.read_bytes()
            yield str(child), raw if child.suffix.lower() == ".eml" or looks_like_mail(raw[:80]) else None
