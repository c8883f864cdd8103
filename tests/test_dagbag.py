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
    for expected in ("prepare_warehouse", "choose_portals", "crawl_portal", "plan_parse", "parse_batch", "summarize"):
        assert expected in ids
    # crawl → plan the parse batches → parse them (mapped) → plan the dbt build → dbt → record the build → validate
    assert dag.get_task("crawl_portal").upstream_task_ids == {"choose_portals"}
    assert dag.get_task("plan_parse").upstream_task_ids == {"crawl_portal"}
    assert dag.get_task("plan_parse").trigger_rule == "all_done"  # a failed portal does not stop the others' parse
    assert dag.get_task("parse_batch").upstream_task_ids == {"plan_parse"}
    assert dag.get_task("plan_dbt_build").upstream_task_ids == {"parse_batch"}
    # the build is logged, and validated, once the producer's build succeeded: beside the model tasks' reports
    assert dag.get_task("record_dbt_build").upstream_task_ids == {"plan_dbt_build", "dbt.dbt_producer_watcher"}
    assert dag.get_task("validate").upstream_task_ids == {"record_dbt_build"}
    # the warehouse's summary and the docs beside the validation (and the model tasks' reports)
    assert dag.get_task("summarize").upstream_task_ids == {"record_dbt_build"}
    assert dag.get_task("dbt_docs").upstream_task_ids == {"record_dbt_build", "plan_dbt_build"}


def test_dbt_runs_the_planned_build_once_with_a_task_per_model(dagbag):
    """One `dbt build` of the plan's selector, vars and --full-refresh (cosmos's watcher producer); every other dbt
    task reports from it, after it."""
    import json

    from nianbao import dbt_builds

    dag = dagbag.dags["nianbao_harvest"]
    producer = dag.get_task("dbt.dbt_producer_watcher")
    assert producer.upstream_task_ids == {"plan_dbt_build"}
    assert producer.dbt_cmd_flags[: len(dbt_builds.BUILD_FLAGS)] == list(dbt_builds.BUILD_FLAGS)
    flags = " ".join(producer.dbt_cmd_flags)
    # the plan pulled once per task (the DAG's macro dbt_plan), not once per field
    assert "--selector {{ dbt_plan(ti)['selector'] }}" in flags
    assert "--vars {{ dbt_plan(ti)['vars'] }}" in flags
    assert producer.full_refresh == "{{ dbt_plan(ti)['full_refresh'] }}"
    assert dag.user_defined_macros["dbt_plan"] is dbt_builds.planned_build
    assert producer.profile_config.profile_mapping.conn_id == "nianbao_warehouse"
    dbt_ids = {t for t in dag.task_ids if t.startswith("dbt.")}
    for task_id in dbt_ids - {producer.task_id, f"{producer.task_id}_done"}:
        # after the build is logged, directly or through another dbt task: validation is ready with the first of them
        upstream = dag.get_task(task_id).upstream_task_ids
        assert upstream & dbt_ids or "record_dbt_build" in upstream, (task_id, upstream)
        assert "record_dbt_build" in {t.task_id for t in dag.get_task(task_id).get_flat_relatives(upstream=True)}
    models = [
        n
        for n in json.loads(DBT_MANIFEST.read_text())["nodes"].values()
        if n["resource_type"] == "model" and n["package_name"] == "nianbao"
    ]
    assert len([t for t in dbt_ids if t.endswith("run")]) == len(models)
    # no task per test or seed: the producer's build runs them (its resource types include the tests)
    assert dbt_ids == {producer.task_id, f"{producer.task_id}_done"} | {t for t in dbt_ids if t.endswith("run")}
    types = [flags.split()[i + 1] for i, f in enumerate(flags.split()) if f == "--resource-type"]
    assert {"test", "unit_test", "model", "seed"} <= set(types)


