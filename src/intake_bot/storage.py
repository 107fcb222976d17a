"""Content-addressed files: raw messages and attachments, named by their SHA-256, never by a sender's name.

A blob is written to a temporary file of an unpredictable name created with O_EXCL|O_NOFOLLOW (no
one can plant a file or a symlink where it will be written), then renamed into place. A file found
under a digest is trusted only after its content hashes to that digest, and every read checks it:
a damaged blob is an error naming the file, never other bytes served as the message.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

from .errors import ConfigError, IntakeError

_CREATE = os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
_READ = os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


class CorruptBlob(IntakeError):
    """A stored file no longer has the content its name (its SHA-256) promises."""


def check_root(root: Path) -> None:
    """The storage folder is made on first use, but its parent must exist, as the database's folder
    must: a misspelt [storage] path never quietly grows a new tree."""
    if not root.is_dir() and not root.parent.is_dir():
        raise ConfigError(
            f"the storage folder {root} cannot be made: {root.parent} does not exist;"
            " create it (intake-bot never does) or correct [storage] path"
        )


def make_root(root: Path) -> None:
    check_root(root)
    root.mkdir(mode=0o700, exist_ok=True)


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError("not a SHA-256 hex digest")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> str:
        """Store bytes once; returns their SHA-256. Safe to repeat after a crash; a damaged copy
        already there is replaced."""
        digest = hashlib.sha256(data).hexdigest()
        target = self.path_for(digest)
        if self._holds(target, digest):
            return digest
        make_root(self.root)
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._private(self.root)
        tmp = target.with_name(f".{digest[:16]}.{secrets.token_hex(16)}.tmp")
        fd = os.open(tmp, _CREATE, 0o600)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return digest

    def get(self, sha256: str) -> bytes:
        path = self.path_for(sha256)
        data = _read(path)
        if hashlib.sha256(data).hexdigest() != sha256:
            raise CorruptBlob(f"stored file {path} is damaged: its content no longer has that SHA-256")
        return data

    @staticmethod
    def _holds(path: Path, digest: str) -> bool:
        try:
            return hashlib.sha256(_read(path)).hexdigest() == digest
        except OSError:  # absent, or a symlink (O_NOFOLLOW): write it anew
            return False

    @staticmethod
    def _private(root: Path) -> None:
        try:
            if root.stat().st_mode & 0o077:
                root.chmod(0o700)
        except OSError:
            pass


def _read(path: Path) -> bytes:
    with os.fdopen(os.open(path, _READ), "rb") as f:
        return f.read()
