"""`airflow dags test --use-executor`, its loop woken by the executor when a task finishes.

`nianbao run` (and the pipeline benchmark) run the DAG with `airflow dags test --use-executor`: Airflow's own
loop decides what runs next and hands each task to the LocalExecutor. When nothing new can be scheduled while tasks
still run, that loop sleeps a fixed second, and the executor hears of finished tasks (and frees their slots) only
when the loop next wakes. A task of a tenth of a second then holds its slot for about a second: the ~66 dbt node
tasks, which only read the build's outcome, took 24 s at two slots. Here that sleep ends as soon as the executor has
a result to read (at the latest after the same second), so the next task starts at once; nothing else changes.

    python -m nianbao.dags_test DAG_ID LOGICAL_DATE [airflow dags test's options]
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

LOOP_SLEEP_S = 1  # what Airflow's dags-test loop sleeps when it has nothing to schedule
FREE_SLOT_NAP_S = 0.05


def _dag_test_code():
    from airflow.sdk.definitions.dag import DAG

    return DAG.test.__code__


def waking_sleep(sleep: Callable[[float], None], loop_code) -> Callable[[float], None]:
    """``sleep``, except in the dags-test loop (code object ``loop_code``): there it returns at once when the
    loop's executor (its local ``executor``) has a task waiting and a free slot, else waits for the executor's next
    result, at most as long as asked."""

    def patched(seconds: float) -> None:
        caller = sys._getframe(1)
        if seconds == LOOP_SLEEP_S and caller.f_code is loop_code:
            executor = caller.f_locals.get("executor")
            reader = getattr(getattr(executor, "result_queue", None), "_reader", None)  # a multiprocessing pipe
            if reader is not None:
                # The executor starts tasks before it reads results (BaseExecutor.heartbeat): a slot a result has
                # just freed is taken at the loop's next turn, which must come now (after a nap: should the
                # executor not start that task, the loop turns 20 times a second, not unbounded).
                free = executor.queued_tasks and executor.parallelism - len(executor.running) > 0
                reader.poll(FREE_SLOT_NAP_S if free else seconds)
                return
        sleep(seconds)

    return patched


def install() -> None:
    """Patch `time.sleep` in this process (the `airflow dags test` command's own), and the task supervisor its
    executor's workers fork with (`nianbao.task_supervisor`)."""
    from nianbao import task_supervisor

    time.sleep = waking_sleep(time.sleep, _dag_test_code())
    task_supervisor.install()


def main() -> None:
    install()
    from airflow.__main__ import main as airflow

    sys.argv = ["airflow", "dags", "test", *sys.argv[1:]]
    airflow()


if __name__ == "__main__":
    main()
