"""nianbao_harvest: crawl → parse → load → dbt build → Great Expectations, for the chosen portals and years.

Scheduled twice over: yearly on 1 April (governments at county level and above must publish by 31 March)
and monthly on the 15th (late and revised reports keep appearing for months). Every run is incremental:
the crawler sends conditional requests, the loader skips documents already parsed by this parser version,
dbt builds its fact marts incrementally.

This file only wires steps together (Airflow best practice: no heavy work at import). The work lives in
`nianbao.steps`, which the `nianbao` CLI calls too. dbt runs as an astronomer-cosmos task group rendered
from `dbt/target/manifest.json` (made by `nianbao dbt-parse` / `make setup`), never from `dbt ls` at parse time.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import Asset, MultipleCronTriggerTimetable, Param, chain, dag, get_current_context, task

from nianbao.paths import DBT_MANIFEST, DBT_PROJECT_DIR

# Data-aware scheduling: downstream DAGs (exports, dashboards refreshes) can be scheduled on these.
RAW_DOCUMENTS = Asset(name="nianbao_raw_documents", uri="nianbao://warehouse/raw/document")
STAGED_REPORTS = Asset(name="nianbao_staged_reports", uri="nianbao://warehouse/staging/report")
VALIDATED_MARTS = Asset(name="nianbao_validated_marts", uri="nianbao://warehouse/marts")


def _task_timeout() -> timedelta | None:
    """$NIANBAO_TASK_TIMEOUT (default 6 h) as Airflow's execution_timeout; None when set to 0 (no limit)."""
    from warehouse.settings import task_timeout

    seconds = task_timeout()
    return timedelta(seconds=seconds) if seconds else None


YEARLY_AFTER_DEADLINE = "0 2 1 4 *"  # 1 April, 02:00: the day after the 31 March publication deadline
MONTHLY_LATE_REPORTS = "0 2 15 * *"  # the 15th of every month: late and revised reports


def _dbt_tasks():
    """The dbt step as (first task, last task): plan → one Airflow task per dbt model (cosmos) → record.

    The plan (nianbao.dbt_builds) says whether the marts build incrementally or from scratch: from scratch
    when asked, and when the dbt project or the parser changed since the last logged build.
    """
    if not DBT_MANIFEST.exists():
        # Without a manifest cosmos would have to run `dbt ls` at every parse; build the project in one task
        # instead (it plans and logs the build itself), and say how to get the per-model view.
        @task(task_id="dbt_build", doc_md="Run `nianbao dbt-parse` to see one task per dbt model here.")
        def dbt_build_all() -> dict:
            from nianbao import steps

            return steps.dbt_build(full_refresh=get_current_context()["params"]["full_refresh"])

        only = dbt_build_all()
        return only, only

    from cosmos import DbtTaskGroup, ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
    from cosmos.constants import InvocationMode, LoadMode, TestBehavior

    from nianbao.steps import export_warehouse_env

    @task
    def plan_dbt_build() -> dict:
        """Incremental, or from scratch (--full-refresh) when asked or when the code changed."""
        from dataclasses import asdict

        from nianbao import dbt_builds, steps

        full_refresh = get_current_context()["params"]["full_refresh"]
        plan = dbt_builds.plan_build(steps.warehouse_url(), full_refresh=full_refresh)
        print(f"dbt build: {plan.mode} ({plan.reason})")
        return {**asdict(plan), "full_refresh": plan.full_refresh}

    @task
    def record_dbt_build(plan: dict) -> None:
        """Log the build in audit.dbt_build: the next run knows what the marts were built with."""
        from nianbao import dbt_builds, steps

        fields = {k: plan[k] for k in ("mode", "reason", "project_fingerprint", "parser_version")}
        dbt_builds.record_build(steps.warehouse_url(), dbt_builds.BuildPlan(**fields))

    plan = plan_dbt_build()
    models = DbtTaskGroup(
        group_id="dbt",
        project_config=ProjectConfig(
            dbt_project_path=DBT_PROJECT_DIR,
            manifest_path=DBT_MANIFEST,
            install_dbt_deps=False,
        ),
        profile_config=ProfileConfig(
            profile_name="nianbao",
            target_name="warehouse",
            profiles_yml_filepath=DBT_PROJECT_DIR / "profiles.yml",
        ),
        # dbt's Python API in the worker process: no interpreter start-up per model
        execution_config=ExecutionConfig(invocation_mode=InvocationMode.DBT_RUNNER),
        render_config=RenderConfig(
            load_method=LoadMode.DBT_MANIFEST,
            # one `dbt build` per model: its run and its tests in one task, half the invocations
            test_behavior=TestBehavior.BUILD,
            # a test on two models (relationships) runs once both are built, as its own task
            should_detach_multiple_parents_tests=True,
        ),
        operator_args={
            # the worker learns where the warehouse is right before dbt runs (embedded or external)
            "on_execute_callback": export_warehouse_env,
            "full_refresh": "{{ ti.xcom_pull(task_ids='plan_dbt_build')['full_refresh'] }}",
        },
    )
    record = record_dbt_build(plan)
    chain(plan, models, record)
    return plan, record


