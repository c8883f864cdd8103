"""Flattened tables (label + digit run), pre-2019 统计表 runs, pipe tables without labels, blanks proven by
the sums. Inputs are written here; expected values are the table's own figures, typed by hand."""

from __future__ import annotations

from parsers import parse_bytes

COLS = ["natural_person", "commercial", "research", "social_org", "legal_service", "other_org", "total"]


def parse(text: str, name: str = "report.txt") -> dict:
    return parse_bytes(text.encode("utf-8"), filename=name, media_type="text/plain")


def codes(report: dict, code: str) -> set[str]:
    return {p.get("field") for p in report["problems"] if p["code"] == code}


ROWS_2019 = (
    "一、本年新收政府信息公开申请数量230 000023二、上年结转政府信息公开申请数量0000000三、本年度办理结果（一）予以公开7000007"
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）1000001（三）不予公开1.属于国家秘密00000002.其他法律行政法规禁止公开0000000"
    "3.危及“三安全一稳定”00000004.保护第三方合法权益00000005.属于三类内部事务信息00000006.属于四类过程性信息0000000"
    "7.属于行政执法案卷00000008.属于行政查询事项0000000三、本年度办理结果（四）无法提供1.本机关不掌握相关政府信息7000007"
    "2.没有现成信息需要另行制作00000003.补正后申请内容仍不明确5000005（五）不予处理1.信访举报投诉类申请00000002.重复申请3000003"
    "3.要求提供公开出版物00000004.无正当理由大量反复申请00000005.要求行政机关确认或重新出具已获取信息0000000"
    "（六）其他处理0 0 0 0 0 00（七）总计23 0 00 0 023四、结转下年度继续办理 0 0 00 00 0 "
    "四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉"
    "结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计10203120001200000 五、存在的主要问题"
)
PAGE_2019 = (
    "某县人民政府2019年政府信息公开工作年度报告 今年受理各类群众诉求259起。三、收到和处理政府信息公开申请情况"
    + ROWS_2019
)


def test_one_line_page_rows_split_by_the_row_sums_and_numbering_given_back():
    r = parse(PAGE_2019)
    a = r["applications"]
    assert a["new_received"] == dict(zip(COLS, [23, 0, 0, 0, 0, 0, 23]))
    assert a["granted"]["total"] == 7 and a["partially_granted"]["total"] == 1
    assert a["unavailable_not_held"]["total"] == 7  # `70000072.没有…`: the 2 is the next row's numbering
    assert a["rejected_duplicate"]["total"] == 3
    assert a["total_processed"]["total"] == 23 and a["carried_forward"]["total"] == 0
    assert r["era"] == "2019"
    assert not [c for c in r["checks"] if c["ok"] is False and c["rule"].startswith("applications.")]


def test_table_four_run_split_by_its_group_sums_and_prose_end_not_taken():
    r = parse(PAGE_2019)  # 1|0|2|0|3 12|0|0|0|12 0|0|0|0|0
    assert r["review_litigation"]["review"] == {"upheld": 1, "corrected": 0, "other": 2, "pending": 0, "total": 3}
    assert r["review_litigation"]["litigation_direct"]["total"] == 12
    # the run goes on into the prose's date (`…000002020年`): where the table ends is not known, nothing is read
    glued = parse(PAGE_2019.replace("10203120001200000 五、存在的主要问题", "102031200012000002020年，存在的主要问题"))
    rl = glued["review_litigation"] or {}
    assert all(v is None for g in rl.values() for v in g.values())


def test_a_run_with_two_splits_that_the_column_sums_cannot_decide_is_null():
    # 予以公开 2|20|0|0|0|3|25 or 22|0|0|0|0|3|25 …: with every other row zero in those columns, the column
    # sums decide; when (七) is ambiguous the same way, they cannot: nulls, never a pick
    page = (
        PAGE_2019.replace("（一）予以公开7000007", "（一）予以公开220000325")
        .replace("（七）总计23 0 00 0 023", "（七）总计3820000341")
        .replace("一、本年新收政府信息公开申请数量230 000023", "一、本年新收政府信息公开申请数量3820000341")
    )
    r = parse(page)
    granted = r["applications"]["granted"]
    assert granted["total"] == 25 and granted["other_org"] == 3
    assert granted["natural_person"] in (None, 22) and granted["commercial"] in (None, 0)
    if granted["natural_person"] is None:
        assert "applications.granted.natural_person" in codes(r, "ambiguous_split")


