#!/usr/bin/env bash
# Create .venv (if needed) and install intake-bot into it, with the extras named in $1 (e.g. "test").
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
extras="${1:-}"
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extras:+[$extras]}"
# As pip does for an installed package: with PYTHONDONTWRITEBYTECODE set, an editable install would
# otherwise compile every module again at each start of intake-bot.
.venv/bin/python -m compileall -q src/intake_bot >/dev/null
