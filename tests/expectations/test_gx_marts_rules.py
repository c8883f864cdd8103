"""The marts rules against dbt-shaped marts (built by the ``build_marts`` stand-in), passing and failing."""

from __future__ import annotations

import pytest
from gx_fixtures import DBT_SHAPE, SEED_000, SEED_003, breaking, copy_report

from expectations import catalog

MART_RULES = catalog.marts_rules(DBT_SHAPE)


def mart_breaking(wh, name):
    return breaking(wh, name, rules=MART_RULES)


@pytest.mark.parametrize("name", [r.name for r in MART_RULES])
def test_consistent_marts_pass_every_rule(wh, name):
    wh.load(SEED_000)
    wh.load(copy_report(SEED_000, year=2019))
    wh.load(SEED_000)  # a second document of the same report (e.g. its .docx): one mart row
    wh.build_marts(passes=True)
    assert mart_breaking(wh, name) == []


def test_every_staged_report_reaches_the_marts(wh):
    wh.load(SEED_000)
    lost = wh.load(SEED_003)
    wh.build_marts(lose=[lost])
    assert [(r["report_id"], r["organ"]) for r in mart_breaking(wh, "marts.every_report_reaches_marts")] == [
        (lost, "淮北市人民政府办公室")
    ]


def test_mart_keys_counts_and_years(wh):
    wh.load(SEED_000)
    wh.build_marts()
    wh.execute(
        "INSERT INTO marts.mart_report_summary (report_key, report_year, granted)"
        " SELECT report_key, 2007, -1 FROM marts.mart_report_summary"
    )
    assert [r["rows_with_key"] for r in mart_breaking(wh, "marts.keys")] == [2]
    assert [r["granted"] for r in mart_breaking(wh, "marts.non_negative")] == [-1]
    assert [r["report_year"] for r in mart_breaking(wh, "marts.year_in_range")] == [2007]


def test_the_mart_keeps_a_breach_as_printed(wh):
    rid = wh.load(SEED_000)
    wh.set_fact(rid, "applications", "carried_forward", "total", 12)
    wh.build_marts(passes=False, findings=[(rid, "applications.balance.total")])
    rows = mart_breaking(wh, "marts.applications.balance")
    assert [(r["applications_received"], r["applications_carried_forward"]) for r in rows] == [(1062, 12)]


def test_a_breach_is_never_hidden_behind_passes_balance_rules(wh):
    rid = wh.load(SEED_003)  # prose contradicts the table
    wh.build_marts(passes=True)
    rows = mart_breaking(wh, "marts.breach_not_hidden")
    assert [(r["report_id"], r["passes_balance_rules"], r["breaches"], r["rules"]) for r in rows] == [
        (str(rid), True, 2, "narrative.other, narrative.unavailable")
    ]
    wh.execute("UPDATE marts.mart_report_summary SET passes_balance_rules = NULL")  # "nothing checked": hidden too
    assert len(mart_breaking(wh, "marts.breach_not_hidden")) == 1
    wh.execute("UPDATE marts.mart_report_summary SET passes_balance_rules = false")
    assert mart_breaking(wh, "marts.breach_not_hidden") == []


def test_each_breach_family_is_listed_in_fct_rule_findings(wh):
    rid = wh.load(SEED_003)
    wh.build_marts(passes=False, findings=[(rid, "narrative.other")])
    rows = mart_breaking(wh, "marts.breach_listed")
    assert [(r["report_id"], r["family"]) for r in rows] == [(str(rid), "narrative.unavailable")]
