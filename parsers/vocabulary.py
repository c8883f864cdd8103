"""The conformed vocabulary: every code the parser emits, the formats (eras) that print them, and their labels.

This module is THE one place where codes, eras and labels live. Everything else is generated from it or reads it
at run time: the JSON Schema (``python -m parsers.report_schema``), dbt's seeds and the ``eras`` var
(``dbt/scripts/export_vocabulary_seeds.py``), the GX code lists (``expectations.vocabulary``), the loader's sets
and the warehouse's vocabulary tables (``warehouse.staging``). Tests fail while a generated file is stale.

A new report format is an ``Era`` below, its new rows (``since=`` the era, with the label pattern that
recognises them) and, where it stops printing a row, that row's ``until=``. The definitions are plain data:
lists of frozen dataclasses; the lookups derived from them are at the bottom.

Codes follow ../shared/contract/report-json.md.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Era:
    """A report format: the first report year it is expected for, the document that set it, what it prints."""

    code: str
    first_year: int
    zh: str
    en: str
    document_zh: str
    document_en: str
    tables: tuple[str, ...]  # the Report tables its own layout prints ("statistics": the 2008 统计表)
    markers: str  # regex on the whitespace-free text: labels only this format prints (and the letter's number)


ERA_RECORDS: list[Era] = [
    Era(
        "pre2019",
        2008,
        "2008年条例格式",
        "2008 regulation format",
        "2008年条例，各地自定统计表",
        "2008 regulation, provincial statistics tables",
        ("statistics",),
        # the 2008 regulation's 统计表 (指标名称 | 计量单位 | 本年度 | 历年累计) and sections (概述, 收费及减免)
        "指标名称|历年累计|受理依申请公开信息总数|对申请的答复总?数|一、概述|依申请公开政府信息的?情况|收费及减免",
    ),
    Era(
        "2019",
        2019,
        "2019年格式",
        "2019 format",
        "国办公开办函〔2019〕60号",
        "State Council General Office letter [2019] No. 60",
        ("applications", "review_litigation", "proactive"),
        "本年新制作数量|本年新公开数量|对外公开总数量|上一年项目数量|本年增[/／]?减|采购总金额|"
        "收到和处理政府信息公开申请情况|本年新收政府信息公开申请",
    ),
    Era(
        "2021",
        2021,
        "2021年格式",
        "2021 format",
        "国办公开办函〔2021〕30号",
        "State Council General Office letter [2021] No. 30",
        ("applications", "review_litigation", "proactive"),
        "本年制发件数|本年废止件数|现行有效件数|申请人无正当理由逾期不补正|逾期未按收费通知要求缴纳费用|本年收费金额",
    ),
]

# A Report's era when no format's labels were found (a valid value of the Report, not a format).
ERA_UNKNOWN = "unknown"


@dataclass(frozen=True)
class Coded:
    code: str
    zh: str
    en: str
    sort: int


SCRIPTS: list[Coded] = [
    Coded("simplified", "简体", "Simplified Chinese", 1),
    Coded("traditional", "繁体", "Traditional Chinese", 2),
]
SEVERITIES = ("error", "warning")


class _Printed:
    """Mixin: the eras that print a row, item or measure — from ``since`` up to ``until`` (None: still printed)."""

    since: str
    until: str | None

    @property
    def eras(self) -> tuple[str, ...]:
        return eras_between(self.since, self.until)


@dataclass(frozen=True)
class ApplicationRow(_Printed):
    code: str
    zh: str  # the official label
    en: str
    group: str  # intake / granted / partially_granted / denied / unavailable / rejected / other / total / carry
    sort: int
    since: str = "2019"
    until: str | None = None
    is_group_total: bool = False  # stated only where a report gives the group alone
    # the short distinctive pattern on the label key (normalize.label_key) that recognises the row as printed,
    # typos and line breaks included; None: recognised by the table reader itself (总计, 3.其他)
    pattern: str | None = None


APPLICATION_ROWS: list[ApplicationRow] = [
    ApplicationRow(
        "new_received",
        "一、本年新收政府信息公开申请数量",
        "New applications received this year",
        "intake",
        10,
        "pre2019",
        pattern=r"本年度?新收|新收到|本年度?收到|本年度?新受理",
    ),
    ApplicationRow(
        "carried_over",
        "二、上年结转政府信息公开申请数量",
        "Carried over from last year",
        "intake",
        20,
        pattern=r"上年结转|上年度结转",
    ),
    ApplicationRow("granted", "（一）予以公开", "Granted", "granted", 30, "pre2019", pattern=r"^予以公开"),
    ApplicationRow(
        "partially_granted",
        "（二）部分公开",
        "Partially granted",
        "partially_granted",
        40,
        "pre2019",
        pattern=r"^部分公开",
    ),
    ApplicationRow(
        "denied_state_secret", "（三）1.属于国家秘密", "Denied: state secret", "denied", 51, pattern=r"国家秘密"
    ),
    ApplicationRow(
        "denied_law_prohibited",
        "（三）2.其他法律行政法规禁止公开",
        "Denied: prohibited by other laws",
        "denied",
        52,
        pattern=r"法律行政法规禁止|法规禁止公开",
    ),
    ApplicationRow(
        "denied_security_stability",
        "（三）3.危及“三安全一稳定”",
        "Denied: endangers security and stability",
        "denied",
        53,
        pattern=r"三安全一稳定|三安全",
    ),
    ApplicationRow(
        "denied_third_party",
        "（三）4.保护第三方合法权益",
        "Denied: third-party rights",
        "denied",
        54,
        pattern=r"第三方合法权益|保护第三方",
    ),
    ApplicationRow(
        "denied_internal_affairs",
        "（三）5.属于三类内部事务信息",
        "Denied: internal affairs",
        "denied",
        55,
        pattern=r"内部事务",
    ),
    ApplicationRow(
        "denied_process_info",
        "（三）6.属于四类过程性信息",
        "Denied: process information",
        "denied",
        56,
        pattern=r"过程性信息",
    ),
    ApplicationRow(
        "denied_enforcement_file",
        "（三）7.属于行政执法案卷",
        "Denied: enforcement case file",
        "denied",
        57,
        pattern=r"执法案卷|行政法案卷|案卷$",
    ),
    ApplicationRow(
        "denied_admin_query",
        "（三）8.属于行政查询事项",
        "Denied: administrative query matter",
        "denied",
        58,
        pattern=r"查询事项",
    ),
    ApplicationRow(
        "unavailable_not_held",
        "（四）1.本机关不掌握相关政府信息",
        "Unavailable: not held",
        "unavailable",
        61,
        pattern=r"不掌握",
    ),
    ApplicationRow(
        "unavailable_needs_creation",
        "（四）2.没有现成信息需要另行制作",
        "Unavailable: would need creating",
        "unavailable",
        62,
        pattern=r"另行制作|没有现成信息",
    ),
    ApplicationRow(
        "unavailable_unclear",
        "（四）3.补正后申请内容仍不明确",
        "Unavailable: still unclear after correction",
        "unavailable",
        63,
        pattern=r"仍不明确|补正后申请",
    ),
    ApplicationRow(
        "rejected_petition",
        "（五）1.信访举报投诉类申请",
        "Not processed: petition or complaint",
        "rejected",
        71,
        pattern=r"信访|举报投诉",
    ),
    ApplicationRow(
        "rejected_duplicate", "（五）2.重复申请", "Not processed: duplicate", "rejected", 72, pattern=r"^重复申请"
    ),
    ApplicationRow(
        "rejected_publication",
        "（五）3.要求提供公开出版物",
        "Not processed: asks for publications",
        "rejected",
        73,
        pattern=r"公开出版物",
    ),
    ApplicationRow(
        "rejected_excessive",
        "（五）4.无正当理由大量反复申请",
        "Not processed: excessive repeated requests",
        "rejected",
        74,
        pattern=r"大量反复|无正当理由大量",
    ),
    ApplicationRow(
        "rejected_confirmation",
        "（五）5.要求行政机关确认或重新出具已获取信息",
        "Not processed: asks to confirm or reissue",
        "rejected",
        75,
        pattern=r"确认或重新|重新出具|已获取信息",
    ),
    ApplicationRow("other", "（六）其他处理", "Other handling", "other", 80, "pre2019", pattern=r"^其[他它]处理$"),
    ApplicationRow(
        "other_no_correction",
        "（六）1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "Other: applicant did not correct in time",
        "other",
        81,
        "2021",
        pattern=r"逾期不补正|无正当理由逾期",
    ),
    ApplicationRow(
        "other_unpaid_fee",
        "（六）2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "Other: fee not paid in time",
        "other",
        82,
        "2021",
        pattern=r"缴纳费用|收费通知|逾期未按",
    ),
    ApplicationRow("other_misc", "（六）3.其他", "Other: miscellaneous", "other", 83, "2021"),
    ApplicationRow("total_processed", "（七）总计", "Total processed", "total", 90, "pre2019"),
    ApplicationRow(
        "carried_forward",
        "四、结转下年度继续办理",
        "Carried forward to next year",
        "carry",
        100,
        pattern=r"结转下一?年|下一?年度继续|转入下一?年",
    ),
    ApplicationRow(
        "denied", "（三）不予公开", "Denied (group total)", "denied", 50, "pre2019", None, True, r"^不予公开$"
    ),
    ApplicationRow(
        "unavailable",
        "（四）无法提供",
        "Unavailable (group total)",
        "unavailable",
        60,
        "pre2019",
        None,
        True,
        r"^无法提供$",
    ),
    ApplicationRow(
        "rejected",
        "（五）不予处理",
        "Not processed (group total)",
        "rejected",
        70,
        "pre2019",
        None,
        True,
        r"^不予处理$",
    ),
]

# the groups of table 三 whose rows are outcomes (how an application was handled); the rest are its flow
OUTCOME_GROUPS = ("granted", "partially_granted", "denied", "unavailable", "rejected", "other")


@dataclass(frozen=True)
class ApplicantColumn:
    code: str
    zh: str
    en: str
    parent_zh: str | None
    parent_en: str | None
    sort: int


APPLICANT_COLUMNS: list[ApplicantColumn] = [
    ApplicantColumn("natural_person", "自然人", "Natural person", None, None, 1),
    ApplicantColumn(
        "commercial", "商业企业", "Commercial enterprise", "法人或其他组织", "Legal person or other organisation", 2
    ),
    ApplicantColumn(
        "research", "科研机构", "Research institution", "法人或其他组织", "Legal person or other organisation", 3
    ),
    ApplicantColumn(
        "social_org",
        "社会公益组织",
        "Public-interest organisation",
        "法人或其他组织",
        "Legal person or other organisation",
        4,
    ),
    ApplicantColumn(
        "legal_service",
        "法律服务机构",
        "Legal service institution",
        "法人或其他组织",
        "Legal person or other organisation",
        5,
    ),
    ApplicantColumn(
        "other_org", "其他", "Other organisation", "法人或其他组织", "Legal person or other organisation", 6
    ),
    ApplicantColumn("total", "总计", "Total", None, None, 7),
]


REVIEW_GROUPS: list[Coded] = [
    Coded("review", "行政复议", "Administrative review", 1),
    Coded("litigation_direct", "行政诉讼·未经复议直接起诉", "Litigation without prior review", 2),
    Coded("litigation_after_review", "行政诉讼·复议后起诉", "Litigation after review", 3),
]

REVIEW_MEASURES: list[Coded] = [
    Coded("upheld", "结果维持", "Upheld", 1),
    Coded("corrected", "结果纠正", "Corrected", 2),
    Coded("other", "其他结果", "Other outcome", 3),
    Coded("pending", "尚未审结", "Pending", 4),
    Coded("total", "总计", "Total", 5),
]


@dataclass(frozen=True)
class ProactiveItem(_Printed):
    code: str
    zh: str
    en: str
    block: str  # 第二十条第（X）项
    sort: int
    since: str = "2019"
    until: str | None = None


PROACTIVE_ITEMS: list[ProactiveItem] = [
    ProactiveItem("rules", "规章", "Rules (regulations)", "（一）", 1),
    ProactiveItem("normative_documents", "规范性文件", "Normative documents", "（一）", 2),
    ProactiveItem("licensing", "行政许可", "Administrative licensing", "（五）", 3),
    ProactiveItem(
        "other_admin_services",
        "其他对外管理服务事项",
        "Other external administrative services",
        "（五）",
        4,
        until="2019",
    ),
    ProactiveItem("penalties", "行政处罚", "Administrative penalties", "（六）", 5),
    ProactiveItem("coercive_measures", "行政强制", "Administrative coercive measures", "（六）", 6),
    ProactiveItem("fees", "行政事业性收费", "Administrative fees", "（八）", 7),
    ProactiveItem("procurement", "政府集中采购", "Government centralised procurement", "（九）", 8, until="2019"),
]


@dataclass(frozen=True)
class ProactiveMeasure(_Printed):
    """A column of table 二 as the eras from ``since`` to ``until`` print it (one code may have two labels)."""

    code: str
    zh: str
    en: str
    since: str
    until: str | None
    blocks: tuple[str, ...]
    unit: str | None = None  # "10k_yuan" for money, "signed" for changes


_BLOCKS_5_6_8 = ("（五）", "（六）", "（八）")
PROACTIVE_MEASURES: list[ProactiveMeasure] = [
    ProactiveMeasure("new_made", "本年新制作数量", "Newly made this year", "2019", "2019", ("（一）",)),
    ProactiveMeasure("new_published", "本年新公开数量", "Newly published this year", "2019", "2019", ("（一）",)),
    ProactiveMeasure("published_total", "对外公开总数量", "Total published", "2019", "2019", ("（一）",)),
    ProactiveMeasure("issued", "本年制发件数", "Issued this year", "2021", None, ("（一）",)),
    ProactiveMeasure("repealed", "本年废止件数", "Repealed this year", "2021", None, ("（一）",)),
    ProactiveMeasure("in_force", "现行有效件数", "In force", "2021", None, ("（一）",)),
    ProactiveMeasure("prev_year_items", "上一年项目数量", "Items last year", "2019", "2019", _BLOCKS_5_6_8),
    ProactiveMeasure("change", "本年增/减", "Change this year", "2019", "2019", _BLOCKS_5_6_8, "signed"),
    ProactiveMeasure("decisions", "处理决定数量", "Decisions", "2019", "2019", ("（五）", "（六）")),
    ProactiveMeasure("decisions", "本年处理决定数量", "Decisions this year", "2021", None, ("（五）", "（六）")),
    ProactiveMeasure(
        "fee_amount_10k_yuan",
        "本年收费金额（单位：万元）",
        "Fees collected (10k yuan)",
        "2021",
        None,
        ("（八）",),
        "10k_yuan",
    ),
    ProactiveMeasure("procurement_items", "采购项目数量", "Procurement items", "2019", "2019", ("（九）",)),
    ProactiveMeasure(
        "procurement_amount_10k_yuan",
        "采购总金额",
        "Procurement amount (10k yuan)",
        "2019",
        "2019",
        ("（九）",),
        "10k_yuan",
    ),
]
# The only measure that may be negative: 本年增/减 is a signed change.
SIGNED_MEASURE_CODES = tuple(dict.fromkeys(m.code for m in PROACTIVE_MEASURES if m.unit == "signed"))


NARRATIVE_KEYS: list[Coded] = [
    Coded("applications_received", "收到（新收）申请数", "Applications received", 1),
    Coded("applications_processed", "办结（答复）申请数", "Applications processed", 2),
    Coded("applications_carried_over", "上年结转申请数", "Applications carried over", 3),
    Coded("applications_carried_forward", "结转下年申请数", "Applications carried forward", 4),
    Coded("granted", "予以公开", "Granted", 5),
    Coded("partially_granted", "部分公开", "Partially granted", 6),
    Coded("granted_incl_partial", "公开（含部分公开）", "Granted incl. partially", 7),
    Coded("denied", "不予公开", "Denied", 8),
    Coded("unavailable", "无法提供", "Unavailable", 9),
    Coded("rejected", "不予处理", "Not processed", 10),
    Coded("other", "其他处理", "Other handling", 11),
    Coded("review_total", "行政复议", "Administrative reviews", 12),
    Coded("litigation_total", "行政诉讼", "Lawsuits", 13),
    Coded("proactive_items_published", "主动公开信息数", "Items proactively published", 14),
    Coded("fees_collected_yuan", "收取信息处理费（元）", "Fees collected (yuan)", 15),
    # new applications by applicant, where the prose states them one by one (key added beyond the contract)
    Coded("applications_received_natural_person", "新收申请·自然人", "Applications received: natural persons", 16),
    Coded("applications_received_legal_person", "新收申请·法人或其他组织", "Applications received: legal persons", 17),
    Coded("applications_received_commercial", "新收申请·商业企业", "Applications received: commercial", 18),
    Coded("applications_received_research", "新收申请·科研机构", "Applications received: research", 19),
    Coded(
        "applications_received_social_org", "新收申请·社会公益组织", "Applications received: public-interest orgs", 20
    ),
    Coded("applications_received_legal_service", "新收申请·法律服务机构", "Applications received: legal services", 21),
    Coded("applications_received_other_org", "新收申请·其他", "Applications received: other orgs", 22),
    # what the prose says beyond the contract's keys, checked against the tables (keys added beyond the contract)
    Coded("review_upheld", "行政复议结果维持（正文所述）", "Reviews upheld (as the prose states)", 23),
    Coded("litigation_upheld", "行政诉讼结果维持（正文所述）", "Lawsuits upheld (as the prose states)", 24),
    Coded(
        "proactive_items_published_parts_sum",
        "主动公开信息数·正文所列各部分之和",
        "Items proactively published: sum of the parts the prose lists",
        25,
    ),
]


@dataclass(frozen=True)
class CheckFamily:
    family: str  # the fixed first two parts of the rule name
    severity: str  # "error" | "warning"
    zh: str
    en: str


CHECK_FAMILIES: list[CheckFamily] = [
    CheckFamily(
        "applications.balance",
        "error",
        "第一项加第二项之和应等于第三项（七）总计加第四项",
        "Row 一 + row 二 must equal （七）总计 + row 四, per column",
    ),
    CheckFamily(
        "applications.row_sum",
        "error",
        "总计应等于各申请人类别之和",
        "总计 must equal the sum of the applicant columns",
    ),
    CheckFamily(
        "applications.outcomes_sum",
        "error",
        "（七）总计应等于各办理结果之和",
        "（七）总计 must equal the sum of the outcome rows",
    ),
    CheckFamily(
        "applications.other_sum",
        "error",
        "（六）其他处理应等于其三个子项之和（2021格式）",
        "（六） must equal the sum of its three sub-rows (2021 format)",
    ),
    CheckFamily(
        "review_litigation.review_sum",
        "error",
        "行政复议总计应等于四项结果之和",
        "Review total must equal the sum of its four outcomes",
    ),
    CheckFamily(
        "review_litigation.litigation_direct_sum",
        "error",
        "未经复议直接起诉总计应等于四项结果之和",
        "Direct litigation total must equal the sum of its four outcomes",
    ),
    CheckFamily(
        "review_litigation.litigation_after_review_sum",
        "error",
        "复议后起诉总计应等于四项结果之和",
        "Litigation-after-review total must equal the sum of its four outcomes",
    ),
    CheckFamily(
        "statistics.subitems_sum",
        "warning",
        "统计表各子项之和应等于其所属项（本年度、历年累计各列）",
        "A 统计表 item must equal the sum of its sub-items (其中 1. 2. …), in each column",
    ),
    CheckFamily(
        "statistics.cumulative",
        "warning",
        "统计表本年度数不应大于历年累计数",
        "A 统计表 figure for the year must not exceed its cumulative figure",
    ),
    CheckFamily(
        "narrative", "warning", "正文所述数字应与表格一致", "A figure stated in the prose must agree with the table"
    ),
    CheckFamily(
        "cross_year",
        "warning",
        "本年上年结转应等于上年结转下年度（由数据仓库计算）",
        "This year's carried-over must equal last year's carried-forward (warehouse)",
    ),
]

PROBLEM_CODES: dict[str, tuple[str, str]] = {
    "derived_value": ("warning", "A value was derived (e.g. a blank 总计 filled from its row), not read"),
    "ambiguous_split": ("warning", "A run-together digit string has more than one consistent split"),
    "unreadable_value": ("warning", "A cell could not be read as a number"),
    "row_not_found": ("warning", "A row of the format was not found in a table that was read"),
    "blank_cell": ("warning", "Cells printed blank or '-' that no rule of the table proves are null"),
    "unplaced_rows": ("warning", "Table rows without labels could not be placed by the format's row order"),
    "needs_ocr": ("error", "The PDF has no text layer"),
    "ocr": ("warning", "The document is a scan, read by OCR: only figures the table's arithmetic verifies are kept"),
    "ocr_unverified": ("warning", "Figures read by OCR that the table's arithmetic does not verify are null"),
    "unsupported_format": ("error", "The format cannot be read here"),
    "unreadable_document": ("error", "The document could not be read"),
    "too_large": ("error", "The document exceeds the size limits"),
    "resource_limit": ("error", "Parsing the document broke a sandbox limit (memory, time) or crashed its worker"),
    "encoding_guessed": ("warning", "The text encoding was guessed"),
    "encoding_mismatch": ("warning", "The declared text encoding did not fit the bytes; the detected one was used"),
    "html_truncated": (
        "warning",
        "The HTML parser could not follow the page whole; content past that point is not read",
    ),
    "pages_truncated": ("warning", "Only the first pages of a long PDF were read"),
    "font_missing": (
        "warning",
        "A PDF's Chinese font is not embedded and the machine has none to stand in: positions guessed, figures may be "
        "missing",
    ),
    "bare_amount_unit": ("warning", "A money amount had no unit; taken as 万元"),
    "organ_not_found": ("warning", "The issuing organ was not found"),
    "year_not_found": ("warning", "The year covered was not found"),
    "table_missing": ("warning", "A table of the format was not found"),
    # given by the loader (warehouse.staging), never by the parser: the Report names a code or era this module
    # does not know, e.g. a Report of another parser version; the value is kept as printed (an era: NULL)
    "unknown_code": ("error", "A code or era the vocabulary does not know"),
}


# The problems that mean the document itself could not be read (as opposed to one value in it).
UNREADABLE_DOCUMENT_CODES = frozenset(
    code for code, (severity, _) in PROBLEM_CODES.items() if severity == "error" and code != "unknown_code"
)


# -- derived lookups: computed from the lists above (a new era or row needs no change below) ------------------


def application_row(code: str) -> ApplicationRow:
    return _ROWS_BY_CODE[code]


def era(code: str) -> Era:
    """The Era of a code; KeyError for an unknown one (never a silent default)."""
    return _ERAS_BY_CODE[code]


def eras_between(since: str, until: str | None = None) -> tuple[str, ...]:
    """The eras from ``since`` to ``until`` (None: the newest), oldest first."""
    first = ERAS.index(since)
    last = ERAS.index(until) if until is not None else len(ERAS) - 1
    return ERAS[first : last + 1]


def era_of_year(year: int) -> str:
    """The format a report for ``year`` is expected to use (the newest era whose first year is not after it)."""
    expected = [e.code for e in ERA_RECORDS if e.first_year <= year]
    if not expected:
        raise ValueError(f"no report format before {ERA_RECORDS[0].first_year}: {year}")
    return expected[-1]


@lru_cache(maxsize=64)
def era_pattern(code: str) -> re.Pattern:
    """What marks a text as printed in this era: its labels, and the number of the letter that set it (with
    any of the brackets printed around its year: 〔2021〕, [2021], (2021), 【2021】)."""
    e = era(code)
    patterns = [e.markers]
    letter = re.fullmatch(r"(.+?)〔(\d{4})〕(\d+号)", e.document_zh)
    if letter:
        name, year, number = letter.groups()
        patterns.append(rf"{re.escape(name)}[〔\[(（【]{year}[〕\])）】]{re.escape(number)}")
    return re.compile("|".join(patterns))


@lru_cache(maxsize=64)
def first_printed_in(code: str) -> frozenset[str]:
    """Table 三 rows and table 二 measures that no older era prints: reading one dates the report."""
    oldest: dict[str, int] = {}
    records: list[ApplicationRow | ProactiveMeasure] = [*APPLICATION_ROWS, *PROACTIVE_MEASURES]
    for record in records:
        at = ERAS.index(record.since)
        oldest[record.code] = min(at, oldest.get(record.code, at))
    return frozenset(c for c, at in oldest.items() if ERAS[at] == code)


def application_rows_of(code: str) -> list[str]:
    """The table 三 rows an era's layout prints, in printed order (group totals, stated alone, left out)."""
    return list(_application_rows_of(code))


