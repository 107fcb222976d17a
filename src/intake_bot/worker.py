"""A child process that reads untrusted mail within limits the kernel enforces.

Parsing, classifying and reading a message (PDFs and certificates included) run here, never in the
process that holds the database. The worker has a CPU-time limit (RLIMIT_CPU, per request) and a
memory limit (RLIMIT_AS), and the parent kills it when a request takes longer than the wall-clock
limit. Nothing a handler in the worker catches can switch these off: over the CPU limit the kernel
ends the worker with SIGXCPU, and a MemoryError ends it too (a half-read message is not an answer).
The parent then reports the request as over that limit (the pipeline quarantines the message) and
starts a fresh worker for the next one.

One worker is kept for the whole run (starting one costs the imports): the parent writes each
request, a pickled (function, arguments) pair, to its stdin and reads the pickled answer from its
stdout. Functions and answers are plain module-level functions and frozen records.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import logging
import os
import pickle
import resource
import select
import signal
import struct
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from .config import Limits
from .errors import IntakeError

log = logging.getLogger(__name__)

WALL_GRACE = 2.0  # wall-clock seconds on top of the CPU limit: a busy machine, the TNEF child
START_TIMEOUT = 60.0  # for the worker's imports, on a machine however busy
MEMORY_EXIT = 3  # the worker's exit status after a MemoryError
_FRAME = struct.Struct(">Q")  # each pickle is preceded by its length


class WorkerUnavailable(IntakeError):
    """The worker could not be started: no message's fault, so the run stops and a later one retries."""


class ReadFailed(IntakeError):
    """The worker could not read a message (an error in it, or over a limit); `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class WorkerLimits:
    cpu_seconds: int  # CPU time per request (RLIMIT_CPU)
    memory_bytes: int  # address space of the worker (RLIMIT_AS)
    wall_seconds: float  # the parent kills a request that takes longer
    preload: tuple[str, ...] = ()  # modules imported before the first request (not on its clock)

    @classmethod
    def of(cls, limits: Limits, preload: tuple[str, ...] = ()) -> WorkerLimits:
        seconds = limits.max_seconds_per_message
        return cls(seconds, limits.max_memory_mb << 20, seconds + WALL_GRACE if seconds else 0, preload)


class Worker:
    """The parent's handle on one worker process, started on first use and again after a kill."""

    def __init__(self, limits: WorkerLimits) -> None:
        self.limits = limits
        self._proc: subprocess.Popen[bytes] | None = None
        self._pid = os.getpid()
        self._lock = threading.Lock()  # one request at a time; threads of one process share it

    def call(self, function: Callable[..., Any] | str, *args: Any) -> Any:
        """function(*args) in the worker. Raises ReadFailed with the reason when it raised, or when
        the worker was ended over a limit; the next call then gets a fresh worker."""
        request = pickle.dumps((function, args), protocol=pickle.HIGHEST_PROTOCOL)
        with self._lock:
            proc = self._running()
            try:
                _write_frame(proc.stdin, request)
            except (BrokenPipeError, OSError):  # it died idle (killed from outside): once more, fresh
                self._stop()
                proc = self._running()
                _write_frame(proc.stdin, request)
            answer = self._answer(proc)
        status, value = pickle.loads(answer)
        if status == "error":
            raise ReadFailed(value)
        return value

    def close(self) -> None:
        with self._lock:
            self._stop(graceful=True)

    def _running(self) -> subprocess.Popen[bytes]:
        if self._pid != os.getpid():  # a forked copy of the parent: the worker is not ours to use
            self._proc, self._pid = None, os.getpid()
        if self._proc is None or self._proc.poll() is not None:
            self._proc = _start(self.limits)
        return self._proc

    def _answer(self, proc: subprocess.Popen[bytes]) -> bytes:
        assert proc.stdout is not None
        wall = self.limits.wall_seconds
        deadline = time.monotonic() + wall if wall else None
        try:
            return _read_frame(proc.stdout.fileno(), deadline)
        except TimeoutError:
            self._stop()
            raise ReadFailed(
                f"LimitExceeded: still reading after {wall:g} s, over the time limit of "
                f"{self.limits.cpu_seconds} s (limits.max_seconds_per_message)"
            ) from None
        except EOFError:
            status = proc.wait()
            self._proc = None
            raise ReadFailed(self._death(status)) from None

    def _death(self, status: int) -> str:
        if status == -signal.SIGXCPU:
            return (
                f"LimitExceeded: over the CPU limit of {self.limits.cpu_seconds} s "
                "(limits.max_seconds_per_message)"
            )
        if status == MEMORY_EXIT:
            return (
                f"LimitExceeded: over the memory limit of {self.limits.memory_bytes >> 20} MB "
                "(limits.max_memory_mb)"
            )
        if status < 0:
            return f"WorkerKilled: the reading process was killed by signal {-status}"
        return f"WorkerDied: the reading process exited with status {status}"

    def _stop(self, graceful: bool = False) -> None:
        proc, self._proc = self._proc, None
        if proc is None or self._pid != os.getpid():
            return
        if graceful and proc.stdin is not None:
            try:
                proc.stdin.close()  # end of input: the worker exits by itself
                proc.wait(timeout=2)
            except (OSError, subprocess.TimeoutExpired):
                pass
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()

    def __del__(self) -> None:
        self._stop()


