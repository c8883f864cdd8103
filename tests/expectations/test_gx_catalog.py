"""The rule catalog as data: no database, no GX run."""

from __future__ import annotations

import re
import string

import pytest

from expectations import catalog, vocabulary
from expectations.runner import gx_url, resolve_suites

# the columns dbt's mart_report_summary has (dbt/models/marts/mart_report_summary.sql)
DBT_SHAPE = catalog.MartShape(
    summary=frozenset(
        {
            "report_key",
            "organ_key",
            "organ_name",
            "report_year",
            "era",
            "figures_source",
            "applications_received",
            "applications_carried_over",
            "applications_processed",
            "applications_carried_forward",
            "granted",
            "rules_evaluated",
            "rules_failed",
            "passes_balance_rules",
            "primary_report_id",
            "document_count",
        }
    ),
    findings=frozenset({"report_key", "report_id", "rule", "rule_family", "severity"}),
    documents=frozenset({"report_id", "report_key", "is_primary"}),
)
ALL_RULES = catalog.staging_rules() + catalog.marts_rules(DBT_SHAPE)
_JOIN = re.compile(r"\bJOIN\b", re.IGNORECASE)


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: f"{r.suite}/{r.name}")
def test_rule_is_well_formed(rule):
    assert rule.suite in catalog.SUITES
    assert rule.severity in ("error", "warning")
    assert rule.zh and rule.en and "\n" not in rule.zh + rule.en, "one-line explanation in zh and en"
    assert re.search(r"[\u4e00-\u9fff]", rule.zh), "the zh explanation is Chinese"
    assert rule.zh in rule.description and rule.en in rule.description and rule.severity in rule.description
    if rule.kind == catalog.INTEGRITY:
        assert rule.severity == "error", "integrity rules stop the pipeline"
    # GX formats the query with str.format: {batch} is the only field allowed
    fields = {f for _, f, _, _ in string.Formatter().parse(rule.sql) if f is not None}
    assert fields == {"batch"}
    # GX inserts "(subquery)" when the query has a JOIN (we alias it) and "(subquery) AS subselect" otherwise
    if _JOIN.search(rule.sql):
        assert all(m == "{batch} AS b" for m in re.findall(r"\{batch\}(?: AS \w+)?", rule.sql)), rule.sql
    else:
        assert "{batch} AS" not in rule.sql


def test_rule_names_are_unique_and_balance_families_follow_the_contract():
    names = [(r.suite, r.name) for r in ALL_RULES]
    assert len(names) == len(set(names))
    balance = {r.name: r for r in ALL_RULES if r.suite == catalog.STAGING_BALANCE}
    # the contract's check families: applications.balance/row_sum/outcomes_sum/other_sum, review_litigation.*,
    # narrative.*, cross_year.*
    assert set(balance) == {
        "applications.balance",
        "applications.row_sum",
        "applications.outcomes_sum",
        "applications.other_sum",
        "review_litigation.sum",
        "narrative",
        "cross_year",
    }
    for name, rule in balance.items():
        assert "AS rule" in rule.sql, f"{name} names the contract check of each failing row"
    assert {n: r.severity for n, r in balance.items()} == {
        "applications.balance": "error",
        "applications.row_sum": "error",
        "applications.outcomes_sum": "error",
        "applications.other_sum": "error",
        "review_litigation.sum": "error",
        "narrative": "warning",
        "cross_year": "warning",
    }


def test_marts_rules_adapt_to_the_columns_dbt_built():
    names = [r.name for r in catalog.marts_rules(DBT_SHAPE)]
    assert names == [
        "marts.every_report_reaches_marts",
        "marts.keys",
        "marts.non_negative",
        "marts.year_in_range",
        "marts.applications.balance",
        "marts.breach_not_hidden",
        "marts.breach_listed",
    ]
    reach = catalog.marts_rules(DBT_SHAPE)[0]
    assert catalog.DOCUMENTS_TABLE in reach.sql  # through dbt's document → report mapping

    bare = catalog.marts_rules(catalog.MartShape(summary=frozenset({"organ_name", "report_year"})))
    assert [r.name for r in bare] == ["marts.every_report_reaches_marts", "marts.year_in_range"]
    assert "b.organ_name = r.organ" in bare[0].sql


def test_vocabulary_covers_the_contract():
    rows, cols = vocabulary.codes_by_table()["applications"]
    assert len(set(vocabulary.OUTCOME_ROWS)) == 19  # (一)(二), 8 denied, 3 unavailable, 5 rejected, (六)
    assert {"new_received", "carried_over", "total_processed", "carried_forward"} <= set(rows)
    assert cols[-1] == "total" or "total" in cols
    assert set(vocabulary.codes_by_table()) == {"applications", "review_litigation", "proactive", "narrative"}


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (
            "postgresql://postgres@/nianbao?host=/tmp/pg%20sock",
            "postgresql+psycopg2://postgres@localhost/nianbao?host=/tmp/pg%20sock",
        ),
        ("postgresql://postgres@127.0.0.1:5432/db1", "postgresql+psycopg2://postgres@127.0.0.1:5432/db1"),
        ("postgresql+psycopg://postgres@127.0.0.1:5433/db1", "postgresql+psycopg2://postgres@127.0.0.1:5433/db1"),
        (
            "postgresql+psycopg2://postgres@localhost/nianbao?host=/s",
            "postgresql+psycopg2://postgres@localhost/nianbao?host=/s",
        ),
        ("host=127.0.0.1 port=5432 user=postgres dbname=x", "postgresql+psycopg2://postgres@127.0.0.1:5432/x"),
    ],
)
def test_any_url_becomes_the_psycopg2_url_gx_needs(given, expected, monkeypatch):
    # the shape only: the timeouts every URL also carries are warehouse/connection.py's (tested in tests/warehouse)
    monkeypatch.setattr("warehouse.connection.timeout_params", lambda url=None: {})
    assert gx_url(given) == expected


def test_suite_aliases():
    assert resolve_suites(None) == tuple(catalog.SUITES)
    assert resolve_suites("staging") == (catalog.STAGING_INTEGRITY, catalog.STAGING_BALANCE)
    assert resolve_suites(["balance", "staging_balance"]) == (catalog.STAGING_BALANCE, catalog.MARTS_BALANCE)
    with pytest.raises(ValueError, match="unknown suite"):
        resolve_suites("nope")


def test_severities_agree_with_the_parsers_check_families():
    families = vocabulary.check_family_labels()
    if not families:
        pytest.skip("parsers.vocabulary has no CHECK_FAMILIES yet")
    from parsers.vocabulary import check_severity

    for rule in catalog.staging_rules():
        if rule.suite == catalog.STAGING_BALANCE:
            sample = {"review_litigation.sum": "review_litigation.review_sum"}.get(rule.name, rule.name + ".total")
            assert check_severity(sample) == rule.severity, rule.name


def test_gx_history_is_pruned_to_the_newest_runs(tmp_path):
    import os

    from expectations.runner import _prune_history

    for base in ("uncommitted/validations", "data_docs/validations"):
        for i in range(5):
            run = tmp_path / base / "staging_balance" / f"run{i}"
            run.mkdir(parents=True)
            os.utime(run, (1_000_000 + i, 1_000_000 + i))
    _prune_history(tmp_path, keep=2)
    for base in ("uncommitted/validations", "data_docs/validations"):
        assert sorted(p.name for p in (tmp_path / base / "staging_balance").iterdir()) == ["run3", "run4"]
