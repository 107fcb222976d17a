#!/usr/bin/env bash
# The "run it" command: install into .venv, then ingest the bundled sample mail into a fresh
# SQLite database under ./demo and print the staff status table.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/venv.sh
exec .venv/bin/intake-bot demo --dir demo
