"""Every breach the parser's rules find is listed by the balance suites, with its numbers: for each rule family
a passing and a failing fixture (the catalog's SQL run directly, no GX here; test_gx_validate.py runs the same
SQL through GX). The checks come from the parser's own rules (``gx_fixtures.parser_checks``): GX recomputes
nothing, it reads ``staging.check_result``."""

from __future__ import annotations

import pytest
from gx_fixtures import SEED_000, SEED_003, breaking, copy_report

from expectations import catalog
from parsers.vocabulary import CHECK_FAMILIES

BALANCE_RULES = [r.name for r in catalog.staging_rules() if r.suite == catalog.STAGING_BALANCE]


def listed(wh, family: str) -> list[tuple]:
    return [(r["rule"], r["expected"], r["actual"]) for r in breaking(wh, family)]


def test_one_listing_per_family_the_parser_evaluates():
    assert [f.family for f in CHECK_FAMILIES if not f.family.startswith("cross_")] == BALANCE_RULES
    cross_report = [r.name for r in catalog.marts_rules() if r.suite == catalog.MARTS_BALANCE]
    assert cross_report == [f.family for f in CHECK_FAMILIES if f.family.startswith("cross_")] == ["cross_year"]


@pytest.mark.parametrize("name", BALANCE_RULES)
def test_seed_000_passes_every_balance_rule(wh, name):
    wh.load(SEED_000)
    wh.load(copy_report(SEED_000, year=2019))
    assert wh.query("SELECT count(*) FROM staging.check_result WHERE ok")[0][0] > 80  # the rules were evaluated
    assert breaking(wh, name) == []


def test_printed_balance_per_column(wh):
    report = copy_report(SEED_000)
    report["applications"]["carried_forward"]["commercial"] = 3
    rid = wh.load(report)
    rows = breaking(wh, "applications.balance")
    assert [(r["rule"], r["expected"], r["actual"]) for r in rows] == [("applications.balance.commercial", 35, 38)]
    assert rows[0]["report_id"] == rid and rows[0]["organ"] == "宿迁市人民政府" and rows[0]["report_year"] == 2020


def test_row_sum_and_a_derived_total_is_not_a_breach(wh):
    report = copy_report(SEED_000)
    report["applications"]["granted"]["total"] = 505
    wh.load(report)
    assert listed(wh, "applications.row_sum") == [("applications.row_sum.granted", 504, 505)]

    # A blank 总计 filled by the parser from its row: derived, never a finding — even if the parser's sum were off.
    wh.execute("TRUNCATE staging.report CASCADE")
    wh.load(report, derived={("applications", "granted", "total")})
    assert breaking(wh, "applications.row_sum") == []
    assert wh.query("SELECT count(*) FROM staging.fact WHERE is_derived")[0][0] == 1


def test_outcome_rows_sum_to_total_processed(wh):
    report = copy_report(SEED_000)
    report["applications"]["denied_third_party"]["natural_person"] = 2
    wh.load(report)
    assert listed(wh, "applications.outcomes_sum") == [("applications.outcomes_sum.natural_person", 1018, 1016)]


def test_a_missing_operand_is_not_evaluated_instead_of_guessed_as_zero(wh):
    report = copy_report(SEED_000)
    report["applications"]["denied_third_party"]["natural_person"] = None  # unreadable cell
    report["applications"]["carried_over"]["natural_person"] = None
    wh.load(report)
    assert breaking(wh, "applications.outcomes_sum") == []
    assert breaking(wh, "applications.balance") == []
    not_evaluated = wh.query("SELECT rule FROM staging.check_result WHERE ok IS NULL ORDER BY rule")
    assert ("applications.balance.natural_person",) in not_evaluated


def _report_2021(other_misc_total: int) -> dict:
    report = copy_report(SEED_000, year=2021, era="2021")
    apps = report["applications"]
    # 2021: （六）103 = 1.逾期不补正 60 + 2.逾期未缴费 3 + 3.其他 40
    zero = dict.fromkeys(apps["other"], 0)
    apps["other_no_correction"] = {**zero, "natural_person": 60, "total": 60}
    apps["other_unpaid_fee"] = {**zero, "natural_person": 3, "total": 3}
    apps["other_misc"] = {**zero, "natural_person": 38, "commercial": 2, "total": other_misc_total}
    return report


