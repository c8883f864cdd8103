"""`nianbao.task_supervisor`: Airflow's task supervisor sees its task process exit without sleeping its interval.

Checked on Airflow's real supervisor class (`WatchedSubprocess`) watching a real child process that has closed its
sockets and exits a moment later, the case whose wait the patch removes.
"""

from __future__ import annotations

import inspect
import os
import socket
import subprocess
import sys
import time
import uuid

import pytest

pytest.importorskip("airflow")

from nianbao import task_supervisor

LONG_WAIT_S = 60.0  # what the unpatched supervisor would sleep here; the patched one returns at the exit


def test_what_the_patch_relies_on_is_in_the_installed_airflow():
    from airflow.sdk.execution_time.supervisor import ActivitySubprocess, WatchedSubprocess

    monitor = inspect.getsource(ActivitySubprocess._monitor_subprocess)  # a task's supervisor (and its wait)
    assert "while self._exit_code is None or self._open_sockets:" in monitor
    assert "self._service_subprocess(max_wait_time=max_wait_time)" in monitor
    service = inspect.getsource(WatchedSubprocess._service_subprocess)
    assert "self.selector.select(timeout=timeout)" in service
    assert "return self._check_subprocess_exit(" in service


def _child(seconds: float) -> subprocess.Popen:
    """A process that exits with code 3 after ``seconds`` (its supervisor holds no socket of it)."""
    return subprocess.Popen([sys.executable, "-c", f"import sys, time; time.sleep({seconds}); sys.exit(3)"])


def test_wait_for_exit_sees_the_exit_and_leaves_the_process_to_its_parent():
    child = _child(0.2)
    assert task_supervisor.wait_for_exit(child.pid, LONG_WAIT_S)
    assert child.wait(timeout=5) == 3  # not reaped by the wait: its parent still gets the exit code


def test_wait_for_exit_gives_up_after_its_timeout():
    child = _child(30)
    try:
        assert not task_supervisor.wait_for_exit(child.pid, 0.05)
    finally:
        child.kill()
        child.wait()


def test_wait_for_exit_of_no_such_process_is_false():
    child = _child(0)
    child.wait()  # reaped: the pid names no process of ours
    assert not task_supervisor.wait_for_exit(child.pid, 0.05)


def _supervisor(child: subprocess.Popen):
    import psutil
    import structlog
    from airflow.sdk.execution_time.supervisor import PsutilTracker, WatchedSubprocess

    stdin, other_end = socket.socketpair()
    other_end.close()
    return WatchedSubprocess(
        id=uuid.uuid4(),
        pid=child.pid,
        stdin=stdin,
        process=PsutilTracker(psutil.Process(child.pid)),
        process_log=structlog.get_logger(),
    )


def test_the_supervisor_reports_the_exit_when_it_happens_not_after_its_interval():
    task_supervisor.install()
    task_supervisor.install()  # a second install is a no-op, not a second wrapper
    from airflow.sdk.execution_time.supervisor import WatchedSubprocess

    assert WatchedSubprocess._service_subprocess.nianbao_waits_on_exit
    child = _child(0.3)
    supervisor = _supervisor(child)
    assert not supervisor._open_sockets  # every socket closed: nothing would wake Airflow's select()
    started = time.monotonic()
    assert supervisor._service_subprocess(max_wait_time=LONG_WAIT_S) == 3
    assert time.monotonic() - started < LONG_WAIT_S / 2
    with pytest.raises(ChildProcessError):
        os.waitpid(child.pid, os.WNOHANG)  # Airflow's own check reaped it


def test_a_running_process_still_times_out_as_airflow_says():
    task_supervisor.install()
    import psutil

    child = _child(30)
    try:
        supervisor = _supervisor(child)
        assert supervisor._service_subprocess(max_wait_time=0.05) is None
        with pytest.raises(psutil.TimeoutExpired):
            supervisor._service_subprocess(max_wait_time=0.05, raise_on_timeout=True)
    finally:
        child.kill()
        child.wait()
