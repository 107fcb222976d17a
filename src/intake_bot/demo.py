"""The demo's folder: made fresh, or an earlier demo's made fresh again; never anything else.

A marker file says a folder is the demo's own. Only the names the demo creates are removed from it,
so a file a person put beside them stays.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .errors import UsageError

MARKER = ".intake-bot-demo"
CONFIG = "intake-bot.toml"
DATABASE = "intake.db"
STORE = "store"
CREATED = (CONFIG, DATABASE, f"{DATABASE}-wal", f"{DATABASE}-shm", f"{DATABASE}.migrate-lock", STORE)


def prepare(root: Path) -> None:
    """Leave ROOT empty of the demo's files, with the marker; refuse a folder that is not the demo's."""
    if root.exists() and not root.is_dir():
        raise UsageError(f"demo: {root} is not a folder; choose another --dir")
    if root.is_dir() and any(root.iterdir()) and not (root / MARKER).is_file():
        raise UsageError(
            f"demo: {root} is not empty and holds no earlier demo; choose an empty or new --dir (nothing was changed)"
        )
    root.mkdir(parents=True, exist_ok=True)
    (root / MARKER).write_text("intake-bot demo: `intake-bot demo` may replace this folder's demo files\n")
    for name in CREATED:
        entry = root / name
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        elif entry.exists() or entry.is_symlink():
            entry.unlink()
