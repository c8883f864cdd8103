"""Parse documents in worker processes, so that one hostile document can fail only itself.

A `ParsePool` keeps a few long-lived worker processes (one per core by default). Each parses one document at a
time with `parse_bytes`, under limits:

- **memory**: the worker's address space is capped (``RLIMIT_AS``). A document that needs more either raises
  MemoryError inside the parser (the worker reports it, then exits: its heap may be in any state) or kills the
  worker outright (pdfium aborts, the kernel's OOM killer): either way the document gets the failure.
- **time**: the pool gives each document a wall-clock limit and kills the worker's process group when it runs
  out (that covers a loop in pure Python, a C library spinning and a stuck helper process alike).
- **size**: a document over ``parse.MAX_BYTES`` is never sent to a worker (the caller need not even read it:
  a `Job` may carry its size alone).

A worker that dies is replaced and the batch goes on. The document that broke a limit comes back as a Report
whose one problem, ``resource_limit`` (an error), names the document and the limit, with a `Failure` the
caller can record (``nianbao load`` keeps it in ``audit.parse_failure`` and skips the document until the
parser version changes).

Pure process management: no database, no network. The limits are environment variables, read here and
nowhere else; the defaults fit a 2-core, 4 GB machine:

| variable | default | bounds |
|---|---|---|
| ``NIANBAO_PARSE_MEMORY_MB`` | 1024 | the address space of one worker, so of one document's parse (0 = no limit) |
| ``NIANBAO_PARSE_TIMEOUT_S`` | 600 | wall-clock seconds for one document (0 = no limit) |
| ``NIANBAO_PARSE_WORKERS`` | the usable cores | worker processes, so documents parsed at once |
"""

from __future__ import annotations

import hashlib
import math
import multiprocessing
import os
import resource
import signal
import sys
import threading
import time
import types
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import wait
from pathlib import Path
from typing import TYPE_CHECKING

from .parse import MAX_BYTES, parse_bytes, parse_file, read_file, too_large_report
from .report import empty_report
from .report_types import Problem, Report

if TYPE_CHECKING:  # typing.Self needs Python 3.11; the project supports 3.10
    from typing_extensions import Self

MEMORY_ENV = "NIANBAO_PARSE_MEMORY_MB"
TIMEOUT_ENV = "NIANBAO_PARSE_TIMEOUT_S"
WORKERS_ENV = "NIANBAO_PARSE_WORKERS"

# A generated report parses in 3-60 ms and peaks near 50 MB; a 1 MB PDF bomb wants 2.1 GB. Two workers at
# 1 GB each leave half of a 4 GB machine to the warehouse, the loader and the operating system.
DEFAULT_MEMORY_MB = 1024
# The slowest legitimate parse is a scan through OCR: ~18 s a page on one core here, up to 40 pages (the OCR
# page limit), so up to ~6 min when two scans share two cores. Ten minutes bounds a runaway parse at a cost
# paid once per document and parser version.
DEFAULT_TIMEOUT_S = 600.0


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity, which containers set), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class Limits:
    memory_mb: int = DEFAULT_MEMORY_MB  # 0: no limit
    timeout_s: float = DEFAULT_TIMEOUT_S  # 0: no limit
    workers: int = 0  # 0: one per usable core

    @classmethod
    def from_env(cls) -> Limits:
        """The limits from ``NIANBAO_PARSE_*`` (module docstring); a bad value is an error naming the variable."""
        return cls(
            memory_mb=int(_number(MEMORY_ENV, DEFAULT_MEMORY_MB, "a number of megabytes (0 = no limit)")),
            timeout_s=_number(TIMEOUT_ENV, DEFAULT_TIMEOUT_S, "a number of seconds (0 = no limit)"),
            workers=int(_number(WORKERS_ENV, 0, "a number of worker processes (0 = one per core)")),
        )

    @property
    def worker_count(self) -> int:
        return self.workers or usable_cores()

    def describe_memory(self) -> str:
        return f"{self.memory_mb} MB" if self.memory_mb else "no limit"

    def describe_time(self) -> str:
        return f"{self.timeout_s:g} s" if self.timeout_s else "no limit"


