"""Real-world shapes the seeds do not cover: CMS pages, WPS-PDF text, run-together tables, pre-2019
统计表, contradicting prose and broken arithmetic, metadata from sidebars and 来源 lines.

The first rule everywhere: a number given is the number printed (or derived and flagged); never a guess.
"""

from __future__ import annotations

from parser_expectations import parse
from real_world_fixtures import (
    APPS_2021,
    COLS,
    LAYOUT_2021,
    NATIONAL_STAT_ROWS,
    STATISTICS_REPORT_2016,
    apps_copy,
    as_rows,
    consistent,
    county_page_html,
    national_statistics_page,
    review_groups,
    run_together_text,
    wps_pdf_text,
)


def _no_wrong_number(report: dict, truth: dict) -> list[str]:
    """Cells given that differ from the truth (none allowed); returns the cells left null."""
    nulls = []
    for code, values in truth.items():
        got = (report["applications"] or {}).get(code) or {}
        for col, value in zip(COLS, values):
            if got.get(col) is None:
                nulls.append(f"{code}.{col}")
            else:
                assert got[col] == value, (code, col, got[col], value)
    return nulls


def _failed(report: dict) -> set[str]:
    return {c["rule"] for c in report["checks"] if c["ok"] is False}


def _codes(report: dict) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p in report["problems"]:
        out.setdefault(p["code"], []).append(p.get("field", ""))
    return out


# ---------------------------------------------------------------- CMS HTML page, 2021 format


def test_county_cms_page_reads_every_table_and_ignores_the_sidebar_years():
    apps = apps_copy()
    apps["carried_over"][6] = ""  # 总计 left blank: derived and flagged
    r = parse(county_page_html(apps), "report.html")
    assert r["year"] == 2022  # the sidebar lists 2021, 2020, 2019 reports first
    assert r["title"] == "丰县人民政府2022年政府信息公开工作年度报告"
    assert r["organ"] == "丰县人民政府"
    assert r["publication_date"] == "2023-01-31"
    assert r["era"] == "2021"
    truth = apps_copy()
    assert _no_wrong_number(r, truth) == []
    assert r["applications"]["other"]["total"] == 4  # （六） = Σ its three sub-rows, derived
    assert "applications.carried_over.total" in _codes(r)["derived_value"]
    assert r["review_litigation"] == review_groups()
    assert r["proactive"]["licensing"] == {"decisions": 1062}
    assert r["proactive"]["normative_documents"] == {"issued": 12, "repealed": 3, "in_force": 45}
    assert r["proactive"]["fees"] == {"fee_amount_10k_yuan": 15.62}
    assert not _failed(r)
    assert r["narrative"]["applications_received"] == 104 and r["narrative"]["litigation_total"] == 4


def test_mis_set_rowspan_shifts_one_row_but_every_row_is_still_read():
    # 三、本年度办理结果 with rowspan 23 instead of 22 pushes 四、结转下年度 one column right: the table's numbers
    # then sit in 8 columns. Each row is read from its own cells after its label, not the whole table lost.
    r = parse(county_page_html(results_rowspan=23), "report.html")
    assert _no_wrong_number(r, apps_copy()) == []


def test_zero_printed_as_empty_cells_gives_null_never_zero_or_a_shifted_number():
    apps = {code: ["" if v == 0 else v for v in values] for code, values in apps_copy().items()}
    r = parse(county_page_html(apps), "report.html")
    truth = apps_copy()
    nulls = set(_no_wrong_number(r, truth))
    for code, values in truth.items():
        for col, value in zip(COLS, values):
            if value != 0:
                assert f"{code}.{col}" not in nulls, (code, col)


def test_prose_contradicting_the_table_is_flagged():
    prose = "2022年共收到政府信息公开申请120件，办结104件。被申请行政复议6件，被提起行政诉讼4件。"
    r = parse(county_page_html(prose=prose), "report.html")
    failed = _failed(r)
    assert "narrative.applications_received" in failed and "narrative.review_total" in failed
    assert "narrative.applications_processed" not in failed
    assert r["applications"]["new_received"]["total"] == 104  # the table as printed


