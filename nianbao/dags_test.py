"""`airflow dags test --use-executor`, its loop woken by the executor when a task finishes.

`nianbao run` (and the pipeline benchmark) run the DAG with `airflow dags test --use-executor`: Airflow's own
loop decides what runs next and hands each task to the LocalExecutor. When nothing new can be scheduled while tasks
still run, that loop sleeps a fixed second, and the executor hears of finished tasks (and frees their slots) only
when the loop next wakes. A task of a tenth of a second then holds its slot for about a second: the ~66 dbt node
tasks, which only read the build's outcome, took 24 s at two slots. Here that sleep ends as soon as the executor has
a result to read (at the latest after the same second), and the slot that result frees goes to the next task
then, not at the loop's next turns. The executor hands a task to its workers only when one is free
(`nianbao.executor_slots`), so the DAG's priorities decide which.

    python -m nianbao.dags_test DAG_ID LOGICAL_DATE [airflow dags test's options]
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

LOOP_SLEEP_S = 1  # what Airflow's dags-test loop sleeps when it has nothing to schedule


def _dag_test_code():
    from airflow.sdk.definitions.dag import DAG

    return DAG.test.__code__


def hand_out_free_slots(executor) -> None:
    """What the loop's heartbeat does (``BaseExecutor.heartbeat``: start queued tasks, then read results), results
    first: a slot a finished task frees goes to the queued task of highest priority now. The loop itself hands it
    out only at its turn after the next (this turn starts tasks before it reads the result): in a monthly run of the
    100,000-report benchmark the 24 dbt model tasks, ~0.13 s each, waited 0.05–0.22 s for a slot (0.04–0.12 s now).
    The results read here are the loop's to process at its next turn, as ever (the executor's event buffer)."""
    executor.sync()
    executor.trigger_tasks(executor.parallelism - len(executor.running))


def waking_sleep(sleep: Callable[[float], None], loop_code) -> Callable[[float], None]:
    """``sleep``, except in the dags-test loop (code object ``loop_code``): there it hands out the executor's free
    slots (its local ``executor``: ``hand_out_free_slots``), then waits for the executor's next result, at most as
    long as asked, and hands out the slot that result freed."""

    def patched(seconds: float) -> None:
        caller = sys._getframe(1)
        if seconds == LOOP_SLEEP_S and caller.f_code is loop_code:
            executor = caller.f_locals.get("executor")
            reader = getattr(getattr(executor, "result_queue", None), "_reader", None)  # a multiprocessing pipe
            if reader is not None:
                hand_out_free_slots(executor)
                if reader.poll(seconds):
                    hand_out_free_slots(executor)
                return
        sleep(seconds)

    return patched


def install() -> None:
    """Patch `time.sleep` in this process (the `airflow dags test` command's own), the task supervisor its
    executor's workers fork with (`nianbao.task_supervisor`), and the executor's count of its running tasks
    (`nianbao.executor_slots`)."""
    from nianbao import executor_slots, task_supervisor

    time.sleep = waking_sleep(time.sleep, _dag_test_code())
    task_supervisor.install()
    executor_slots.install()


def main() -> None:
    install()
    from airflow.__main__ import main as airflow

    sys.argv = ["airflow", "dags", "test", *sys.argv[1:]]
    airflow()


if __name__ == "__main__":
    main()
