"""`python -m nianbao.dags_test`: `airflow dags test --use-executor` whose loop wakes when its executor has a result.

What the patch relies on is checked in the installed Airflow (so an upgrade that moves it fails here, not as a slow
run), and its behaviour with Airflow's real LocalExecutor and a real multiprocessing result queue.
"""

from __future__ import annotations

import inspect
import multiprocessing
import sys
import threading
import time

import pytest

pytest.importorskip("airflow")

from nianbao import dags_test


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


def test_the_loop_wakes_at_a_result_or_a_free_slot_and_other_sleeps_are_left_alone():
    from airflow.executors.local_executor import LocalExecutor

    executor = LocalExecutor(parallelism=2)
    executor.result_queue = multiprocessing.SimpleQueue()  # as LocalExecutor.start() makes it
    sleep = dags_test.waking_sleep(time.sleep, _loop.__code__)

    # nothing happens: the loop naps its full second, as Airflow's would
    assert 0.9 <= _timed(lambda: _loop(executor, sleep)) < 2
    # a task finishes meanwhile: the loop wakes then, not at the second's end
    threading.Timer(0.2, executor.result_queue.put, args=(("key", "success", None),)).start()
    assert _timed(lambda: _loop(executor, sleep)) < 0.8
    executor.result_queue.get()
    # a task waits for a slot that the last result freed: the loop turns again at once
    executor.queued_tasks["waiting"] = object()
    assert _timed(lambda: _loop(executor, sleep)) < 0.5
    # any other sleep of the process is the original one
    assert 0.9 <= _timed(lambda: sleep(1)) < 2
    assert 0.25 <= _timed(lambda: _loop(executor, sleep, 0.3)) < 1


def test_the_command_is_airflows_dags_test():
    """The command itself runs: tests/test_dagbag.py (Airflow's launchers of nianbao)."""
    from nianbao.airflow_local import dags_test_command

    command = dags_test_command("nianbao_harvest", "2026-01-01T00:00:00+00:00", {"portals": []})
    assert command[:3] == [sys.executable, "-m", "nianbao.dags_test"] and "--use-executor" in command