def test_broken_arithmetic_is_flagged_and_values_kept_as_printed():
    apps = apps_copy()
    apps["granted"][6] = 43  # 总计 not the sum of its row; （七） no longer the sum of the outcomes
    apps["carried_forward"] = [6, 0, 0, 0, 0, 0, 6]  # balance fails in 自然人 and 总计
    review = list(range(15))  # every 总计 wrong
    r = parse(county_page_html(apps, review=review), "report.html")
    assert r["applications"]["granted"]["total"] == 43
    assert r["applications"]["carried_forward"]["natural_person"] == 6
    failed = _failed(r)
    assert {
        "applications.row_sum.granted",
        "applications.outcomes_sum.total",
        "applications.balance.natural_person",
        "applications.balance.total",
    } <= failed
    assert "applications.balance.commercial" not in failed
    assert any(rule.startswith("review_litigation.") for rule in failed)


# ---------------------------------------------------------------- WPS PDF text


def test_wps_pdf_text_with_wrapped_labels_vertical_header_and_page_break():
    r = parse(wps_pdf_text(), "report.txt")
    assert _no_wrong_number(r, apps_copy()) == []
    assert r["review_litigation"] == review_groups()
    assert r["organ"] == "丰县应急管理局" and r["year"] == 2022
    assert not _failed(r)


def test_wps_pdf_text_prose_contradiction():
    r = parse(wps_pdf_text(prose="2022年，我局共收到政府信息公开申请125件，办结104件。"), "report.txt")
    assert "narrative.applications_received" in _failed(r)
    assert r["narrative"]["applications_received"] == 125


# ---------------------------------------------------------------- run-together cells


def test_run_together_table_three_and_four_split_by_the_arithmetic():
    apps = apps_copy()
    apps["granted"] = [50, 11, 0, 0, 0, 1, 62]
    apps["unavailable_not_held"] = [40, 2, 0, 1, 0, 1, 44]
    consistent(apps)
    r = parse(run_together_text(apps), "report.txt")
    assert _no_wrong_number(r, apps) == []
    assert r["review_litigation"] == review_groups()


def test_run_together_ambiguous_rows_are_null_never_guessed():
    apps = apps_copy()
    # 1|11|0|0|0|0|12 and 11|1|0|0|0|0|12 print the same digits; swapping them keeps every column sum
    apps["granted"] = [1, 11, 0, 0, 0, 0, 12]
    apps["partially_granted"] = [11, 1, 0, 0, 0, 0, 12]
    consistent(apps)
    r = parse(run_together_text(apps), "report.txt")
    nulls = _no_wrong_number(r, apps)
    assert {"granted.natural_person", "granted.commercial", "partially_granted.natural_person"} <= set(nulls)
    assert r["applications"]["granted"]["total"] == 12
    ambiguous = _codes(r)["ambiguous_split"]
    assert "applications.granted.natural_person" in ambiguous


def test_run_together_table_four_with_multi_digit_cells():
    review = [12, 3, 0, 1, 16, 2, 0, 1, 0, 3, 0, 0, 0, 1, 1]
    r = parse(run_together_text(consistent(apps_copy()), review=review), "report.txt")
    groups = r["review_litigation"]
    for g, measures in review_groups(review).items():
        for m, v in measures.items():
            assert groups[g][m] in (None, v)
    assert groups["review"]["total"] == 16 or "ambiguous_split" in _codes(r)


# ---------------------------------------------------------------- pre-2019


def test_pre2019_statistics_table_text_and_space_layouts():
    for text in (STATISTICS_REPORT_2016, STATISTICS_REPORT_2016.replace("\t", "    ")):
        r = parse(text, "report.txt")
        assert r["era"] == "pre2019" and r["year"] == 2016 and r["organ"] == "XX市国土资源局"
        assert r["publication_date"] == "2017-03-20"
        totals = {code: row["total"] for code, row in r["applications"].items()}
        assert totals == {
            "new_received": 152,
            "total_processed": 150,
            "granted": 96,
            "partially_granted": 10,
            "denied": 15,
            "other": 29,
        }
        assert r["review_litigation"]["review"]["total"] == 1
        assert r["narrative"]["litigation_total"] == 2
        assert r["narrative"]["proactive_items_published"] == 1062  # full-width digits in the cell
        assert not _failed(r)


