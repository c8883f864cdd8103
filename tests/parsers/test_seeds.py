"""The five real seed reports, as plain text: every cell, the metadata, the narrative and the checks."""

from __future__ import annotations

from parser_expectations import (
    SEED_000_APPLICATIONS,
    SEED_000_PROACTIVE,
    SEED_000_REVIEW,
    SEED_002_APPLICATIONS,
    SEED_003_APPLICATIONS,
    ZERO_REVIEW,
    check_schema,
    seed_path,
)

from parsers import PARSER_VERSION, parse_file


def failed(report: dict) -> set[str]:
    return {c["rule"] for c in report["checks"] if c["ok"] is False}


def test_seed_000_suqian_2020_every_cell():
    r = check_schema(parse_file(seed_path("000")))
    assert (r["organ"], r["year"], r["era"], r["script"]) == ("宿迁市人民政府", 2020, "2019", "simplified")
    assert r["title"] == "宿迁市2020年政府信息公开工作年度报告"
    assert r["publication_date"] == "2021-03-09"
    assert r["parser_version"] == PARSER_VERSION
    assert r["applications"] == SEED_000_APPLICATIONS
    assert r["review_litigation"] == SEED_000_REVIEW
    assert r["proactive"] == SEED_000_PROACTIVE
    assert r["proactive_text"]["procurement.procurement_amount_10k_yuan"] == "372718.4969万元"
    assert failed(r) == set()
    assert {c["rule"] for c in r["checks"]} >= {
        "applications.balance.total",
        "applications.row_sum.granted",
        "applications.outcomes_sum.total",
        "review_litigation.review_sum",
    }
    # prose: 予以公开的504件、部分公开的49件、不予公开的36件、无法提供的339件、不予处理的31件、作其他处理的103件
    assert r["narrative"]["applications_processed"] == 1062  # 共办理…案件1062件（含2019年度结转11件）
    stated = {"granted": 504, "partially_granted": 49, "denied": 36, "unavailable": 339, "rejected": 31, "other": 103}
    assert {k: r["narrative"].get(k) for k in stated} == stated
    # every number read is traceable
    for row, cols in r["applications"].items():
        for col in cols:
            assert f"applications.{row}.{col}" in r["provenance"]
    assert r["provenance"]["review_litigation.review.total"].startswith("text chars ")
    assert not [p for p in r["problems"] if p["severity"] == "error"]


def test_seed_001_pre2019_narrative_only():
    r = check_schema(parse_file(seed_path("001")))
    assert (r["organ"], r["year"], r["era"]) == ("宿迁市政务服务管理办公室", 2017, "pre2019")
    assert r["narrative"]["applications_received"] == 1  # 收到申请人公开政府信息的诉求1个
    assert r["narrative"]["review_total"] == 0 and r["narrative"]["litigation_total"] == 0
    # no table printed: the tables stay null, the figures live in narrative
    assert r["applications"] is None and r["review_litigation"] is None and r["proactive"] is None


def test_seed_002_sujiatun_pipes():
    r = check_schema(parse_file(seed_path("002")))
    assert (r["year"], r["era"]) == (2020, "2019")
    assert r["organ"] is None and "organ_not_found" in {p["code"] for p in r["problems"]}
    assert r["applications"] == SEED_002_APPLICATIONS  # incl. 危机“三安全一稳定”, 属于行政法案卷, 无法提 供
    assert r["review_litigation"] == ZERO_REVIEW
    assert r["proactive"]["procurement"] == {"procurement_items": 60, "procurement_amount_10k_yuan": 7004.69}
    assert r["proactive"]["licensing"] == {"prev_year_items": 518, "change": 43, "decisions": 28}
    assert r["proactive"]["fees"] == {"prev_year_items": 2, "change": 2}
    assert failed(r) == set()


def test_seed_003_huaibei_tables_before_heading_and_prose_contradiction():
    r = check_schema(parse_file(seed_path("003")))
    assert (r["organ"], r["year"], r["era"]) == ("淮北市人民政府办公室", 2020, "2019")
    assert r["applications"] == SEED_003_APPLICATIONS
    assert r["review_litigation"] == ZERO_REVIEW
    assert r["proactive"]["normative_documents"] == {"new_made": 35, "new_published": 35, "published_total": 405}
    assert r["proactive"]["procurement"]["procurement_amount_10k_yuan"] == 299.8
    assert "bare_amount_unit" in {p["code"] for p in r["problems"]}
    # prose says 其他处理的24件, 无法提供的1件; the table says 本机关不掌握 24, 其他处理 1
    assert r["narrative"]["other"] == 24 and r["narrative"]["unavailable"] == 1
    assert {"narrative.other", "narrative.unavailable"} <= failed(r)
    assert not {x for x in failed(r) if not x.startswith("narrative.")}
    bad = next(c for c in r["checks"] if c["rule"] == "narrative.other")
    assert (bad["expected"], bad["actual"], bad["severity"]) == (1, 24, "warning")


def test_seed_004_jiangsu_traditional_prose_only():
    r = check_schema(parse_file(seed_path("004")))
    # the text prints only the region (江蘇省2020年…报告), never 江苏省人民政府: a composed name would be wrong
    assert (r["organ"], r["region"], r["year"], r["era"], r["script"]) == (None, "江苏省", 2020, "2019", "traditional")
    assert "organ_not_found" in {p["code"] for p in r["problems"]}
    n = r["narrative"]
    assert (n["applications_received"], n["granted_incl_partial"], n["review_total"], n["litigation_total"]) == (
        30513,
        15693,
        1612,
        1563,
    )
    # 其中自然人申请28383件、法人或其他组织申请2130件(其中商业企业申请1472件、科研机构49件、…其他242件)
    assert {k[len("applications_received_") :]: v for k, v in n.items() if k.startswith("applications_received_")} == {
        "natural_person": 28383,
        "legal_person": 2130,
        "commercial": 1472,
        "research": 49,
        "social_org": 68,
        "legal_service": 299,
        "other_org": 242,
    }
    assert r["applications"] is None and r["review_litigation"] is None and r["proactive"] is None
    assert "table_missing" in {p["code"] for p in r["problems"]}
    assert r["provenance"]["narrative.applications_received"].startswith("text chars ")
