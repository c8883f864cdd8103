"""Validation reads what is new: the integrity rules that read every fact or check (``Rule.scoped``) read only the
reports loaded (staging) or rebuilt by dbt (marts) since the last run of their suite that passed, and every row
the first time, after a failure, after the rules changed, after a full dbt build (marts) or when asked (``whole``).

The SQL of each scoped rule is tested directly (``breaking(..., since=)``), the choice of the scope through
``scope_for`` on rows of audit.validation_run and audit.dbt_build, and the whole chain through GX runs."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import pytest
import sqlalchemy as sa
from gx_fixtures import SEED_000, SEED_003, breaking, copy_report

from expectations import IntegrityError, catalog, format_summary, validate
from expectations.runner import gx_url, scope_for

STAGING_INTEGRITY_RULES = [r for r in catalog.staging_rules() if r.suite == catalog.STAGING_INTEGRITY]
MARTS_INTEGRITY_RULES = [r for r in catalog.marts_rules() if r.suite == catalog.MARTS_INTEGRITY]


def _parsed_at(wh, report_id: int) -> dt.datetime:
    return wh.query("SELECT parsed_at FROM staging.report WHERE report_id = %s", (report_id,))[0][0]


def _negative(year: int) -> dict:
    report = copy_report(SEED_000, year=year)
    report["applications"]["granted"]["research"] = -4
    return report


def _rebuild_marts(wh, **kwargs) -> None:
    wh.execute("DROP TABLE IF EXISTS marts.mart_report_summary, marts.fct_rule_findings")
    wh.execute("DROP SCHEMA IF EXISTS marts_intermediate CASCADE")
    wh.build_marts(**kwargs)


def _failing(summary) -> dict[str, set]:
    return {r.rule: {str(x["report_id"]) for x in r.examples} for r in summary.integrity_failures}


# --------------------------------------------------------------------------------------------------------------
# the SQL: a scoped rule reads the reports since its time, every report with none


def _plant_negative(wh, rid: int) -> None:
    wh.set_fact(rid, "applications", "granted", "research", -4)


def _plant_unknown_code(wh, rid: int) -> None:
    wh.execute(
        "INSERT INTO staging.fact (report_id, table_name, row_code, col_code, value)"
        " VALUES (%s, 'applications', 'granted_typo', 'total', 1)",
        (rid,),
    )


def _plant_unknown_check(wh, rid: int) -> None:
    wh.execute(
        "INSERT INTO staging.check_result (report_id, rule, ok, severity) VALUES (%s, 'no_such_family.x', false, 'error')",
        (rid,),
    )


@pytest.mark.parametrize(
    "name, plant",
    [
        ("staging.fact.non_negative", _plant_negative),
        ("staging.fact.codes_in_vocabulary", _plant_unknown_code),
        ("staging.findings.valid", _plant_unknown_check),
    ],
)
def test_a_scoped_staging_rule_reads_the_reports_loaded_since(wh, name, plant):
    old = wh.load(copy_report(SEED_000, year=2019))
    new = wh.load(SEED_000)
    for rid in (old, new):
        plant(wh, rid)
    since = _parsed_at(wh, old)
    assert {r["report_id"] for r in breaking(wh, name, since=since)} == {new}
    assert {r["report_id"] for r in breaking(wh, name)} == {old, new}


def test_breach_listed_reads_the_reports_dbt_rebuilt_since(wh):
    # 2020 arrives first; its previous year, 2019, later: dbt then rebuilds 2020 too (its cross-year rules read
    # 2019), so 2020's findings are in the later scope, 2018's are not
    y2018 = wh.load(copy_report(SEED_003, year=2018))
    y2020 = wh.load(SEED_003)
    since = _parsed_at(wh, y2020)
    y2019 = wh.load(copy_report(SEED_003, year=2019))
    _rebuild_marts(wh, drop=[(rid, "narrative.other") for rid in (y2018, y2019, y2020)])

    def not_listed(since):
        return {(r["problem"], r["report_id"]) for r in breaking(wh, "marts.breach_listed", since=since)}

    assert not_listed(since) == {("not listed", str(y2019)), ("not listed", str(y2020))}
    assert not_listed(None) == {("not listed", str(rid)) for rid in (y2018, y2019, y2020)}


def test_breach_listed_reads_a_stale_finding_of_a_report_rebuilt_since(wh):
    """A finding dbt should have deleted keeps the time it was built at: it is read as one of its report's."""
    old = wh.load(copy_report(SEED_000, year=2018))
    since = _parsed_at(wh, old)
    new = wh.load(SEED_000)
    _rebuild_marts(wh, add=[(old, "applications.balance.total"), (new, "applications.balance.total")])
    wh.execute("UPDATE marts.fct_rule_findings SET context_parsed_at = %s", (since - dt.timedelta(days=30),))
    rows = breaking(wh, "marts.breach_listed", since=since)
    assert {(r["problem"], r["report_id"]) for r in rows} == {("listed, not a breach", str(new))}
    assert len(breaking(wh, "marts.breach_listed")) == 2