@lru_cache(maxsize=64)
def _application_rows_of(code: str) -> tuple[str, ...]:
    return tuple(
        r.code for r in sorted(APPLICATION_ROWS, key=lambda r: r.sort) if code in r.eras and not r.is_group_total
    )


def outcome_rows(code: str) -> list[str]:
    """The rows of an era whose sum is （七）总计: each outcome row with no sub-row of its own in that era."""
    return list(_outcome_rows(code))


@lru_cache(maxsize=64)
def _outcome_rows(code: str) -> tuple[str, ...]:
    printed = [r for r in sorted(APPLICATION_ROWS, key=lambda r: r.sort) if code in r.eras]
    has_parts = {r.group for r in printed if r.group in OUTCOME_GROUPS and r.code != r.group}
    return tuple(
        r.code for r in printed if r.group in OUTCOME_GROUPS and not (r.code == r.group and r.group in has_parts)
    )


def outcome_rows_printed(codes) -> list[str]:
    """The rows whose sum is （七）总计 in a table 三 that prints the rows ``codes``: those of the newest format
    whose own outcome rows are among them. By the rows printed, not the era: a 2021 report may print a 2019
    table 三."""
    for code, own in _own_outcome_rows():
        if not own.isdisjoint(codes):
            return outcome_rows(code)
    return outcome_rows(_own_outcome_rows()[-1][0])