def test_pre2019_national_template_html():
    r = parse(national_statistics_page(), "report.html")
    assert r["era"] == "pre2019" and r["year"] == 2016
    totals = {code: row["total"] for code, row in r["applications"].items()}
    # 收到申请数, 申请答复数 (the template's name for 对申请的答复总数); 属于已主动公开范围数 is not 同意公开
    assert totals == {"new_received": 152, "total_processed": 150, "granted": 60, "partially_granted": 10, "denied": 15}
    assert r["narrative"]["fees_collected_yuan"] == 1200  # 0.12 万元
    assert r["narrative"]["proactive_items_published"] == 1062
    assert len(NATIONAL_STAT_ROWS) > 20


def test_pre2019_prose_only():
    text = (
        "XX县卫生和计划生育局2017年政府信息公开工作年度报告\n一、概述\n"
        "全年共受理政府信息公开申请152件，其中当面申请12件，网上申请140件；已办结150件，其中同意公开96件，"
        "同意部分公开10件，不予公开15件；2件结转下年度办理。全年未发生因政府信息公开引起的行政复议和行政诉讼。\n"
    )
    r = parse(text, "report.txt")
    assert r["era"] == "pre2019" and r["year"] == 2017
    n = r["narrative"]
    assert (
        n["applications_received"],
        n["applications_processed"],
        n["granted"],
        n["partially_granted"],
        n["denied"],
        n["applications_carried_forward"],
    ) == (152, 150, 96, 10, 15, 2)
    assert n["review_total"] == 0 and n["litigation_total"] == 0
    assert r["applications"] is None


# ---------------------------------------------------------------- prose figures that are not the figure


def test_prose_changes_and_next_year_carry_forward_are_not_counts():
    r = parse("丰县2022年政府信息公开工作年度报告\n2022年，收到政府信息公开申请较上年增加10件。", "r.txt")
    assert "applications_received" not in r["narrative"]
    r = parse(
        "丰县2022年政府信息公开工作年度报告\n2022年共收到政府信息公开申请104件，较上年增加10件。"
        "2022年结转至2023年办理5件。上年结转3件。",
        "r.txt",
    )
    n = r["narrative"]
    assert (n["applications_received"], n["applications_carried_forward"], n["applications_carried_over"]) == (
        104,
        5,
        3,
    )


# ---------------------------------------------------------------- metadata


def test_organ_from_publisher_line_when_the_title_names_none():
    r = parse(
        "2022年政府信息公开工作年度报告\n发布机构：丰县应急管理局  发布日期：2023-01-20\n"
        "本报告所列数据统计期限自2022年1月1日起至2022年12月31日止。\n",
        "r.txt",
    )
    assert r["organ"] == "丰县应急管理局"  # not 政府 (between the year and 信息公开)
    assert r["year"] == 2022 and r["publication_date"] == "2023-01-20"
    r = parse(
        "政府信息公开工作年度报告（2022年）\n来源：丰县应急管理局 发布时间：2023-01-31 16:20\n"
        "本年度报告统计期限自2022年1月1日起至2022年12月31日止。\n",
        "r.txt",
    )
    assert (r["organ"], r["year"], r["publication_date"]) == ("丰县应急管理局", 2022, "2023-01-31")


def test_organ_from_page_content_source_meta():
    page = (
        '<html><head><title>2022年政府信息公开工作年度报告</title><meta name="ContentSource" content="丰县卫生健康委员会">'
        '<meta name="PubDate" content="2023-01-18 09:00"></head><body><div class="TRS_Editor"><p>2022年政府信息公开'
        "工作年度报告</p><p>本报告统计期限自2022年1月1日至2022年12月31日。</p></div></body></html>"
    )
    r = parse(page, "r.html")
    assert (r["organ"], r["year"], r["publication_date"]) == ("丰县卫生健康委员会", 2022, "2023-01-18")


