#!/usr/bin/env bash
# The test command (also what CI runs): installs what the tests need (Dovecot and PostgreSQL from
# Debian's packages included), then runs ruff, mypy and the whole pytest suite twice against real servers
# it starts: on SQLite and on PostgreSQL (INTAKE_TEST_DB=postgresql).
#
# The two runs go side by side: most of a run's time is spent waiting on servers and subprocesses,
# and every test takes its own ports and folders, so two runs share two cores well.
# INTAKE_TEST_SERIAL=1 runs them one after the other, with live output.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-deps.sh
bash scripts/venv.sh test
.venv/bin/ruff check src tests
.venv/bin/python -m mypy  # pyproject.toml [tool.mypy]: the package, its pure modules strictly

if [ "${INTAKE_TEST_SERIAL:-}" = 1 ]; then
    echo "== tests on SQLite"
    .venv/bin/python -m pytest -q "$@"
    echo "== tests on PostgreSQL"
    INTAKE_TEST_DB=postgresql .venv/bin/python -m pytest -q "$@"
    exit 0
fi

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
echo "== tests on SQLite and on PostgreSQL, side by side ($(date -u +%H:%M:%S))"
.venv/bin/python -m pytest -q -p no:cacheprovider "$@" > "$logs/sqlite.log" 2>&1 &
sqlite_pid=$!
INTAKE_TEST_DB=postgresql .venv/bin/python -m pytest -q -p no:cacheprovider "$@" > "$logs/postgresql.log" 2>&1 &
postgresql_pid=$!
status=0
wait "$sqlite_pid" || status=$?
echo "== tests on SQLite (exit $status, $(date -u +%H:%M:%S))"
cat "$logs/sqlite.log"
pg_status=0
wait "$postgresql_pid" || pg_status=$?
echo "== tests on PostgreSQL (exit $pg_status, $(date -u +%H:%M:%S))"
cat "$logs/postgresql.log"
[ "$status" = 0 ] && [ "$pg_status" = 0 ]