def _number(variable: str, default: float, expected: str) -> float:
    raw = os.environ.get(variable, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{variable}={raw!r}: expected {expected}") from None
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{variable}={raw!r}: expected {expected}")
    return value


@dataclass(frozen=True)
class Job:
    """One document to parse. ``data`` may be None for a document the caller did not read because ``size``
    is over the limit: it is reported ``too_large`` without being read."""

    key: str  # the caller's name for it, returned with the outcome (the raw store's sha256)
    data: bytes | None
    filename: str  # names the document in problem messages
    media_type: str | None = None
    size: int | None = None
    sha256: str | None = None  # when known (a document the caller did not read)


@dataclass(frozen=True)
class Failure:
    """A broken limit: ``reason`` is memory | timeout | crashed; ``limit`` the limit as configured."""

    reason: str
    limit: str
    message: str


@dataclass(frozen=True)
class Outcome:
    key: str
    filename: str
    report: Report
    failure: Failure | None = None
    seconds: float = 0.0


_PING = "ping"  # answered at once: the worker is up


# -- the worker -----------------------------------------------------------------------------------------------


def _serve(conn, memory_bytes: int) -> None:
    """A worker's life: parse what the pool sends, one document at a time, until told to stop."""
    try:
        # A group of its own: a timed-out worker is killed with any helper it started, and a Ctrl-C in the
        # terminal reaches only the pool, which stops its workers itself.
        os.setpgid(0, 0)
    except OSError:
        pass
    _exit_with_pool()
    if memory_bytes:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = memory_bytes if hard == resource.RLIM_INFINITY else min(memory_bytes, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))  # hard too: the parser cannot lift it
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):  # the pool is gone
            return
        if job is None:
            return
        if job == _PING:
            conn.send(_PING)
            continue
        data, filename, media_type = job
        report = parse_bytes(data, filename=filename, media_type=media_type)
        out_of_memory = _ran_out_of_memory(report)
        conn.send((report, out_of_memory))
        if out_of_memory:
            return  # after a MemoryError the heap may be in any state: the pool starts a fresh worker


def _exit_with_pool() -> None:
    """End this worker when the pool's process is gone (killed with SIGKILL, say), so that a worker stuck in a
    document cannot outlive it. A thread waits for that; the fork server, which every worker keeps alive, would
    not tell."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-pool", daemon=True).start()


def _ran_out_of_memory(report: Report) -> bool:
    """parse_bytes never raises: a MemoryError comes back as an unreadable_document naming the exception."""
    for problem in report.get("problems") or ():
        message = problem.get("message") or ""
        if problem.get("code") == "unreadable_document" and (
            "MemoryError" in message or "memory allocation failed" in message.lower()  # lxml's words for it
        ):
            return True
    return False


# What the fork server imports once for every worker: the parsers and the libraries of the common formats
# (a worker forked from it starts in ~40 ms instead of ~0.5 s). Not "__main__" (see _without_main).
_PRELOAD = ["parsers.sandbox", "parsers.extract.html", "docx", "pypdfium2", "charset_normalizer"]


@contextmanager
def _without_main():
    """While a worker (or the fork server) starts, ``__main__`` is a blank module. multiprocessing would run the
    caller's main program again in every child, by name or by path; a worker needs nothing of it, and some hosts
    cannot be run twice: Airflow's `airflow` command, re-imported in a task's environment, exits (every document
    of the task would then fail as a lost worker)."""
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


def _context():
    """forkserver: a new worker is a fork of a small server that has imported the parsers already (a
    replacement after a crash starts in milliseconds), not of the caller, whose threads and connections it
    must not inherit."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    return context


# A worker is sent its next document while it parses the current one, so it never waits for the pool to read
# an answer and hand out more (that wait is ~10 % of a small document's time). Only documents small enough to sit
# in the connection's buffer are sent ahead: sending a bigger one to a busy worker would block the pool until
# the worker reads it, and with it the watch over every other worker's time limit.
_AHEAD = 1
_AHEAD_MAX_BYTES = 64 * 1024


class _Worker:
    """One worker process and the documents sent to it, in order: the first is being parsed."""

    def __init__(self, context, memory_bytes: int):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, memory_bytes), name="nianbao-parse", daemon=True)
        with _without_main():
            self.process.start()
        child.close()
        self.jobs: deque[Job] = deque()
        self.started = 0.0  # when the first of `jobs` began
        self.answered = 0

    def can_take(self, job: Job) -> bool:
        if not self.jobs:
            return True
        return len(self.jobs) <= _AHEAD and len(job.data or b"") <= _AHEAD_MAX_BYTES

    def give(self, job: Job) -> None:
        if not self.jobs:
            self.started = time.monotonic()
        self.jobs.append(job)
        self.conn.send((job.data, job.filename, job.media_type))

    def deadline(self, timeout_s: float) -> float | None:
        return self.started + timeout_s if timeout_s and self.jobs else None

    def kill(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):  # not (yet) leader of its own group
            self.process.kill()
        self.process.join(5)

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.process.join(5)
        if self.process.is_alive():
            self.kill()
        self.conn.close()