def test_without_the_manifest_the_dag_does_not_import_and_says_why(tmp_path, monkeypatch):
    """The DAG has one shape: without dbt/target/manifest.json it is an import error naming the command."""
    from airflow.dag_processing.dagbag import DagBag

    from nianbao import paths

    monkeypatch.setattr(paths, "DBT_MANIFEST", tmp_path / "manifest.json")
    bag = DagBag(dag_folder=str(DAGS_DIR))
    assert "nianbao_harvest" not in bag.dags
    (error,) = bag.import_errors.values()
    assert "nianbao dbt-parse" in error


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
    import configparser

    cfg = configparser.ConfigParser(interpolation=None)
    cfg.read(airflow_local.configure() / "airflow.cfg")
    conn = cfg.get("database", "sql_alchemy_conn")
    assert conn.startswith("sqlite:///") and "nianbao" not in conn.split("/")[-1]


def test_parsing_the_dag_again_in_one_process_gives_the_same_task_ids():
    """A task runner parses the DAG file again in its own process: every task of the scheduler's parse must be
    found there."""
    import importlib.util

    def task_ids(name: str) -> list[str]:
        spec = importlib.util.spec_from_file_location(name, DAGS_DIR / "nianbao_harvest.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return sorted(module.nianbao_harvest().task_ids)

    first = task_ids("nianbao_harvest_parse_1")
    assert task_ids("nianbao_harvest_parse_2") == first


def test_a_forked_task_process_takes_the_dag_its_parent_built(tmp_path):
    """`nianbao run`'s task processes are forks of `airflow dags test`: they take the DAG it built instead of
    rendering cosmos's tasks again; a changed DAG file is built anew (nianbao.dag_cache)."""
    import os
    import shutil

    from airflow.dag_processing.dagbag import DagBag

    folder = tmp_path / "dags"
    shutil.copytree(DAGS_DIR, folder)
    parent = DagBag(dag_folder=str(folder)).dags["nianbao_harvest"]
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child reports (same object, rebuilt after an edit) and leaves without pytest's teardown
        same = DagBag(dag_folder=str(folder)).dags["nianbao_harvest"] is parent
        dag_file = folder / "nianbao_harvest.py"
        dag_file.write_text(dag_file.read_text() + "\n# edited\n")
        rebuilt = DagBag(dag_folder=str(folder)).dags["nianbao_harvest"] is not parent
        os.write(write, f"{same} {rebuilt}".encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    assert os.read(read, 100).decode() == "True True"


def test_a_node_task_the_finished_build_did_not_report_on_succeeds_without_deferring(dagbag):
    """A monthly build leaves out views and the label dimensions: their tasks conclude "success, not run" at their
    first look (as cosmos's trigger would after a round trip through the triggerer). No status while the producer
    is still running or failed is cosmos's own handling."""
    dag = dagbag.dags["nianbao_harvest"]
    view, model = (dag.get_task(f"dbt.{name}_run") for name in ("stg_reports", "fct_applications"))
    for sensor in (view, model):
        assert sensor._handle_no_dbt_node_status("success", 1, {}) is True
        sensor.poke_retry_number = 0
        assert sensor._handle_no_dbt_node_status("running", 1, {}) is False  # keeps waiting: cosmos's own


@pytest.mark.parametrize(
    "module, usage, option",
    [
        # `nianbao airflow up` starts the scheduler so: the DAG is built in its process, then Airflow's own
        # `airflow scheduler` runs there (its LocalExecutor forks its workers, and they their task processes, from
        # that process: benchmarks/make_run.py --scheduler shows the parses saved)
        ("nianbao.warm_scheduler", "Usage: airflow scheduler", "--skip-serve-logs"),
        # `nianbao run` runs the DAG so: Airflow's `airflow dags test`, its loop woken by the executor
        ("nianbao.dags_test", "Usage: airflow dags test", "--use-executor"),
    ],
)
def test_nianbaos_airflow_launchers_run_airflows_own_command(module, usage, option):
    import subprocess
    import sys

    from nianbao.airflow_local import REPO_ROOT

    result = subprocess.run(
        [sys.executable, "-m", module, "--help"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert usage in result.stdout and option in result.stdout