def test_2021_other_sub_rows_sum_to_other(wh):
    wh.load(_report_2021(other_misc_total=40))
    assert breaking(wh, "applications.other_sum") == []
    assert breaking(wh, "applications.row_sum") == []
    wh.execute("TRUNCATE staging.report CASCADE")
    rid = wh.load(_report_2021(other_misc_total=41))
    rows = breaking(wh, "applications.other_sum")
    assert [(r["report_id"], r["rule"], r["expected"], r["actual"]) for r in rows] == [
        (rid, "applications.other_sum.total", 104, 103)
    ]


def test_2021_other_given_only_by_its_sub_rows_still_counts_in_the_outcomes(wh):
    report = _report_2021(other_misc_total=40)
    del report["applications"]["other"]
    wh.load(report)
    assert breaking(wh, "applications.outcomes_sum") == []


def test_table_4_group_totals(wh):
    report = copy_report(SEED_000)
    report["review_litigation"]["litigation_direct"]["total"] = 22
    wh.load(report)
    assert listed(wh, "review_litigation.litigation_direct_sum") == [
        ("review_litigation.litigation_direct_sum", 23, 22)
    ]
    assert breaking(wh, "review_litigation.review_sum") == []


def test_seed_003_prose_contradicting_its_table_is_found(wh):
    rid = wh.load(SEED_003)
    rows = breaking(wh, "narrative")
    # expected: the table's figure; actual: what the prose states
    assert [(r["report_id"], r["rule"], r["expected"], r["actual"]) for r in rows] == [
        (rid, "narrative.other", 1, 24),
        (rid, "narrative.unavailable", 24, 1),
    ]
    # and its tables are consistent: only the prose is at fault
    for name in BALANCE_RULES:
        if name != "narrative":
            assert breaking(wh, name) == [], name


@pytest.mark.parametrize(
    ("key", "stated", "in_table"),
    [
        ("applications_received", 1000, 1062),
        ("applications_carried_forward", 12, 11),
        ("denied", 35, 36),  # the sum of the eight （三） sub-rows
        ("rejected", 32, 31),
        ("review_total", 35, 34),
        ("litigation_total", 25, 24),  # 直接起诉 23 + 复议后起诉 1
        ("granted_incl_partial", 554, 553),  # 504 + 49
    ],
)
def test_each_narrative_key_against_the_tables(wh, key, stated, in_table):
    report = copy_report(SEED_000)
    report["narrative"][key] = in_table
    wh.load(report)
    assert breaking(wh, "narrative") == []
    wh.execute("TRUNCATE staging.report CASCADE")
    report["narrative"][key] = stated
    wh.load(report)
    assert listed(wh, "narrative") == [(f"narrative.{key}", in_table, stated)]


def test_a_group_stated_in_the_table_wins_over_its_sub_rows(wh):
    report = copy_report(SEED_000)
    report["applications"]["denied"] = {"total": 37}  # a group row stated alone (pre-2019 style)
    wh.load(report)
    assert listed(wh, "narrative") == [("narrative.denied", 37, 36)]


def test_superseded_versions_are_not_listed(wh):
    report = copy_report(SEED_000)
    report["applications"]["granted"]["total"] = 505
    wh.load(report, is_current=False)  # an old parse, superseded
    wh.load(SEED_000)
    assert breaking(wh, "applications.row_sum") == []


def test_a_check_of_a_family_no_listing_reads_is_an_integrity_error(wh):
    """Every check is of a family the parser evaluates, so the listings above miss no breach."""
    rid = wh.load(SEED_000)
    wh.execute(
        "INSERT INTO staging.check_result (report_id, rule, ok, severity) VALUES"
        " (%s, 'applications.balance_typo.total', false, 'error'), (%s, 'cross_year.carried_over.total', false,"
        " 'warning')",
        (rid, rid),
    )
    rows = breaking(wh, "staging.findings.valid")
    assert sorted(r["code"] for r in rows) == ["applications.balance_typo.total", "cross_year.carried_over.total"]
