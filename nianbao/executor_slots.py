"""The LocalExecutor hands a task to its workers only when one is free, so the DAG's priorities decide what runs next.

Airflow's executors start the queued tasks with the highest ``priority_weight`` first, up to their free slots
(``BaseExecutor.trigger_tasks``: parallelism less the tasks in ``running``). The LocalExecutor of Airflow 3 never
adds a task it hands out to ``running``, so its slots always look free: every heartbeat hands out more, and the
workers take them first in, first out from the executor's queue. In a monthly run of the 100,000-report benchmark,
`summarize` (priority 100, then the run's last task) waited 0.9 s behind six dbt model tasks (priority 2) that had been
handed out before it was ready (benchmarks/pipeline.py).

Here a task handed to the workers counts in ``running`` until its result is read (``change_state`` removes it, as
for every executor), as it did in Airflow 2. `install()` patches the class in this process: `nianbao.dags_test`
(`nianbao run`) installs it before its executor starts; the scheduler (`nianbao.warm_scheduler`) is left as it was.
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
        hand_out(self, workload_list)
        self.running.update(w.key for w in workload_list if isinstance(w, ExecuteTask))

    process_workloads.nianbao_counts_running = True  # type: ignore[attr-defined]
    LocalExecutor._process_workloads = process_workloads  # type: ignore[method-assign]
