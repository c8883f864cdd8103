"""Every text shape of the formats doc, as small inline fixtures."""

from __future__ import annotations

import copy

import pytest
from parser_builders import LAYOUT_2019
from parser_expectations import (
    COLS,
    SEED_000_APPLICATIONS,
    SEED_000_REVIEW,
    parse,
    rows,
)

HEAD = "宿迁市2020年政府信息公开工作年度报告\n宿迁市人民政府\n三、收到和处理政府信息公开申请情况\n"
REVIEW_HEAD = "四、政府信息公开行政复议、行政诉讼情况\n行政复议  行政诉讼\n结果维持 结果纠正 其他结果 尚未审结 总计 未经复议直接起诉 复议后起诉\n"


def _row_label(group, sub):
    return " ".join(x for x in (group, sub) if x)


def _review_line(sep=" "):
    return sep.join(str(SEED_000_REVIEW[g][m]) for g in SEED_000_REVIEW for m in SEED_000_REVIEW[g])


def test_space_separated_rows():
    lines = [
        _row_label(g, s) + "  " + "  ".join(str(SEED_000_APPLICATIONS[c][k]) for k in COLS) for g, s, c in LAYOUT_2019
    ]
    r = parse(HEAD + "\n".join(lines) + "\n" + REVIEW_HEAD + _review_line())
    assert r["applications"] == SEED_000_APPLICATIONS
    assert r["review_litigation"] == SEED_000_REVIEW


def test_labels_broken_by_spaces():
    lines = []
    for g, s, c in LAYOUT_2019:
        label = _row_label(g, s).replace("政府信息公开", "政府 信息 公开").replace("不掌握", "不 掌握")
        lines.append(label + " " + " ".join(str(SEED_000_APPLICATIONS[c][k]) for k in COLS))
    header = "申请人情况\n自然人 法人或其他组织 总计\n商业 企业 科研 机构 社会 公益 组织 法律 服务 机构 其他\n"
    r = parse(HEAD + header + "\n".join(lines) + "\n" + REVIEW_HEAD + _review_line())
    assert r["applications"] == SEED_000_APPLICATIONS


def test_typos_in_labels_still_match():
    text = (
        HEAD
        + "一、本年新收到政府信息公开申请数量 | 3 | 0 | 0 | 0 | 0 | 0 | 3 |\n二、上年结转政府信息公开数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n(三)不予公开 | 3.危机“三安全一稳定” | 1 | 0 | 0 | 0 | 0 | 0 | 1 |\n7.属于行政法案卷 | 2 | 0 | 0 | 0 | 0 | 0 | 2 |\n(四)无法提 供 | 2.没有现成信息需另行制作 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n(七)总计 | 3 | 0 | 0 | 0 | 0 | 0 | 3 |\n四、结转下年度继续办理 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |"
    )
    r = parse(text)
    a = r["applications"]
    assert a["new_received"]["total"] == 3 and a["carried_over"]["total"] == 0
    assert a["denied_security_stability"]["natural_person"] == 1
    assert a["denied_enforcement_file"]["natural_person"] == 2
    assert a["unavailable_needs_creation"]["total"] == 0


def test_run_together_unique_split():
    # 64|0|0|2|0|4|70 is the only split whose last cell is the sum of the six others
    text = (
        HEAD
        + "一、本年新收政府信息公开申请数量640020470\n二、上年结转政府信息公开申请数量0000000\n三、本年度办理结果（一）予以公开640020470\n（七）总计640020470\n四、结转下年度继续办理0000000\n"
    )
    r = parse(text)
    expected = dict(zip(COLS, [64, 0, 0, 2, 0, 4, 70]))
    assert r["applications"]["new_received"] == expected
    assert r["applications"]["granted"] == expected
    assert not [p for p in r["problems"] if p["code"] == "ambiguous_split"]
    assert r["provenance"]["applications.new_received.total"].startswith("text chars ")


def test_run_together_ambiguous_split_is_null_never_picked():
    # 110000011 is 1|10|0|0|0|0|11 or 11|0|0|0|0|0|11: every table rule holds either way
    text = (
        HEAD
        + "一、本年新收政府信息公开申请数量110000011\n二、上年结转政府信息公开申请数量0000000\n（一）予以公开110000011\n（二）部分公开0000000\n（七）总计110000011\n四、结转下年度继续办理0000000\n"
    )
    r = parse(text)
    row = r["applications"]["new_received"]
    assert row["natural_person"] is None and row["commercial"] is None
    assert row["total"] == 11 and row["research"] == 0
    fields = {p["field"] for p in r["problems"] if p["code"] == "ambiguous_split"}
    assert "applications.new_received.natural_person" in fields
    assert "applications.new_received.natural_person" not in r["provenance"]