def test_title_variants():
    cases = {
        "丰县人民政府办公室关于2022年政府信息公开工作年度报告\n": ("丰县人民政府办公室", 2022),
        "2022年度丰县政府信息公开工作年度报告\n": (None, 2022),  # 丰县 + 政府信息公开: no organ is named
        "徐州市自然资源和规划局2021年度政府信息公开工作年度报告\n": ("徐州市自然资源和规划局", 2021),
        "丰县人民政府二〇二二年政府信息公开工作年度报告\n发布时间：2023-03-28\n": ("丰县人民政府", 2022),
    }
    for text, (organ, year) in cases.items():
        r = parse(text, "r.txt")
        assert (r["organ"], r["year"]) == (organ, year), text


def test_layout_fixture_is_complete():
    assert [c for _, _, c in LAYOUT_2021] == list(apps_copy())


# ---------------------------------------------------------------- label variants and repeated headers


def _cell_per_line(apps: dict, header_after: str | None = None, rename: dict | None = None) -> str:
    header = [
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
        "申请人情况",
        "自然人",
        "法人或其他组织",
        "总计",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
    ]
    lines = ["丰县2022年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况", *header]
    for group, label, code in LAYOUT_2021:
        for part in (group, label):
            if part:
                lines.append((rename or {}).get(part, part))
        lines += ["\t" + str(v) for v in apps[code]]
        if code == header_after:
            lines += ["— 4 —", *header]  # page break: the column header printed again
    lines.append("四、政府信息公开行政复议、行政诉讼情况")
    return "\n".join(lines)


def test_column_header_repeated_inside_the_other_rows_is_not_the_total_row():
    # after （六） a bare 总计 is （七）总计 — unless it is the repeated header (followed by 商业企业 …)
    r = parse(_cell_per_line(apps_copy(), header_after="other_no_correction"), "r.txt")
    assert r["applications"] is not None
    for code, row in as_rows(apps_copy()).items():
        assert r["applications"][code] == row, code


def test_label_variants_real_reports_print():
    rename = {
        "一、本年新收政府信息公开申请数量": "一、本年度新收政府信息公开申请数量",
        "（七）总计": "（七）合计",
        "（六）其他处理": "（六）其它处理",
    }
    r = parse(_cell_per_line(apps_copy(), rename=rename), "r.txt")
    for code, row in as_rows(apps_copy()).items():
        assert r["applications"][code] == row, code


def test_count_cells_with_a_unit():
    apps = apps_copy()
    apps["new_received"] = ["98 件", "3件", 0, "1", 0, 2, "104 件"]
    r = parse(county_page_html(apps), "report.html")
    assert r["applications"]["new_received"] == dict(zip(COLS, [98, 3, 0, 1, 0, 2, 104]))


def test_title_with_the_year_in_parentheses():
    r = parse("国家税务总局丰县税务局政府信息公开工作年度报告（2022年）\n发布日期：2023-01-20\n", "r.txt")
    assert (r["organ"], r["year"], r["publication_date"]) == ("国家税务总局丰县税务局", 2022, "2023-01-20")
    assert r["title"] == "国家税务总局丰县税务局政府信息公开工作年度报告（2022年）"


def test_sidebar_links_right_before_the_title_do_not_give_the_year():
    page = (
        "<html><body><div class='side'><ul><li><a>丰县人民政府2021年政府信息公开工作年度报告</a></li>"
        "<li><a>丰县人民政府2020年政府信息公开工作年度报告</a></li></ul></div><div><h1>丰县人民政府2022年政府信息公开"
        "工作年度报告</h1><p>发布时间：2023-01-31</p><p>一、总体情况</p><p>2022年共收到政府信息公开申请104件。</p>"
        "</div></body></html>"
    )
    r = parse(page, "r.html")
    assert (r["year"], r["publication_date"]) == (2022, "2023-01-31")
    page_without_date = page.replace("<p>发布时间：2023-01-31</p>", "").replace(
        "<p>一、总体情况</p>", "<p>2022年，我县坚持……2022年全年……</p>"
    )
    assert parse(page_without_date, "r.html")["year"] == 2022


