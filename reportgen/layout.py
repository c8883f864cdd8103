"""The official printed layout of the report tables, as a grid of cells.

Every renderer (HTML, .docx, PDF, the text shapes) starts from the same `Grid`: rows of `Cell`s with
rowspan/colspan exactly as the State Council formats print them (国办公开办函〔2019〕60号 and
〔2021〕30号; see /work/shared/docs/report-formats.md). Building the grid once keeps the shapes
consistent: a number sits in the same logical cell whatever the document type.

Labels here are *printed text* (what a government document shows), not the project's vocabulary.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reportgen.numbers import format_amount, format_change, format_count

BALANCE_RULE_TEXT = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

APPLICANT_COLUMNS = ["natural_person", "commercial", "research", "social_org", "legal_service", "other_org", "total"]
ORG_COLUMN_LABELS = ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]


@dataclass
class Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    is_number: bool = False
    is_header: bool = False


@dataclass
class Grid:
    """A table: `rows` of origin cells (cells covered by a span are not repeated), `width` columns."""

    caption: str
    width: int
    rows: list[list[Cell]] = field(default_factory=list)

    def matrix(self) -> list[list[tuple[Cell | None, bool]]]:
        """Each row as `width` slots: (cell, is_origin). Spanned slots point at their origin cell."""
        slots: list[list[tuple[Cell | None, bool]]] = [[(None, False)] * self.width for _ in self.rows]
        for r, row in enumerate(self.rows):
            c = 0
            for cell in row:
                while c < self.width and slots[r][c][0] is not None:
                    c += 1
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        if r + dr < len(slots) and c + dc < self.width:
                            slots[r + dr][c + dc] = (cell, dr == 0 and dc == 0)
                c += cell.colspan
        return slots


# --- table 三 ---------------------------------------------------------------------------------------

# (code, group label or None, item label). Group labels span their items.
DENIED_ITEMS = [
    ("denied_state_secret", "1.属于国家秘密"),
    ("denied_law_prohibited", "2.其他法律行政法规禁止公开"),
    ("denied_security_stability", "3.危及“三安全一稳定”"),
    ("denied_third_party", "4.保护第三方合法权益"),
    ("denied_internal_affairs", "5.属于三类内部事务信息"),
    ("denied_process_info", "6.属于四类过程性信息"),
    ("denied_enforcement_file", "7.属于行政执法案卷"),
    ("denied_admin_query", "8.属于行政查询事项"),
]
UNAVAILABLE_ITEMS = [
    ("unavailable_not_held", "1.本机关不掌握相关政府信息"),
    ("unavailable_needs_creation", "2.没有现成信息需要另行制作"),
    ("unavailable_unclear", "3.补正后申请内容仍不明确"),
]
REJECTED_ITEMS = [
    ("rejected_petition", "1.信访举报投诉类申请"),
    ("rejected_duplicate", "2.重复申请"),
    ("rejected_publication", "3.要求提供公开出版物"),
    ("rejected_excessive", "4.无正当理由大量反复申请"),
    ("rejected_confirmation", "5.要求行政机关确认或重新出具已获取信息"),
]
OTHER_ITEMS_2021 = [
    ("other_no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("other_unpaid_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("other_misc", "3.其他"),
]

NEW_RECEIVED_LABEL = "一、本年新收政府信息公开申请数量"
CARRIED_OVER_LABEL = "二、上年结转政府信息公开申请数量"
OUTCOMES_LABEL = "三、本年度办理结果"
CARRIED_FORWARD_LABEL = "四、结转下年度继续办理"
GRANTED_LABEL = "（一）予以公开"
PARTIAL_LABEL = "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
TOTAL_LABEL = "（七）总计"


def outcome_blocks(era: str) -> list[tuple[str | None, list[tuple[str, str]]]]:
    """The outcome rows under 三、 as (group label, [(code, label)]); group None = a row on its own."""
    other = ("（六）其他处理", OTHER_ITEMS_2021) if era == "2021" else (None, [("other", "（六）其他处理")])
    return [
        (None, [("granted", GRANTED_LABEL)]),
        (None, [("partially_granted", PARTIAL_LABEL)]),
        ("（三）不予公开", DENIED_ITEMS),
        ("（四）无法提供", UNAVAILABLE_ITEMS),
        ("（五）不予处理", REJECTED_ITEMS),
        other,
        (None, [("total_processed", TOTAL_LABEL)]),
    ]


def _values(row: dict | None) -> list[Cell]:
    row = row or {}
    return [Cell(format_count(row.get(col)), is_number=True) for col in APPLICANT_COLUMNS]


def applications_grid(applications: dict, era: str) -> Grid:
    grid = Grid(caption="三、收到和处理政府信息公开申请情况", width=10)
    grid.rows.append(
        [
            Cell(BALANCE_RULE_TEXT, rowspan=3, colspan=3, is_header=True),
            Cell("申请人情况", colspan=7, is_header=True),
        ]
    )
    grid.rows.append(
        [
            Cell("自然人", rowspan=2, is_header=True),
            Cell("法人或其他组织", colspan=5, is_header=True),
            Cell("总计", rowspan=2, is_header=True),
        ]
    )
    grid.rows.append([Cell(label, is_header=True) for label in ORG_COLUMN_LABELS])
    grid.rows.append([Cell(NEW_RECEIVED_LABEL, colspan=3)] + _values(applications.get("new_received")))
    grid.rows.append([Cell(CARRIED_OVER_LABEL, colspan=3)] + _values(applications.get("carried_over")))
    blocks = outcome_blocks(era)
    outcome_row_count = sum(len(items) for _group, items in blocks)
    first = True
    for group, items in blocks:
        for i, (code, label) in enumerate(items):
            row: list[Cell] = []
            if first:
                row.append(Cell(OUTCOMES_LABEL, rowspan=outcome_row_count))
                first = False
            if group is None:
                row.append(Cell(label, colspan=2))
            else:
                if i == 0:
                    row.append(Cell(group, rowspan=len(items)))
                row.append(Cell(label))
            grid.rows.append(row + _values(applications.get(code)))
    grid.rows.append([Cell(CARRIED_FORWARD_LABEL, colspan=3)] + _values(applications.get("carried_forward")))
    return grid


# --- table 四 ---------------------------------------------------------------------------------------

REVIEW_GROUPS = ["review", "litigation_direct", "litigation_after_review"]
REVIEW_MEASURES = ["upheld", "corrected", "other", "pending", "total"]
REVIEW_MEASURE_LABELS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


def review_grid(review_litigation: dict) -> Grid:
    grid = Grid(caption="四、政府信息公开行政复议、行政诉讼情况", width=15)
    grid.rows.append([Cell("行政复议", colspan=5, is_header=True), Cell("行政诉讼", colspan=10, is_header=True)])
    grid.rows.append(
        [Cell(label, rowspan=2, is_header=True) for label in REVIEW_MEASURE_LABELS]
        + [Cell("未经复议直接起诉", colspan=5, is_header=True), Cell("复议后起诉", colspan=5, is_header=True)]
    )
    grid.rows.append([Cell(label, is_header=True) for label in REVIEW_MEASURE_LABELS * 2])
    grid.rows.append(
        [
            Cell(format_count((review_litigation.get(group) or {}).get(measure)), is_number=True)
            for group in REVIEW_GROUPS
            for measure in REVIEW_MEASURES
        ]
    )
    return grid


# --- table 二 ---------------------------------------------------------------------------------------

# (caption, header labels, [(item code, printed label)], [(measure code, kind)]) per block; kind picks
# the number format: count, change (signed), amount (money in 万元).
PROACTIVE_BLOCKS = {
    "2019": [
        (
            "第二十条第（一）项",
            ["本年新制作数量", "本年新公开数量", "对外公开总数量"],
            [("rules", "规章"), ("normative_documents", "规范性文件")],
            [("new_made", "count"), ("new_published", "count"), ("published_total", "count")],
        ),
        (
            "第二十条第（五）项",
            ["上一年项目数量", "本年增/减", "处理决定数量"],
            [("licensing", "行政许可"), ("other_admin_services", "其他对外管理服务事项")],
            [("prev_year_items", "count"), ("change", "change"), ("decisions", "count")],
        ),
        (
            "第二十条第（六）项",
            ["上一年项目数量", "本年增/减", "处理决定数量"],
            [("penalties", "行政处罚"), ("coercive_measures", "行政强制")],
            [("prev_year_items", "count"), ("change", "change"), ("decisions", "count")],
        ),
        (
            "第二十条第（八）项",
            ["上一年项目数量", "本年增/减"],
            [("fees", "行政事业性收费")],
            [("prev_year_items", "count"), ("change", "change")],
        ),
        (
            "第二十条第（九）项",
            ["采购项目数量", "采购总金额"],
            [("procurement", "政府集中采购")],
            [("procurement_items", "count"), ("procurement_amount_10k_yuan", "amount")],
        ),
    ],
    "2021": [
        (
            "第二十条第（一）项",
            ["本年制发件数", "本年废止件数", "现行有效件数"],
            [("rules", "规章"), ("normative_documents", "行政规范性文件")],
            [("issued", "count"), ("repealed", "count"), ("in_force", "count")],
        ),
        ("第二十条第（五）项", ["本年处理决定数量"], [("licensing", "行政许可")], [("decisions", "count")]),
        (
            "第二十条第（六）项",
            ["本年处理决定数量"],
            [("penalties", "行政处罚"), ("coercive_measures", "行政强制")],
            [("decisions", "count")],
        ),
        (
            "第二十条第（八）项",
            ["本年收费金额（单位：万元）"],
            [("fees", "行政事业性收费")],
            [("fee_amount_10k_yuan", "plain_amount")],
        ),
    ],
}


def _format_measure(value, kind: str, printed: str | None) -> str:
    if printed is not None:
        return printed
    if kind == "change":
        return format_change(value)
    if kind == "amount":
        return format_amount(value, unit="万元")
    if kind == "plain_amount":
        return format_amount(value, unit="")
    return format_count(value)


def proactive_grid(proactive: dict, era: str, printed: dict | None = None) -> Grid:
    """Table 二. `printed` is the Report's `proactive_text` (`"item.measure": "372718.4969万元"`)."""
    printed = printed or {}
    grid = Grid(caption="二、主动公开政府信息情况", width=4)
    for caption, headers, items, measures in PROACTIVE_BLOCKS["2021" if era == "2021" else "2019"]:
        grid.rows.append([Cell(caption, colspan=4, is_header=True)])
        header = [Cell("信息内容", is_header=True)] + [Cell(h, is_header=True) for h in headers]
        if len(headers) < 3:
            header[-1].colspan = 4 - len(headers)
        grid.rows.append(header)
        for item, label in items:
            values = proactive.get(item) or {}
            row = [Cell(label)] + [
                Cell(_format_measure(values.get(m), kind, printed.get(f"{item}.{m}")), is_number=True)
                for m, kind in measures
            ]
            if len(measures) < 3:
                row[-1].colspan = 4 - len(measures)
            grid.rows.append(row)
    return grid


