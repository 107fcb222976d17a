"""Messages from files: .eml, a Maildir folder, an mbox file, or `-` for standard input."""

from __future__ import annotations

import mailbox
import sys
from collections.abc import Iterator
from pathlib import Path

from ..errors import UsageError


def read_messages(paths: list[str]) -> Iterator[tuple[str, bytes]]:
    """(label, raw bytes) for every message, in the order given."""
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


def _file(path: Path) -> Iterator[tuple[str, bytes]]:
    with path.open("rb") as f:
        head = f.read(5)
    if head == b"From ":
        for i, msg in enumerate(mailbox.mbox(path, create=False)):
            yield f"{path}#{i + 1}", msg.as_bytes()
    else:
        yield str(path), path.read_bytes()


def _maildir(path: Path) -> Iterator[tuple[str, bytes]]:
    if not (path / "cur").is_dir() and not (path / "new").is_dir():
        for child in sorted(p for p in path.iterdir() if p.is_file() and p.suffix == ".eml"):
            yield str(child), child.read_bytes()
        return
    for sub in ("new", "cur"):
        folder = path / sub
        if folder.is_dir():
            for child in sorted(p for p in folder.iterdir() if p.is_file()):
                yield str(child), child.read_bytes()
