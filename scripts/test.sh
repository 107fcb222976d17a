#!/usr/bin/env bash
# The test command (also what CI runs): installs what the tests need (Dovecot and PostgreSQL from
# Debian's packages included), then runs ruff and the whole pytest suite twice against real servers
# it starts: on SQLite, then on PostgreSQL (INTAKE_TEST_DB=postgresql).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-deps.sh
bash scripts/venv.sh test
.venv/bin/ruff check src tests
echo "== tests on SQLite"
.venv/bin/python -m pytest -q "$@"
echo "== tests on PostgreSQL"
INTAKE_TEST_DB=postgresql .venv/bin/python -m pytest -q "$@"
