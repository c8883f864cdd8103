"""A monthly build's data tests check the reports parsed since the last successful build was planned, and a build
with nothing logged (or a full build) checks every row (dbt/macros/tests_scope.sql, nianbao/dbt_builds.py)."""

from __future__ import annotations

import json

import pytest
import reports as r

from nianbao import dbt_builds

UNIQUE_APPLICATIONS = "unique_combination_fct_applications_report_key__outcome_code__applicant_type_code"


def failures_found(wh, vars_: str, *flags: str) -> int:
    """The failures dbt's uniqueness test of fct_applications finds, with these vars (and `dbt build` flags: the
    selection is the test alone)."""
    result = wh.dbt("build", "--select", UNIQUE_APPLICATIONS, "--vars", vars_, *flags, check=False)
    (node,) = [n for n in result.result.results if n.node.name.startswith("unique_combination_fct_applications")]
    return int(node.failures or 0)


def duplicate_a_row(wh, organ: str) -> None:
    """A duplicated fact row of this organ's report: what the uniqueness test exists to catch."""
    wh.execute(
        "insert into marts.fct_applications select * from marts.fct_applications"
        " where organ_key = (select organ_key from marts.dim_organ where organ_name = %s) limit 1",
        (organ,),
    )


@pytest.fixture(scope="module")
def built(warehouse):
    """A full build of two reports, logged as the pipeline logs it; then a third report parsed after it."""
    r.load(warehouse.url, {"000": r.seed_report("000")})
    plan = dbt_builds.plan_build(warehouse.url)
    warehouse.dbt(*plan.dbt_args)
    dbt_builds.record_build(warehouse.url, plan)
    r.load(warehouse.url, {"new": r.variant(r.seed_report("000"), organ="沭阳县人民政府", scale=2)})
    warehouse.dbt(*dbt_builds.INCREMENTAL_BUILD_ARGS)
    return warehouse


def test_the_plan_is_logged_with_the_warehouse_clock(built):
    (logged,) = built.rows("select planned_at, finished_at from audit.dbt_build")
    assert logged["planned_at"] is not None and logged["planned_at"] <= logged["finished_at"]
    assert dbt_builds.BuildPlan.from_dict(json.loads(json.dumps(dbt_builds.plan_build(built.url).as_dict())))


def test_a_monthly_build_tests_the_new_reports_rows_and_only_those(built):
    monthly, by_hand = dbt_builds.BUILD_VARS, "{}"
    assert failures_found(built, monthly) == 0
    duplicate_a_row(built, "宿迁市人民政府")  # a report the last build built and tested
    assert failures_found(built, monthly) == 0  # not this build's to test again
    assert failures_found(built, by_hand) == 1  # without the variable (dbt by hand), every row
    assert failures_found(built, monthly, "--full-refresh") == 1  # a full refresh tests every row
    duplicate_a_row(built, "沭阳县人民政府")  # the report parsed after the last build was planned
    assert failures_found(built, monthly) == 1


def test_with_no_build_logged_a_monthly_build_tests_every_row(built):
    built.execute("update audit.dbt_build set planned_at = null")  # a build logged before migration 0007
    assert failures_found(built, dbt_builds.BUILD_VARS) == 2
