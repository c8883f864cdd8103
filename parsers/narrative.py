"""Figures stated in prose (narrative keys), read with regular expressions over the simplified text.

Each key takes the first statement that matches; its provenance is the offsets of the number. Statements
that a count is nil (未发生…行政复议、行政诉讼, 不收取任何费用) give 0. A report without tables (seed 004)
also yields per-applicant counts of new applications when the sentence states them one by one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_N = r"(\d+(?:,\d{3})*)"
_UNIT = r"\s*(?:件|个|宗|份|条|起)"

# (key, pattern); group 1 is the number. First match in the text wins.
PATTERNS: list[tuple[str, re.Pattern]] = [
    (key, re.compile(p))
    for key, p in [
        # not a change (收到申请较上年增加10件): no 较/比/同比/增/减 between 申请 and the number
        ("applications_received", rf"(?:新收|收到|受理|接收)[^。;；\n]{{0,25}}?(?:申请|诉求)(?:(?!较|比|增|减|下降|上升)[^。;；,，\n]){{0,8}}?(?:共|总计|合计)?{_N}{_UNIT}"),
        ("applications_processed", rf"(?:答复完毕|已办结|办结|已答复)(?:政府信息公开|依申请公开)?(?:申请)?(?:共)?{_N}\s*件"),
        # 办理…申请N件 alone may mean new + carried over; only with (含…结转M件) is N what was handled
        ("applications_processed", rf"办理[^。;；,，\n]{{0,20}}?(?:申请|案件)(?:共)?{_N}\s*件\s*\(含[^)]{{0,16}}?结转"),
        # 2021年结转5件 is carried over; 结转至2023年(度)… is carried forward, never carried over
        ("applications_carried_over", rf"(?:上一?年度?结转|(?:19|20)\d{{2}}年度?结转)(?!至|到|下)[^。;；,，\n]{{0,6}}?{_N}{_UNIT}"),
        ("applications_carried_forward", rf"(?:结转(?:至|到)?(?:下一?年度?|(?:19|20)\d{{2}}年度?)|顺延至下一?年度?|转入下一?年度?)[^。;；,，\n]{{0,6}}?{_N}{_UNIT}"),
        ("applications_carried_forward", rf"{_N}{_UNIT}(?:申请)?(?:顺延|结转|转入)(?:至|到)?下一?年度?"),
        ("granted_incl_partial", rf"公开\(含部分公开\)(?:的)?{_N}{_UNIT}"),
        ("granted", rf"(?<![部分不])(?:予以公开|同意公开)(?:的)?{_N}{_UNIT}"),
        ("partially_granted", rf"部分公开(?:的)?{_N}{_UNIT}"),
        ("denied", rf"(?:不予公开|不同意公开)(?:的)?{_N}{_UNIT}"),
        ("unavailable", rf"无法提供(?:的)?{_N}{_UNIT}"),
        ("rejected", rf"不予处理(?:的)?{_N}{_UNIT}"),
        ("other", rf"其他处理(?:的)?{_N}{_UNIT}"),
        ("review_total", rf"行政复议(?:案件)?(?:的)?(?:共)?{_N}{_UNIT}"),
        ("litigation_total", rf"行政诉讼(?:案件)?(?:的)?(?:共)?{_N}{_UNIT}"),
        ("proactive_items_published", rf"(?:累计|共|全年|主动)公开(?:政府)?信息(?:共)?{_N}\s*条"),
        ("proactive_items_published", rf"公开总条数达?{_N}\s*条"),
        ("proactive_items_published", rf"全年[^。;；\n]{{0,30}}?发布(?:政府)?信息(?:共|总计|合计)?{_N}\s*条"),
        ("fees_collected_yuan", r"收取(?:信息处理费|费用)(?:共)?(\d+(?:\.\d+)?)\s*元"),
    ]
]

_INCLUDES_CARRIED_RE = re.compile(r"\s*(?:\(含[^)]{0,16}?结转|[,，;；]?\s*其中(?:上一?年度?|(?:19|20)\d{2}年度?)结转)")
_NIL_REVIEW_RE = re.compile(r"(?:未|没有|无)(?:发生|产生|出现)?[^。]{0,30}?行政复议[^。]{0,12}?行政诉讼")
_NIL_FEES_RE = re.compile(r"(?:不收取任何费用|未收取任何费用|没有收取任何费用|无收费|未收取(?:信息处理)?费)")

# per-applicant counts in the sentence that states new applications (seed 004)
_APPLICANT_PATTERNS = [
    ("natural_person", rf"自然人(?:申请)?{_N}{_UNIT}"),
    ("legal_person", rf"法人或其他组织(?:申请)?{_N}{_UNIT}"),
    ("commercial", rf"商业企业(?:申请)?{_N}{_UNIT}"),
    ("research", rf"科研机构(?:申请)?{_N}{_UNIT}"),
    ("social_org", rf"社会公益组织(?:申请)?{_N}{_UNIT}"),
    ("legal_service", rf"法律服务机构(?:申请)?{_N}{_UNIT}"),
    ("other_org", rf"(?<![\u4e00-\u9fff])其他(?:组织)?(?:申请)?{_N}{_UNIT}|[、,，]其他(?:组织)?(?:申请)?{_N}{_UNIT}"),
]


@dataclass
class NarrativeResult:
    values: dict[str, int | float]
    provenance: dict[str, str] = field(default_factory=dict)
    new_received_by_column: dict[str, int] = field(default_factory=dict)
    column_provenance: dict[str, str] = field(default_factory=dict)


def _number(s: str) -> int | float:
    s = s.replace(",", "")
    return float(s) if "." in s else int(s)


# Keys about applications: the text around must speak of applications (申请), or a count of, say, 办结的
# 11个重点问题 elsewhere in the report would be taken for one.
_NEEDS_APPLICATION_CONTEXT = {
    "applications_processed", "applications_carried_over", "applications_carried_forward", "granted",
    "partially_granted", "granted_incl_partial", "denied", "unavailable", "rejected", "other",
}


def read_narrative(text: str) -> NarrativeResult:
    """Prose figures. Line breaks are removed first (PDF prose wraps mid-sentence); offsets map back."""
    keep = [i for i, c in enumerate(text) if c != "\n"]
    joined = text.replace("\n", "")
    result = _read_joined(joined)
    return _mapped(result, keep, len(text))


def _mapped(result: NarrativeResult, keep: list[int], size: int) -> NarrativeResult:
    def fix(where: str) -> str:
        a, b = (int(x) for x in where.split()[-1].split("-"))
        start = keep[a] if a < len(keep) else size
        end = keep[b - 1] + 1 if 0 < b <= len(keep) else start
        return f"text chars {start}-{end}"

    result.provenance = {k: fix(v) for k, v in result.provenance.items()}
    return result


def _sentence_start(text: str, at: int, limit: int) -> int:
    """Start of the sentence holding `at` (after the last 。；!), at most `limit` characters back."""
    cut = max(text.rfind(c, max(0, at - limit), at) for c in "。；;!！")
    return cut + 1 if cut >= 0 else max(0, at - limit)


def _read_joined(text: str) -> NarrativeResult:
    out = NarrativeResult(values={})
    for key, pattern in PATTERNS:
        if key in out.values:
            continue
        for m in pattern.finditer(text):
            if key in _NEEDS_APPLICATION_CONTEXT and "申请" not in text[max(0, m.start() - 150) : m.end() + 20]:
                continue
            if key == "applications_received" and _INCLUDES_CARRIED_RE.match(text, m.end()):
                continue  # 收到N件(含上年结转M件): N is new + carried over, which no key means
            if key == "applications_received" and "公开" not in text[_sentence_start(text, m.start(), 80) : m.end()]:
                continue  # 政务服务中心受理各类办件申请12万件: not disclosure applications
            break
        else:
            m = None
        if m:
            out.values[key] = _number(m.group(1))
            out.provenance[f"narrative.{key}"] = f"text chars {m.start(1)}-{m.end(1)}"
    m = _NIL_REVIEW_RE.search(text)
    if m:
        for key in ("review_total", "litigation_total"):
            if key not in out.values:
                out.values[key] = 0
                out.provenance[f"narrative.{key}"] = f"text chars {m.start()}-{m.end()}"
    m = _NIL_FEES_RE.search(text)
    if m and "fees_collected_yuan" not in out.values:
        out.values["fees_collected_yuan"] = 0
        out.provenance["narrative.fees_collected_yuan"] = f"text chars {m.start()}-{m.end()}"
    _applicant_columns(text, out)
    return out


def _applicant_columns(text: str, out: NarrativeResult) -> None:
    _applicant_columns_in_sentence(text, out)
    for col, value in out.new_received_by_column.items():
        out.values[f"applications_received_{col}"] = value
        out.provenance[f"narrative.applications_received_{col}"] = out.column_provenance[col]


def _applicant_columns_in_sentence(text: str, out: NarrativeResult) -> None:
    where = out.provenance.get("narrative.applications_received")
    if not where:
        return
    start = int(where.split()[-1].split("-")[0])
    sentence_start = max(text.rfind("。", 0, start), text.rfind("\n", 0, start)) + 1
    ends = [e for e in (text.find("。", start), text.find("\n", start)) if e >= 0]
    sentence_end = min(ends) if ends else len(text)
    sentence = text[sentence_start:sentence_end]
    for col, pattern in _APPLICANT_PATTERNS:
        m = re.search(pattern, sentence)
        if m:
            g = 1 if m.group(1) is not None else 2
            out.new_received_by_column[col] = _number(m.group(g))
            out.column_provenance[col] = f"text chars {sentence_start + m.start(g)}-{sentence_start + m.end(g)}"