def test_run_together_resolved_by_column_rules():
    # (七) alone is ambiguous (1|10… or 11|0…); the printed balance 一 + 二 = (七) + 四 decides
    text = (
        HEAD
        + "一、本年新收政府信息公开申请数量 11 0 0 0 0 0 11\n二、上年结转政府信息公开申请数量0000000\n（一）予以公开 11 0 0 0 0 0 11\n（七）总计110000011\n四、结转下年度继续办理0000000\n"
    )
    r = parse(text)
    assert r["applications"]["total_processed"] == dict(zip(COLS, [11, 0, 0, 0, 0, 0, 11]))
    assert not [p for p in r["problems"] if p["code"] == "ambiguous_split"]


def test_run_together_review_row():
    text = HEAD + REVIEW_HEAD + "9101143435782310001\n五、存在的主要问题及改进情况\n"
    r = parse(text)
    review = r["review_litigation"]["review"]
    assert (review["upheld"], review["corrected"], review["total"]) == (9, 10, 34)
    assert review["other"] is None and review["pending"] is None  # 1|14 or 11|4
    assert r["review_litigation"]["litigation_direct"] == SEED_000_REVIEW["litigation_direct"]


PDF_LAYOUT = """宿迁市2020年政府信息公开工作年度报告
三、收到和处理政府信息公开申请情况
（本列数据的勾稽关系为：第一 申请人情况
项加第二项之和，等于第三项加 自然人 法人或其他组织                     总计
第四项之和）                        商业企 科研机 社会公 法律服 其他
                                    业     构     益组织 务机构
一、本年新收政府信息公开申请   1016     35      5      3      1      2   1062
数量
二、上年结转政府信息公开申请     11      0      0      0      0      0     11
数量
三、 （一）予以公开               480     15      4      3      0      2    504
本 （二）部分公开（区分处理        47      1      1      0      0      0     49
年 的，只计这一情形，不计其
度 他情形）
办 （三）不 1.属于国家秘密       13      0      0      0      0      0     13
理 予公开   2.其他法律行政法      4      0      0      0      0      0      4
结          规禁止公开
果          3.危及“三安全一       0      0      0      0      0      0      0
            稳定”
            4.保护第三方合法      0      0      0      0      0      0      0
            权益
            5.属于三类内部事      7      0      0      0      0      0      7

                                    — 8 —

            务信息
            6.属于四类过程性      5      0      0      0      0      0      5
            信息
            7.属于行政执法案      1      0      0      0      0      0      1
            卷
            8.属于行政查询事      5      1      0      0      0      0      6
            项
   （四）无 1.本机关不掌握相    314     16      0      0      0      0    330
   法提供   关政府信息
            2.没有现成信息需      5      0      0      0      0      0      5
            要另行制作
            3.补正后申请内容      4      0      0      0      0      0      4
            仍不明确
   （五）不 1.信访举报投诉类     18      0      0      0      1      0     19
   予处理   申请
            2.重复申请           11      0      0      0      0      0     11
            3.要求提供公开出      0      0      0      0      0      0      0
            版物
            4.无正当理由大量      0      0      0      0      0      0      0
            反复申请
            5.要求行政机关确      1      0      0      0      0      0      1
            认或重新出具已获
            取信息
   （六）其他处理               101      2      0      0      0      0    103
   （七）总计                  1016     35      5      3      1      2   1062
四、结转下年度继续办理           11      0      0      0      0      0     11
四、政府信息公开行政复议、行政诉讼情况
行政复议                           行政诉讼
结果维 结果纠 其他结 尚未审 总计   未经复议直接起诉                   复议后起诉
持     正     果     结            结果维 结果纠 其他结 尚未审 总计   结果维 结果纠 其他结 尚未审 总计
                                   持     正     果     结            持     正     果     结
     9     10     11      4     34      3      5      7      8     23      1      0      0      0      1
"""


def test_pdf_layout_wrapped_labels_footer_vertical_header():
    r = parse(PDF_LAYOUT)
    assert r["applications"] == SEED_000_APPLICATIONS
    assert r["review_litigation"] == SEED_000_REVIEW


