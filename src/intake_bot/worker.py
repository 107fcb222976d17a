"""Child processes that read untrusted mail within limits the kernel enforces.

Parsing, classifying and reading a message (PDFs and certificates included) run here, never in the
process that holds the database. A worker has a CPU-time limit (RLIMIT_CPU, per request) and a
memory limit (RLIMIT_AS), and the parent kills it when a request takes longer than the wall-clock
limit. Nothing a handler in the worker catches can switch these off: over the CPU limit the kernel
ends the worker with SIGXCPU, and a MemoryError ends it too (a half-read message is not an answer).
The parent then reports the request as over that limit (the pipeline quarantines the message) and
starts a fresh worker for the next one.

Workers are forked from a zygote: a process started once per run that has imported what the
workers need (the reader's lexicon takes seconds of CPU to compile) and then only forks, so a
worker, the first or one replacing a killed one, starts in milliseconds and shares those pages.
The parent writes each request, a pickled (function, arguments) pair, to a worker's pipe and
reads the pickled answer from another. Functions and answers are plain module-level functions and
frozen records.

A Pool of workers (one per core by default, `[limits] workers`) reads ahead: while the parent
stores and answers one message, the workers read the next ones; the answers come back in the
order the messages were given, so the parent commits in that order.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import importlib
import logging
import os
import pickle
import resource
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from .config import Limits
from .errors import IntakeError

log = logging.getLogger(__name__)

WALL_GRACE = 2.0  # wall-clock seconds on top of the CPU limit: a busy machine, the TNEF child
START_TIMEOUT = 60.0  # for the zygote's imports, on a machine however busy
MEMORY_EXIT = 3  # the worker's exit status after a MemoryError
_FRAME = struct.Struct(">Q")  # each pickle is preceded by its length
_FORK = struct.Struct(">cqq")  # to the zygote: b"F", memory limit, CPU limit (two fds ride along)
_REAP = struct.Struct(">cq")  # to the zygote: b"W", the pid of a worker that has ended
_NUMBER = struct.Struct(">q")  # from the zygote: a worker's pid, or how it ended (Popen.returncode)

T = TypeVar("T")
Request = tuple[Callable[..., Any] | str, tuple[Any, ...]]


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
    memory_bytes: int  # address space of each worker (RLIMIT_AS)
    wall_seconds: float  # the parent kills a request that takes longer
    preload: tuple[str, ...] = ()  # what the zygote imports (or runs), so that no request pays for it

    @classmethod
    def of(cls, limits: Limits, preload: tuple[str, ...] = ()) -> WorkerLimits:
        seconds = limits.max_seconds_per_message
        return cls(seconds, limits.max_memory_mb << 20, seconds + WALL_GRACE if seconds else 0, preload)


class Zygote:
    """The parent's handle on the process that forks workers, over a Unix socket: each fork request
    carries the new worker's two pipe ends (SCM_RIGHTS), the answer is its pid; the zygote also
    reaps its workers, so it tells how one ended."""

    def __init__(self, preload: tuple[str, ...]) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        level = logging.getLogger().getEffectiveLevel()
        command = [
            sys.executable,
            "-I",
            "-m",
            "intake_bot.worker",
            str(theirs.fileno()),
            str(level),
            *preload,
        ]
        self._proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, pass_fds=[theirs.fileno()])
        theirs.close()
        self._sock = ours
        self._lock = threading.Lock()
        ours.settimeout(START_TIMEOUT)
        try:
            ready = ours.recv(16)
        except OSError:
            ready = b""
        if ready != b"ready":
            self.close()
            raise WorkerUnavailable(f"the reading process did not start (status {self._proc.poll()})")
        ours.settimeout(None)

    def fork(self, memory_bytes: int, cpu_seconds: int) -> _Child:
        requests_r, requests_w = os.pipe()
        answers_r, answers_w = os.pipe()
        try:
            with self._lock:
                socket.send_fds(
                    self._sock, [_FORK.pack(b"F", memory_bytes, cpu_seconds)], [requests_r, answers_w]
                )
                (pid,) = _NUMBER.unpack(self._sock.recv(_NUMBER.size))
        except (OSError, struct.error):
            for fd in (requests_w, answers_r):
                os.close(fd)
            raise WorkerUnavailable("the reading process could not start a worker") from None
        finally:
            os.close(requests_r)
            os.close(answers_w)
        return _Child(pid, os.fdopen(requests_w, "wb"), answers_r)

    def reap(self, pid: int) -> int:
        """How the worker ended (as Popen.returncode: the exit status, or minus the signal)."""
        try:
            with self._lock:
                self._sock.send(_REAP.pack(b"W", pid))
                (status,) = _NUMBER.unpack(self._sock.recv(_NUMBER.size))
            return int(status)
        except (OSError, struct.error):
            return 0

    def alive(self) -> bool:
        return self._proc.poll() is None

    def close(self) -> None:
        self._sock.close()  # end of input: the zygote exits, and init adopts what it leaves
        try:
            self._proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()


@dataclass
class _Child:
    pid: int
    requests: Any  # a binary file, the write end of the worker's stdin-like pipe
    answers: int  # fd, the read end of its answers
    deadline: float | None = None  # of the request in flight; None: no request, or no wall limit
    waiting: bool = False  # a request is in flight


_ZYGOTES: dict[tuple[str, ...], Zygote] = {}
_ZYGOTE_LOCK = threading.Lock()
_ZYGOTE_PID = os.getpid()


def zygote(preload: tuple[str, ...]) -> Zygote:
    """The process's zygote for these modules, started on first use and again if it died."""
    global _ZYGOTE_PID
    with _ZYGOTE_LOCK:
        if os.getpid() != _ZYGOTE_PID:  # a forked copy of the parent: the zygotes are not ours
            _ZYGOTES.clear()
            _ZYGOTE_PID = os.getpid()
        found = _ZYGOTES.get(preload)
        if found is None or not found.alive():
            found = _ZYGOTES[preload] = Zygote(preload)
        return found


