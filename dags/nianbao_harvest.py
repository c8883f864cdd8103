"""nianbao_harvest: crawl → parse → load → dbt build → Great Expectations, for the chosen portals and years.

Scheduled twice over: yearly on 1 April (governments at county level and above must publish by 31 March)
and monthly on the 15th (late and revised reports keep appearing for months). Every run is incremental:
the crawler sends conditional requests, the loader skips documents already parsed by this parser version,
dbt builds its fact marts incrementally.

This file only wires steps together (Airflow best practice: no heavy work at import). The work lives in
`nianbao.steps`, which the `nianbao` CLI calls too:

- parsing is mapped over batches of the pending documents; each batch claims its documents in the warehouse
  (`warehouse.claims`), so the executor's workers share the work and never parse the same document twice;
- dbt runs the build `steps.plan_dbt_build` plans (the CLI's: a dbt selector, vars, --full-refresh or not) as one
  `dbt build` (cosmos's watcher mode), with one Airflow task per dbt model showing that model's outcome. The tasks
  are rendered from `dbt/target/manifest.json` (made by `make setup` / `nianbao dbt-parse`), never from `dbt ls`
  at parse time; without the manifest the DAG does not import, and says how to make it. dbt reaches the
  warehouse through the Airflow connection `nianbao_warehouse` (`AIRFLOW_CONN_NIANBAO_WAREHOUSE`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import Asset, MultipleCronTriggerTimetable, Param, chain, dag, get_current_context, task

from crawlers.settings import NIANBAO_DEEP_CRAWL_AFTER_DAYS, NIANBAO_REVALIDATE_AFTER_DAYS
from nianbao.dbt_builds import planned_build
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


def _may_start_processes() -> None:
    """Let this task start the parse sandbox's worker processes (parsers.sandbox), which it owns and stops itself.

    Airflow 3 runs a Celery worker's task in a fork of the worker's pool process (billiard): multiprocessing then
    takes the task for a daemonic process, which may have no children, holding an authentication key it refuses to
    pass on. Elsewhere (dag.test(), the LocalExecutor) the task is a plain process and this changes nothing."""
    from multiprocessing import process

    current = process.current_process()
    current._config["daemon"] = False
    current._config["authkey"] = process.AuthenticationString(bytes(current.authkey))


YEARLY_AFTER_DEADLINE = "0 2 1 4 *"  # 1 April, 02:00: the day after the 31 March publication deadline
MONTHLY_LATE_REPORTS = "0 2 15 * *"  # the 15th of every month: late and revised reports


def _dbt_tasks():
    """The dbt step as (plan, record): plan → the planned `dbt build` (the producer) → record; a task per model
    reports that model's outcome once the build is logged, beside what follows the record."""
    from cosmos import DbtTaskGroup, ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
    from cosmos.constants import ExecutionMode, InvocationMode, LoadMode, TestBehavior

    from nianbao import dbt_builds, steps

    if not DBT_MANIFEST.exists():
        raise FileNotFoundError(f"{DBT_MANIFEST} is missing: run `nianbao dbt-parse` (`make setup` does)")

    @task(task_id=dbt_builds.PLAN_TASK_ID)
    def plan_dbt_build() -> dict:
        """Incremental (the `monthly` selector), or from scratch (--full-refresh) when asked or the code changed."""
        from airflow.sdk import BaseHook

        connection = BaseHook.get_connection(steps.WAREHOUSE_CONN_ID)
        steps.check_warehouse_connection(connection.host, connection.port, connection.schema)
        plan = steps.plan_dbt_build(full_refresh=get_current_context()["params"]["full_refresh"])
        print(f"dbt build: {plan.mode} ({plan.reason})")
        return plan.as_dict()

    @task
    def record_dbt_build(plan: dict) -> None:
        """Log the build in audit.dbt_build: the next run knows what the marts were built with."""
        steps.record_dbt_build(dbt_builds.BuildPlan.from_dict(plan))

    def planned(key: str) -> str:  # the DAG's macro dbt_plan: the plan pulled once per task (dbt_builds.planned_build)
        return f"{{{{ dbt_plan(ti)['{key}'] }}}}"

    plan = plan_dbt_build()
    build_flags = [*dbt_builds.BUILD_FLAGS, "--selector", planned("selector"), "--vars", planned("vars")]
    from nianbao import cosmos_watcher

    cosmos_watcher.tune()
    models = DbtTaskGroup(
        group_id="dbt",
        project_config=ProjectConfig(
            dbt_project_path=DBT_PROJECT_DIR,
            manifest_path=DBT_MANIFEST,
            install_dbt_deps=False,
        ),
        profile_config=ProfileConfig(
            profile_name=dbt_builds.PROFILE_NAME,
            target_name=dbt_builds.TARGET_NAME,
            profile_mapping=dbt_builds.cosmos_profile_mapping(steps.WAREHOUSE_CONN_ID),
        ),
        # One `dbt build` of the plan's selection (a producer task, dbt's Python API in the worker process); each
        # model's task reports that model's outcome from it instead of running dbt itself. What this costs against
        # one `dbt build`: benchmarks/dag_dbt_step.py.
        execution_config=ExecutionConfig(
            execution_mode=ExecutionMode.WATCHER,
            invocation_mode=InvocationMode.DBT_RUNNER,
            # The producer's build runs the plan's data and unit tests too: cosmos gives it only the resource
            # types it renders tasks for (models, seeds, snapshots), to which these add the tests.
            setup_operator_args={"dbt_cmd_flags": [*build_flags, *dbt_builds.TESTS_IN_THE_BUILD]},
        ),
        render_config=RenderConfig(
            load_method=LoadMode.DBT_MANIFEST,
            # A task per model. Tests and seeds have none: each task costs ~0.3 s of scheduling at parallelism 2
            # (40 of them were 10 s of every run), and the producer's build runs them all; a failed test fails
            # the producer, whose log names it (and the models after it are skipped, as dbt does).
            test_behavior=TestBehavior.NONE,
            # only what is drawn: the producer's `--selector` decides what is built (dbt ignores --exclude then)
            exclude=["resource_type:seed"],
            # no Airflow asset per dbt model (an asset event at each model's task): downstream DAGs schedule on
            # VALIDATED_MARTS, which `validate` emits once the marts are built and checked
            emit_datasets=False,
        ),
        operator_args={
            # the plan's build, as `nianbao build` runs it (BuildPlan.dbt_flags); a model's task retried after a
            # failed build runs its model with them too
            "dbt_cmd_flags": build_flags,
            "full_refresh": planned("full_refresh"),
        },
    )
    producer = models.children[f"{models.group_id}.dbt_producer_watcher"]
    # The marts are built (and tested) when the producer succeeds: the build is logged then, and validation starts
    # while the model tasks report, instead of after the last of them (~6 s of a monthly run at two slots).
    record = record_dbt_build(plan)
    chain(plan, models)
    chain(producer, record)
    # The models' tasks read the producer's results once it has finished and its build is logged: a task never
    # waits on a build that has not started, in dag.test() as under a scheduler. After the log, not beside it, so
    # that validation and the docs (higher priority) are ready with them and take the first free slots; beside it,
    # the model tasks took the slots while the log ran and validation waited ~1 s for one.
    for root in list(models.get_roots()):
        if root is not producer:
            record >> root
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
        "crawl_shards": Param(
            1,
            type="integer",
            minimum=1,
            maximum=16,
            description="Crawl processes per portal, each fetching its share of the reports (a page opening many "
            "lists gives each list to one of them); unthrottled only: a throttled portal is always one process",
        ),
        "deep_crawl": Param(
            False,
            type="boolean",
            description="Walk every list page to its end; otherwise a list is walked until a page leads to nothing "
            f"new, and to its end once its last such walk is {NIANBAO_DEEP_CRAWL_AFTER_DAYS} days old",
        ),
        "revalidate_after_days": Param(
            NIANBAO_REVALIDATE_AFTER_DAYS,
            type="integer",
            minimum=0,
            description="A known report checked less than this many days ago is not asked again when only pages that "
            "listed it on the last crawl lead to it (links new to a page always are); 0 asks again for every one",
        ),
    },
    tags=["nianbao"],
    doc_md=__doc__,
    user_defined_macros={"dbt_plan": planned_build},
)
def nianbao_harvest():
    @task
    def prepare_warehouse() -> None:
        """Start or reuse the warehouse, migrate it (alembic), ensure the read-only BI role."""
        from nianbao import steps

        steps.prepare_warehouse()

    @task
    def choose_portals() -> list[dict]:
        """Shipped profiles only, by name ([a-z0-9_]+): a bad name fails here, saying why. Each portal is one
        crawl, or ``crawl_shards`` crawls side by side when unthrottled (each its share of the reports)."""
        from crawlers.profiles import check_portal_name, enabled_profiles
        from crawlers.shards import Shard

        params = get_current_context()["params"]
        chosen = params["portals"]
        # by default only the profiles a user has enabled: a shipped real portal is off until checked
        portals = [check_portal_name(p) for p in chosen] if chosen else [p for p in enabled_profiles() if p != "sample"]
        shards = params["crawl_shards"]
        if params["throttle"] and shards > 1:
            print(f"crawl_shards={shards} ignored: a throttled portal is crawled by one process (politeness)")
            shards = 1
        if shards == 1:
            return [{"portal": p, "shard": None} for p in portals]
        return [{"portal": p, "shard": str(s)} for p in portals for s in Shard.all_of(shards)]

    # One subprocess per portal or shard (Scrapy's reactor cannot restart in a process), side by side.
    @task(max_active_tis_per_dagrun=4, outlets=[RAW_DOCUMENTS])
    def crawl_portal(portal: str, shard: str | None) -> dict:
        from nianbao import steps

        params = get_current_context()["params"]
        return steps.crawl(
            portal,
            years=params["years"] or None,
            throttle=params["throttle"],
            revalidate_after_days=params["revalidate_after_days"],
            shard=shard,
            deep=params["deep_crawl"],
        )

    # A portal that could not be crawled must not stop the others' reports from being parsed.
    @task(trigger_rule="all_done")
    def plan_parse() -> list[int]:
        """How many pending documents each parse batch takes (at least one batch, so the step always runs), in full
        rounds of the tasks the executor runs at once."""
        from airflow.configuration import conf

        from nianbao import steps

        return steps.plan_parse_batches(
            years=get_current_context()["params"]["years"] or None, slots=conf.getint("core", "parallelism")
        )

    # Batches run on any worker; each claims its documents, parses them sandboxed and loads them in one transaction.
    @task(outlets=[STAGED_REPORTS])
    def parse_batch(size: int) -> dict:
        from nianbao import steps

        _may_start_processes()
        context = get_current_context()
        ti = context["ti"]
        # the same batch retried takes back its own claims
        claimant = f"{ti.dag_id}/{ti.run_id}/{ti.task_id}/{ti.map_index}"
        return steps.parse_batch(claimant, size, years=context["params"]["years"] or None)

    # Validation is the run's last long step: first to a free slot, before the model tasks that report beside it.
    @task(outlets=[VALIDATED_MARTS], priority_weight=100)
    def validate() -> dict:
        """Great Expectations: integrity failures fail this task; balance-rule breaches are findings."""
        from nianbao import steps

        return steps.validate()

    @task(priority_weight=50)
    def dbt_docs(plan: dict) -> str:
        """dbt's documentation site (static files) for the marts, regenerated after every build (with its vars)."""
        from nianbao import steps

        return str(steps.dbt_docs(build_vars=plan["vars"]))

    # What the built warehouse holds, counted beside the validation (its ~2 s of counts were the run's last step, after
    # it): to the second free slot, before the docs and the model tasks' reports. The validation's outcome is
    # `validate`'s own result.
    @task(priority_weight=90)
    def summarize() -> dict:
        from nianbao import steps

        summary = steps.warehouse_summary(validation=False)
        print("warehouse summary:", summary)
        return summary

    portals = choose_portals()
    crawled = crawl_portal.expand_kwargs(portals)
    batches = plan_parse()
    parsed = parse_batch.expand(size=batches)
    chain(prepare_warehouse(), portals)
    dbt_plan, dbt_built = _dbt_tasks()
    chain(crawled, batches)
    chain(parsed, dbt_plan)
    checked = validate()
    # Once the build is logged: its validation, the warehouse's summary and the docs, beside the model tasks' reports.
    chain(dbt_built, [checked, summarize(), dbt_docs(dbt_plan)])


def _harvest():
    """The DAG, built once per process (`nianbao.dag_cache`): task processes forked by `nianbao run` reuse it."""
    from nianbao.dag_cache import once

    return once(__file__, nianbao_harvest)


harvest = _harvest()  # a module global: a DAG taken from the cache is not registered again by its decorator