TABLE_2021 = """{organ}2022年政府信息公开工作年度报告
二、主动公开政府信息情况
第二十条第（一）项
信息内容\t本年制发件数\t本年废止件数\t现行有效件数
规章\t2\t1\t30
行政规范性文件\t15\t3\t120
第二十条第（五）项
信息内容\t本年处理决定数量
行政许可\t5230
第二十条第（六）项
信息内容\t本年处理决定数量
行政处罚\t812
行政强制\t9
第二十条第（八）项
信息内容\t本年收费金额（单位：万元）
行政事业性收费\t9116.36
三、收到和处理政府信息公开申请情况
一、本年新收政府信息公开申请数量\t20\t1\t0\t0\t0\t0\t21
二、上年结转政府信息公开申请数量\t1\t0\t0\t0\t0\t0\t1
三、本年度办理结果\t（一）予以公开\t10\t1\t0\t0\t0\t0\t11
（二）部分公开（区分处理的，只计这一情形，不计其他情形）\t2\t0\t0\t0\t0\t0\t2
（三）不予公开\t1.属于国家秘密\t0\t0\t0\t0\t0\t0\t0
（四）无法提供\t1.本机关不掌握相关政府信息\t3\t0\t0\t0\t0\t0\t3
（五）不予处理\t2.重复申请\t1\t0\t0\t0\t0\t0\t1
（六）其他处理\t1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请\t2\t0\t0\t0\t0\t0\t2
2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请\t0\t0\t0\t0\t0\t0\t0
3.其他\t1\t0\t0\t0\t0\t0\t1
（七）总计\t19\t1\t0\t0\t0\t0\t20
四、结转下年度继续办理\t2\t0\t0\t0\t0\t0\t2
"""


def test_format_2021_with_other_subrows_and_table_two():
    r = parse(TABLE_2021.format(organ="某某县"))
    # titled by region only: the organ is printed nowhere, so it is null (never 某某县人民政府), the region kept
    assert (r["era"], r["year"], r["organ"], r["region"]) == ("2021", 2022, None, "某某县")
    a = r["applications"]
    assert a["other_no_correction"]["total"] == 2 and a["other_unpaid_fee"]["total"] == 0
    assert a["other_misc"]["total"] == 1
    assert a["other"]["total"] == 3  # no numbers of its own in 2021: derived, and said so
    assert "applications.other" in {p.get("field") for p in r["problems"] if p["code"] == "derived_value"}
    assert r["proactive"] == {
        "rules": {"issued": 2, "repealed": 1, "in_force": 30},
        "normative_documents": {"issued": 15, "repealed": 3, "in_force": 120},
        "licensing": {"decisions": 5230},
        "penalties": {"decisions": 812},
        "coercive_measures": {"decisions": 9},
        "fees": {"fee_amount_10k_yuan": 9116.36},
    }
    rules = {c["rule"]: c["ok"] for c in r["checks"]}
    assert rules["applications.balance.total"] is True  # 21 + 1 = 20 + 2
    assert rules["applications.outcomes_sum.total"] is None  # outcome rows left out above: not evaluable
    assert rules.get("applications.other_sum.total") is None  # （六） derived from its sub-rows: not compared


def test_money_units_and_signed_changes():
    text = """第二十条第（五）项
信息内容 上一年项目数量 本年增/减 处理决定数量
行政许可 100 -18 7
第二十条第（九）项
信息内容 采购项目数量 采购总金额
政府集中采购 12 251000元
"""
    r = parse(text)
    assert r["proactive"]["licensing"] == {"prev_year_items": 100, "change": -18, "decisions": 7}
    assert r["proactive"]["procurement"]["procurement_amount_10k_yuan"] == 25.1
    assert r["proactive_text"]["procurement.procurement_amount_10k_yuan"] == "251000元"
    assert "bare_amount_unit" not in {p["code"] for p in r["problems"]}


STATISTICS_TABLE = """某某市人民政府2010年政府信息公开工作年度报告
一、概述
附：政府信息公开情况统计表
指标名称  计量单位  本年度  历年累计
（一）主动公开政府信息数  条  928  5120
（一）受理依申请公开信息总数  件  501  2300
（二）对申请的答复总数  件  498  2290
1.同意公开答复数  件  115
2.同意部分公开答复数  件  120
3.不予公开答复数  件  166
（一）行政复议数  件  1
（二）行政诉讼数  件  7
"""