class Worker:
    """The parent's handle on one worker process, forked on first use and again after a kill.

    call() is a request and its answer; submit() and collect() split it, so that the caller can do
    other work (or keep other workers busy) meanwhile. One request at a time per worker."""

    def __init__(self, limits: WorkerLimits) -> None:
        self.limits = limits
        self._child: _Child | None = None
        self._pid = os.getpid()
        self.lock = threading.Lock()  # call(): one request at a time; threads of one process share it

    def call(self, function: Callable[..., Any] | str, *args: Any) -> Any:
        """function(*args) in the worker. Raises ReadFailed with the reason when it raised, or when
        the worker was ended over a limit; the next call then gets a fresh worker."""
        with self.lock:
            return self.call_locked(function, *args)

    def call_locked(self, function: Callable[..., Any] | str, *args: Any) -> Any:
        """call(), by the thread that holds `lock`."""
        self.submit(function, *args)
        answer = self.collect()
        if isinstance(answer, ReadFailed):
            raise answer
        return answer

    def submit(self, function: Callable[..., Any] | str, *args: Any) -> None:
        """Start function(*args) in the worker; its wall-clock limit runs from now."""
        request = pickle.dumps((function, args), protocol=pickle.HIGHEST_PROTOCOL)
        child = self._running()
        assert not child.waiting, "one request at a time"
        try:
            _write_frame(child.requests, request)
        except OSError:  # it died idle (killed from outside): once more, fresh
            self._stop()
            child = self._running()
            _write_frame(child.requests, request)
        wall = self.limits.wall_seconds
        child.deadline = time.monotonic() + wall if wall else None
        child.waiting = True

    def collect(self) -> Any:
        """The answer to the request submitted, or the ReadFailed saying why there is none."""
        child = self._child
        assert child is not None and child.waiting, "collect() follows submit()"
        child.waiting = False
        try:
            answer = _read_frame(child.answers, child.deadline, self.limits.wall_seconds or None)
        except TimeoutError:
            self._stop()
            wall = self.limits.wall_seconds
            return ReadFailed(
                f"LimitExceeded: still reading after {wall:g} s, over the time limit of "
                f"{self.limits.cpu_seconds} s (limits.max_seconds_per_message)"
            )
        except EOFError:
            return ReadFailed(self._death(self._stop(ended=True)))
        status, value = pickle.loads(answer)
        return ReadFailed(value) if status == "error" else value

    @property
    def busy(self) -> bool:
        return self._child is not None and self._child.waiting

    def close(self) -> None:
        with self.lock:
            self._stop(graceful=True)

    def abandon(self) -> None:
        """The request in flight is not wanted any more: the worker is ended (a fresh one follows)."""
        if self.busy:
            self._stop()

    def _running(self) -> _Child:
        if self._pid != os.getpid():  # a forked copy of the parent: the worker is not ours to use
            self._child, self._pid = None, os.getpid()
        if self._child is None:
            self._child = zygote(self.limits.preload).fork(self.limits.memory_bytes, self.limits.cpu_seconds)
        return self._child

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

    def _stop(self, graceful: bool = False, ended: bool = False) -> int:
        """End the worker and reap it; how it ended. `ended`: it has closed its answers (it is
        exiting); `graceful`: it is idle and closing its input lets it exit by itself."""
        child, self._child = self._child, None
        if child is None or self._pid != os.getpid():
            return 0
        with contextlib.suppress(OSError):
            child.requests.close()  # end of input: an idle worker exits by itself
        exits = ended or (graceful and not child.waiting and select.select([child.answers], [], [], 2)[0])
        if not exits:
            with contextlib.suppress(OSError):
                os.kill(child.pid, signal.SIGKILL)  # not reaped yet, so the pid is still this worker's
        os.close(child.answers)
        found = _ZYGOTES.get(self.limits.preload)
        return found.reap(child.pid) if found is not None else 0

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self._stop()