def test_dash_cells_in_numeric_positions_are_null_unless_the_row_proves_them_and_nothing_shifts():
    apps = apps_copy()
    apps["new_received"] = ["９８", "３", "０", "1", "—", "２", "１０４"]  # full-width digits, a dash
    apps["granted"] = ["40", "1", "-", "/", "无", "1", "42"]
    apps["unavailable_not_held"] = ["1,030", "1", "0", "1", "0", "1", "1,033"]
    review = ["—"] * 5 + [2, 0, 1, 0, 3, 0, 0, 0, 1, 1]  # 行政复议 all dashes: the row opens with them
    r = parse(county_page_html(apps, review=review), "report.html")
    a = r["applications"]
    # the printed cells already add up to the printed 总计: the dash cells are proven 0 (counts are never negative)
    assert a["new_received"] == dict(zip(COLS, [98, 3, 0, 1, 0, 2, 104]))
    assert a["granted"] == dict(zip(COLS, [40, 1, 0, 0, 0, 1, 42]))
    derived = {p["field"] for p in r["problems"] if p["code"] == "derived_value"}
    assert {"applications.new_received.legal_service", "applications.granted.research"} <= derived
    assert a["unavailable_not_held"]["total"] == 1033
    assert r["review_litigation"]["review"] == dict.fromkeys(["upheld", "corrected", "other", "pending", "total"])
    assert r["review_litigation"]["litigation_direct"] == review_groups()["litigation_direct"]
    assert r["review_litigation"]["litigation_after_review"] == review_groups()["litigation_after_review"]


def test_procurement_amount_with_its_unit_printed_apart():
    text = (
        "丰县2020年政府信息公开工作年度报告\n二、主动公开政府信息情况\n第二十条第（九）项\n信息内容 采购项目数量 采购总金额\n"
        "政府集中采购 25 251000 元\n第二十条第（六）项\n信息内容 上一年项目数量 本年增/减 处理决定数量\n行政强制 10 — 5\n"
    )
    r = parse(text, "r.txt")
    assert r["proactive"]["procurement"] == {"procurement_items": 25, "procurement_amount_10k_yuan": 25.1}
    assert r["proactive"]["coercive_measures"] == {"prev_year_items": 10, "change": None, "decisions": 5}
    assert not any(p["code"] == "bare_amount_unit" for p in r["problems"])


def test_table_four_groups_run_together_but_apart_from_each_other():
    text = run_together_text(consistent(apps_copy())).rsplit("\n", 1)[0] + "\n31015  20103  00011\n"
    r = parse(text, "r.txt")
    assert r["review_litigation"] == review_groups()
    text = run_together_text(consistent(apps_copy())).rsplit("\n", 1)[0] + "\n1010112  20103  00011\n"
    r = parse(text, "r.txt")  # 10|1|0|1|12 or 1|10|1|0|12 …: ambiguous cells null, the rest read
    review = r["review_litigation"]["review"]
    assert review["total"] == 12 and review["upheld"] is None
    assert r["review_litigation"]["litigation_direct"] == review_groups()["litigation_direct"]


def test_pre2019_prose_contradicting_its_statistics_table_is_flagged_not_overwritten():
    text = (
        STATISTICS_REPORT_2016.replace("行政诉讼2件", "行政诉讼3件")
        .replace("全年主动公开政府信息1,062条", "全年主动公开政府信息1,000条")
        .replace("全年共受理政府信息公开申请152件", "全年共受理政府信息公开申请150件")
    )
    r = parse(text, "r.txt")
    assert r["narrative"]["litigation_total"] == 3  # what the prose says
    assert r["narrative"]["proactive_items_published"] == 1000
    assert r["applications"]["new_received"]["total"] == 152  # what the table says
    assert {
        "narrative.litigation_total",
        "narrative.proactive_items_published",
        "narrative.applications_received",
    } <= _failed(r)


