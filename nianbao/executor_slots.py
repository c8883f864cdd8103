"""The LocalExecutor hands a task to its workers only when one is free, so the DAG's priorities decide what runs next.

Airflow's executors start the queued tasks with the highest ``priority_weight`` first, up to their free slots
(``BaseExecutor.trigger_tasks``: parallelism less the tasks in ``running``). The LocalExecutor of Airflow 3 never
adds a task it hands out to ``running``, so its slots always look free: every heartbeat hands out more, and the
workers take them first in, first out from the executor's queue. In a monthly run of the 100,000-report benchmark,
`summarize` (priority 100, then the run's last task) waited 0.9 s behind six dbt model tasks (priority 2) that had been
handed out before it was ready (benchmarks/pipeline.py).

Here a task handed to the workers counts in ``running`` until its result is read (``change_state`` removes it, as
for every executor), as it did in Airflow 2. `install()` patches the class in this process: `nianbao.dags_test`
(`nianbao run`) and the scheduler (`nianbao.warm_scheduler`) install it before their executor starts.

A task waiting for a slot keeps its workload's token from then on, and Airflow makes that token valid for
``[scheduler] task_queued_timeout`` (600 s) from the moment the task is queued; the execution API refuses an expired
one ("Signature has expired") and the task never starts. `airflow dags test` queues every task that is ready at once:
in the 100,000-report benchmark on a slow machine the last parse batches waited more than 600 s, and both slots sat
idle 108 s. So a task is given a new token when it is handed to a worker, valid from then. The scheduler, seeing the
slots counted, queues a task only when a slot is free (its ``slots_available``), so its tokens are new anyway.
"""

from __future__ import annotations

from typing import Any


def install() -> None:
    """Count the task workloads the LocalExecutor puts on its workers' queue as running (once per process)."""
    from airflow.executors.local_executor import LocalExecutor
    from airflow.executors.workloads import ExecuteTask

    hand_out = LocalExecutor._process_workloads
    if getattr(hand_out, "nianbao_counts_running", False):
        return  # installed already

    def process_workloads(self: Any, workload_list: Any) -> None:
        tasks = [w for w in workload_list if isinstance(w, ExecuteTask)]
        for task in tasks:  # a token valid from now, not from when the task was queued
            task.token = task.generate_token(str(task.ti.id), self.jwt_generator)
        hand_out(self, workload_list)
        self.running.update(task.key for task in tasks)

    process_workloads.nianbao_counts_running = True  # type: ignore[attr-defined]
    LocalExecutor._process_workloads = process_workloads  # type: ignore[method-assign]