STATISTICS = (
    "附件1：某县人民政府2012年政府信息公开情况统计表 指标名称计量单位2012年度历年累计主动公开信息数条20263542"
    "其中：1.网站公开条179533042.政府公报公开条07受理依申请公开信息总数条2121其中：1.当面申请数条18182.传真申请数条00"
    "3.电子邮件申请数条33对申请的答复数条2121其中：1.同意公开答复数条17172.同意部分公开答复数条223.否决公开答复数条22"
    "行政复议数条00行政诉讼数条00行政申诉数条00"
)


def test_pre2019_statistics_runs_split_by_cumulative_and_sub_item_sums():
    r = parse("某县人民政府2012年政府信息公开工作年度报告 一、概述 " + STATISTICS)
    a = r["applications"]
    assert r["era"] == "pre2019"
    assert a["new_received"]["total"] == 21 and a["total_processed"]["total"] == 21
    assert a["granted"]["total"] == 17 and a["partially_granted"]["total"] == 2 and a["denied"]["total"] == 2
    assert r["review_litigation"]["review"]["total"] == 0 and r["narrative"]["litigation_total"] == 0
    failed = {c["rule"] for c in r["checks"] if c["ok"] is False}
    assert "statistics.subitems_sum.proactive_items_published" in failed  # 1795 + 0 is not 2026 in any reading
    assert "narrative.proactive_items_published" in codes(r, "ambiguous_split")


PIPE_HEADER = (
    "| 申请人情况 | 数据1 | 数据2 | 数据3 | 数据4 | 数据5 | 数据6 | 总计 |\n|---|---|---|---|---|---|---|---|\n"
)


def _pipe_page(rows: list[tuple[str, list]]) -> str:
    lines = [
        "# 某县人民政府2020年政府信息公开工作年度报告",
        "三、收到和处理政府信息公开申请情况",
        "",
        PIPE_HEADER.rstrip("\n"),
    ]
    for label, values in rows:
        lines.append("| " + label + " | " + " | ".join(str(v) for v in values) + " |")
        if len(lines) == 14:
            lines += ["", "— 3 —", "", PIPE_HEADER.rstrip("\n")]  # a page break: a second small table
    return "\n".join(lines) + "\n四、政府信息公开行政复议、行政诉讼情况\n"


def _rows_2019(lost: set[int], granted=(10, 1, "-", "-", "-", "-", 11)):
    from parsers.tables.pipe import ORDER_2019
    from parsers.vocabulary import application_row

    values = {code: ["-"] * 7 for code in ORDER_2019}
    values["new_received"] = [20, 1, 0, 0, 0, 0, 21]
    values["carried_over"] = [2, "-", "-", "-", "-", "-", 2]
    values["granted"] = list(granted)
    values["partially_granted"] = [3, "-", "-", "-", "-", "-", 3]
    values["unavailable_not_held"] = [5, "-", "-", "-", "-", "-", 5]
    values["rejected_petition"] = [2, "-", "-", "-", "-", "-", 2]
    values["total_processed"] = [20, 1, "-", "-", "-", "-", 21]
    values["carried_forward"] = [2, "-", "-", "-", "-", "-", 2]
    return [("" if k in lost else application_row(code).zh, values[code]) for k, code in enumerate(ORDER_2019)]


def test_pipe_rows_without_labels_placed_by_the_official_order_when_every_rule_holds():
    r = parse(_pipe_page(_rows_2019({6, 9, 16})), "report.md")
    a = r["applications"]
    assert a["granted"] == dict(zip(COLS, [10, 1, 0, 0, 0, 0, 11]))
    assert a["unavailable_not_held"]["total"] == 5 and a["denied_security_stability"]["total"] == 0
    assert a["total_processed"]["total"] == 21


def test_pipe_rows_without_labels_that_break_a_rule_are_not_placed():
    rows = _rows_2019({6, 9, 16})
    rows[6] = ("", [1, "-", "-", "-", "-", "-", 1])  # an unlabelled row with a figure the sums do not allow
    r = parse(_pipe_page(rows), "report.md")
    a = r["applications"] or {}
    assert all(v is None for row in a.values() for v in row.values())


def test_blank_cells_proven_by_row_and_column_sums_only():
    rows = "一、本年新收政府信息公开申请数量\t821\t35\t\t\t2\t1\t859\n二、上年结转政府信息公开申请数量\t18\t\t\t\t\t\t18\n三、本年度办理结果\n（一）予以公开\t258\t12\t\t\t1\t1\t\n（二）部分公开（区分处理的，只计这一情形，不计其他情形）\t3\t\t\t\t\t\t"
    r = parse("某市人民政府办公厅2019年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n" + rows + "\n")
    a = r["applications"]
    assert a["new_received"]["research"] == 0 and a["carried_over"]["commercial"] == 0
    assert a["granted"]["total"] is None or a["granted"]["total"] == 272  # research/social blank: not proven here
    assert "applications.new_received.research" in codes(r, "derived_value")
