"""Which dbt build a run gets (nianbao.dbt_builds): incremental only while the marts were built by the same
dbt project and parser version; from scratch otherwise, or when asked."""

from __future__ import annotations

import dataclasses

import psycopg
import pytest

import parsers
from nianbao import dbt_builds


@pytest.fixture
def fresh_log(db_url):
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("truncate audit.dbt_build")
    return db_url


def test_nothing_built_yet_means_a_full_build(fresh_log):
    plan = dbt_builds.plan_build(fresh_log)
    assert plan.mode == "full" and "--full-refresh" in plan.dbt_args
    assert "no build" in plan.reason


def test_the_next_run_of_the_same_code_is_incremental(fresh_log):
    dbt_builds.record_build(fresh_log, dbt_builds.plan_build(fresh_log))
    plan = dbt_builds.plan_build(fresh_log)
    assert plan.mode == "incremental"
    assert plan.dbt_args == dbt_builds.INCREMENTAL_BUILD_ARGS
    assert "--full-refresh" not in plan.dbt_args and plan.selector == "monthly"
    assert dbt_builds.plan_build(fresh_log, full_refresh=True).mode == "full"  # asked for


def test_changed_dbt_project_or_parser_means_a_full_build(fresh_log):
    current = dbt_builds.plan_build(fresh_log)
    dbt_builds.record_build(fresh_log, dataclasses.replace(current, project_fingerprint="an older project"))
    plan = dbt_builds.plan_build(fresh_log)
    assert plan.mode == "full" and "dbt project changed" in plan.reason

    dbt_builds.record_build(fresh_log, dataclasses.replace(current, parser_version="0.0.1"))
    plan = dbt_builds.plan_build(fresh_log)
    assert plan.mode == "full" and parsers.PARSER_VERSION in plan.reason

    dbt_builds.record_build(fresh_log, plan)  # the full build succeeded: incremental again
    assert dbt_builds.plan_build(fresh_log).mode == "incremental"


def test_fingerprint_covers_what_dbt_reads(tmp_path, monkeypatch):
    project = tmp_path / "dbt"
    for name in ("models/a.sql", "macros/m.sql", "seeds/s.csv", "tests/t.sql"):
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text("x")
    (project / "dbt_project.yml").write_text("name: x")
    monkeypatch.setattr(dbt_builds, "DBT_PROJECT_DIR", project)
    before = dbt_builds.project_fingerprint()
    (project / "target").mkdir()
    (project / "target" / "manifest.json").write_text("{}")  # dbt's output is not an input
    assert dbt_builds.project_fingerprint() == before
    (project / "seeds" / "s.csv").write_text("y")  # an edited seed is
    assert dbt_builds.project_fingerprint() != before
