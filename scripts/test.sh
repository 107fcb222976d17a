#!/usr/bin/env bash
# The test command (also what CI runs): installs what the tests need (Dovecot from Debian's
# packages included), then runs ruff and the whole pytest suite against real servers it starts.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-deps.sh
bash scripts/venv.sh test
.venv/bin/ruff check src tests
exec .venv/bin/python -m pytest -q "$@"