def test_breach_not_hidden_reads_the_reports_dbt_rebuilt_since(wh):
    old = wh.load(copy_report(SEED_003, year=2018))
    since = _parsed_at(wh, old)
    new = wh.load(SEED_003)
    _rebuild_marts(wh, passes=True)  # both shown as passing, with their prose findings
    assert {r["report_id"] for r in breaking(wh, "marts.breach_not_hidden", since=since)} == {str(new)}
    assert {r["report_id"] for r in breaking(wh, "marts.breach_not_hidden")} == {str(old), str(new)}


# --------------------------------------------------------------------------------------------------------------
# the choice of the scope


def _store_run(wh, suite: str, run_at: dt.datetime, *, success=True, skipped=None, covered_until=None) -> str:
    """A run of ``suite`` as audit.validation_run keeps it (what ``scope_for`` reads); returns its run_id."""
    run_id = f"{suite}-{run_at:%H%M%S%f}"
    details = {
        "run_id": run_id,
        "skipped": skipped,
        "covered_until": covered_until.isoformat() if covered_until else None,
        "catalog_fingerprint": catalog.fingerprint(RULES[suite]),
    }
    wh.execute(
        "INSERT INTO audit.validation_run (run_at, suite, success, details) VALUES (%s, %s, %s, %s::jsonb)",
        (run_at, suite, success, json.dumps(details)),
    )
    return run_id


RULES = {catalog.STAGING_INTEGRITY: STAGING_INTEGRITY_RULES, catalog.MARTS_INTEGRITY: MARTS_INTEGRITY_RULES}


