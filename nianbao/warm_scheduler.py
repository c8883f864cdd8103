"""`airflow scheduler`, with the harvest DAG built in its process first.

The LocalExecutor starts its workers by forking the scheduler, and each task runs in a process forked from a
worker; every task process then imports the DAG file again, and cosmos renders its ~70 dbt tasks at each import
(55 s of task time in one run through the scheduler: benchmarks/make_run.py --scheduler). Built here first, the DAG
is in every fork's memory, and `nianbao.dag_cache` hands it to the DAG file's import in the task process, as it
does for the tasks of `airflow dags test` (`nianbao run`). An edited DAG file or a new manifest is a new key there,
so a task never runs a stale DAG.

    python -m nianbao.warm_scheduler [airflow scheduler's options]
"""

from __future__ import annotations

import sys


def main() -> None:
    from airflow.dag_processing.dagbag import DagBag

    from nianbao import executor_slots, task_supervisor
    from nianbao.paths import DAGS_DIR

    task_supervisor.install()  # the LocalExecutor's workers fork from here: their supervisors see a task's exit
    executor_slots.install()  # its running tasks counted: a task is queued (and given its token) when a slot is free
    # a DAG that does not import is the dag-processor's to report: the scheduler starts all the same
    DagBag(dag_folder=str(DAGS_DIR))
    from airflow.__main__ import main as airflow

    sys.argv = ["airflow", "scheduler", *sys.argv[1:]]
    airflow()


if __name__ == "__main__":
    main()
