"""The worker's reading alone: every .eml under the given folders through untrusted.read_message, in
one process, no database. Prints the CPU seconds of the imports, the warm-up and the reads; with --out,
writes one line per message (its path and the repr of its Reading), so that a change meant to keep the
output (a speed-up) can be checked byte for byte against the run before it:

    PYTHONHASHSEED=0 .venv/bin/python benchmarks/reads.py --out before.txt /tmp/peerbench/corpus
    ... change ...
    PYTHONHASHSEED=0 .venv/bin/python benchmarks/reads.py --out after.txt /tmp/peerbench/corpus
    cmp before.txt after.txt

(PYTHONHASHSEED=0: a Reading holds sets, whose order follows the hash seed.)
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime
from pathlib import Path

started = time.process_time()
from intake_bot.config import Limits  # noqa: E402  (imported after the clock starts: imports are measured)
from intake_bot.untrusted import read_message, warm_up  # noqa: E402

NOW = datetime(2026, 12, 1, tzinfo=UTC)  # 'now' for mail without a date: fixed, so runs compare


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, help="one line per message: path, repr of its Reading")
    args = parser.parse_args()
    imported = time.process_time()
    warm_up()
    warmed = time.process_time()
    files = sorted(path for folder in args.folders for path in folder.rglob("*.eml"))
    lines = []
    for path in files:
        reading = read_message(path.read_bytes(), Limits(), frozenset({"questions@cabforum.org"}), None, NOW)
        lines.append(f"{path}\t{reading!r}\n")
    done = time.process_time()
    if args.out:
        args.out.write_text("".join(lines), "utf-8")
    print(
        f"imports {imported - started:.2f} s, warm-up {warmed - imported:.2f} s, "
        f"reads {done - warmed:.2f} s for {len(files)} messages "
        f"({1000 * (done - warmed) / max(1, len(files)):.1f} ms a message), CPU"
    )


if __name__ == "__main__":
    main()
