"""The rule catalog as data: no database, no GX run."""

from __future__ import annotations

import datetime as dt
import re
import string
from dataclasses import replace
from pathlib import Path

import pytest

from expectations import catalog, vocabulary
from expectations.runner import gx_url, resolve_suites
from parsers.vocabulary import CHECK_FAMILIES

ALL_RULES = catalog.staging_rules() + catalog.marts_rules()
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


def test_rule_names_are_unique_and_balance_rules_are_the_vocabularys_families():
    names = [(r.suite, r.name) for r in ALL_RULES]
    assert len(names) == len(set(names))
    families = {f.family: f for f in CHECK_FAMILIES}
    balance = [r for r in ALL_RULES if r.kind == catalog.BALANCE]
    # every family listed once: the parser's from staging.check_result, the cross-report ones from the marts
    assert sorted(r.name for r in balance) == sorted(families)
    for rule in balance:
        family = families[rule.name]
        assert (rule.severity, rule.zh, rule.en) == (family.severity, family.zh, family.en)
        assert rule.suite == (catalog.MARTS_BALANCE if catalog.across_reports(family) else catalog.STAGING_BALANCE)
        assert "b.ok = false" in rule.sql or "rule_origin = 'warehouse'" in rule.sql


def test_no_rule_recomputes_the_arithmetic():
    """GX reads the evaluations (staging.check_result, dbt's findings); no query adds up figures."""
    for rule in ALL_RULES:
        assert " + " not in rule.sql and "sum(" not in rule.sql.lower(), rule.name
        if rule.kind == catalog.BALANCE:
            assert "staging.fact" not in rule.sql, rule.name


def test_marts_rules():
    names = [r.name for r in catalog.marts_rules()]
    assert names == [
        "marts.every_report_reaches_marts",
        "marts.keys",
        "marts.non_negative",
        "marts.year_in_range",
        "marts.breach_listed",
        "marts.breach_not_hidden",
        "cross_year",
    ]
    reach = catalog.marts_rules()[0]
    assert catalog.DOCUMENTS_TABLE in reach.sql  # through dbt's document → report mapping
    few = catalog.marts_rules(frozenset({"report_key", "granted"}))
    assert "granted < 0" in next(r.sql for r in few if r.name == "marts.non_negative")
    assert "marts.non_negative" not in [r.name for r in catalog.marts_rules(frozenset({"report_key"}))]


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
            "postgresql+psycopg2://postgres@localhost/nianbao?host=/tmp/pg%20sock&port=5432",
        ),
        ("postgresql://postgres@127.0.0.1:5432/db1", "postgresql+psycopg2://postgres@127.0.0.1:5432/db1"),
        ("postgresql+psycopg://postgres@127.0.0.1:5433/db1", "postgresql+psycopg2://postgres@127.0.0.1:5433/db1"),
        (
            "postgresql+psycopg2://postgres@localhost/nianbao?host=/s",
            "postgresql+psycopg2://postgres@localhost/nianbao?host=/s&port=5432",
        ),
        ("host=127.0.0.1 port=5432 user=postgres dbname=x", "postgresql+psycopg2://postgres@127.0.0.1:5432/x"),
    ],
)
def test_any_url_becomes_the_psycopg2_url_gx_needs(given, expected, monkeypatch):
    # the shape only: the timeouts every URL also carries are warehouse/connection.py's (tested in tests/warehouse);
    # a socket directory keeps its port (the socket's file name carries it)
    monkeypatch.setattr("warehouse.connection.timeout_params", lambda url=None: {})
    assert gx_url(given) == expected


def test_suite_aliases():
    assert resolve_suites(None) == tuple(catalog.SUITES)
    assert resolve_suites("staging") == (catalog.STAGING_INTEGRITY, catalog.STAGING_BALANCE)
    assert resolve_suites(["balance", "staging_balance"]) == (catalog.STAGING_BALANCE, catalog.MARTS_BALANCE)
    with pytest.raises(ValueError, match="unknown suite"):
        resolve_suites("nope")


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


def test_the_marts_rules_read_columns_dbt_builds():
    """The count columns and the findings' columns the marts rules read are in dbt's contracts."""
    import yaml

    facts = Path(__file__).resolve().parents[2] / "dbt" / "models" / "marts" / "facts" / "_facts.yml"
    models = {m["name"]: {c["name"] for c in m["columns"]} for m in yaml.safe_load(facts.read_text("utf-8"))["models"]}
    assert set(catalog.MART_COUNT_COLUMNS) <= models["mart_report_summary"]
    assert {"report_key", "primary_report_id", "organ_name", "report_year", "passes_balance_rules"} <= models[
        "mart_report_summary"
    ]
    assert {
        "report_key",
        "report_id",
        "report_year",
        "rule",
        "rule_origin",
        "expected",
        "actual",
        "field",
        "detail",
    } <= (models["fct_rule_findings"])


def test_the_rules_reading_every_fact_or_check_are_scoped_and_only_they():
    """The integrity rules whose cost grows with the warehouse read the rows since the scope's time; the balance
    suites (every breach listed) and the whole-table integrity rules read every row."""
    scoped = {(r.suite, r.name) for r in ALL_RULES if r.scoped}
    assert scoped == {
        (catalog.STAGING_INTEGRITY, "staging.fact.non_negative"),
        (catalog.STAGING_INTEGRITY, "staging.fact.codes_in_vocabulary"),
        (catalog.STAGING_INTEGRITY, "staging.findings.valid"),
        (catalog.MARTS_INTEGRITY, "marts.breach_listed"),
        (catalog.MARTS_INTEGRITY, "marts.breach_not_hidden"),
    }
    for rule in ALL_RULES:
        assert "__" not in rule.sql.replace(catalog.SCOPE_SINCE, ""), "one placeholder, the scope's"


@pytest.mark.parametrize(
    "since, literal",
    [
        (None, "'-infinity'::timestamptz"),
        (
            dt.datetime(2026, 11, 30, 18, 5, 47, 406721, tzinfo=dt.timezone(dt.timedelta(hours=8))),
            "'2026-11-30 10:05:47.406721+00:00'::timestamptz",
        ),
    ],
)
def test_a_scope_reaches_the_sql_as_a_literal_gx_can_format(since, literal):
    assert catalog.scope_literal(since) == literal
    for rule in (r for r in ALL_RULES if r.scoped):
        sql = rule.in_scope(since).sql
        assert catalog.SCOPE_SINCE not in sql and literal in sql
        assert {f for _, f, _, _ in string.Formatter().parse(sql) if f is not None} == {"batch"}
        # SQLAlchemy's text() (which GX runs the query through) would take ":name" for a bind parameter
        assert not re.search(r"(?<![:\w]):[A-Za-z_]", sql), rule.name
    with pytest.raises(ValueError, match="time zone"):
        catalog.scope_literal(dt.datetime(2026, 11, 30))


def test_the_fingerprint_is_of_the_rules_sql_templates():
    rules = [r for r in ALL_RULES if r.suite == catalog.STAGING_INTEGRITY]
    assert catalog.fingerprint(rules) == catalog.fingerprint(list(reversed(rules)))
    assert catalog.fingerprint(rules) != catalog.fingerprint(rules[:-1])
    stricter = [replace(r, sql=r.sql.replace("value < 0", "value <= 0")) for r in rules]
    assert catalog.fingerprint(stricter) != catalog.fingerprint(rules)
