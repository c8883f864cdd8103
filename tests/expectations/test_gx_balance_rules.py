"""Each balance rule against a passing and a failing fixture, by running the catalog's SQL directly (fast: no GX
here; test_gx_validate.py runs the same SQL through GX)."""

from __future__ import annotations

import pytest
from gx_fixtures import SEED_000, SEED_003, breaking, copy_report

from expectations import catalog

BALANCE_RULES = [r.name for r in catalog.staging_rules() if r.suite == catalog.STAGING_BALANCE]


@pytest.mark.parametrize("name", BALANCE_RULES)
def test_seed_000_passes_every_balance_rule(wh, name):
    wh.load(SEED_000)
    wh.load(copy_report(SEED_000, year=2019))  # last year, carried forward 11 = this year's carried over 11
    assert breaking(wh, name) == []


def test_printed_balance_per_column(wh):
    rid = wh.load(SEED_000)
    wh.set_fact(rid, "applications", "carried_forward", "commercial", 3)
    rows = breaking(wh, "applications.balance")
    assert [(r["rule"], r["received_side"], r["handled_side"]) for r in rows] == [
        ("applications.balance.commercial", 35, 38)
    ]
    assert rows[0]["report_id"] == rid and rows[0]["organ"] == "宿迁市人民政府" and rows[0]["report_year"] == 2020


def test_row_sum_and_a_derived_total_is_not_a_breach(wh):
    rid = wh.load(SEED_000)
    wh.set_fact(rid, "applications", "granted", "total", 505)
    rows = breaking(wh, "applications.row_sum")
    assert [(r["rule"], r["total"], r["sum_of_columns"]) for r in rows] == [("applications.row_sum.granted", 505, 504)]

    # A blank 总计 filled by the parser from its row: derived, never a finding — even if the parser's sum were off.
    wh.execute("TRUNCATE staging.report CASCADE")
    rid = wh.load(SEED_000, derived={("applications", "granted", "total")})
    assert breaking(wh, "applications.row_sum") == []
    wh.set_fact(rid, "applications", "granted", "total", 505)
    assert breaking(wh, "applications.row_sum") == []
    assert wh.query("SELECT count(*) FROM staging.fact WHERE is_derived")[0][0] == 1


def test_outcome_rows_sum_to_total_processed(wh):
    rid = wh.load(SEED_000)
    wh.set_fact(rid, "applications", "denied_third_party", "natural_person", 2)
    rows = breaking(wh, "applications.outcomes_sum")
    assert [(r["rule"], r["total_processed"], r["sum_of_outcomes"]) for r in rows] == [
        ("applications.outcomes_sum.natural_person", 1016, 1018)
    ]


def test_a_missing_operand_skips_the_rule_instead_of_guessing_zero(wh):
    rid = wh.load(SEED_000)
    wh.set_fact(rid, "applications", "denied_third_party", "natural_person", None)  # unreadable cell
    wh.set_fact(rid, "applications", "carried_over", "natural_person", None)
    assert breaking(wh, "applications.outcomes_sum") == []
    assert breaking(wh, "applications.balance") == []


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
    assert [(r["report_id"], r["rule"], r["other"], r["sum_of_sub_rows"]) for r in rows] == [
        (rid, "applications.other_sum.total", 103, 104)
    ]


def test_2021_other_given_only_by_its_sub_rows_still_counts_in_the_outcomes(wh):
    report = _report_2021(other_misc_total=40)
    del report["applications"]["other"]
    wh.load(report)
    assert breaking(wh, "applications.outcomes_sum") == []


def test_table_4_group_totals(wh):
    rid = wh.load(SEED_000)
    wh.set_fact(rid, "review_litigation", "litigation_direct", "total", 22)
    rows = breaking(wh, "review_litigation.sum")
    assert [(r["rule"], r["total"], r["sum_of_results"]) for r in rows] == [
        ("review_litigation.litigation_direct_sum", 22, 23)
    ]


def test_seed_003_prose_contradicting_its_table_is_found(wh):
    rid = wh.load(SEED_003)
    rows = breaking(wh, "narrative")
    assert [(r["report_id"], r["rule"], r["narrative_value"], r["table_value"]) for r in rows] == [
        (rid, "narrative.other", 24, 1),
        (rid, "narrative.unavailable", 1, 24),
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
    rid = wh.load(report)
    assert breaking(wh, "narrative") == []
    wh.set_fact(rid, "narrative", key, "value", stated)
    rows = breaking(wh, "narrative")
    assert [(r["rule"], r["narrative_value"], r["table_value"]) for r in rows] == [
        (f"narrative.{key}", stated, in_table)
    ]


def test_a_group_stated_in_the_table_wins_over_its_sub_rows(wh):
    report = copy_report(SEED_000)
    report["applications"]["denied"] = {"total": 37}  # a group row stated alone (pre-2019 style)
    wh.load(report)
    rows = breaking(wh, "narrative")
    assert [(r["rule"], r["narrative_value"], r["table_value"]) for r in rows] == [("narrative.denied", 36, 37)]


def test_cross_year_fires_on_consecutive_reports_whose_carry_over_disagrees(wh):
    last_year = copy_report(SEED_000, year=2019)
    last_year["applications"]["carried_forward"] = {
        **last_year["applications"]["carried_forward"],
        "natural_person": 9,
        "total": 9,
    }
    previous = wh.load(last_year)
    this = wh.load(SEED_000)
    wh.load(copy_report(SEED_000, organ="另一个机关", year=2021))  # another organ: never compared
    rows = breaking(wh, "cross_year")
    assert [
        (r["report_id"], r["rule"], r["carried_over"], r["previous_report_id"], r["previous_carried_forward"])
        for r in rows
    ] == [
        (this, "cross_year.carried_over.natural_person", 11, previous, 9),
        (this, "cross_year.carried_over.total", 11, previous, 9),
    ]


def test_cross_year_ignores_superseded_versions_and_gaps(wh):
    last_year = copy_report(SEED_000, year=2019)
    last_year["applications"]["carried_forward"] = {**last_year["applications"]["carried_forward"], "total": 9}
    wh.load(last_year, is_current=False)  # an old parse, superseded
    wh.load(copy_report(SEED_000, year=2018))  # not consecutive with 2020
    wh.load(SEED_000)
    assert breaking(wh, "cross_year") == []
