"""What the DAG's dbt step costs against one `dbt build` of the same marts (target: ≤ 2x).

    .venv/bin/python benchmarks/dag_dbt_step.py                    # 2,000 synthetic reports
    .venv/bin/python benchmarks/dag_dbt_step.py --reports 100000
    .venv/bin/python benchmarks/dag_dbt_step.py --per-model        # also: a task per model running dbt itself

A throwaway database on the machine's PostgreSQL (--admin-url) is migrated and filled with synthetic staging rows
(benchmarks/dbt_build.py's generator). Then, on that one warehouse, both from scratch (--full-refresh):

- the baseline: `nianbao build`'s step, one `dbt build` (nianbao.steps.dbt_build);
- the figure: the DAG's dbt step — plan_dbt_build, the cosmos task group (one `dbt build` by its producer task, its
  tests included, and a task per model reporting from it) and record_dbt_build — run by `dag.test()` as
  `nianbao run` runs it, timed from the plan's start to the record's end.

--monthly also times a monthly run's step: new reports are added (the next year of existing organs), the baseline
builds incrementally as `nianbao build` does, more new reports are added, and the DAG's dbt step builds them
(the `monthly` selector: the tasks of nodes it leaves out must cost next to nothing).

--per-model adds the mode the DAG used before (cosmos ExecutionMode.LOCAL, one `dbt build --select <model>` per
task: benchmarks/dag_dbt_step_per_model.py), on the same manifest, profile and plan, for the record.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
from psycopg import sql

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))
TARGET_RATIO = 2.0
PER_MODEL_DAG_ID = "nianbao_dbt_step_per_model"


def dbt_step_seconds(dag, conf: dict) -> float:
    """Run the DAG's dbt step alone (dag.test()) and return the wall time from its first task's start to its last
    task's end, printing where it went; fails if any of its tasks did not succeed."""
    step = dag.partial_subset(
        task_ids=["plan_dbt_build", "record_dbt_build", *[t for t in dag.task_ids if t.startswith("dbt.")]],
        include_upstream=False,
        include_downstream=False,
    )
    run = step.test(run_conf=conf)
    tis = run.get_task_instances()
    failed = [ti.task_id for ti in tis if ti.state != "success"]
    if failed:
        sys.exit(f"the DAG's dbt step failed: {failed}")
    seconds = {ti.task_id: (ti.end_date - ti.start_date).total_seconds() for ti in tis}
    producer = next(t for t in seconds if t.endswith("dbt_producer_watcher"))
    others = sorted(s for t, s in seconds.items() if t.startswith("dbt.") and t != producer)
    print(
        f"          plan {seconds['plan_dbt_build']:.1f} s, the producer's `dbt build` {seconds[producer]:.1f} s, "
        f"{len(others)} other dbt tasks {sum(others):.1f} s (each {others[0]:.1f}–{others[-1]:.1f} s, "
        f"median {others[len(others) // 2]:.1f}), record {seconds['record_dbt_build']:.1f} s"
    )
    return (max(ti.end_date for ti in tis) - min(ti.start_date for ti in tis)).total_seconds()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=2_000)
    parser.add_argument("--per-model", action="store_true", help="also time a task per model running dbt itself")
    parser.add_argument("--monthly", action="store_true", help="also time a monthly (incremental) run's step")
    parser.add_argument(
        "--admin-url",
        default=os.environ.get("NIANBAO_TEST_EXTERNAL_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
    )
    args = parser.parse_args()

    os.environ["AIRFLOW_HOME"] = tempfile.mkdtemp(prefix="dag_dbt_step_airflow_")
    # dag.test() runs what Airflow's dags folder holds: the DAG and, for --per-model, the DAG of the mode before
    dags = Path(os.environ["AIRFLOW_HOME"]) / "dags"
    dags.mkdir()
    (dags / "nianbao_harvest.py").symlink_to(REPO / "dags" / "nianbao_harvest.py")
    if args.per_model:
        (dags / "per_model.py").symlink_to(REPO / "benchmarks" / "dag_dbt_step_per_model.py")
    os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(dags)
    from nianbao import airflow_local

    airflow_local.configure()  # before anything imports airflow
    from dbt_build import FIRST_YEAR, YEARS_PER_ORGAN, fill

    from nianbao import steps
    from warehouse.connection import with_database
    from warehouse.migrate import upgrade

    name = f"nianbao_dag_dbt_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(args.admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = with_database(args.admin_url, name)
    os.environ["NIANBAO_DATABASE_URL"] = url
    os.environ.update(steps.warehouse_connection_env(url))
    try:
        upgrade(url)
        documents = fill(url, args.reports, 1, "now() - 60 days")
        print(f"warehouse: {args.reports:,} synthetic reports ({documents:,} documents)")
        airflow_local.migrate_metadata_db()
        from airflow.dag_processing.dagbag import DagBag

        bag = DagBag(dag_folder=str(dags))
        if bag.import_errors:
            sys.exit(f"DAG import errors: {bag.import_errors}")
        dag = bag.dags["nianbao_harvest"]
        dbt_models = sum(1 for t in dag.task_ids if t.startswith("dbt."))
        # dag.test() builds Airflow's execution API in this process at its first task's first request (30 s and
        # more on a busy machine): built before the clock runs, as a whole DAG run has it by its dbt step.
        import httpx
        from airflow.sdk.execution_time.supervisor import in_process_api_server

        httpx.Client(transport=in_process_api_server().transport, base_url="http://in-process").get("/health/ping")

        started = time.perf_counter()
        steps.dbt_build(url=url, full_refresh=True)
        baseline = time.perf_counter() - started
        print(f"baseline: one `dbt build --full-refresh` (nianbao build):  {baseline:7.1f} s")

        figure = dbt_step_seconds(dag, {"full_refresh": True})
        print(f"figure:   the DAG's dbt step ({dbt_models} cosmos tasks, watcher):  {figure:7.1f} s")
        if args.per_model:
            per_model = bag.dags[PER_MODEL_DAG_ID]
            tasks = sum(1 for t in per_model.task_ids if t.startswith("dbt."))
            seconds = dbt_step_seconds(per_model, {"full_refresh": True})
            print(
                f"before:   a task per model running dbt ({tasks} tasks, local):  {seconds:7.1f} s"
                f"  = {seconds / baseline:.2f}x the baseline"
            )
        ratio = figure / baseline
        verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
        print(f"ratio:    {ratio:.2f}x the single build (target ≤ {TARGET_RATIO:g}x: {verdict})")
        if args.monthly:
            organs = range(args.reports // YEARS_PER_ORGAN)
            increment = max(20, args.reports // 100)

            def add_a_year(n: int) -> None:
                first_id = (10 + n) * args.reports + 1
                fill(url, increment, first_id, "now", organs=organs, year=FIRST_YEAR + YEARS_PER_ORGAN + n)

            add_a_year(0)
            started = time.perf_counter()
            mode = steps.dbt_build(url=url)["mode"]
            baseline = time.perf_counter() - started
            print(f"monthly baseline: one `dbt build` ({mode}, {increment} new reports):  {baseline:7.1f} s")
            add_a_year(1)
            figure = dbt_step_seconds(dag, {"full_refresh": False})
            print(f"monthly figure:   the DAG's dbt step ({increment} more new reports):  {figure:7.1f} s")
            ratio = figure / baseline
            verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
            print(f"monthly ratio:    {ratio:.2f}x the single build (target ≤ {TARGET_RATIO:g}x: {verdict})")
    finally:
        with psycopg.connect(args.admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


if __name__ == "__main__":
    main()
