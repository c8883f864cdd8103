"""Airflow's real LocalExecutor and its real forked workers (`_run_worker`'s loop), running stand-in workloads: what
a workload runs reports its task id from the worker instead of starting a task process (which would need Airflow's
servers). For the tests of nianbao's changes to how the executor hands out tasks (`nianbao.executor_slots`,
`nianbao.dags_test`)."""

from __future__ import annotations

import multiprocessing
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest


def workload(task_id: str, priority: int = 1):
    """A task workload as the executor gets it (`workloads.ExecuteTask`), for a task that exists nowhere."""
    from airflow.executors import workloads
    from airflow.executors.workloads.task import TaskInstanceDTO

    ti = TaskInstanceDTO(
        id=uuid.uuid4(),
        dag_version_id=uuid.uuid4(),
        task_id=task_id,
        dag_id="stand_in",
        run_id="test",
        try_number=1,
        map_index=-1,
        pool_slots=1,
        priority_weight=priority,
        queue="default",
    )
    return workloads.ExecuteTask(
        ti=ti,
        dag_rel_path=Path("dag.py"),
        token="-",
        bundle_info=workloads.BundleInfo(name="dags-folder"),
        log_path=None,
    )


@contextmanager
def local_executor(monkeypatch, seconds: dict[str, float], parallelism: int = 1):
    """A started LocalExecutor (counting its running tasks: `nianbao.executor_slots`) whose workers run each
    workload for ``seconds[task_id]`` (0 if absent); yields (executor, ran), ``ran`` the queue of task ids in the
    order they finished."""
    from airflow.executors import local_executor as module
    from airflow.executors.base_executor import BaseExecutor

    from nianbao import executor_slots

    if multiprocessing.get_start_method() != "fork":
        pytest.skip("the stand-in workloads reach the workers through fork")
    # the patch is process-wide: restored after the test
    monkeypatch.setattr(module.LocalExecutor, "_process_workloads", module.LocalExecutor._process_workloads)
    ran = multiprocessing.SimpleQueue()

    def run(workload, **_):
        time.sleep(seconds.get(workload.ti.task_id, 0))
        ran.put(workload.ti.task_id)

    monkeypatch.setattr(BaseExecutor, "run_workload", staticmethod(run))
    executor_slots.install()
    executor = module.LocalExecutor(parallelism=parallelism)
    executor.start()
    try:
        yield executor, ran
    finally:
        executor.end()


def drain(executor, count: int, timeout: float = 30) -> None:
    """Heartbeat the executor until ``count`` results are read."""
    deadline = time.monotonic() + timeout
    while len(executor.event_buffer) < count:
        assert time.monotonic() < deadline, "the workers did not report in time"
        executor.heartbeat()
        time.sleep(0.05)