@dag(
    dag_id="nianbao_harvest",
    description="Harvest government information disclosure annual reports into the warehouse",
    schedule=MultipleCronTriggerTimetable(YEARLY_AFTER_DEADLINE, MONTHLY_LATE_REPORTS, timezone="Asia/Shanghai"),
    start_date=datetime(2025, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args={
        "owner": "nianbao",
        "retries": 1,
        "retry_delay": timedelta(minutes=2),
        # Every task, cosmos's dbt tasks included: a silent warehouse or a stuck portal fails the task instead of
        # holding a worker forever. Above the crawl and dbt limits of their own (warehouse/settings.py).
        "execution_timeout": _task_timeout(),
    },
    params={
        "portals": Param(
            [], type="array", description="Profile names (crawlers/profiles/*.yaml); empty = every shipped portal"
        ),
        "years": Param([], type="array", description="Report years to keep; empty = every year found"),
        "throttle": Param(
            True, type="boolean", description="AutoThrottle and delays (turn off only for local portals)"
        ),
        "full_refresh": Param(False, type="boolean", description="Rebuild the incremental dbt marts from scratch"),
    },
    tags=["nianbao"],
    doc_md=__doc__,
)
def nianbao_harvest():
    @task
    def prepare_warehouse() -> None:
        """Start or reuse the warehouse, migrate it (alembic), ensure the read-only BI role."""
        from nianbao import steps

        steps.prepare_warehouse()

    @task
    def choose_portals() -> list[str]:
        """Shipped profiles only, by name ([a-z0-9_]+): a bad name fails here, saying why."""
        from crawlers.profiles import check_portal_name, list_profiles

        chosen = get_current_context()["params"]["portals"]
        return [check_portal_name(p) for p in chosen] if chosen else [p for p in list_profiles() if p != "sample"]

    # One subprocess per portal (Scrapy's reactor cannot restart in a process), portals in parallel.
    @task(max_active_tis_per_dagrun=4, outlets=[RAW_DOCUMENTS])
    def crawl_portal(portal: str) -> dict:
        from nianbao import steps

        params = get_current_context()["params"]
        return steps.crawl(portal, years=params["years"] or None, throttle=params["throttle"])

    # A portal that could not be crawled must not stop the others' reports from being parsed.
    @task(trigger_rule="all_done", outlets=[STAGED_REPORTS])
    def parse_and_load() -> dict:
        from nianbao import steps

        params = get_current_context()["params"]
        return steps.parse_and_load(years=params["years"] or None)

    @task(outlets=[VALIDATED_MARTS])
    def validate() -> dict:
        """Great Expectations: integrity failures fail this task; balance-rule breaches are findings."""
        from nianbao import steps

        return steps.validate()

    @task
    def dbt_docs() -> str:
        """dbt's documentation site (static files) for the marts, regenerated after every build."""
        from nianbao import steps

        return str(steps.dbt_docs())

    @task
    def summarize() -> dict:
        from nianbao import steps

        summary = steps.warehouse_summary()
        print("warehouse summary:", summary)
        return summary

    portals = choose_portals()
    crawled = crawl_portal.expand(portal=portals)
    loaded = parse_and_load()
    chain(prepare_warehouse(), portals)
    dbt_first, dbt_last = _dbt_tasks()
    chain(crawled, loaded, dbt_first)
    chain(dbt_last, [validate(), dbt_docs()], summarize())


nianbao_harvest()
