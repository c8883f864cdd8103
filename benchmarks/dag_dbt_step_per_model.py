"""For benchmarks/dag_dbt_step.py --per-model: the DAG's dbt step as it was before cosmos's watcher mode (LOCAL: each
task runs `dbt build --select <model>` itself), with the DAG's plan, profile mapping and manifest."""

from __future__ import annotations

from airflow.sdk import DAG, chain, task
from cosmos import DbtTaskGroup, ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
from cosmos.constants import InvocationMode, LoadMode, TestBehavior

from nianbao import dbt_builds, steps
from nianbao.paths import DBT_MANIFEST, DBT_PROJECT_DIR

PLANNED = "{{ ti.xcom_pull(task_ids='plan_dbt_build')['%s'] }}"

with DAG("nianbao_dbt_step_per_model", schedule=None, params={"full_refresh": True}):

    @task
    def plan_dbt_build() -> dict:
        return steps.plan_dbt_build(full_refresh=True).as_dict()

    @task
    def record_dbt_build(plan: dict) -> None:
        steps.record_dbt_build(dbt_builds.BuildPlan.from_dict(plan))

    plan = plan_dbt_build()
    models = DbtTaskGroup(
        group_id="dbt",
        project_config=ProjectConfig(DBT_PROJECT_DIR, manifest_path=DBT_MANIFEST, install_dbt_deps=False),
        profile_config=ProfileConfig(
            profile_name=dbt_builds.PROFILE_NAME,
            target_name=dbt_builds.TARGET_NAME,
            profile_mapping=dbt_builds.cosmos_profile_mapping(steps.WAREHOUSE_CONN_ID),
        ),
        execution_config=ExecutionConfig(invocation_mode=InvocationMode.DBT_RUNNER),
        render_config=RenderConfig(
            load_method=LoadMode.DBT_MANIFEST,
            test_behavior=TestBehavior.BUILD,
            should_detach_multiple_parents_tests=True,
        ),
        operator_args={"full_refresh": PLANNED % "full_refresh", "dbt_cmd_flags": ["--vars", PLANNED % "vars"]},
    )
    chain(plan, models, record_dbt_build(plan))
