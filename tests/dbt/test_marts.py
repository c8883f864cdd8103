"""The marts built from a handful of real reports: seed figures in, the right rows out.

One `dbt build` for the module (fixture `built`); each test reads the marts.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
import reports as r

SUQIAN = "宿迁市人民政府"


def suqian_2021() -> dict:
    """宿迁 2021 in the 2021 format: （六） printed as three sub-rows, and a carry-over (7) that contradicts
    2020's carried-forward (11)."""
    report = r.variant(r.seed_report("000"), year=2021, carried_over=7)
    report["era"] = "2021"
    other = report["applications"].pop("other")
    report["applications"]["other_no_correction"] = {
        c: (v - 1 if c == "natural_person" else v) for c, v in other.items()
    }
    report["applications"]["other_no_correction"]["total"] = other["total"] - 1
    report["applications"]["other_unpaid_fee"] = {c: 0 for c in other}
    report["applications"]["other_misc"] = {c: (1 if c in ("natural_person", "total") else 0) for c in other}
    return report


@pytest.fixture(scope="module")
def built(warehouse):
    r.load(
        warehouse.url,
        {
            "000.html": r.seed_report("000"),
            # the same report again as its PDF attachment: same numbers, so the HTML page stays primary
            "000.pdf": r.seed_report("000", media_type="application/pdf"),
            "001": r.seed_report("001"),
            "003": r.seed_report("003"),
            "004": r.seed_report("004"),
            "suqian-2019": r.variant(r.seed_report("000"), year=2019, scale=2, carried_forward=11),
            "suqian-2021": suqian_2021(),
        },
    )
    warehouse.build()
    return warehouse


def summary(wh, organ: str, year: int) -> dict:
    rows = wh.rows("select * from marts.mart_report_summary where organ_name = %s and report_year = %s", (organ, year))
    assert len(rows) == 1, rows
    return rows[0]


def test_summary_has_the_true_figures_of_seed_000(built):
    row = summary(built, SUQIAN, 2020)
    assert row["figures_source"] == "table"
    assert (
        row["applications_received"],
        row["applications_carried_over"],
        row["applications_processed"],
        row["applications_carried_forward"],
    ) == (1062, 11, 1062, 11)
    assert (row["granted"], row["partially_granted"], row["granted_incl_partial"]) == (504, 49, 553)
    assert row["grant_rate"] == Decimal("0.5207")
    assert (row["denied"], row["unavailable"], row["rejected"], row["other_handled"]) == (36, 339, 31, 103)
    # table 四: review 9/10/11/4/34; litigation direct 3/5/7/8/23 + after review 1/0/0/0/1
    assert (row["review_total"], row["review_corrected"], row["review_correction_rate"]) == (34, 10, Decimal("0.2941"))
    assert (row["litigation_total"], row["litigation_corrected"]) == (24, 5)
    assert row["passes_balance_rules"] is True
    assert row["document_count"] == 2


def test_one_report_per_organ_and_year_with_the_html_page_primary(built):
    documents = built.rows(
        """
        select d.media_type, d.is_primary from marts_intermediate.int_report_documents_deduplicated d
        where d.organ_name = %s and d.report_year = 2020 order by d.document_rank""",
        (SUQIAN,),
    )
    assert [(d["media_type"], d["is_primary"]) for d in documents] == [("text/html", True), ("application/pdf", False)]
    dupes = built.rows("""select organ_name, report_year, count(*) from marts.mart_report_summary
                          group by 1, 2 having count(*) > 1""")
    assert dupes == []


def test_prose_only_report_takes_the_narrative_and_invents_nothing(built):
    row = summary(built, "江苏省人民政府", 2020)
    assert row["figures_source"] == "narrative"
    assert row["applications_received"] == 30513
    assert row["granted_incl_partial"] == 15693
    assert (row["review_total"], row["litigation_total"]) == (1612, 1563)
    # not stated in the prose: null, and so is every rate built on it
    for column in (
        "applications_processed",
        "granted",
        "partially_granted",
        "denied",
        "grant_rate",
        "review_corrected",
        "review_correction_rate",
        "litigation_correction_rate",
    ):
        assert row[column] is None, column
    assert row["passes_balance_rules"] is None  # nothing could be checked


def test_failing_check_fails_the_report_and_is_a_finding(built):
    row = summary(built, "淮北市人民政府办公室", 2020)
    assert row["passes_balance_rules"] is False
    assert row["rules_failed"] == 2
    findings = built.rows(
        """select rule, rule_origin, severity from marts.fct_rule_findings f
                             where f.report_key = %s order by rule""",
        (row["report_key"],),
    )
    assert findings == [
        {"rule": "narrative.other", "rule_origin": "parser", "severity": "warning"},
        {"rule": "narrative.unavailable", "rule_origin": "parser", "severity": "warning"},
    ]


def test_cross_year_rule_fires_when_carry_overs_disagree(built):
    findings = built.rows(
        """
        select f.report_year, f.rule, f.expected, f.actual, f.severity
        from marts.fct_rule_findings f join marts.dim_organ o using (organ_key)
        where o.organ_name = %s and f.rule_family = 'cross_year.carried_over' order by f.rule""",
        (SUQIAN,),
    )
    # 2021 carried over 7, 2020 carried forward 11 (natural_person and total columns); 2019 → 2020 agrees
    assert [(f["report_year"], f["rule"], f["expected"], f["actual"]) for f in findings] == [
        (2021, "cross_year.carried_over.natural_person", 11, 7),
        (2021, "cross_year.carried_over.total", 11, 7),
    ]
    assert summary(built, SUQIAN, 2021)["passes_balance_rules"] is False
    assert summary(built, SUQIAN, 2020)["passes_balance_rules"] is True


