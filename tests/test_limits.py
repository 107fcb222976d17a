"""Limits the sender cannot switch off (issue 16): mail is read in a worker process that the kernel
keeps within a CPU-time and a memory limit and the parent kills after the wall-clock limit; over
any of them the message is quarantined with the reason, its raw bytes kept, and the run goes on."""

from __future__ import annotations

import ast
import math
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from intake_bot.config import Limits, Settings
from intake_bot.errors import LimitExceeded
from intake_bot.parse import parse_email
from intake_bot.pipeline import Incoming, Pipeline
from intake_bot.records import Disposition
from intake_bot.store.db import open_database
from intake_bot.store.schema import StoredMessage
from intake_bot.worker import Pool, ReadFailed, Worker, WorkerLimits
from mails import make_mail
from reproducers import (
    blank_lines,
    long_quoted_parameter,
    many_angle_brackets,
    many_forms_pdf,
    separated_representatives,
    shared_stream_pdf,
    with_pdf,
)


@pytest.fixture
def worker():
    # a wall-clock limit well over the CPU limit: on a busy machine a CPU second takes longer
    w = Worker(WorkerLimits(cpu_seconds=1, memory_bytes=256 << 20, wall_seconds=60))
    yield w
    w.close()


def test_the_worker_answers_and_an_error_in_a_request_is_only_that_request(worker):
    pid = worker.call(os.getpid)
    assert pid != os.getpid()
    with pytest.raises(ReadFailed, match="ValueError: invalid literal"):
        worker.call(int, "x")
    assert worker.call(os.getpid) == pid  # the same worker: nothing was over a limit


@pytest.mark.parametrize(
    ("function", "args", "wall", "reason"),
    [
        (math.factorial, (10**8,), 60, "over the CPU limit of 1 s"),  # the kernel's SIGXCPU
        (bytearray, (1 << 32,), 60, "over the memory limit of 256 MB"),  # RLIMIT_AS: MemoryError
        (time.sleep, (600,), 2, "still reading after 2 s, over the time limit of 1 s"),  # the parent's kill
    ],
    ids=["cpu", "memory", "wall clock"],
)
def test_over_a_limit_the_worker_ends_and_the_next_request_gets_a_fresh_one(function, args, wall, reason):
    worker = Worker(WorkerLimits(cpu_seconds=1, memory_bytes=256 << 20, wall_seconds=wall))
    first = worker.call(os.getpid)
    with pytest.raises(ReadFailed) as failed:
        worker.call(function, *args)
    assert failed.value.reason.startswith("LimitExceeded:") and reason in failed.value.reason
    assert worker.call(os.getpid) not in (first, os.getpid())
    worker.close()


def test_a_pool_answers_in_order_and_a_worker_over_a_limit_costs_only_its_own_request():
    """Workers forked from one zygote (they share its imports) read ahead; the answers come back in
    the jobs' order, and a worker ended over a limit is replaced: only its request fails."""
    pool = Pool(WorkerLimits(cpu_seconds=1, memory_bytes=256 << 20, wall_seconds=60), size=2)
    zygotes = {worker.call(os.getppid) for worker in pool.workers}
    assert len(zygotes) == 1 and os.getpid() not in zygotes  # both forked by the same process
    jobs = [("a", (abs, (-1,))), ("skip", None), ("cpu", (math.factorial, (10**8,))), ("b", (abs, (-2,)))]
    answers = list(pool.ahead(iter(jobs)))
    assert [item for item, _ in answers] == ["a", "skip", "cpu", "b"]
    assert answers[0][1] == 1 and answers[1][1] is None and answers[3][1] == 2
    assert isinstance(answers[2][1], ReadFailed) and "over the CPU limit of 1 s" in answers[2][1].reason
    assert {worker.call(os.getppid) for worker in pool.workers} == zygotes  # the new one too
    pool.close()


def test_reading_ahead_stops_where_the_source_fails_after_what_came_before():
    pool = Pool(WorkerLimits(cpu_seconds=5, memory_bytes=256 << 20, wall_seconds=60), size=2)

    def jobs():
        yield "a", (abs, (-1,))
        yield "b", (abs, (-2,))
        raise ConnectionError("the server went away")

    got = []
    with pytest.raises(ConnectionError):
        for item, answer in pool.ahead(jobs()):
            got.append((item, answer))
    assert got == [("a", 1), ("b", 2)]
    pool.close()


def _pipeline(tmp_path, database_url, **limits) -> Pipeline:
    settings = Settings(database_url=database_url, storage_path=tmp_path / "store", limits=Limits(**limits))
    return Pipeline(settings, open_database(settings.database_url))


def _quarantined(pipeline: Pipeline, raw: bytes, reason: str) -> None:
    out = pipeline.process(Incoming(raw=raw))
    assert out.disposition == Disposition.QUARANTINED, out
    assert reason in out.reason
    with pipeline.db.transaction() as s:
        row = s.get(StoredMessage, out.message_row_id)
        assert row.reason == out.reason and pipeline.blobs.get(row.raw_sha256) == raw


def test_a_pdf_that_costs_minutes_of_cpu_is_quarantined_at_the_limit_and_the_run_goes_on(
    tmp_path, database_url
):
    pipeline = _pipeline(tmp_path, database_url, max_seconds_per_message=2)
    # over the CPU limit, or (on a busy machine) still reading at the wall-clock limit
    _quarantined(pipeline, with_pdf(shared_stream_pdf()), "over the")
    assert pipeline.process(Incoming(raw=make_mail())).disposition == Disposition.APPLICATION


