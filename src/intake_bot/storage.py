"""Content-addressed files: raw messages and attachments, named by their SHA-256, never by a sender's name.

A blob is written to a temporary file of an unpredictable name created with O_EXCL|O_NOFOLLOW (no
one can plant a file or a symlink where it will be written), then renamed into place. A file found
under a digest is trusted only after its content hashes to that digest, and every read checks it:
a damaged blob is an error naming the file, never other bytes served as the message.

Blobs reach the disk before the database commit that refers to them (`sync`, which the pipeline
has the database call before each commit), not one at a time: a thread syncs each file and its
folder while the work goes on, and the commit waits for what is left. A crash before the
commit may leave a blob half written; nothing refers to it, and the next `put` of the same bytes
finds it damaged and writes it again.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from concurrent.futures import ThreadPoolExecutor
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
        self._syncer: ThreadPoolExecutor | None = None  # one thread, made on the first put
        self._failed: OSError | None = None  # a sync that failed: no commit may follow it

    def path_for(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError("not a SHA-256 hex digest")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> str:
        """Store bytes once; returns their SHA-256. On disk for sure only after `sync()`. Safe to
        repeat after a crash; a damaged copy already there is replaced."""
        digest = hashlib.sha256(data).hexdigest()
        target = self.path_for(digest)
        # A copy found there is synced too: a run killed before its commit may have left it unsynced.
        made = [] if self._holds(target, digest) else self._write(target, data, digest)
        if self._syncer is None:
            self._syncer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="blob-sync")
        self._syncer.submit(self._sync, [target, target.parent, *(folder.parent for folder in made)])
        return digest

    def sync(self) -> None:
        """Wait until every blob put so far, by any thread, is on disk (file and name); a failure
        is raised here, before the commit that would refer to a blob that may be lost, and again at
        every later sync: the process must start again (and `put` the blob again) to go on."""
        if self._syncer is not None:
            self._syncer.submit(self._check).result()  # one thread, in order: after every sync before it

    def _sync(self, paths: list[Path]) -> None:
        try:
            for path in paths:
                fd = os.open(path, _READ)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
        except OSError as exc:
            self._failed = self._failed or exc

    def _check(self) -> None:
        if self._failed is not None:
            raise self._failed

    def _write(self, target: Path, data: bytes, digest: str) -> list[Path]:
        """Write the blob; returns the folders it made (each a new name in its parent)."""
        made = [] if self.root.is_dir() else [self.root]
        make_root(self.root)
        for folder in (target.parent.parent, target.parent):
            try:
                folder.mkdir(mode=0o700)
                made.append(folder)
            except FileExistsError:
                pass
        self._private(self.root)
        tmp = target.with_name(f".{digest[:16]}.{secrets.token_hex(16)}.tmp")
        fd = os.open(tmp, _CREATE, 0o600)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return made

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