# --- pre-2019 统计表 ---------------------------------------------------------------------------------

# (printed 指标名称, unit, where the 本年度 value comes from: (table, row, col) or ("narrative", key))
PRE2019_ROWS = [
    ("一、主动公开情况", "", None),
    ("（一）主动公开政府信息数", "条", ("narrative", "proactive_items_published")),
    ("二、依申请公开情况", "", None),
    ("（一）受理依申请公开信息总数", "件", ("applications", "new_received", "total")),
    ("（二）对申请的答复总数", "件", ("applications", "total_processed", "total")),
    ("1.同意公开答复数", "件", ("applications", "granted", "total")),
    ("2.同意部分公开答复数", "件", ("applications", "partially_granted", "total")),
    ("3.不予公开答复数", "件", ("applications", "denied", "total")),
    ("4.其他类型答复数", "件", ("applications", "other", "total")),
    ("三、行政复议、行政诉讼情况", "", None),
    ("（一）行政复议数", "件", ("review_litigation", "review", "total")),
    ("（二）行政诉讼数", "件", ("review_litigation", "litigation_direct", "total")),
]


def pre2019_lookup(report: dict, source: tuple) -> object:
    if source[0] == "narrative":
        return (report.get("narrative") or {}).get(source[1])
    table = report.get(source[0]) or {}
    return (table.get(source[1]) or {}).get(source[2])