class Pool:
    """Workers that read ahead (ahead()); call() is one request on an idle one."""

    def __init__(self, limits: WorkerLimits, size: int) -> None:
        self.workers = [Worker(limits) for _ in range(max(1, size))]

    def call(self, function: Callable[..., Any] | str, *args: Any) -> Any:
        """On a worker no other thread is using (LMTP reads concurrent deliveries), else the first."""
        for worker in self.workers:
            if not worker.busy and worker.lock.acquire(blocking=False):
                try:
                    return worker.call_locked(function, *args)
                finally:
                    worker.lock.release()
        return self.workers[0].call(function, *args)

    def ahead(self, jobs: Iterable[tuple[T, Request | None]]) -> Generator[tuple[T, Any], None, None]:
        """Each job's item with the answer to its request (or the ReadFailed; None for no request),
        in the jobs' order, while up to one request per worker runs ahead. What iterating the jobs
        raises is raised after the items taken before it. For one thread: call() needs an idle worker."""
        source = iter(jobs)
        window: deque[tuple[T, Worker | None]] = deque()
        idle = list(self.workers)
        ended: list[Exception] = []  # what the jobs raised, if they did

        def fill() -> None:
            while idle and not ended and len(window) <= 2 * len(self.workers):
                try:
                    item, request = next(source)
                except StopIteration:
                    ended.append(StopIteration())
                    return
                except MemoryError:
                    raise
                except Exception as exc:  # e.g. the mail server went away: raised in its turn
                    ended.append(exc)
                    return
                worker = None
                if request is not None:
                    worker = idle.pop(0)
                    function, args = request
                    worker.submit(function, *args)
                window.append((item, worker))

        try:
            fill()
            while window:
                item, worker = window.popleft()
                answer = None
                if worker is not None:
                    answer = worker.collect()
                    idle.append(worker)
                fill()
                yield item, answer
        finally:
            for worker in self.workers:
                worker.abandon()  # left early: what was read ahead is read again next time
        if ended and not isinstance(ended[0], StopIteration):
            raise ended[0]

    def close(self) -> None:
        for worker in self.workers:
            worker.close()