def test_change_against_previous_year(built):
    row = summary(built, SUQIAN, 2020)
    previous = summary(built, SUQIAN, 2019)
    assert row["applications_received_previous_year"] == previous["applications_received"]
    assert row["applications_received_change"] == 1062 - previous["applications_received"]


def test_2021_other_is_the_sum_of_its_sub_rows(built):
    rows = built.rows("""
        select f.outcome_code, f.value, f.value_source from marts.fct_applications f
        where f.report_year = 2021 and f.applicant_type_code = 'total' and f.category_code = 'other'
        order by f.outcome_code""")
    assert {row["outcome_code"]: (row["value"], row["value_source"]) for row in rows} == {
        "other": (103, "table_sub_rows"),
        "other_misc": (1, "table"),
        "other_no_correction": (102, "table"),
        "other_unpaid_fee": (0, "table"),
    }
    assert summary(built, SUQIAN, 2021)["other_handled"] == 103


def test_fact_marts_grain(built):
    cells = built.rows(
        """select f.value from marts.fct_applications f join marts.dim_organ o using (organ_key)
                          where o.organ_name = %s and f.report_year = 2020 and f.outcome_code = 'granted'
                          and f.applicant_type_code = 'natural_person'""",
        (SUQIAN,),
    )
    assert cells == [{"value": 480}]
    flow = built.rows(
        """select applicant_type_code, received, carried_over, processed, carried_forward
                         from marts.fct_application_flow f join marts.dim_organ o using (organ_key)
                         where o.organ_name = %s and f.report_year = 2020 and applicant_type_code = 'commercial'""",
        (SUQIAN,),
    )
    assert flow == [
        {"applicant_type_code": "commercial", "received": 35, "carried_over": 0, "processed": 35, "carried_forward": 0}
    ]
    review = built.rows(
        """select group_code, measure_code, value from marts.fct_review_litigation f
                           join marts.dim_organ o using (organ_key)
                           where o.organ_name = %s and f.report_year = 2020 and group_code = 'review'
                           order by measure_code""",
        (SUQIAN,),
    )
    assert {(x["measure_code"], x["value"]) for x in review} == {
        ("upheld", 9),
        ("corrected", 10),
        ("other", 11),
        ("pending", 4),
        ("total", 34),
    }
    proactive = built.rows(
        """select value from marts.fct_proactive_disclosure f join marts.dim_organ o using (organ_key)
                              where o.organ_name = %s and f.report_year = 2020 and item_code = 'normative_documents'
                              and measure_code = 'published_total'""",
        (SUQIAN,),
    )
    assert proactive == [{"value": 841}]


def test_dim_organ_reads_level_kind_region_and_parent(built):
    organs = {o["organ_name"]: o for o in built.rows("select * from marts.dim_organ")}
    office = organs["宿迁市政务服务管理办公室"]
    assert (office["organ_level"], office["organ_kind"], office["city_name"]) == ("prefecture", "office", "宿迁市")
    assert office["parent_organ_name"] == SUQIAN
    assert office["parent_organ_key"] == organs[SUQIAN]["organ_key"]
    city = organs[SUQIAN]
    assert (city["organ_level"], city["organ_kind"], city["province_name"], city["region_code"]) == (
        "prefecture",
        "government",
        "江苏省",
        "321300",
    )
    assert city["parent_organ_name"] == "江苏省人民政府"
    province = organs["江苏省人民政府"]
    assert (province["organ_level"], province["parent_organ_key"], province["has_reports"]) == ("province", None, True)


def test_dimensions_have_both_languages(built):
    for table, key in (
        ("dim_outcome", "outcome_code"),
        ("dim_applicant_type", "applicant_type_code"),
        ("dim_disclosure_item", "disclosure_item_key"),
        ("dim_year", "report_year"),
    ):
        missing = built.rows(
            f"select {key} from marts.{table} where label_zh is null or label_en is null"
            if table != "dim_disclosure_item"
            else f"select {key} from marts.{table} where item_label_zh is null or item_label_en is null"
        )
        assert missing == [], table
    outcome = built.rows("select * from marts.dim_outcome where outcome_code = 'other_misc'")[0]
    assert (outcome["category_code"], outcome["eras"]) == ("other", ["2021"])


def test_docs_generate(built):
    built.dbt("docs", "generate")
    assert (built.target_dir / "catalog.json").exists()
    assert (built.target_dir / "index.html").exists()


def test_a_key_missing_from_its_dimension_fails_and_a_null_key_is_refused(built):
    """keys_in_dimensions (dbt's relationships for all keys in one pass) names the key and the value; the
    not_null constraints of the contracts are PostgreSQL's own (the insert itself fails)."""
    import psycopg

    built.execute("""insert into marts.fct_applications
                         (report_key, organ_key, report_year, outcome_code, applicant_type_code, report_parsed_at)
                     select report_key, organ_key, report_year, 'not_an_outcome', applicant_type_code,
                            report_parsed_at
                     from marts.fct_applications limit 1""")
    try:
        result = built.dbt("test", "--select", "fct_applications,test_name:keys_in_dimensions", check=False)
        assert not result.success
        failed = [x for x in result.result.results if x.status == "fail"]
        assert len(failed) == 1 and failed[0].failures == 1
        rows = built.rows(failed[0].node.compiled_code)
        assert rows == [{"key_column": "outcome_code", "missing_value": "not_an_outcome", "rows_with_it": 1}]
    finally:
        built.execute("delete from marts.fct_applications where outcome_code = 'not_an_outcome'")
    with pytest.raises(psycopg.errors.NotNullViolation):
        built.execute("insert into marts.fct_applications (report_key, outcome_code) values (null, 'granted')")
    assert built.dbt("test", "--select", "fct_applications,test_name:keys_in_dimensions").success
