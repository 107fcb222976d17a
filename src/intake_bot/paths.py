"""Where the project's data directories are: the source tree, or the installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_SOURCE_ROOT = _PACKAGE.parents[1]  # src/intake_bot -> project root, in a checkout


def data_dir(name: str) -> Path:
    """templates/replies, migrations, samples: from the checkout if there, else from the wheel."""
    for candidate in (_SOURCE_ROOT / name, _PACKAGE / "_data" / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"intake-bot data directory {name!r} is missing from the installation")
