"""Content-addressed files: raw messages and attachments, named by their SHA-256, never by a sender's name."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError("not a SHA-256 hex digest")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> str:
        """Store bytes once; returns their SHA-256. Safe to repeat after a crash."""
        digest = hashlib.sha256(data).hexdigest()
        target = self.path_for(digest)
        if target.exists() and target.stat().st_size == len(data):
            return digest
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._private(self.root)
        tmp = target.with_name(f".{digest}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
        return digest

    def get(self, sha256: str) -> bytes:
        return self.path_for(sha256).read_bytes()

    @staticmethod
    def _private(root: Path) -> None:
        try:
            if root.stat().st_mode & 0o077:
                root.chmod(0o700)
        except OSError:
            pass
