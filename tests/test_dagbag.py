"""The DAG imports cleanly, with the expected tasks and schedules (Airflow's DagBag import test)."""

from __future__ import annotations

import time

import pytest

from nianbao import airflow_local
from nianbao.paths import DAGS_DIR, DBT_MANIFEST


@pytest.fixture(scope="module")
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS_DIR))


def test_no_import_errors(dagbag):
    assert dagbag.import_errors == {}
    assert "nianbao_harvest" in dagbag.dags


def test_pipeline_order(dagbag):
    dag = dagbag.dags["nianbao_harvest"]
    ids = set(dag.task_ids)
    for expected in ("prepare_warehouse", "choose_portals", "crawl_portal", "parse_and_load", "validate", "summarize"):
        assert expected in ids
    assert dag.get_task("parse_and_load").upstream_task_ids == {"crawl_portal"}
    # crawl → parse/load → plan the dbt build → dbt → record the build → validate
    assert dag.get_task("crawl_portal").upstream_task_ids == {"choose_portals"}
    if "plan_dbt_build" in ids:
        assert dag.get_task("plan_dbt_build").upstream_task_ids == {"parse_and_load"}
        record_upstream = dag.get_task("record_dbt_build").upstream_task_ids - {"plan_dbt_build"}
        assert record_upstream and all(t.startswith("dbt.") for t in record_upstream)
        assert dag.get_task("validate").upstream_task_ids == {"record_dbt_build"}
    else:  # no manifest: the whole project in one task
        assert dag.get_task("validate").upstream_task_ids == {"dbt_build"}


@pytest.mark.skipif(not DBT_MANIFEST.exists(), reason="no dbt manifest: run `nianbao dbt-parse` (make setup does)")
def test_one_task_per_dbt_model(dagbag):
    import json

    dag = dagbag.dags["nianbao_harvest"]
    models = [
        n
        for n in json.loads(DBT_MANIFEST.read_text())["nodes"].values()
        if n["resource_type"] == "model" and n["package_name"] == "nianbao"
    ]
    dbt_tasks = [t for t in dag.task_ids if t.startswith("dbt.")]
    assert "dbt.mart_report_summary_build" in dbt_tasks or any("mart_report_summary" in t for t in dbt_tasks)
    assert len(dbt_tasks) >= len([m for m in models if m["config"]["materialized"] != "ephemeral"])


def test_schedules_yearly_after_deadline_and_monthly(dagbag):
    from airflow.sdk import MultipleCronTriggerTimetable

    dag = dagbag.dags["nianbao_harvest"]
    assert isinstance(dag.timetable, MultipleCronTriggerTimetable)
    expressions = {t.expression for t in dag.timetable.timetables}
    assert expressions == {"0 2 1 4 *", "0 2 15 * *"}  # yearly after the 31 March deadline, and monthly
    assert dag.catchup is False and dag.max_active_runs == 1
    assert set(dag.params.keys()) >= {"portals", "years", "throttle", "full_refresh"}


def test_dag_parses_fast_without_side_effects(tmp_path, monkeypatch):
    """No heavy work at import: parsing the DAG file must not start a database or touch the network."""
    from airflow.dag_processing.dagbag import DagBag

    monkeypatch.setenv("NIANBAO_HOME", str(tmp_path / "untouched"))
    started = time.perf_counter()
    bag = DagBag(dag_folder=str(DAGS_DIR))
    elapsed = time.perf_counter() - started
    assert bag.import_errors == {}
    assert not (tmp_path / "untouched").exists(), "parsing the DAG created the data directory"
    assert elapsed < 30, f"parsing took {elapsed:.1f}s"


def test_airflow_metadata_is_not_the_warehouse():
    import os

    airflow_local.configure()
    conn = os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
    assert conn.startswith("sqlite:///") and "nianbao" not in conn.split("/")[-1]
