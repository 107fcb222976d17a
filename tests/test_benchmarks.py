"""benchmarks/run.py works end to end at a tiny size: it prints its table and writes its JSON.

No timing assertions: speed is measured by the benchmark, never by a test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mailservers import find_program

ROOT = Path(__file__).resolve().parents[1]
RUN = ROOT / "benchmarks" / "run.py"


def test_corpus_is_deterministic_and_mixed() -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from corpus import Corpus
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    corpus = Corpus(10, pdf_share=0.3)
    first = list(corpus.messages())
    assert first == list(Corpus(10, pdf_share=0.3).messages())
    assert len(set(first)) == 10
    assert sum(b"application/pdf" in raw for raw in first) == 3
    assert all(b"Message-ID: <" in raw for raw in first)


def test_benchmark_runs_at_a_tiny_size(tmp_path: Path) -> None:
    if find_program("dovecot") is None or os.geteuid() != 0:
        if os.environ.get("CI"):
            pytest.fail("the benchmark needs dovecot and root")
        pytest.skip("the benchmark needs dovecot and root (scripts/install-test-deps.sh)")
    out = tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, str(RUN), "--messages", "4", "--rss-messages", "3", "--watch-messages", "2"]
        + ["--repeat", "1", "--pdf-share", "0.5", "--json", str(out), "--quiet"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    for label in ("ingest", "idle poll", "watch latency", "peak RSS", "status vs --help"):
        assert label in done.stdout
    report = json.loads(out.read_text())
    results = report["results"]
    assert set(results) == {"ingest", "idle", "watch", "rss", "status"}
    assert results["ingest"]["messages"] == 4
    assert results["ingest"]["replies_sent"] == 4  # full processing: every application answered
    assert results["watch"]["messages"] == 2
    assert results["status"]["applications"] == 3
    for entry in results.values():
        assert isinstance(entry["ok"], bool)