@lru_cache(maxsize=1)
def _own_outcome_rows() -> tuple[tuple[str, frozenset[str]], ...]:
    """(era, the outcome rows no older era prints) of each era with a table 三 of its own, newest first."""
    with_tables = [e.code for e in ERA_RECORDS if "applications" in e.tables]
    return tuple((code, first_printed_in(code).intersection(_outcome_rows(code))) for code in reversed(with_tables))


def proactive_measures_of(code: str, item: ProactiveItem) -> list[ProactiveMeasure]:
    """The measures an era prints for a table 二 item (empty when the era does not print the item)."""
    if code not in item.eras:
        return []
    return [m for m in PROACTIVE_MEASURES if item.block in m.blocks and code in m.eras]


@lru_cache(maxsize=4096)
def check_severity(rule: str) -> str:
    """Severity of a rule name, by its family (longest matching prefix)."""
    best = None
    for fam in CHECK_FAMILIES:
        matches = rule == fam.family or rule.startswith(fam.family + ".")
        if matches and (best is None or len(fam.family) > len(best.family)):
            best = fam
    if best is None and rule.startswith("review_litigation."):
        return "error"
    return best.severity if best else "warning"


def as_records() -> dict[str, list[dict]]:
    """Everything above as lists of dicts (for dbt seeds and GX)."""
    return {
        "eras": [asdict(e) for e in ERA_RECORDS],
        "scripts": [asdict(c) for c in SCRIPTS],
        "application_rows": [{**asdict(r), "eras": list(r.eras)} for r in APPLICATION_ROWS],
        "applicant_columns": [asdict(c) for c in APPLICANT_COLUMNS],
        "review_groups": [asdict(c) for c in REVIEW_GROUPS],
        "review_measures": [asdict(c) for c in REVIEW_MEASURES],
        "proactive_items": [{**asdict(c), "eras": list(c.eras)} for c in PROACTIVE_ITEMS],
        "proactive_measures": [{**asdict(c), "eras": list(c.eras)} for c in PROACTIVE_MEASURES],
        "narrative_keys": [asdict(c) for c in NARRATIVE_KEYS],
        "check_families": [asdict(c) for c in CHECK_FAMILIES],
        "problem_codes": [{"code": k, "severity": v[0], "en": v[1]} for k, v in PROBLEM_CODES.items()],
    }


ERAS = tuple(e.code for e in ERA_RECORDS)  # the formats, oldest first
REPORT_ERAS = (*ERAS, ERA_UNKNOWN)  # what a Report's era may be
SCRIPT_CODES = tuple(s.code for s in SCRIPTS)
_ERAS_BY_CODE = {e.code: e for e in ERA_RECORDS}
_ROWS_BY_CODE = {r.code: r for r in APPLICATION_ROWS}
APPLICATION_ROW_CODES = [r.code for r in APPLICATION_ROWS]
APPLICANT_COLUMN_CODES = [c.code for c in APPLICANT_COLUMNS]
REVIEW_GROUP_CODES = [g.code for g in REVIEW_GROUPS]
REVIEW_MEASURE_CODES = [m.code for m in REVIEW_MEASURES]
PROACTIVE_ITEM_CODES = [i.code for i in PROACTIVE_ITEMS]
PROACTIVE_MEASURE_CODES = sorted({m.code for m in PROACTIVE_MEASURES})
NARRATIVE_KEY_CODES = [k.code for k in NARRATIVE_KEYS]
