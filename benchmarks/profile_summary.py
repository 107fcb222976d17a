"""Summarise py-spy's collapsed stacks (run.py --profile DIR): where the samples went.

    python benchmarks/profile_summary.py DIR/ingest-poll.txt [--top 25] [--match intake_bot]

Prints the functions with the most samples inclusive (on the stack) and exclusive (on top).
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("file")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--match", default="", help="only frames whose text contains this (inclusive list)")
    parser.add_argument("--lines", action="store_true", help="tell lines apart (default: per function)")
    args = parser.parse_args()
    inclusive: Counter[str] = Counter()
    exclusive: Counter[str] = Counter()
    total = 0
    for line in Path(args.file).read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        n = int(count)
        total += n
        frames = stack.split(";") if args.lines else [_function(f) for f in stack.split(";")]
        for frame in set(frames):
            inclusive[frame] += n
        exclusive[frames[-1]] += n
    print(f"{total} samples\n\ninclusive (share of all samples with the function on the stack):")
    shown = [(f, n) for f, n in inclusive.most_common() if args.match in f][: args.top]
    for frame, n in shown:
        print(f"{100 * n / total:6.1f}%  {frame}")
    print("\nexclusive (share of samples with the function on top):")
    for frame, n in exclusive.most_common(args.top):
        print(f"{100 * n / total:6.1f}%  {frame}")


def _function(frame: str) -> str:
    """ "name (path/file.py:123)" -> "name (path/file.py)" """
    head, sep, line = frame.rpartition(":")
    return f"{head})" if sep and line.rstrip(")").isdigit() else frame


if __name__ == "__main__":
    main()