def test_pre2019_statistics_table():
    r = parse(STATISTICS_TABLE)
    assert (r["era"], r["year"], r["organ"]) == ("pre2019", 2010, "某某市人民政府")
    a = r["applications"]
    assert a["new_received"]["total"] == 501 and a["new_received"]["natural_person"] is None
    assert a["total_processed"]["total"] == 498
    assert (a["granted"]["total"], a["partially_granted"]["total"], a["denied"]["total"]) == (115, 120, 166)
    assert r["review_litigation"]["review"]["total"] == 1
    assert r["narrative"]["litigation_total"] == 7  # 行政诉讼数: no table cell means direct + after review
    assert r["narrative"]["proactive_items_published"] == 928


def test_traditional_script_converted_and_original_kept():
    text = (
        "江蘇省2020年政府信息公開工作年度報告\n"
        + "三、收到和處理政府信息公開申請情況\n"
        + "\n".join(
            _row_label(g, s) + " " + " ".join(str(SEED_000_APPLICATIONS[c][k]) for k in COLS) for g, s, c in LAYOUT_2019
        )
    )
    text = text.replace("予以公开", "予以公開").replace("申请数量", "申請數量").replace("处理", "處理")
    r = parse(text)
    assert r["script"] == "traditional"
    assert r["title"] == "江苏省2020年政府信息公开工作年度报告"
    assert r["title_original"] == "江蘇省2020年政府信息公開工作年度報告"
    assert (r["organ"], r["region"]) == (None, "江苏省")  # a region-only title names no organ
    assert r["applications"] == SEED_000_APPLICATIONS


def test_fullwidth_digits_invisible_chars_and_word_markup():
    apps = copy.deepcopy(SEED_000_APPLICATIONS)
    lines = []
    for g, s, c in LAYOUT_2019:
        values = " ".join(str(apps[c][k]) for k in COLS).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        label = _row_label(g, s).replace("1.", "1、").replace("（一）", "<!--[if !supportLists]-->（一）<!--[endif]-->")
        lines.append("\u200b" + label + "\u00a0" + values)
    r = parse(HEAD + "\n".join(lines))
    assert r["applications"] == apps


def test_derived_rows_are_rows():
    assert rows({"granted": [1, 0, 0, 0, 0, 0, 1]})["granted"]["total"] == 1


def test_prose_against_tables():
    table = "\n".join(
        _row_label(g, s) + " " + " ".join(str(SEED_000_APPLICATIONS[c][k]) for k in COLS) for g, s, c in LAYOUT_2019
    )
    prose = (
        "本年度共收到政府信息公开申请1062件，其中自然人申请1016件、法人或其他组织申请46件；上年结转11件。"
        "予以公开504件，部分公开49件，不予公开36件，无法提供339件，不予处理31件，其他处理130件。"
        "被申请行政复议34件，提起行政诉讼25件。\n"
    )
    r = parse(HEAD + prose + table + "\n" + REVIEW_HEAD + _review_line())
    n = r["narrative"]
    assert (n["applications_received"], n["applications_carried_over"], n["other"]) == (1062, 11, 130)
    assert n["applications_received_natural_person"] == 1016 and n["applications_received_legal_person"] == 46
    assert {c["rule"] for c in r["checks"] if c["ok"] is False} == {"narrative.other", "narrative.litigation_total"}
    ok = {c["rule"] for c in r["checks"] if c["ok"] is True}
    assert {
        "narrative.applications_received",
        "narrative.review_total",
        "narrative.denied",
        "narrative.applications_received_legal_person",
    } <= ok


def test_received_including_carried_over_is_not_received():
    r = parse("2020年，共收到政府信息公开申请25件（含上年结转2件）。\n")
    assert "applications_received" not in r["narrative"]


def _seed_000() -> str:
    from parser_expectations import seed_path

    return seed_path("000").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "variant",
    [
        lambda t: t.replace("\t", ""),  # one cell per line without the tab
        lambda t: t.replace("\n", "\r\n"),  # Windows line ends
        lambda t: t.translate(str.maketrans("0123456789", "０１２３４５６７８９")),  # full-width digits
        lambda t: t.replace("\t", "\u00a0"),  # NBSP instead of tabs
    ],
    ids=["no_tabs", "crlf", "fullwidth_digits", "nbsp"],
)
def test_seed_000_export_variants(variant):
    from parser_expectations import SEED_000_PROACTIVE

    r = parse(variant(_seed_000()))
    assert r["applications"] == SEED_000_APPLICATIONS
    assert r["review_litigation"] == SEED_000_REVIEW
    assert r["proactive"] == SEED_000_PROACTIVE