def _scope(wh, suite: str, rules=None, whole=False):
    engine = sa.create_engine(gx_url(wh.url), poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            covered_until = dt.datetime.now(dt.timezone.utc)
            return scope_for(conn, suite, rules or RULES[suite], covered_until=covered_until, whole=whole)
    finally:
        engine.dispose()


def test_the_scope_starts_where_the_last_pass_of_the_same_rules_ended(wh):
    wh.execute("TRUNCATE audit.dbt_build")
    wh.load(SEED_000)
    _rebuild_marts(wh)
    staging, marts = catalog.STAGING_INTEGRITY, catalog.MARTS_INTEGRITY
    now = dt.datetime.now(dt.timezone.utc)
    covered = now - dt.timedelta(hours=2, minutes=1)
    for suite in (staging, marts):
        assert _scope(wh, suite).whole and "no earlier run" in _scope(wh, suite).reason

    passed = {suite: _store_run(wh, suite, now - dt.timedelta(hours=2), covered_until=covered) for suite in RULES}
    _store_run(wh, marts, now - dt.timedelta(hours=1), skipped="marts not built")  # a skip is not a run
    for suite, change, rules in ((staging, "loaded", 3), (marts, "rebuilt by dbt", 2)):
        scope = _scope(wh, suite)
        assert (scope.since, scope.basis_run_id, scope.reports) == (covered, passed[suite], 1)
        assert len(scope.rules) == rules and f"rows of the 1 report(s) {change} since" in scope.describe()
        assert _scope(wh, suite, whole=True).whole and _scope(wh, suite, whole=True).reason == "every row was asked for"

    # an incremental dbt build rebuilt the new reports only (in the scope); a full one rebuilt every report
    wh.execute(
        "INSERT INTO audit.dbt_build (mode, project_fingerprint, parser_version) VALUES ('incremental', 'p', 'v')"
    )
    assert _scope(wh, marts).since == covered
    wh.execute("INSERT INTO audit.dbt_build (mode, project_fingerprint, parser_version) VALUES ('full', 'p', 'v')")
    assert _scope(wh, marts).whole and "full dbt build" in _scope(wh, marts).reason
    assert _scope(wh, staging).since == covered  # dbt rebuilds no staging row

    # other rules (a new code in the vocabulary, a stricter rule): every row
    changed = [replace(r, sql=r.sql + " ") if r.name == "staging.fact.non_negative" else r for r in RULES[staging]]
    assert catalog.fingerprint(changed) != catalog.fingerprint(RULES[staging])
    assert _scope(wh, staging, changed).whole and "rules changed" in _scope(wh, staging, changed).reason

    # the last run failed: what it read is not known to hold
    _store_run(wh, staging, now, success=False, covered_until=now)
    assert _scope(wh, staging).whole and "did not pass" in _scope(wh, staging).reason


# --------------------------------------------------------------------------------------------------------------
# through GX


def test_first_run_reads_every_row_the_next_the_new_reports_and_a_failure_makes_the_next_whole(wh, tmp_path):
    run = dict(suites=catalog.STAGING_INTEGRITY, home=tmp_path, build_docs=False, raise_on_integrity=False)
    first = wh.load(copy_report(SEED_000, year=2018))
    s1 = validate(wh.url, **run)
    scope = s1.suite(catalog.STAGING_INTEGRITY).scope
    assert s1.success and scope.whole and "no earlier run" in scope.reason
    stored = wh.query("SELECT details FROM audit.validation_run WHERE details->>'run_id' = %s", (s1.run_id,))[0][0]
    assert dt.datetime.fromisoformat(stored["covered_until"]) == _parsed_at(wh, first)
    assert stored["scope_since"] is None and stored["catalog_fingerprint"] == catalog.fingerprint(
        STAGING_INTEGRITY_RULES
    )

    second = wh.load(copy_report(SEED_000, year=2019))
    s2 = validate(wh.url, **run)
    scope = s2.suite(catalog.STAGING_INTEGRITY).scope
    assert s2.success and scope.since == _parsed_at(wh, first) and scope.reports == 1
    assert scope.basis_run_id == s1.run_id
    assert "checked: rows of the 1 report(s) loaded since" in format_summary(s2)
    assert s2.suite(catalog.STAGING_INTEGRITY).evaluated == len(STAGING_INTEGRITY_RULES)  # every rule still runs

    # a new report with a negative count and a code outside the vocabulary: the scoped run reads it
    bad = wh.load(_negative(2020))
    _plant_unknown_code(wh, bad)
    s3 = validate(wh.url, **run)
    assert s3.suite(catalog.STAGING_INTEGRITY).scope.since == _parsed_at(wh, second)
    assert _failing(s3) == {"staging.fact.non_negative": {str(bad)}, "staging.fact.codes_in_vocabulary": {str(bad)}}

    # after a failure: every row again
    wh.execute("DELETE FROM staging.report WHERE report_id = %s", (bad,))
    s4 = validate(wh.url, **run)
    scope = s4.suite(catalog.STAGING_INTEGRITY).scope
    assert s4.success and scope.whole and "did not pass" in scope.reason
    assert validate(wh.url, **run).suite(catalog.STAGING_INTEGRITY).scope.since == _parsed_at(wh, second)


def test_a_report_whose_load_was_open_during_a_run_is_read_by_the_next(wh, tmp_path):
    """parsed_at is the load transaction's start: a load open while a run starts stamps its reports earlier than
    reports already visible to that run, so the run's covered_until stops before it."""
    import psycopg

    run = dict(suites=catalog.STAGING_INTEGRITY, home=tmp_path, build_docs=False, raise_on_integrity=False)
    with psycopg.connect(wh.url) as loading:
        late = loading.execute(
            "INSERT INTO staging.report (document_sha256, parser_version, organ, report_year, era, report_json)"
            " VALUES (md5('late') || md5('late'), 'test-1', '某机关', 2020, '2019', '{}') RETURNING report_id"
        ).fetchone()[0]
        loading.execute(
            "INSERT INTO staging.fact (report_id, table_name, row_code, col_code, value)"
            " VALUES (%s, 'applications', 'granted', 'research', -4)",
            (late,),
        )
        wh.load(SEED_000)  # committed, and stamped later than the open load's report
        first = validate(wh.url, **run)
        assert first.success  # the open load's report is not visible yet
        loading.commit()
    assert first.suite(catalog.STAGING_INTEGRITY).scope.covered_until < _parsed_at(wh, late)
    second = validate(wh.url, **run)
    assert not second.suite(catalog.STAGING_INTEGRITY).scope.whole
    assert _failing(second) == {"staging.fact.non_negative": {str(late)}}


def test_a_bad_row_in_an_old_report_is_read_by_a_whole_run_only(wh, tmp_path):
    run = dict(suites=catalog.STAGING_INTEGRITY, home=tmp_path, build_docs=False)
    old = wh.load(copy_report(SEED_000, year=2018))
    validate(wh.url, **run)
    _plant_negative(wh, old)  # staging rows are never changed once loaded; this one is, on purpose
    wh.load(SEED_000)
    assert validate(wh.url, **run).success  # reads the new report only
    with pytest.raises(IntegrityError) as raised:
        validate(wh.url, whole=True, **run)
    assert _failing(raised.value.summary) == {"staging.fact.non_negative": {str(old)}}
    assert raised.value.summary.suite(catalog.STAGING_INTEGRITY).scope.reason == "every row was asked for"


def test_marts_read_the_reports_rebuilt_since_until_a_full_dbt_build(wh, tmp_path):
    run = dict(suites=catalog.MARTS_INTEGRITY, home=tmp_path, build_docs=False, raise_on_integrity=False)
    wh.execute("TRUNCATE audit.dbt_build")
    old = wh.load(copy_report(SEED_003, year=2018))
    _rebuild_marts(wh)
    assert validate(wh.url, **run).success

    # dbt left a breach of the old report and one of a new report out of fct_rule_findings
    new = wh.load(SEED_003)
    _rebuild_marts(wh, drop=[(old, "narrative.other"), (new, "narrative.other")])
    scoped = validate(wh.url, **run)
    assert scoped.suite(catalog.MARTS_INTEGRITY).scope.reports == 1
    assert _failing(scoped)["marts.breach_listed"] == {str(new)}

    # fixed: the next run reads every row (the last failed), and passes
    _rebuild_marts(wh)
    after_failure = validate(wh.url, **run)
    assert after_failure.success and "did not pass" in after_failure.suite(catalog.MARTS_INTEGRITY).scope.reason

    # the old report's breach goes missing, unseen by the scoped run; after a full dbt build every row is read
    _rebuild_marts(wh, drop=[(old, "narrative.other")])
    assert validate(wh.url, **run).success
    wh.execute("INSERT INTO audit.dbt_build (mode, project_fingerprint, parser_version) VALUES ('full', 'p', 'v')")
    whole = validate(wh.url, **run)
    assert "full dbt build" in whole.suite(catalog.MARTS_INTEGRITY).scope.reason
    assert _failing(whole)["marts.breach_listed"] == {str(old)}
