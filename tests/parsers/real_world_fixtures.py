"""Hand-made fixtures modelled on how real portals publish annual reports (not the seeds).

A county government's 2022 report (2021 format) as a TRS-style CMS page, as WPS-PDF text, and run
together; pre-2019 统计表 and prose. Data are small and made up, but every table is arithmetically
consistent unless a test breaks it on purpose.
"""

from __future__ import annotations

import copy

COLS = ["natural_person", "commercial", "research", "social_org", "legal_service", "other_org", "total"]

APPS_2021 = {
    "new_received": [98, 3, 0, 1, 0, 2, 104],
    "carried_over": [5, 0, 0, 0, 0, 0, 5],
    "granted": [40, 1, 0, 0, 0, 1, 42],
    "partially_granted": [10, 0, 0, 0, 0, 0, 10],
    "denied_state_secret": [0] * 7,
    "denied_law_prohibited": [0] * 7,
    "denied_security_stability": [0] * 7,
    "denied_third_party": [2, 0, 0, 0, 0, 0, 2],
    "denied_internal_affairs": [0] * 7,
    "denied_process_info": [1, 0, 0, 0, 0, 0, 1],
    "denied_enforcement_file": [0] * 7,
    "denied_admin_query": [0] * 7,
    "unavailable_not_held": [30, 1, 0, 1, 0, 1, 33],
    "unavailable_needs_creation": [3, 0, 0, 0, 0, 0, 3],
    "unavailable_unclear": [2, 0, 0, 0, 0, 0, 2],
    "rejected_petition": [4, 0, 0, 0, 0, 0, 4],
    "rejected_duplicate": [3, 0, 0, 0, 0, 0, 3],
    "rejected_publication": [0] * 7,
    "rejected_excessive": [0] * 7,
    "rejected_confirmation": [0] * 7,
    "other_no_correction": [2, 0, 0, 0, 0, 0, 2],
    "other_unpaid_fee": [0] * 7,
    "other_misc": [1, 1, 0, 0, 0, 0, 2],
    "total_processed": [98, 3, 0, 1, 0, 2, 104],
    "carried_forward": [5, 0, 0, 0, 0, 0, 5],
}
REVIEW = [3, 1, 0, 1, 5, 2, 0, 1, 0, 3, 0, 0, 0, 1, 1]
REVIEW_GROUPS = ["review", "litigation_direct", "litigation_after_review"]
MEASURES = ["upheld", "corrected", "other", "pending", "total"]