def test_big5_traditional_without_declaration():
    from parser_expectations import seed_path

    data = seed_path("004").read_text(encoding="utf-8").encode("big5", errors="replace")
    r = parse(data)
    assert (r["organ"], r["script"], r["narrative"]["applications_received"]) == (None, "traditional", 30513)
    assert "encoding_guessed" in {p["code"] for p in r["problems"]}


def test_subtotal_column_not_in_the_official_layout_is_dropped():
    header = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\n申请人情况\n自然人 法人或其他组织 总计\n商业企业 科研机构 社会公益组织 法律服务机构 其他 小计\n"
    lines = []
    for g, s, c in LAYOUT_2019:
        v = [SEED_000_APPLICATIONS[c][k] for k in COLS]
        printed = v[:6] + [sum(v[1:6])] + v[6:]
        lines.append(_row_label(g, s) + " " + " ".join(map(str, printed)))
    r = parse(HEAD + header + "\n".join(lines))
    assert r["applications"] == SEED_000_APPLICATIONS


def test_hybrid_2021_report_with_2019_headers_in_table_two():
    text = TABLE_2021.format(organ="某某县").replace(
        "本年制发件数\t本年废止件数\t现行有效件数", "本年新制作数量\t本年新公开数量\t对外公开总数量"
    )
    r = parse(text)
    assert r["era"] == "2021"  # from table 三's （六） sub-rows
    assert r["proactive"]["rules"] == {"new_made": 2, "new_published": 1, "published_total": 30}
    assert r["proactive"]["fees"] == {"fee_amount_10k_yuan": 9116.36}


def test_pre2019_statistics_with_arabic_numbering():
    text = (
        "某某区2012年政府信息公开工作年度报告\n政府信息公开情况统计表\n指标名称 | 单位 | 本年度 | 历年累计 |\n"
        "(1)收到申请数 | 件 | 25 | 300 |\n(2)对申请的答复总数 | 件 | 24 | |\n其中：1.同意公开答复数 | 件 | | 200 |\n"
    )
    r = parse(text)
    assert r["applications"]["new_received"]["total"] == 25
    assert r["applications"]["total_processed"]["total"] == 24
    assert "granted" not in r["applications"]  # 本年度 left blank: the 历年累计 cell is never taken


def test_received_with_carried_over_among_them_is_not_received():
    r = parse("2020年，共受理政府信息公开申请25件，其中上年结转2件。\n")
    assert "applications_received" not in r["narrative"]
    assert r["narrative"]["applications_carried_over"] == 2


def test_proactive_row_with_a_cell_missing_is_null_not_shifted():
    text = "第二十条第（五）项\n信息内容 上一年项目数量 本年增/减 处理决定数量\n行政许可 100 7\n其他对外管理服务事项 5 1 2\n"
    r = parse(text)
    assert r["proactive"]["licensing"] == {"prev_year_items": None, "change": None, "decisions": None}
    assert r["proactive"]["other_admin_services"] == {"prev_year_items": 5, "change": 1, "decisions": 2}
    assert "unreadable_value" in {p["code"] for p in r["problems"]}


def test_2021_other_heading_beside_a_wrapped_sub_row_does_not_take_its_cells():
    """Cells centred in their rows (WPS): 2021's （六）其他处理 heading, centred over its three sub-rows, lands
    between sub-row 2's wrapped label and its numbers. The numbers are the sub-row's; （六） prints none."""
    import random
    import re

    import reportgen
    from parsers import parse_bytes

    truth = reportgen.random_report("2021", random.Random(5))
    lines = reportgen.render_text(truth, "pdf_layout").split("\n")
    first = next(k for k, line in enumerate(lines) if "（六）其" in line)
    lines[first] = lines[first].replace("（六）其", "        ")
    lines[first + 1] = lines[first + 1].replace("他处理", "      ")
    second = next(k for k, line in enumerate(lines) if "2.申请人逾期未按" in line)
    label, numbers = re.fullmatch(r"(\s*2\.\S+)\s+([\d ]+)", lines[second]).groups()
    lines[second] = label
    lines[second + 2] = f"   （六）其他处理 {lines[second + 2].strip()}   {numbers}"
    report = parse_bytes("\n".join(lines).encode("utf-8"), filename="r.txt")
    apps, want = report["applications"], truth["applications"]
    for code in ("other_no_correction", "other_unpaid_fee", "other_misc"):
        assert apps[code] == want[code], code
    assert apps["other"] == want["other"]  # derived from its sub-rows, never the sub-row's cells
