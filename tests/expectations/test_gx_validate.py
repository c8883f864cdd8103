"""``expectations.validate()`` end to end through GX: suites, stored runs, data docs, IntegrityError, marts.

Each test is one GX run (a few seconds); the rules' fine detail is tested on the SQL in the other modules."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from gx_fixtures import SEED_000, SEED_003, copy_report

from expectations import IntegrityError, catalog, log_summary, recent_runs, validate

N_STAGING_INTEGRITY = sum(1 for r in catalog.staging_rules() if r.suite == catalog.STAGING_INTEGRITY)
N_STAGING_BALANCE = sum(1 for r in catalog.staging_rules() if r.suite == catalog.STAGING_BALANCE)
N_MARTS_INTEGRITY = sum(1 for r in catalog.marts_rules() if r.suite == catalog.MARTS_INTEGRITY)


def test_seed_000_passes_every_rule_runs_are_stored_and_docs_built(wh, tmp_path):
    wh.load(copy_report(SEED_000, year=2019))
    wh.load(SEED_000, derived={("applications", "granted", "total")})
    summary = validate(wh.url, home=tmp_path)

    assert summary.success and not summary.findings and not summary.integrity_failures
    assert summary.suite("staging_integrity").evaluated == N_STAGING_INTEGRITY
    assert summary.suite("staging_balance").evaluated == N_STAGING_BALANCE
    assert summary.suite("marts_integrity").skipped.startswith("marts.mart_report_summary does not exist")
    assert summary.derived_cells == 1  # the filled-in 总计: reported as derived, not as a breach

    stored = wh.query("SELECT suite, success, evaluated, failed, details FROM audit.validation_run ORDER BY suite")
    assert [(s, ok, e, f) for s, ok, e, f, _ in stored] == [
        ("marts_balance", True, 0, 0),
        ("marts_integrity", True, 0, 0),
        ("staging_balance", True, N_STAGING_BALANCE, 0),
        ("staging_integrity", True, N_STAGING_INTEGRITY, 0),
    ]
    details = {s: d for s, *_, d in stored}
    assert details["staging_balance"]["run_id"] == summary.run_id
    assert "does not exist" in details["marts_integrity"]["skipped"]
    assert {r["rule"] for r in details["staging_balance"]["rules"]} >= {"applications.balance", "narrative"}
    last = recent_runs(wh.url)
    assert {r["suite"] for r in last} == set(catalog.SUITES) and {r["run_id"] for r in last} == {summary.run_id}
    assert all(r["failed_rows"] == 0 for r in last)

    # static data docs where `make run` points, with each rule's severity and zh/en explanation
    index = tmp_path / "gx" / "data_docs" / "index.html"
    assert summary.data_docs == index and index.is_file()
    pages = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "gx" / "data_docs").rglob("*.html"))
    rule = next(r for r in catalog.staging_rules() if r.name == "applications.balance")
    assert "[error] applications.balance" in pages and rule.zh in pages
    assert "[warning] narrative" in pages


def test_seed_003_prose_breach_is_a_finding_that_does_not_stop(wh, tmp_path, caplog):
    rid = wh.load(SEED_003)
    summary = validate(wh.url, suites="staging", home=tmp_path, build_docs=False)

    assert not summary.integrity_failures and summary.suite("staging_integrity").success
    assert [(f.rule, f.severity, f.failed_rows) for f in summary.findings] == [("narrative", "warning", 2)]
    rows = summary.finding_rows()
    # expected: the table's figure; actual: what the prose states
    assert [(r["report_id"], r["rule"], r["actual"], r["expected"], r["severity"]) for r in rows] == [
        (rid, "narrative.other", 24, 1, "warning"),
        (rid, "narrative.unavailable", 1, 24, "warning"),
    ]
    assert rows[0]["zh"] and rows[0]["en"]
    with caplog.at_level(logging.INFO):
        text = log_summary(summary)
    assert "narrative.other" in text and "expected=1" in text and "actual=24" in text
    assert "淮北市人民政府办公室" in caplog.text
    assert [r[0] for r in wh.query("SELECT suite FROM audit.validation_run ORDER BY suite")] == [
        "staging_balance",
        "staging_integrity",
    ]


def test_integrity_failure_raises_naming_table_rule_and_rows_and_is_still_stored(wh, tmp_path):
    report = copy_report(SEED_000)
    report["applications"]["granted"]["research"] = -4
    rid = wh.load(report)
    with pytest.raises(IntegrityError) as raised:
        validate(wh.url, home=tmp_path, build_docs=False)
    message = str(raised.value)
    assert "table staging.fact" in message and "staging.fact.non_negative" in message
    assert f"report_id={rid}" in message and "value=-4" in message
    # the same breach is also a balance finding (the row no longer adds up): listed, but it is not what stops
    assert "applications.row_sum" not in message
    assert raised.value.summary.rule("applications.row_sum").success is False
    stored = dict(wh.query("SELECT suite, success FROM audit.validation_run"))
    assert stored["staging_integrity"] is False


def test_marts_every_staged_report_reaches_the_marts_and_every_breach_is_listed(wh, tmp_path):
    kept = wh.load(SEED_003)
    lost = wh.load(copy_report(SEED_000, year=2019))
    wh.build_marts(lose=[lost])
    with pytest.raises(IntegrityError) as raised:
        validate(wh.url, suites="marts", home=tmp_path, build_docs=False)
    message = str(raised.value)
    assert "table marts.mart_report_summary" in message and "marts.every_report_reaches_marts" in message
    assert f"report_id={lost}" in message and f"report_id={kept}" not in message

    # dbt rebuilt, but one of the prose breaches is missing from fct_rule_findings and the report shows as passing
    this_year = wh.load(SEED_000)
    wh.execute("DROP TABLE marts.mart_report_summary, marts.fct_rule_findings")
    wh.execute("DROP SCHEMA marts_intermediate CASCADE")
    wh.build_marts(passes=True, drop=[(kept, "narrative.other")], cross_year=[(this_year, "cross_year.in_force.rules")])
    with pytest.raises(IntegrityError) as raised:
        validate(wh.url, suites="marts", home=tmp_path, build_docs=False)
    summary = raised.value.summary
    failures = {
        r.rule: sorted((x["report_id"], x.get("rule") or x["rules"]) for x in r.examples)
        for r in summary.integrity_failures
    }
    assert failures == {
        "marts.breach_listed": [(str(kept), "narrative.other")],
        "marts.breach_not_hidden": [
            (str(kept), "narrative.unavailable"),
            (str(this_year), "cross_year.in_force.rules"),
        ],
    }

    # dbt rebuilt right: the cross-report breach dbt found is a (warning) finding, the run does not stop
    wh.execute("DROP TABLE marts.mart_report_summary, marts.fct_rule_findings")
    wh.execute("DROP SCHEMA marts_intermediate CASCADE")
    wh.build_marts(cross_year=[(this_year, "cross_year.in_force.rules")])
    summary = validate(wh.url, suites="marts", home=tmp_path, build_docs=False)
    assert summary.suite("marts_integrity").success
    assert summary.suite("marts_integrity").evaluated == N_MARTS_INTEGRITY
    assert [(f.rule, f.severity, [(r["report_id"], r["rule"]) for r in f.examples]) for f in summary.findings] == [
        ("cross_year", "warning", [(str(this_year), "cross_year.in_force.rules")])
    ]


@pytest.mark.skipif(not Path("/var/run/postgresql/.s.PGSQL.5432").exists(), reason="no local socket")
def test_socket_url_like_the_embedded_warehouse(wh, tmp_path):
    dbname = wh.url.rsplit("/", 1)[1]
    wh.load(SEED_000)
    summary = validate(
        f"postgresql://postgres@/{dbname}?host=/var/run/postgresql",
        suites="staging_balance",
        home=tmp_path,
        build_docs=False,
    )
    assert summary.success and summary.suite("staging_balance").evaluated == N_STAGING_BALANCE


def test_missing_staging_tables_are_an_integrity_failure(pg_admin_url, tmp_path):
    import uuid

    import psycopg

    name = f"nianbao_gx_empty_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        with pytest.raises(IntegrityError, match=r"staging.tables_exist.*\n.*missing_table=staging.report"):
            validate(f"postgresql://postgres@127.0.0.1:5432/{name}", home=tmp_path, build_docs=False)
    finally:
        with psycopg.connect(pg_admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_summary_as_dict_is_json_for_xcom(wh, tmp_path):
    import json

    wh.load(SEED_003)
    summary = validate(wh.url, suites=["staging_balance"], home=tmp_path, log_results=False)
    data = json.loads(json.dumps(summary.as_dict()))
    assert data["integrity_ok"] is True and data["findings"] == 2
    assert data["suites"][0]["failed_rules"][0]["examples"][0]["rule"] == "narrative.other"
    assert summary.model_dump() == summary.as_dict()
    page = (tmp_path / "gx" / "data_docs" / "findings.html").read_text(encoding="utf-8")
    assert "narrative.unavailable" in page and "淮北市人民政府办公室" in page
    assert "findings.html" in (tmp_path / "gx" / "data_docs" / "index.html").read_text(encoding="utf-8")


def test_no_password_is_written_to_the_gx_folder(wh, tmp_path):
    wh.load(SEED_000)
    url = wh.url.replace("postgres@", "postgres:not-a-real-secret@")  # trust auth ignores the password
    summary = validate(url, suites="staging_balance", home=tmp_path, build_docs=False, log_results=False)
    assert summary.success and summary.suite("staging_balance").evaluated == N_STAGING_BALANCE
    for path in (tmp_path / "gx").rglob("*"):
        if path.is_file() and path.suffix in (".yml", ".json"):
            assert "not-a-real-secret" not in path.read_text(encoding="utf-8"), path