def pre2019_grid(report: dict) -> Grid:
    grid = Grid(caption="政府信息公开情况统计表", width=4)
    header = report.get("statistics_header") or ["指标名称", "计量单位", "本年度", "历年累计"]
    grid.rows.append([Cell(h, is_header=True) for h in header])
    if report.get("statistics_table"):  # a full table (reportgen.pre2019): both columns printed
        for row in report["statistics_table"]:
            grid.rows.append(
                [
                    Cell(row["label"]),
                    Cell(row["unit"]),
                    Cell(format_count(row["this_year"]), is_number=True),
                    Cell(format_count(row["cumulative"]), is_number=True),
                ]
            )
        return grid
    for label, unit, source in PRE2019_ROWS:
        value = format_count(pre2019_lookup(report, source)) if source else ""
        grid.rows.append([Cell(label), Cell(unit), Cell(value, is_number=bool(source)), Cell("", is_number=True)])
    return grid


def pre2019_has_table(report: dict) -> bool:
    return bool(report.get("statistics_table")) or any(
        source and source[0] != "narrative" and pre2019_lookup(report, source) is not None
        for _label, _unit, source in PRE2019_ROWS
    )


def report_grids(report: dict) -> dict[str, Grid]:
    """The tables a report prints, keyed by the section they belong to ("二", "三", "四", or "统计表")."""
    era = report.get("era") or "2019"
    grids: dict[str, Grid] = {}
    if era == "pre2019":
        if pre2019_has_table(report):
            grids["统计表"] = pre2019_grid(report)
        return grids
    if report.get("proactive"):
        grids["二"] = proactive_grid(report["proactive"], era, report.get("proactive_text"))
    if report.get("applications"):
        grids["三"] = applications_grid(report["applications"], era)
    if report.get("review_litigation"):
        grids["四"] = review_grid(report["review_litigation"])
    return grids
