"""Airflow's task supervisor told as soon as its task process exits.

Every Airflow task runs in a process watched by a supervisor (`airflow.sdk.execution_time.supervisor`), in the
executor's worker. The supervisor waits in a select() on the task process's sockets, and after each wake checks
whether the process has exited; only then does the worker report the task done and free its slot. A task process
closes its sockets a moment before its exit status exists. When the supervisor reads the last socket's close
first, its select() has nothing left to wake it, and it sleeps its whole interval (`[workers]
min_heartbeat_interval`, 1 s in `nianbao.airflow_local`) before it sees the exit: in a monthly run of the
100,000-report benchmark, 8 of the 38 tasks held their slot about 1 s after their work had ended
(benchmarks/pipeline.py).

Here a supervisor whose sockets are all closed waits on the process itself: a pidfd (Linux), readable when the
process exits, which does not reap it. Airflow's own check that follows reaps it and logs its exit code as before.
Where pidfds are missing, nothing changes.

`install()` patches the supervisor class in this process; the executors' workers that fork from it inherit the
patch (`nianbao.dags_test` for `nianbao run`, `nianbao.warm_scheduler` for the scheduler's LocalExecutor).
"""

from __future__ import annotations

import os
import select
from typing import Any


def wait_for_exit(pid: int, timeout: float) -> bool:
    """Whether process ``pid`` exits within ``timeout`` seconds (a zombie counts), without reaping it.

    False too when the process cannot be watched (no pidfd here, or no such process): the caller then waits as
    it would have."""
    try:
        fd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        return False
    try:
        ready, _, _ = select.select([fd], [], [], max(0.0, timeout))
        return bool(ready)
    finally:
        os.close(fd)


def install() -> None:
    """Patch the supervisor's wait in this process (once)."""
    from airflow.sdk.execution_time.supervisor import WatchedSubprocess

    service = WatchedSubprocess._service_subprocess
    if getattr(service, "nianbao_waits_on_exit", False):
        return  # installed already

    def service_subprocess(
        self: Any, max_wait_time: float, raise_on_timeout: bool = False, expect_signal: int | None = None
    ) -> int | None:
        if self._exit_code is None and not self._open_sockets and wait_for_exit(self.pid, max_wait_time):
            max_wait_time = 0  # exited: Airflow's select() has nothing to wait for, its check reaps the process
        return service(self, max_wait_time, raise_on_timeout=raise_on_timeout, expect_signal=expect_signal)

    service_subprocess.nianbao_waits_on_exit = True  # type: ignore[attr-defined]
    WatchedSubprocess._service_subprocess = service_subprocess  # type: ignore[method-assign]
