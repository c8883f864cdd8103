"""How the DAG's dbt step uses cosmos's watcher mode: one `dbt build` (the producer task) and a task per dbt model
reporting that model's outcome from it. Two settings of cosmos, each for a cost measured here
(benchmarks/dag_dbt_step.py, benchmarks/make_run.py); `tune()` applies them before the task group is rendered, in
every process that builds the DAG (the DAG file calls it).
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)


def tune() -> None:
    import cosmos.settings

    # cosmos's producer would otherwise rewrite an Airflow Variable holding every status it has pushed so far at
    # each dbt node (a backup for a producer killed without its failure callback): quadratic in the nodes, and dbt's
    # threads wait on it. Without it, such a killed build's models are run again one by one on retry; a build that
    # fails normally still leaves its statuses for the retry (cosmos writes them once, from its failure callback).
    cosmos.settings.enable_watcher_reliable_retry = False
    _finish_nodes_left_out_of_the_build()


def _finish_nodes_left_out_of_the_build() -> None:
    """A node's task whose node the finished build did not report on succeeds at once, without deferring.

    The DAG has a task for every model of the manifest, while a monthly build leaves out what new reports cannot
    change (the label dimensions made from seeds only, views: `dbt/selectors.yml`). Every
    node task starts after the producer has finished (the DAG wires them so), so such a task's first look finds
    the producer done and no status. cosmos then defers the task to the triggerer, whose trigger concludes at its
    first poll what is already known here — "success, node not run" — and the task resumes in a new process: a
    round trip through the triggerer (35–42 s stalls under `airflow dags test`) and a second task start for each
    such model, about 10 of them in a monthly run. Here the task concludes the same at once. Any other case (no
    status while the producer failed, was skipped or still runs; a retry) is cosmos's own handling, unchanged.
    """
    from cosmos.operators._watcher.base import BaseConsumerSensor
    from cosmos.operators._watcher.state import ProducerTaskState

    cosmos_handles = BaseConsumerSensor._handle_no_dbt_node_status
    if getattr(cosmos_handles, "nianbao_finishes_nodes_not_run", False):
        return  # applied already in this process

    def handle_no_dbt_node_status(self: Any, producer_task_state: str | None, try_number: int, context: Any) -> bool:
        if producer_task_state == ProducerTaskState.SUCCESS:
            log.info(
                "%s '%s' was not run by this build (its producer %s succeeded without reporting it): done",
                self._resource_label,
                self.model_unique_id,
                self.producer_task_id,
            )
            return True
        return cosmos_handles(self, producer_task_state, try_number, context)

    handle_no_dbt_node_status.nianbao_finishes_nodes_not_run = True  # type: ignore[attr-defined]
    BaseConsumerSensor._handle_no_dbt_node_status = handle_no_dbt_node_status  # type: ignore[method-assign]
