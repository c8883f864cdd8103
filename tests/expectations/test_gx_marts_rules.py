"""The marts rules against dbt-shaped marts (built by the ``build_marts`` stand-in), passing and failing: every
report reaches the marts, and every breach — the parser's and the cross-report rules' — is listed in
fct_rule_findings and shown on its report."""

from __future__ import annotations

import pytest
from gx_fixtures import SEED_000, SEED_003, breaking, copy_report

from expectations import catalog

MART_RULES = catalog.marts_rules()


@pytest.mark.parametrize("name", [r.name for r in MART_RULES])
def test_consistent_marts_pass_every_rule(wh, name):
    wh.load(SEED_000)
    wh.load(copy_report(SEED_000, year=2019))
    wh.load(SEED_000)  # a second document of the same report (e.g. its .docx): one mart row
    wh.build_marts()
    assert breaking(wh, name) == []


def test_every_staged_report_reaches_the_marts(wh):
    wh.load(SEED_000)
    lost = wh.load(SEED_003)
    wh.build_marts(lose=[lost])
    assert [(r["report_id"], r["organ"]) for r in breaking(wh, "marts.every_report_reaches_marts")] == [
        (lost, "淮北市人民政府办公室")
    ]


def test_mart_keys_counts_and_years(wh):
    wh.load(SEED_000)
    wh.build_marts()
    wh.execute(
        "INSERT INTO marts.mart_report_summary (report_key, report_year, granted)"
        " SELECT report_key, 2007, -1 FROM marts.mart_report_summary"
    )
    assert [r["rows_with_key"] for r in breaking(wh, "marts.keys")] == [2]
    assert [r["granted"] for r in breaking(wh, "marts.non_negative")] == [-1]
    assert [r["report_year"] for r in breaking(wh, "marts.year_in_range")] == [2007]


def test_every_breach_of_the_seeds_is_listed_in_fct_rule_findings(wh):
    rid = wh.load(SEED_003)  # prose contradicts the table: two parser breaches
    this_year = wh.load(SEED_000)
    wh.build_marts(cross_year=[(this_year, "cross_year.carried_over.total")])
    assert breaking(wh, "marts.breach_listed") == []
    listed = wh.query("SELECT report_id, rule, rule_origin FROM marts.fct_rule_findings ORDER BY rule")
    assert listed == [
        (str(this_year), "cross_year.carried_over.total", "warehouse"),
        (str(rid), "narrative.other", "parser"),
        (str(rid), "narrative.unavailable", "parser"),
    ]

    # a parser breach and a cross-report breach missing from fct_rule_findings, a finding that is no breach
    wh.execute("DROP TABLE marts.mart_report_summary, marts.fct_rule_findings")
    wh.execute("DROP SCHEMA marts_intermediate CASCADE")
    wh.build_marts(
        cross_year=[(this_year, "cross_year.carried_over.total")],
        drop=[(rid, "narrative.other"), (this_year, "cross_year.carried_over.total")],
        add=[(this_year, "applications.balance.total")],
    )
    rows = breaking(wh, "marts.breach_listed")
    assert sorted((r["problem"], r["report_id"], r["rule"], r["organ_name"]) for r in rows) == [
        ("listed, not a breach", str(this_year), "applications.balance.total", "宿迁市人民政府"),
        ("not listed", str(rid), "narrative.other", "淮北市人民政府办公室"),
        ("not listed", str(this_year), "cross_year.carried_over.total", "宿迁市人民政府"),
    ]


def test_a_breach_checked_twice_and_not_listed_is_listed_once(wh):
    rid = wh.load(SEED_003)
    wh.execute(
        "INSERT INTO staging.check_result (report_id, rule, ok, severity) VALUES (%s, 'narrative.other', false,"
        " 'warning')",
        (rid,),
    )
    wh.build_marts(drop=[(rid, "narrative.other")])
    rows = breaking(wh, "marts.breach_listed")
    assert [(r["problem"], r["report_id"], r["rule"]) for r in rows] == [("not listed", str(rid), "narrative.other")]


def test_a_breach_is_never_hidden_behind_passes_balance_rules(wh):
    rid = wh.load(SEED_003)
    wh.build_marts(passes=True)
    rows = breaking(wh, "marts.breach_not_hidden")
    assert [(r["report_id"], r["passes_balance_rules"], r["findings"], r["rules"]) for r in rows] == [
        (str(rid), True, 2, "narrative.other, narrative.unavailable")
    ]
    wh.execute("UPDATE marts.mart_report_summary SET passes_balance_rules = NULL")  # "nothing checked": hidden too
    assert len(breaking(wh, "marts.breach_not_hidden")) == 1
    wh.execute("UPDATE marts.mart_report_summary SET passes_balance_rules = false")
    assert breaking(wh, "marts.breach_not_hidden") == []


def test_cross_report_breaches_are_listed_with_their_numbers(wh):
    """dbt evaluates the cross-year rules (int_rule_findings, by organ_key); GX lists what fct_rule_findings
    holds, without recomputing them."""
    wh.load(copy_report(SEED_000, year=2019))
    this_year = wh.load(SEED_000)
    wh.build_marts(cross_year=[(this_year, "cross_year.carried_over.total"), (this_year, "cross_year.in_force.rules")])
    wh.execute("UPDATE marts.fct_rule_findings SET expected = 9, actual = 11 WHERE rule_origin = 'warehouse'")
    rows = breaking(wh, "cross_year")
    assert [(r["report_id"], r["organ"], r["report_year"], r["rule"], r["expected"], r["actual"]) for r in rows] == [
        (str(this_year), "宿迁市人民政府", 2020, "cross_year.carried_over.total", 9, 11),
        (str(this_year), "宿迁市人民政府", 2020, "cross_year.in_force.rules", 9, 11),
    ]