def test_read_ahead_by_two_workers_quarantines_only_the_message_over_the_limit(tmp_path, database_url):
    pipeline = _pipeline(tmp_path, database_url, max_seconds_per_message=2, workers=2)
    mails = [make_mail(message_id=f"<ahead-{n}@example-trust.test>") for n in range(3)]
    mails.insert(1, with_pdf(shared_stream_pdf()))
    items = [(n, Incoming(raw=raw)) for n, raw in enumerate(mails)]
    outcomes = [pipeline.process(incoming, read=read) for (_, incoming), read in pipeline.read_ahead(items)]
    assert [o.disposition for o in outcomes] == [
        Disposition.APPLICATION,
        Disposition.QUARANTINED,
        Disposition.FOLLOW_UP,  # on the application the first one opened: stored in the order given
        Disposition.FOLLOW_UP,
    ]
    assert [o.message_row_id for o in outcomes] == sorted(o.message_row_id for o in outcomes)


def test_a_pdf_that_takes_all_memory_is_quarantined_at_the_memory_limit(tmp_path, database_url):
    pipeline = _pipeline(tmp_path, database_url, max_memory_mb=256)
    _quarantined(pipeline, with_pdf(many_forms_pdf(forms=12)), "over the memory limit of 256 MB")
    assert pipeline.process(Incoming(raw=make_mail())).disposition == Disposition.APPLICATION


def _worker_modules() -> list[Path]:
    """The source files of intake-bot's modules that the worker imports: all that reads mail."""
    listing = (
        "import sys, intake_bot.untrusted, intake_bot.worker; print(*(m.__file__ for n, m in "
        "sys.modules.items() if n.startswith('intake_bot') and getattr(m, '__file__', None)), sep='\\n')"
    )
    done = subprocess.run([sys.executable, "-I", "-c", listing], capture_output=True, text=True, check=True)
    return [Path(line) for line in done.stdout.split()]


def _catches(handler: ast.ExceptHandler, names: set[str]) -> bool:
    caught = handler.type
    if caught is None:
        return True
    types = caught.elts if isinstance(caught, ast.Tuple) else [caught]
    return any(isinstance(t, ast.Name) and t.id in names for t in types)


def test_no_handler_in_the_worker_swallows_a_memory_error():
    """A MemoryError caught by `except Exception` would leave a half-read message looking whole:
    every broad handler in the worker's code lets a MemoryError through first."""
    swallowing = []
    modules = _worker_modules()
    assert any(path.name == "evidence.py" for path in modules)
    for path in modules:
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Try):
                continue
            for index, handler in enumerate(node.handlers):
                if _catches(handler, {"Exception", "BaseException"}) and not any(
                    _catches(earlier, {"MemoryError"}) for earlier in node.handlers[:index]
                ):
                    swallowing.append(f"{path.name}:{handler.lineno}")
    assert swallowing == []


@pytest.mark.parametrize(
    "make",
    [long_quoted_parameter, blank_lines, separated_representatives],
    ids=["400 KB quoted parameter", "40,000 blank lines", "20,000 ';' parts"],
)
def test_mail_that_once_took_minutes_is_read_well_inside_the_limit(tmp_path, database_url, make):
    """Read, not quarantined: each now finishes inside a 10 s CPU limit (minutes before)."""
    pipeline = _pipeline(tmp_path, database_url, max_seconds_per_message=10)
    raw = make()
    out = pipeline.process(Incoming(raw=raw))
    assert out.disposition != Disposition.QUARANTINED, out.reason
    with pipeline.db.transaction() as s:
        assert pipeline.blobs.get(s.get(StoredMessage, out.message_row_id).raw_sha256) == raw


def test_html_of_many_angle_brackets_is_recorded_with_its_raw_bytes(tmp_path, database_url):
    """3 MB of '<' go to the tag-stripping fallback (linear now); the megabyte of text left is read
    or, on a busy machine, quarantined at the limit: recorded either way."""
    pipeline = _pipeline(tmp_path, database_url, max_seconds_per_message=10)
    raw = many_angle_brackets()
    out = pipeline.process(Incoming(raw=raw))
    with pipeline.db.transaction() as s:
        assert pipeline.blobs.get(s.get(StoredMessage, out.message_row_id).raw_sha256) == raw


def test_a_boundary_in_rfc_2231_pieces_still_counts_toward_the_part_limit():
    parts = b"".join(b"--abcdef\r\nContent-Type: text/plain\r\n\r\nx\r\n" for _ in range(30))
    head = b"From: a@b.example\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
    raw = (
        head
        + b'Content-Type: multipart/mixed; boundary*0="abc"; boundary*1="def"\r\n\r\n'
        + parts
        + b"--abcdef--\r\n"
    )
    with pytest.raises(LimitExceeded, match="more than 10 MIME parts"):
        parse_email(raw, Limits(max_parts=10))
    assert parse_email(raw, Limits(max_parts=100)).text.count("x") == 30


def test_the_same_pdf_attached_twice_is_read_once_and_pypdf_warnings_are_only_counted(caplog):
    import logging

    from intake_bot import evidence

    broken = shared_stream_pdf(pages=2, operators=10).replace(b"startxref", b"startxref\n999999\n")
    with caplog.at_level(logging.INFO):
        first = evidence.check_ipr(broken + b"%1")
        assert evidence.check_ipr(broken + b"%1") is first  # the answer of the first reading
    assert not any("pypdf" in r.name for r in caplog.records)  # pypdf's own lines, quoting the file
    assert sum("warnings about a PDF" in r.getMessage() for r in caplog.records) <= 1