# (group label, row label, code) as printed in the 2021 format
LAYOUT_2021 = [
    ("一、本年新收政府信息公开申请数量", "", "new_received"),
    ("二、上年结转政府信息公开申请数量", "", "carried_over"),
    ("三、本年度办理结果", "（一）予以公开", "granted"),
    ("", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "partially_granted"),
    ("（三）不予公开", "1.属于国家秘密", "denied_state_secret"),
    ("", "2.其他法律行政法规禁止公开", "denied_law_prohibited"),
    ("", "3.危及“三安全一稳定”", "denied_security_stability"),
    ("", "4.保护第三方合法权益", "denied_third_party"),
    ("", "5.属于三类内部事务信息", "denied_internal_affairs"),
    ("", "6.属于四类过程性信息", "denied_process_info"),
    ("", "7.属于行政执法案卷", "denied_enforcement_file"),
    ("", "8.属于行政查询事项", "denied_admin_query"),
    ("（四）无法提供", "1.本机关不掌握相关政府信息", "unavailable_not_held"),
    ("", "2.没有现成信息需要另行制作", "unavailable_needs_creation"),
    ("", "3.补正后申请内容仍不明确", "unavailable_unclear"),
    ("（五）不予处理", "1.信访举报投诉类申请", "rejected_petition"),
    ("", "2.重复申请", "rejected_duplicate"),
    ("", "3.要求提供公开出版物", "rejected_publication"),
    ("", "4.无正当理由大量反复申请", "rejected_excessive"),
    ("", "5.要求行政机关确认或重新出具已获取信息", "rejected_confirmation"),
    ("（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "other_no_correction"),
    ("", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "other_unpaid_fee"),
    ("", "3.其他", "other_misc"),
    ("", "（七）总计", "total_processed"),
    ("四、结转下年度继续办理", "", "carried_forward"),
]


def apps_copy() -> dict:
    return copy.deepcopy(APPS_2021)


def as_rows(apps: dict) -> dict:
    return {code: dict(zip(COLS, values)) for code, values in apps.items()}


def review_groups(values=REVIEW) -> dict:
    return {g: dict(zip(MEASURES, values[i * 5 : i * 5 + 5])) for i, g in enumerate(REVIEW_GROUPS)}


# ---------------------------------------------------------------- a TRS / Word-exported CMS page


def _num_td(value, split_digits: bool = False) -> str:
    if value in ("", None):
        return (
            '<td width="40" style="width:30.0pt;border:solid windowtext 1.0pt"><p class="MsoNormal" '
            'align="center"><span style="font-size:10.5pt">&nbsp;<o:p></o:p></span></p></td>'
        )
    s = str(value)
    if split_digits and len(s) > 1:
        inner = f'<span lang="EN-US">{s[0]}</span><span lang="EN-US">{s[1:]}</span>'
    else:
        inner = f'<span lang="EN-US" style="font-family:仿宋_GB2312">{s}</span>'
    return f'<td width="40" style="width:30.0pt"><p class="MsoNormal" align="center">{inner}<o:p></o:p></p></td>'


def _label_td(text: str, attrs: str = "") -> str:
    half = len(text) // 2  # Word splits runs anywhere
    return (
        f'<td {attrs} style="width:150.0pt"><p class="MsoNormal"><span style="font-family:宋体">{text[:half]}'
        f'</span><span style="font-family:宋体">{text[half:]}</span><o:p></o:p></p></td>'
    )


def applications_table_html(apps: dict, results_rowspan: int = 22) -> str:
    """Table 三 as Word exports it: a 3-row header, group cells spanning their sub-rows; a value of '' is
    an empty cell (&nbsp;). `results_rowspan` is the rowspan of 三、本年度办理结果 (22 is right)."""
    rows = [
        "<tr>"
        + _label_td("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 'colspan="3" rowspan="3"')
        + _label_td("申请人情况", 'colspan="7"')
        + "</tr>",
        "<tr>"
        + _label_td("自然人", 'rowspan="2"')
        + _label_td("法人或其他组织", 'colspan="5"')
        + _label_td("总计", 'rowspan="2"')
        + "</tr>",
        "<tr>"
        + "".join(_label_td(x) for x in ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"])
        + "</tr>",
    ]
    spans = {"（三）不予公开": 8, "（四）无法提供": 3, "（五）不予处理": 5, "（六）其他处理": 3}
    for group, label, code in LAYOUT_2021:
        if group and not label:
            cells = _label_td(group, 'colspan="3"')
        elif group == "三、本年度办理结果":
            cells = _label_td(group, f'rowspan="{results_rowspan}"') + _label_td(label, 'colspan="2"')
        elif group:
            cells = _label_td(group, f'rowspan="{spans[group]}"') + _label_td(label)
        elif code in ("partially_granted", "total_processed"):
            cells = _label_td(label, 'colspan="2"')
        else:
            cells = _label_td(label)
        cells += "".join(_num_td(v, split_digits=code == "new_received") for v in apps[code])
        rows.append(f"<tr style='height:20.0pt'>{cells}</tr>")
    return (
        '<table class="MsoNormalTable" border="1" cellspacing="0" cellpadding="0" width="600" '
        'style="width:450.0pt;border-collapse:collapse">' + "".join(rows) + "</table>"
    )


def review_table_html(values=REVIEW) -> str:
    """Table 四 with its header over three rows."""
    five = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    rows = [
        "<tr>" + _label_td("行政复议", 'colspan="5"') + _label_td("行政诉讼", 'colspan="10"') + "</tr>",
        "<tr>"
        + "".join(_label_td(x, 'rowspan="2"') for x in five)
        + _label_td("未经复议直接起诉", 'colspan="5"')
        + _label_td("复议后起诉", 'colspan="5"')
        + "</tr>",
        "<tr>" + "".join(_label_td(x) for x in five * 2) + "</tr>",
        "<tr>" + "".join(_num_td(v) for v in values) + "</tr>",
    ]
    return '<table border="1" cellspacing="0">' + "".join(rows) + "</table>"


def proactive_table_html() -> str:
    def row(*cells):
        return "<tr>" + "".join(_label_td(c) if isinstance(c, str) else _num_td(c) for c in cells) + "</tr>"

    def caption(text):
        return "<tr>" + _label_td(text, 'colspan="4"') + "</tr>"

    def wide(label, value):
        return "<tr>" + _label_td(label) + _num_td(value).replace("<td ", '<td colspan="3" ', 1) + "</tr>"

    def wide_head(text):
        return "<tr>" + _label_td("信息内容") + _label_td(text, 'colspan="3"') + "</tr>"

    return (
        '<table border="1">'
        + "".join(
            [
                caption("第二十条第（一）项"),
                row("信息内容", "本年制发件数", "本年废止件数", "现行有效件数"),
                row("规章", 0, 0, 0),
                row("行政规范性文件", 12, 3, 45),
                caption("第二十条第（五）项"),
                wide_head("本年处理决定数量"),
                wide("行政许可", "1,062"),
                caption("第二十条第（六）项"),
                wide_head("本年处理决定数量"),
                wide("行政处罚", 356),
                wide("行政强制", 7),
                caption("第二十条第（八）项"),
                wide_head("本年收费金额（单位：万元）"),
                wide("行政事业性收费", "15.62"),
            ]
        )
        + "</table>"
    )


def county_page_html(
    apps: dict | None = None, review=REVIEW, prose: str | None = None, results_rowspan: int = 22
) -> str:
    """A county government's 2022 report on a TRS-style page: sidebar of other years' reports, 发布时间 and
    来源 line, Word markup in the tables."""
    apps = apps if apps is not None else APPS_2021
    prose = prose or (
        "2022年，丰县人民政府共收到政府信息公开申请104件，上年结转5件，办结104件，其中予以公开42件，"
        "部分公开10件。因政府信息公开被申请行政复议5件，被提起行政诉讼4件。"
    )
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>丰县人民政府2022年政府信息公开工作年度报告_丰县人民政府</title>
<meta name="ArticleTitle" content="丰县人民政府2022年政府信息公开工作年度报告">
<meta name="PubDate" content="2023-01-31 16:20">
<meta name="ContentSource" content="丰县人民政府办公室"></head><body>
<div class="nav">当前位置：首页 &gt; 政府信息公开 &gt; 政府信息公开年报</div>
<div class="side"><h3>相关年报</h3><ul>
<li><a href="./t1.html">丰县人民政府2021年政府信息公开工作年度报告</a></li>
<li><a href="./t2.html">丰县人民政府2020年政府信息公开工作年度报告</a></li>
<li><a href="./t3.html">丰县人民政府2019年政府信息公开工作年度报告</a></li></ul></div>
<div class="article"><h1>丰县人民政府2022年政府信息公开工作年度报告</h1>
<div class="info">发布时间：2023-01-31 16:20 &nbsp;&nbsp; 来源：丰县人民政府办公室 &nbsp; 浏览次数：<span>1234</span></div>
<div class="TRS_Editor"><div id="zoom">
<p style="text-indent:2em"><span>本报告依据《中华人民共和国政府信息公开条例》和《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（国办公开办函〔2021〕30号）要求编制。本报告所列数据统计期限自2022年1月1日起至2022年12月31日止。</span></p>
<p><strong>一、总体情况</strong></p>
<p style="text-indent:2em">{prose}</p>
<p><strong>二、主动公开政府信息情况</strong></p>
{proactive_table_html()}
<p><strong>三、收到和处理政府信息公开申请情况</strong></p>
{applications_table_html(apps, results_rowspan)}
<p><strong>四、政府信息公开行政复议、行政诉讼情况</strong></p>
{review_table_html(review)}
<p><strong>五、存在的主要问题及改进情况</strong></p><p>一是……</p>
<p><strong>六、其他需要报告的事项</strong></p><p>本年度未收取信息处理费。</p>
<p style="text-align:right">丰县人民政府办公室</p><p style="text-align:right">2023年1月31日</p>
</div></div></div>
<div class="footer">主办：丰县人民政府办公室 版权所有 网站标识码3203210001</div>
</body></html>"""


# ---------------------------------------------------------------- text from a WPS-made PDF


def wps_pdf_text(apps: dict | None = None, prose: str = "2022年，我局共收到政府信息公开申请104件，办结104件。") -> str:
    """Columns separated by runs of spaces, wrapped labels, the vertical 三、本年度办理结果 one character per
    line between data rows, group labels vertically centred beside a middle sub-row, page footers and the
    table split over a page break with its header repeated."""
    apps = apps if apps is not None else APPS_2021

    def nums(code):
        return "    ".join(str(v) for v in apps[code])

    header = [
        "                                              申请人情况",
        "   （本列数据的勾稽关系为：第一项加          自然人           法人或其他组织                         总计",
        "   第二项之和，等于第三项加第四项之和）              商业   科研   社会公益   法律服务   其他",
        "                                                      企业   机构   组织       机构",
    ]
    beside = {
        "denied_third_party": "（三）不予公开",
        "unavailable_needs_creation": "（四）无法提供",
        "rejected_publication": "（五）不予处理",
    }
    lines = [
        "丰县应急管理局2022年度政府信息公开工作年度报告",
        "",
        "本报告所列数据统计期限自2022年1月1日起至2022年12月31日止。",
        "一、总体情况",
        prose,
        "— 1 —",
        "",
        "三、收到和处理政府信息公开申请情况",
        *header,
    ]
    vertical = list("三、本年度办理结果")
    for group, label, code in LAYOUT_2021:
        if code == "partially_granted":
            lines += ["      （二）部分公开（区分处理的，只计这一情形，不计其他     " + nums(code), "      情形）"]
        elif code == "other_no_correction":
            lines += [
                "                      1.申请人无正当理由逾期不补正、行政机关不再处理其政府",
                "                      信息公开申请        " + nums(code),
            ]
        elif code == "other_unpaid_fee":
            lines += [
                "                      2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处   " + nums(code),
                "      （六）其他处理  理其政府信息公开申请",
            ]
        elif code in beside:
            lines.append("      " + beside[code] + "   " + label + "      " + nums(code))
        elif group.startswith("（"):
            lines.append("                      " + label + "      " + nums(code))
        else:
            lines.append("      " + (label or group) + "      " + nums(code))
        if code not in ("new_received", "carried_over", "carried_forward") and vertical:
            lines.append(vertical.pop(0))
        if code == "denied_process_info":  # page break: footer, page header, the table header again
            lines += ["", "— 5 —", "", "第 3 页 共 8 页", "", *header]
    lines += [
        "四、政府信息公开行政复议、行政诉讼情况",
        "                  行政复议                                   行政诉讼",
        "                                               未经复议直接起诉                  复议后起诉",
        "结果  结果  其他  尚未  总计   结果  结果  其他  尚未  总计   结果  结果  其他  尚未  总计",
        "维持  纠正  结果  审结         维持  纠正  结果  审结         维持  纠正  结果  审结",
        "  " + "    ".join(str(v) for v in REVIEW),
        "五、存在的主要问题及改进情况",
        "— 6 —",
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------- every cell of a row run together


def run_together_text(apps: dict, review=REVIEW, review_header: bool = True) -> str:
    lines = [
        "丰县2022年度政府信息公开工作年度报告",
        "丰县人民政府",
        "三、收到和处理政府信息公开申请情况",
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）申请人情况",
        "自然人法人或其他组织总计",
        "商业企业科研机构社会公益组织法律服务机构其他",
    ]
    for group, label, code in LAYOUT_2021:
        lines.append(group + label + "".join(str(v) for v in apps[code]))
    lines += ["四、政府信息公开行政复议、行政诉讼情况", "行政复议行政诉讼"]
    if review_header:
        lines += [
            "结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉",
            "结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计",
        ]
    lines.append("".join(str(v) for v in review))
    return "\n".join(lines)


def consistent(apps: dict) -> dict:
    """Recompute （七）总计 and 一 from the outcome rows so that the table's rules hold."""
    outcome = [c for c in apps if c not in ("new_received", "carried_over", "total_processed", "carried_forward")]
    apps["total_processed"] = [sum(apps[c][i] for c in outcome) for i in range(7)]
    apps["new_received"] = [
        apps["total_processed"][i] + apps["carried_forward"][i] - apps["carried_over"][i] for i in range(7)
    ]
    return apps


# ---------------------------------------------------------------- pre-2019

STATISTICS_REPORT_2016 = """XX市国土资源局2016年政府信息公开工作年度报告
发布机构：XX市国土资源局   发布日期：2017-03-20
本报告中所列数据的统计期限自2016年1月1日起至2016年12月31日止。
一、概述
2016年，我局认真贯彻落实《中华人民共和国政府信息公开条例》。
二、主动公开政府信息情况
全年主动公开政府信息1,062条。
三、依申请公开政府信息情况
全年共受理政府信息公开申请152件，其中当面申请12件，网上申请130件，信函申请10件；已办结150件，其中同意公开96件，同意部分公开10件，不予公开15件。
四、因政府信息公开申请行政复议、提起行政诉讼的情况
全年发生行政复议1件，行政诉讼2件。
附件：XX市国土资源局2016年政府信息公开工作情况统计表
指标名称\t计量单位\t本年度\t历年累计
主动公开信息数\t条\t１０６２\t15320
其中：网站公开数\t条\t1000\t14000
政府公报公开数\t条\t—\t300
受理依申请公开信息总数\t件\t152\t1530
其中：当面申请数\t件\t12\t100
网上申请数\t件\t130\t1200
信函申请数\t件\t10\t230
对申请的答复总数\t件\t150\t1500
其中：同意公开答复数\t件\t96\t900
同意部分公开答复数\t件\t10\t100
否决公开答复数\t件\t15\t150
其他类型答复数\t件\t29\t350
政府信息公开收费减免金额\t万元\t0\t0
行政复议数\t件\t1\t5
行政诉讼数\t件\t2\t6
行政申诉数\t件\t0\t0
"""

# the 2016-2018 template many provinces used (one 数量 column), as an HTML table
NATIONAL_STAT_ROWS = [
    ("指标名称", "计量单位", "数量"),
    ("一、主动公开情况", "", ""),
    ("（一）主动公开政府信息数", "条", "1,062"),
    ("其中：主动公开规范性文件数", "条", "12"),
    ("三、依申请公开情况", "", ""),
    ("（一）收到申请数", "件", "152"),
    ("1.当面申请数", "件", "12"),
    ("2.传真申请数", "件", "0"),
    ("3.网络申请数", "件", "130"),
    ("4.信函申请数", "件", "10"),
    ("（二）申请办结数", "件", "150"),
    ("1.按时办结数", "件", "150"),
    ("2.延期办结数", "件", "0"),
    ("（三）申请答复数", "件", "150"),
    ("1.属于已主动公开范围数", "件", "30"),
    ("2.同意公开答复数", "件", "60"),
    ("3.同意部分公开答复数", "件", "10"),
    ("4.不同意公开答复数", "件", "15"),
    ("其中：涉及国家秘密", "件", "2"),
    ("5.不属于本行政机关公开数", "件", "20"),
    ("6.申请信息不存在数", "件", "10"),
    ("7.告知作出更改补充数", "件", "3"),
    ("8.告知通过其他途径办理数", "件", "2"),
    ("四、行政复议数量", "件", "1"),
    ("（一）维持具体行政行为数", "件", "1"),
    ("（二）被依法纠错数", "件", "0"),
    ("五、行政诉讼数量", "件", "2"),
    ("六、举报投诉数量", "件", "0"),
    ("七、依申请公开信息收取的费用", "万元", "0.12"),
]


def national_statistics_page() -> str:
    table = (
        "<table>"
        + "".join(
            "<tr>" + "".join(f"<td><p>{c or '&nbsp;'}</p></td>" for c in row) + "</tr>" for row in NATIONAL_STAT_ROWS
        )
        + "</table>"
    )
    return (
        "<html><head><title>2016年度XX区政府信息公开工作年度报告</title></head><body><div id='zoom'>"
        "<p>2016年度XX区政府信息公开工作年度报告</p><p>来源：XX区人民政府办公室 发布时间：2017-03-28 10:00</p>"
        f"<p>附件：2016年度政府信息公开情况统计表</p>{table}</div></body></html>"
    )


def filled_merged_rows(apps: dict) -> list[list[str]]:
    """Table 三 rows as tools that fill merged cells print them: three label columns, the group labels
    repeated on every sub-row, empty filler cells after the single-label rows (一、二、四)."""
    rows = []
    for group, label, code in LAYOUT_2021:
        values = [str(v) for v in apps[code]]
        if not label:
            rows.append([group, "", "", *values])
        elif code in ("granted", "partially_granted", "total_processed"):
            rows.append(["三、本年度办理结果", label, "", *values])
        else:
            parent = group or next(
                g for g, _, c in reversed(LAYOUT_2021[: [c for _, _, c in LAYOUT_2021].index(code)]) if g
            )
            rows.append(["三、本年度办理结果", parent, label, *values])
    return rows
