"""A monthly run that adds reports builds incrementally with the same result as a full rebuild.

Build with a first batch of reports; load a second batch that exercises every way a report can change
(a new report, a late previous-year report that changes next year's cross-year rule, a second document of
an existing report that becomes its primary and fixes a breached rule, a re-parse by a newer parser
version, a new organ, and an organ that so far was only listed as the government above another); build incrementally; then rebuild everything with --full-refresh and compare every mart row by row.
"""

from __future__ import annotations

import pytest
import reports as r

from nianbao.dbt_builds import INCREMENTAL_BUILD_ARGS

MARTS = (
    "mart_report_summary",
    "fct_applications",
    "fct_application_flow",
    "fct_review_litigation",
    "fct_proactive_disclosure",
    "fct_rule_findings",
    "dim_organ",
)


def snapshot(wh) -> dict[str, list[tuple]]:
    tables = {}
    for table in MARTS:
        rows = wh.rows(f"select * from marts.{table}")
        tables[table] = sorted(tuple(str(v) for v in row.values()) for row in rows)
    return tables


def first_batch() -> dict[str, dict]:
    return {
        "003.html": r.seed_report("003"),
        "004": r.seed_report("004"),
        "001": r.seed_report("001"),
        "suqian-2021": r.variant(r.seed_report("000"), year=2021, carried_over=7),
        "other-organ-2020": r.variant(r.seed_report("000"), organ="沭阳县人民政府", scale=3),
    }


def second_batch() -> dict[str, dict]:
    fixed_003 = r.seed_report(
        "003", media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    fixed_003["checks"] = [c for c in fixed_003["checks"] if c["ok"]]  # its reading agrees with the prose
    fixed_003["narrative"]["applications_processed"] = 36  # one more figure read: the primary now
    return {
        "suqian-2020": r.seed_report("000"),  # late: 2021's cross-year rule now has a previous year
        "003.docx": fixed_003,
        "new-organ-2020": r.variant(r.seed_report("000"), organ="宿迁市政务服务管理办公室", scale=1),
        # listed in dim_organ until now only as the government above 003's organ: now it reports itself
        "parent-organ-2020": r.variant(r.seed_report("000"), organ="淮北市人民政府", scale=2),
    }


def run(wh, *extra: str) -> None:
    """`dbt run` (models and seeds' results only: the data tests run in test_marts.py)."""
    wh.dbt("seed", "--threads", "2")
    wh.dbt("run", "--threads", "2", *extra)


def monthly_build(wh) -> None:
    """What the pipeline runs monthly (nianbao.dbt_builds): new reports only, views and seeds left alone."""
    wh.dbt(*INCREMENTAL_BUILD_ARGS)


@pytest.fixture(scope="module")
def incremental_then_full(warehouse):
    r.load(warehouse.url, first_batch())
    run(warehouse)
    before = snapshot(warehouse)
    r.load(warehouse.url, second_batch())
    # a newer parser version re-reads 004 and finds one more figure
    reparsed = r.seed_report("004")
    reparsed["narrative"]["applications_processed"] = 30000
    r.load(warehouse.url, {"004": reparsed}, parser_version="test-2")
    monthly_build(warehouse)
    incremental = snapshot(warehouse)
    monthly_build(warehouse)  # nothing new: nothing changes
    again = snapshot(warehouse)
    run(warehouse, "--full-refresh")
    full = snapshot(warehouse)
    return before, incremental, again, full


def test_incremental_equals_full_refresh(incremental_then_full):
    _, incremental, again, full = incremental_then_full
    for table in MARTS:
        assert incremental[table] == full[table], table
        assert again[table] == full[table], table


def test_incremental_run_picked_up_every_kind_of_change(incremental_then_full, warehouse):
    before, incremental, _, _ = incremental_then_full
    assert len(incremental["mart_report_summary"]) == len(before["mart_report_summary"]) + 3
    has_reports = {
        row["organ_name"]: row["has_reports"]
        for row in warehouse.rows("select organ_name, has_reports from marts.dim_organ")
    }
    assert has_reports["淮北市人民政府"] is True and has_reports["宿迁市政务服务管理办公室"] is True
    findings = warehouse.rows(
        "select report_year, rule, o.organ_name from marts.fct_rule_findings "
        "join marts.dim_organ o using (organ_key) order by 1, 2"
    )
    rules = {(f["organ_name"], f["report_year"], f["rule"]) for f in findings}
    # the late 2020 report makes 2021's carry-over a finding (11 carried forward, 7 carried over)
    assert ("宿迁市人民政府", 2021, "cross_year.carried_over.total") in rules
    # 003's new primary document agrees with its prose: its old findings are gone
    assert not any(organ == "淮北市人民政府办公室" for organ, _, _ in rules)
    jiangsu = warehouse.rows(
        "select applications_processed, document_count from marts.mart_report_summary "
        "where organ_name = '江苏省人民政府'"
    )
    assert jiangsu == [{"applications_processed": 30000, "document_count": 1}]