def test_gov_info_catalogue_table_gives_organ_date_and_a_clean_title():
    page = (
        '<html><head><title>2022年政府信息公开工作年度报告</title></head><body><table class="info">'
        "<tr><td>索引号</td><td>014165012/2023-00012</td><td>主题分类</td><td>其他</td></tr>"
        "<tr><td>发布机构</td><td>丰县应急管理局</td><td>生成日期</td><td>2023-01-20</td></tr>"
        '<tr><td>名称</td><td colspan="3">2022年政府信息公开工作年度报告</td></tr></table><div id="zoom">'
        "<p>2022年政府信息公开工作年度报告</p><p>本报告所列数据统计期限自2022年1月1日起至2022年12月31日止。</p>"
        "</div></body></html>"
    )
    r = parse(page, "r.html")
    assert (r["organ"], r["year"], r["title"], r["publication_date"]) == (
        "丰县应急管理局",
        2022,
        "2022年政府信息公开工作年度报告",
        "2023-01-20",
    )


def test_service_centre_applications_are_not_disclosure_applications():
    text = (
        "丰县2022年政府信息公开工作年度报告\n（三）政务服务。全年县政务服务中心共受理各类办件申请120000件，办结率100%。\n"
        "三、收到和处理政府信息公开申请情况\n本年度共收到申请104件。\n"
    )
    r = parse(text, "r.txt")
    assert r["narrative"].get("applications_received") == 104


def test_cms_that_strips_rowspan_and_colspan_attributes():
    import re

    for attrs in ("rowspan", "(?:rowspan|colspan)"):
        page = re.sub(rf' {attrs}="\d+"', "", county_page_html())
        r = parse(page, "report.html")
        assert _no_wrong_number(r, apps_copy()) == [], attrs
        assert r["review_litigation"] == review_groups()


def test_merged_cells_filled_in_group_labels_repeated_and_filler_cells():
    from real_world_fixtures import filled_merged_rows

    rows = filled_merged_rows(apps_copy())
    head = [
        "丰县2022年政府信息公开工作年度报告",
        "三、收到和处理政府信息公开申请情况",
        (
            "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） | | | 自然人 | 商业企业 | 科研机构 | "
            "社会公益组织 | 法律服务机构 | 其他 | 总计"
        ),
    ]
    text = "\n".join([*head, *(" | ".join(r) for r in rows), "四、政府信息公开行政复议、行政诉讼情况"])
    r = parse(text, "r.txt")
    for code, row in as_rows(apps_copy()).items():
        assert r["applications"][code] == row, code
    table = "<table>" + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows) + "</table>"
    page = f"<html><body><p>{head[0]}</p><p>{head[1]}</p>{table}</body></html>"
    r = parse(page, "r.html")
    for code, row in as_rows(apps_copy()).items():
        assert r["applications"][code] == row, code


def test_last_row_with_filler_cells_is_never_shifted():
    rows = [["四、结转下年度继续办理", "", "", "5", "1", "0", "0", "0", "0", "6"]]
    text = "\n".join(
        [
            "丰县2022年政府信息公开工作年度报告",
            "三、收到和处理政府信息公开申请情况",
            "一、本年新收政府信息公开申请数量 | 9 | 1 | 0 | 0 | 0 | 0 | 10",
            "二、上年结转政府信息公开申请数量 | 1 | 0 | 0 | 0 | 0 | 0 | 1",
            "（一）予以公开 | 5 | 0 | 0 | 0 | 0 | 0 | 5",
            "（七）总计 | 5 | 0 | 0 | 0 | 0 | 0 | 5",
            *(" | ".join(r) for r in rows),
            "四、政府信息公开行政复议、行政诉讼情况",
        ]
    )
    r = parse(text, "r.txt")
    assert r["applications"]["carried_forward"] == dict(zip(COLS, [5, 1, 0, 0, 0, 0, 6]))
    # empty cells on both sides of the numbers: where the blank value cell sits cannot be known
    text2 = text.replace("| 5 | 1 | 0 | 0 | 0 | 0 | 6", "| | 1 | 0 | 0 | 0 | 0 | 6 |  |")
    r = parse(text2, "r.txt")
    got = r["applications"]["carried_forward"]
    assert got["commercial"] in (None, 1) and got["natural_person"] is None