def _start(limits: WorkerLimits) -> subprocess.Popen[bytes]:
    """A worker, once it has imported what it needs and said so."""
    level = logging.getLogger().getEffectiveLevel()
    command = [
        sys.executable,
        "-I",
        "-m",
        "intake_bot.worker",
        str(limits.memory_bytes),
        str(limits.cpu_seconds),
    ]
    proc = subprocess.Popen(
        [*command, str(level), *limits.preload], stdin=subprocess.PIPE, stdout=subprocess.PIPE, close_fds=True
    )
    assert proc.stdout is not None
    try:
        _read_frame(proc.stdout.fileno(), time.monotonic() + START_TIMEOUT)
    except (EOFError, TimeoutError):
        proc.kill()
        raise WorkerUnavailable(f"the reading process did not start (status {proc.wait()})") from None
    return proc


def _write_frame(stream: IO[bytes] | None, data: bytes) -> None:
    assert stream is not None
    stream.write(_FRAME.pack(len(data)))
    stream.write(data)
    stream.flush()


def _read_frame(fd: int, deadline: float | None) -> bytes:
    """One length-prefixed frame; EOFError when the other side is gone, TimeoutError past deadline."""
    (size,) = _FRAME.unpack(_read_exactly(fd, _FRAME.size, deadline))
    return _read_exactly(fd, size, deadline)


def _read_exactly(fd: int, size: int, deadline: float | None) -> bytes:
    buffer = bytearray()
    while len(buffer) < size:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError
        chunk = os.read(fd, min(size - len(buffer), 1 << 20))
        if not chunk:
            raise EOFError
        buffer += chunk
    return bytes(buffer)


_SHARED: dict[WorkerLimits, Worker] = {}


def shared(limits: WorkerLimits) -> Worker:
    """The process's worker for these limits: every pipeline of a run uses it (watch makes one per poll)."""
    worker = _SHARED.get(limits)
    if worker is None:
        worker = _SHARED[limits] = Worker(limits)
    return worker


@atexit.register
def _close_shared() -> None:
    for worker in _SHARED.values():
        worker.close()


# -- the worker's side ---------------------------------------------------------------------------


def serve(memory_bytes: int, cpu_seconds: int, preload: list[str]) -> None:
    """Answer requests until stdin closes. Runs in the worker process only."""
    for module in preload:
        importlib.import_module(module)
    requests = os.dup(0)
    answers = os.fdopen(os.dup(1), "wb")
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(2, 1)  # a library that prints must not write into the answers
    sys.stdout = sys.stderr
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if memory_bytes > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    _write_frame(answers, b"ready")
    while True:
        try:
            request = _read_frame(requests, None)
        except EOFError:
            return
        try:
            function, args = pickle.loads(request)
            if isinstance(function, str):  # "module:name": the parent need not import what runs here
                module, _, name = function.partition(":")
                function = getattr(importlib.import_module(module), name)
            _limit_cpu(cpu_seconds)
            answer = ("ok", function(*args))
        except MemoryError:
            os._exit(MEMORY_EXIT)  # whatever was caught on the way, the message was not read whole
        except Exception as exc:  # the message's fault: the parent quarantines it with this reason
            log.debug("worker request failed:\n%s", traceback.format_exc())
            answer = ("error", f"{type(exc).__name__}: {exc}"[:2000])
        try:
            _write_frame(answers, pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
        except MemoryError:
            os._exit(MEMORY_EXIT)
        except BrokenPipeError:
            return


def _limit_cpu(seconds: int) -> None:
    """RLIMIT_CPU counts the process's whole life: allow `seconds` more than it has used so far."""
    if seconds <= 0:
        return
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = int(usage.ru_utime + usage.ru_stime) + 1
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    resource.setrlimit(resource.RLIMIT_CPU, (used + seconds, hard))


def main(argv: list[str]) -> None:
    memory_bytes, cpu_seconds, level = (int(a) for a in argv[:3])
    logging.basicConfig(level=level, format="%(levelname)s: %(message)s", stream=sys.stderr)
    serve(memory_bytes, cpu_seconds, argv[3:])


if __name__ == "__main__":
    main(sys.argv[1:])
