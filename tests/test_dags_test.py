"""`python -m nianbao.dags_test`: `airflow dags test --use-executor` whose loop wakes when its executor has a result.

What the patch relies on is checked in the installed Airflow (so an upgrade that moves it fails here, not as a slow
run), and its behaviour with Airflow's real LocalExecutor and its workers (tests/local_executor_stand_in.py).
"""

from __future__ import annotations

import inspect
import sys
import time

import pytest

pytest.importorskip("airflow")

from nianbao import dags_test
from tests.local_executor_stand_in import drain, local_executor, workload


def test_what_the_patch_relies_on_is_in_the_installed_airflow():
    from airflow.executors.base_executor import BaseExecutor
    from airflow.executors.local_executor import LocalExecutor
    from airflow.sdk.definitions.dag import DAG

    loop = inspect.getsource(DAG.test)
    assert f"time.sleep({dags_test.LOOP_SLEEP_S})" in loop  # the loop's nap when nothing can be scheduled
    assert "executor = ExecutorLoader.get_default_executor()" in loop  # its executor, a local of the loop
    assert "result_queue = SimpleQueue()" in inspect.getsource(LocalExecutor.start)
    heartbeat = inspect.getsource(BaseExecutor.heartbeat)
    assert heartbeat.index("self.trigger_tasks(") < heartbeat.index("self.sync()")  # starts, then reads results


def _loop(executor, sleep, seconds=dags_test.LOOP_SLEEP_S):
    """Stands in for the dags-test loop's frame: its own code object, a local named ``executor``."""
    sleep(seconds)


def _timed(call) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def test_the_loop_wakes_at_a_result_and_the_freed_slot_goes_on_at_once(monkeypatch):
    """The nap ends when a task reports, and the slot it frees goes to the queued task of highest priority before
    the loop's next turn; a task queued for a free slot is handed out as the nap begins."""
    with local_executor(monkeypatch, {"first": 0.5}) as (executor, ran):
        sleep = dags_test.waking_sleep(time.sleep, _loop.__code__)
        # nothing happens: the loop naps its full second, as Airflow's would
        assert 0.9 <= _timed(lambda: _loop(executor, sleep)) < 2
        executor.queue_workload(workload("first"), session=None)
        executor.heartbeat()  # the one worker takes it
        executor.queue_workload(workload("next", priority=2), session=None)
        executor.heartbeat()  # no free slot: it waits
        # "first" reports meanwhile: the nap ends then, and "next" has its slot already
        assert _timed(lambda: _loop(executor, sleep)) < 0.9
        assert [key.task_id for key in executor.running] == ["next"] and not executor.queued_tasks
        drain(executor, 2)
        executor.queue_workload(workload("last"), session=None)  # a free slot: handed out as the nap begins
        assert _timed(lambda: _loop(executor, sleep)) < 0.9
        drain(executor, 3)
        assert [ran.get() for _ in range(3)] == ["first", "next", "last"]
    # any other sleep of the process is the original one
    assert 0.9 <= _timed(lambda: sleep(1)) < 2
    assert 0.25 <= _timed(lambda: _loop(executor, sleep, 0.3)) < 1


def test_the_command_is_airflows_dags_test():
    """The command itself runs: tests/test_dagbag.py (Airflow's launchers of nianbao)."""
    from nianbao.airflow_local import dags_test_command

    command = dags_test_command("nianbao_harvest", "2026-01-01T00:00:00+00:00", {"portals": []})
    assert command[:3] == [sys.executable, "-m", "nianbao.dags_test"] and "--use-executor" in command