def test_a_cell_holding_two_numbers_is_read_only_as_the_arithmetic_splits_it():
    apps = apps_copy()
    apps["granted"][0] = "4 0"  # Word split the digits over two runs with a line break between them
    r = parse(county_page_html(apps), "report.html")
    # the cell alone cannot say whether it is 4, 0 or 40; the row run 4 0|1|…|总计 splits one way only by the
    # table's sums (the flattened-text reading), so the figure is the proven one or null, never a guess
    assert r["applications"]["granted"]["natural_person"] in (
        None,
        int(apps["granted"][6]) - sum(int(v) for v in apps["granted"][1:6]),
    )
    assert r["applications"]["granted"]["commercial"] == 1


def test_sidebar_of_other_organs_same_year_does_not_give_the_organ():
    page = (
        "<html><body><div class='side'><h3>部门年报</h3><ul><li><a>丰县教育局2022年政府信息公开工作年度报告</a></li>"
        "<li><a>丰县财政局2022年政府信息公开工作年度报告</a></li></ul></div><div><h1>丰县人民政府2022年政府信息公开"
        "工作年度报告</h1><p>发布时间：2023-01-31</p><p>2022年共收到政府信息公开申请104件，已办结政府信息公开申请104件。"
        "</p></div></body></html>"
    )
    r = parse(page, "r.html")
    assert (r["organ"], r["year"]) == ("丰县人民政府", 2022)
    assert (r["narrative"]["applications_received"], r["narrative"]["applications_processed"]) == (104, 104)


def test_pre2019_prose_with_refusals_worded_differently():
    text = (
        "XX县民政局2015年政府信息公开工作年度报告\n一、概述\n全年共受理政府信息公开申请30件，已答复30件，其中同意公开20件，"
        "同意部分公开4件，不同意公开6件。\n"
    )
    n = parse(text, "r.txt")["narrative"]
    assert (
        n["applications_received"],
        n["applications_processed"],
        n["granted"],
        n["partially_granted"],
        n["denied"],
    ) == (30, 30, 20, 4, 6)


def test_blank_rows_inside_the_table():
    blank = "<tr>" + "<td>&nbsp;</td>" * 10 + "</tr>"
    for before in (1, 3, 12, 25):  # before the first data row, inside the row spans, before the last row
        parts = county_page_html().split("<tr style=")
        parts[before - 1] += blank
        r = parse("<tr style=".join(parts), "report.html")
        assert _no_wrong_number(r, apps_copy()) == [], before


def test_shifted_row_with_a_filler_cell_and_no_total_is_not_read():
    # one row sits a column to the right (its label spans 4 columns, not 3) and lost its 总计 to a filler
    # cell: its own seven cells (blank, 5, 1, 0, 0, 0, 0) neither add up nor sit in the columns of rows that
    # do, so nothing is read; a shifted row that adds up is read
    def table(last_row):
        rows = []
        for group, label, code in LAYOUT_2021:
            name = label or group
            if code == "carried_forward":
                rows.append(f'<tr><td colspan="4">{name}</td>' + "".join(f"<td>{c}</td>" for c in last_row) + "</tr>")
            else:
                rows.append(
                    f'<tr><td colspan="3">{name}</td>' + "".join(f"<td>{v}</td>" for v in APPS_2021[code]) + "</tr>"
                )
        return f"<html><body><p>丰县2022年政府信息公开工作年度报告</p><table>{''.join(rows)}</table></body></html>"

    r = parse(table(["", "5", "1", "0", "0", "0", "0"]), "r.html")
    assert r["applications"]["carried_forward"] == dict.fromkeys(COLS)
    assert r["applications"]["granted"] == as_rows(APPS_2021)["granted"]
    r = parse(table(["5", "0", "0", "0", "0", "0", "5"]), "r.html")
    assert r["applications"]["carried_forward"] == as_rows(APPS_2021)["carried_forward"]