# -- the pool -------------------------------------------------------------------------------------------------


class ParsePool:
    """Worker processes that parse documents under `Limits`. Use as a context manager::

        with ParsePool(Limits.from_env()) as pool:
            for outcome in pool.parse(jobs):
                ...

    Workers start when first needed and are reused for the pool's life; ``workers_lost`` counts the ones a
    document killed (or that were killed for it), each replaced on demand.
    """

    def __init__(self, limits: Limits | None = None):
        self.limits = limits or Limits.from_env()
        self._context = _context()
        self._workers: list[_Worker] = []
        self.workers_started = 0
        self.workers_lost = 0

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self) -> None:
        """Start every worker now, rather than each when first needed (benchmarks time the parsing alone)."""
        while len(self._workers) < self.limits.worker_count:
            self._workers.append(self._start_worker())
        for worker in self._workers:
            if not worker.jobs:
                worker.conn.send(_PING)
                worker.conn.recv()

    def close(self) -> None:
        """Stop every worker: idle ones are asked to, busy ones (an abandoned parse) are killed."""
        for worker in self._workers:
            if worker.jobs:
                worker.kill()
                worker.conn.close()
            else:
                worker.stop()
        self._workers.clear()

    def parse(self, jobs: Iterable[Job]) -> Iterator[Outcome]:
        """Parse every job, the workers side by side; outcomes come as documents finish, not in job order.
        Jobs are taken from ``jobs`` only as workers can take them, so a generator of documents is read lazily."""
        source = iter(jobs)
        waiting: deque[Job] = deque()  # taken from `jobs`, or given back by a worker lost to another document
        more = True
        finished: list[Outcome] = []
        while True:
            while True:
                if not waiting and more:
                    job = next(source, None)
                    if job is None:
                        more = False
                    else:
                        waiting.append(job)
                if not waiting:
                    break
                job = waiting[0]
                if job.data is None or len(job.data) > MAX_BYTES:
                    waiting.popleft()
                    finished.append(self._too_large(job))
                    continue
                worker = self._worker_for(job)
                if worker is None:
                    break
                waiting.popleft()
                try:
                    worker.give(job)
                except OSError:
                    if len(worker.jobs) == 1 and worker.answered:  # it died while idle (the OOM killer, say)
                        self._reap(worker)
                        waiting.appendleft(worker.jobs.popleft())
                    else:  # it died on its current document, or on its very first
                        finished.append(self._lost(worker, waiting))
            # every worker has its next document before the caller spends time on the finished ones
            yield from finished
            if not any(worker.jobs for worker in self._workers) and not waiting and not more:
                return
            finished = self._collect(waiting)

    def parse_one(self, job: Job) -> Outcome:
        """One document through the sandbox."""
        return next(iter(self.parse([job])))

    # -- internals

    def _start_worker(self) -> _Worker:
        self.workers_started += 1
        return _Worker(self._context, self.limits.memory_mb * 1024 * 1024)

    def _worker_for(self, job: Job) -> _Worker | None:
        """An idle worker, else a new one while there are fewer than the limit, else one with room ahead."""
        idle = next((w for w in self._workers if not w.jobs), None)
        if idle is not None:
            return idle
        if len(self._workers) < self.limits.worker_count:
            worker = self._start_worker()
            self._workers.append(worker)
            return worker
        return next((w for w in self._workers if w.can_take(job)), None)

    def _too_large(self, job: Job) -> Outcome:
        size = len(job.data) if job.data is not None else job.size
        sha256 = job.sha256 or (hashlib.sha256(job.data).hexdigest() if job.data is not None else None)
        report = too_large_report(job.filename, size or 0, sha256=sha256, media_type=job.media_type)
        return Outcome(job.key, job.filename, report)

    def _collect(self, waiting: deque[Job]) -> list[Outcome]:
        """Wait until some worker answers, dies or runs out of time; what finished. Documents sent ahead to a
        worker that is lost go back to the front of ``waiting``."""
        busy = [w for w in self._workers if w.jobs]
        deadlines = [d for d in (w.deadline(self.limits.timeout_s) for w in busy) if d is not None]
        timeout = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
        ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout))
        now = time.monotonic()
        finished = []
        for worker in busy:
            if worker.conn in ready or worker.process.sentinel in ready:
                finished.append(self._receive(worker, waiting))
            elif (deadline := worker.deadline(self.limits.timeout_s)) is not None and now >= deadline:
                worker.kill()
                time_limit = self.limits.describe_time()
                finished.append(
                    self._lost(
                        worker,
                        waiting,
                        "timeout",
                        time_limit,
                        f"not parsed within the time limit ({time_limit} per document)",
                    )
                )
        return finished

    def _receive(self, worker: _Worker, waiting: deque[Job]) -> Outcome:
        """The worker's answer about its first document, or its death."""
        try:
            if worker.conn.poll():  # an answer sent just before the worker exited is still there
                report, out_of_memory = worker.conn.recv()
                if out_of_memory:  # the worker has exited: its heap may be in any state
                    memory = self.limits.describe_memory()
                    return self._lost(
                        worker, waiting, "memory", memory, f"ran out of memory (limit {memory} per document)"
                    )
                job = worker.jobs.popleft()
                worker.answered += 1
                now = time.monotonic()
                seconds, worker.started = now - worker.started, now
                return Outcome(job.key, job.filename, report, None, seconds)
        except (EOFError, OSError):
            pass
        worker.process.join(5)  # dead, or about to be: its exit code says how
        code = worker.process.exitcode
        how = (
            f"killed by {signal.Signals(-code).name}" if code is not None and code < 0 else f"exited with status {code}"
        )
        memory = self.limits.describe_memory()
        return self._lost(
            worker,
            waiting,
            "crashed",
            memory,
            f"the parser's worker was {how} while reading it (a native library failing at the {memory} memory"
            " limit, most likely)",
        )

    def _reap(self, worker: _Worker) -> None:
        """Forget a worker that is dead, exiting or killed; a new one starts when a document needs it."""
        worker.process.join(5)
        if worker.process.is_alive():
            worker.kill()
        worker.conn.close()
        self._workers.remove(worker)
        self.workers_lost += 1

    def _lost(
        self, worker: _Worker, waiting: deque[Job], reason: str = "crashed", limit: str = "", what: str = ""
    ) -> Outcome:
        """A worker lost to its first document (a broken limit, or its death): reap it, give the documents sent
        ahead to it back to ``waiting``, and the first one's failure."""
        self._reap(worker)
        job = worker.jobs.popleft()
        waiting.extendleft(reversed(worker.jobs))
        if not what:
            what = f"the parser's worker ended (exit code {worker.process.exitcode}) before answering"
        message = f"{job.filename}: {what}"
        sha256 = hashlib.sha256(job.data).hexdigest() if job.data is not None else job.sha256
        problem: Problem = {"severity": "error", "code": "resource_limit", "message": message}
        report = empty_report({"path": job.filename, "sha256": sha256, "media_type": job.media_type}, [problem])
        failure = Failure(reason, limit or self.limits.describe_memory(), message)
        return Outcome(job.key, job.filename, report, failure, time.monotonic() - worker.started)


# -- files ----------------------------------------------------------------------------------------------------


def parse_files(paths: Iterable[str | os.PathLike], limits: Limits | None = None) -> Iterator[Report]:
    """The Reports of files, in the order given, parsed side by side in the sandbox (for ``nianbao parse`` of
    untrusted files: `parse_file`'s results, but a bomb fails only its own file). Each file is stat'ed before it
    is read; one over the size limit is reported ``too_large`` unread."""
    files = [Path(p) for p in paths]
    done: dict[int, Report] = {}

    def jobs() -> Iterator[Job]:
        for index, path in enumerate(files):
            try:
                data, size = read_file(path)
            except OSError:
                done[index] = parse_file(path)  # which reports the file's error in its own words
                continue
            yield Job(str(index), data, path.name, size=size)

    following = 0
    with ParsePool(limits) as pool:
        for outcome in pool.parse(jobs()):
            outcome.report["source"]["path"] = str(files[int(outcome.key)])
            done[int(outcome.key)] = outcome.report
            while following in done:
                yield done.pop(following)
                following += 1
    while following in done:
        yield done.pop(following)
        following += 1
