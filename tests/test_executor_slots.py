"""`nianbao.executor_slots`: the LocalExecutor hands a task to its workers only when one is free, so the tasks'
priorities decide what runs next (Airflow's real executor and workers: tests/local_executor_stand_in.py)."""

from __future__ import annotations

import inspect
import time

import pytest

pytest.importorskip("airflow")

from tests.local_executor_stand_in import drain, local_executor, workload


def test_a_free_worker_takes_the_task_of_highest_priority_not_the_first_handed_out(monkeypatch):
    with local_executor(monkeypatch, {"first": 0.5}) as (executor, ran):
        executor.queue_workload(workload("first"), session=None)
        executor.heartbeat()  # the one worker takes it
        for name in ("model_a", "model_b"):
            executor.queue_workload(workload(name, priority=2), session=None)
            executor.heartbeat()  # no free slot: they stay queued (before, each heartbeat handed them out)
        executor.queue_workload(workload("summarize", priority=100), session=None)
        drain(executor, 4)
        order = [ran.get() for _ in range(4)]
        assert not executor.running  # every result read gave its slot back
    assert order[:2] == ["first", "summarize"]


def test_a_task_gets_its_token_when_handed_to_a_worker_not_when_queued(monkeypatch):
    """Airflow makes a workload's token valid for `task_queued_timeout` from when the task is queued: a task that
    waited longer for a slot would be refused by the execution API ("Signature has expired") and never start."""
    import jwt
    from airflow.configuration import conf

    with local_executor(monkeypatch, {"first": 0.5}) as (executor, _ran):
        executor.queue_workload(workload("first"), session=None)
        executor.heartbeat()  # the one worker takes it
        late = workload("late")
        executor.queue_workload(late, session=None)
        executor.heartbeat()  # no free slot: it waits with the token it was queued with
        assert late.token == "-"
        waiting_since = int(time.time())
        drain(executor, 2)
    claims = jwt.decode(late.token, options={"verify_signature": False})
    assert claims["sub"] == str(late.ti.id) and claims["scope"] == "workload"
    assert claims["iat"] >= waiting_since  # made as it was handed out, after the first task's 0.5 s
    assert claims["exp"] - claims["iat"] == conf.getint("scheduler", "task_queued_timeout")


def test_what_the_patch_relies_on_is_in_the_installed_airflow():
    from airflow.executors import local_executor
    from airflow.executors.base_executor import BaseExecutor
    from airflow.executors.workloads import base as workload_base

    heartbeat = inspect.getsource(BaseExecutor.heartbeat)
    assert "open_slots = self.parallelism - len(self.running)" in heartbeat  # the free slots: what `running` counts
    assert "self.running.remove(key)" in inspect.getsource(BaseExecutor.change_state)  # a result frees its slot
    assert "self.activity_queue.put(workload)" in inspect.getsource(local_executor.LocalExecutor._process_workloads)
    # a workload's token: valid for task_queued_timeout from when it is made (remade as the task is handed out)
    assert "task_queued_timeout" in inspect.getsource(workload_base.BaseWorkloadSchema.generate_token)