def _write_frame(stream: Any, data: bytes) -> None:
    stream.write(_FRAME.pack(len(data)))
    stream.write(data)
    stream.flush()


def _read_frame(fd: int, deadline: float | None, rest_seconds: float | None = None) -> bytes:
    """One length-prefixed frame; EOFError when the other side is gone, TimeoutError when its first
    bytes are not there by `deadline`. An answer already waiting is taken even past the deadline
    (the parent was busy, not the worker); once it has begun, the rest gets `rest_seconds`."""
    (size,) = _FRAME.unpack(_read_exactly(fd, _FRAME.size, deadline))
    rest = time.monotonic() + rest_seconds if rest_seconds else None
    return _read_exactly(fd, size, rest)


def _read_exactly(fd: int, size: int, deadline: float | None) -> bytes:
    buffer = bytearray()
    while len(buffer) < size:
        if deadline is not None:
            left = max(0.0, deadline - time.monotonic())
            if not select.select([fd], [], [], left)[0]:
                raise TimeoutError
        chunk = os.read(fd, min(size - len(buffer), 1 << 20))
        if not chunk:
            raise EOFError
        buffer += chunk
    return bytes(buffer)


_SHARED: dict[tuple[WorkerLimits, int], Pool] = {}


def shared(limits: WorkerLimits, size: int = 1) -> Pool:
    """The process's pool for these limits: every pipeline of a run uses it (watch makes one per poll)."""
    pool = _SHARED.get((limits, size))
    if pool is None:
        pool = _SHARED[(limits, size)] = Pool(limits, size)
    return pool


def pool_size(configured: int) -> int:
    """`[limits] workers`: 0 means one per core this process may run on."""
    return configured if configured > 0 else max(1, len(os.sched_getaffinity(0)))


@atexit.register
def _close_shared() -> None:
    for pool in _SHARED.values():
        pool.close()
    for found in _ZYGOTES.values():
        found.close()


# -- the zygote's and the workers' side ----------------------------------------------------------


def serve_forks(control: socket.socket, preload: list[str]) -> None:
    """The zygote: import `preload` ("module", or "module:function" to run too), then fork a worker
    for each request until the parent is gone."""
    for entry in preload:
        module, _, function = entry.partition(":")
        loaded = importlib.import_module(module)
        if function:
            getattr(loaded, function)()
    gc.freeze()  # what was imported stays put: workers share those pages instead of copying them
    control.send(b"ready")
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(control, 64, 2)
        except OSError:
            return
        if not message:
            return  # the parent closed its end, or exited
        if message[:1] == b"W":
            (_, pid) = _REAP.unpack(message)
            try:
                _, status = os.waitpid(pid, 0)
                code = os.waitstatus_to_exitcode(status)
            except ChildProcessError:
                code = 0
            control.send(_NUMBER.pack(code))
            continue
        _, memory_bytes, cpu_seconds = _FORK.unpack(message)
        pid = os.fork()
        if pid == 0:
            control.close()
            code = 1
            try:
                serve(fds[0], os.fdopen(fds[1], "wb"), memory_bytes, cpu_seconds)
                code = 0
            finally:
                os._exit(code)  # a worker never returns into the zygote's loop
        for fd in fds:
            os.close(fd)
        control.send(_NUMBER.pack(pid))


def serve(requests: int, answers: Any, memory_bytes: int, cpu_seconds: int) -> None:
    """Answer requests until their pipe closes. Runs in a worker process only."""
    if memory_bytes > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
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
    control, level = (int(a) for a in argv[:2])
    logging.basicConfig(level=level, format="%(levelname)s: %(message)s", stream=sys.stderr)
    os.dup2(2, 1)  # a library that prints must not write into the parent's output
    sys.stdout = sys.stderr
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    serve_forks(socket.socket(fileno=control), argv[2:])


if __name__ == "__main__":
    main(sys.argv[1:])
