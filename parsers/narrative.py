"""Figures stated in prose (narrative keys), read with regular expressions over the simplified text.

A figure comes from prose only through a phrase that names it (收到政府信息公开申请N件, 办结N件, 上年结转N件,
行政复议N件 …); its provenance is the offsets of the number and the phrase itself. 受理/收到 + a number is
not enough: 受理各类群众诉求259起, 来信来访, 咨询, 政务服务办件 are no disclosure applications, and a total
that mixes new and carried-over applications (共受理申请N件，其中新收M件、上年结转K件; 收到N件(含上年结转M件))
is not what was newly received. Each key takes the first statement that qualifies. Statements that a count
is nil (未发生…行政复议、行政诉讼, 不收取任何费用) give 0. A report without tables (seed 004) also yields
per-applicant counts of new applications when the sentence states them one by one.

Items proactively published come only from a phrase naming the year's total (共公布政府信息2599条, 全年主动公开…,
2015年主动公开政府信息2949条), never from a category (其他应主动公开政府信息856条) or a part. Beyond the contract's
keys, for the checks: review_upheld / litigation_upheld (行政复议7件，诉讼9件，均获维持 → 7, 9; 行政复议7件，其中维持
5件 → 5) and proactive_items_published_parts_sum (the parts with shares adding up to 100%: 县直各单位主动公开政府
信息2475条，占62.2%。各乡镇主动公开政府信息1503条，占37.8% → 3978).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

_N = r"(\d+(?:,\d{3})*)"
_UNIT = r"\s*(?:件|个|宗|份|条|起)"

# (key, pattern); group 1 is the number. First match in the text wins. A lookbehind stands after the words it
# guards (部分公开(?<!公开及部分公开)), never first: the engine then scans for the words instead of trying every place.
# For the same reason an optional word in front is spelt out as alternatives ((?:予以公开|同意公开|公开), not
# (?:予以|同意)?公开).
PATTERNS: list[tuple[str, re.Pattern]] = [
    (key, re.compile(p))
    for key, p in [
        (
            "applications_processed",
            rf"(?:答复完毕|已办结|办结|已答复)(?:政府信息公开|依申请公开)?(?:申请)?(?:共)?{_N}\s*件",
        ),
        ("applications_processed", rf"答复(?:政府信息公开|依申请公开)申请(?:共)?{_N}\s*件"),
        # 办理…申请N件 alone may mean new + carried over; only with (含…结转M件) is N what was handled
        ("applications_processed", rf"办理[^。;；,，\n]{{0,20}}?(?:申请|案件)(?:共)?{_N}\s*件\s*\(含[^)]{{0,16}}?结转"),
        # 2021年结转5件 is carried over; 结转至2023年(度)… is carried forward, never carried over
        (
            "applications_carried_over",
            rf"(?:上一?年度?结转|19\d{{2}}年度?结转|20\d{{2}}年度?结转)(?!至|到|下)[^。;；,，\n]{{0,6}}?{_N}{_UNIT}",
        ),
        (
            "applications_carried_forward",
            rf"(?:结转(?:至|到)?(?:下一?年度?|(?:19|20)\d{{2}}年度?)|顺延至下一?年度?|转入下一?年度?)[^。;；,，\n]{{0,6}}?{_N}{_UNIT}",
        ),
        (
            "applications_carried_forward",
            rf"{_N}{_UNIT}(?:申请)?(?:[^。;；,，\n]{{0,10}}?)(?:顺延|结转|转入)(?:至|到)?下一?年度?",
        ),
        ("granted_incl_partial", rf"公开\(含部分公开\)(?:的)?{_N}{_UNIT}"),
        # 予以公开及部分公开258件 is both together, not 部分公开 alone
        (
            "granted_incl_partial",
            rf"(?:予以公开|同意公开|公开)(?:及|和|与|、|或)(?:予以|同意)?部分公开(?:的)?(?:共)?{_N}{_UNIT}",
        ),
        ("granted", rf"(?:予以公开|同意公开)(?<![部分不].{{4}})(?:的)?{_N}{_UNIT}"),
        ("partially_granted", rf"部分公开(?<!公开[及和与、或]部分公开)(?:的)?{_N}{_UNIT}"),
        ("denied", rf"(?:不予公开|不同意公开)(?:的)?{_N}{_UNIT}"),
        ("unavailable", rf"无法提供(?:的)?{_N}{_UNIT}"),
        ("rejected", rf"不予处理(?:的)?{_N}{_UNIT}"),
        ("other", rf"其他处理(?:的)?{_N}{_UNIT}"),
        ("review_total", rf"行政复议(?:案件)?(?:的)?(?:共)?{_N}{_UNIT}"),
        ("litigation_total", rf"行政诉讼(?:案件)?(?:的)?(?:共)?{_N}{_UNIT}"),
        # 行政复议7件,诉讼9件: 诉讼 right after the 复议 count is the litigation
        (
            "litigation_total",
            rf"行政复议(?:案件)?(?:共)?\d+{_UNIT}[,，、;；]?(?:被)?(?:提起)?(?:行政)?诉讼(?:案件)?(?:共)?{_N}{_UNIT}",
        ),
        # items proactively published: only a phrase naming the year's total (共/全年/累计 公开|公布|发布 …信息N条;
        # 主动公开政府信息N条 only as _PROACTIVE_CLAUSE_RE allows), never a category (其他应主动公开政府信息856条,
        # 规划计划类信息60条) nor a part (县直各单位主动公开政府信息2475条，占62.2%): see _proactive_total_ok
        (
            "proactive_items_published",
            rf"(?:累计|共|全年)(?:主动)?(?:公开|公布|发布)(?:的)?(?:政府)?信息(?:共|总计|合计)?{_N}\s*条",
        ),
        ("proactive_items_published", rf"主动公开(?<!应主动公开)(?:的)?(?:政府)?信息(?:共|总计|合计)?{_N}\s*条"),
        ("proactive_items_published", rf"公开总条数达?{_N}\s*条"),
        ("proactive_items_published", rf"全年[^。;；\n]{{0,30}}?发布(?:政府)?信息(?:共|总计|合计)?{_N}\s*条"),
        ("fees_collected_yuan", r"收取(?:信息处理费|费用)(?:共)?(\d+(?:\.\d+)?)\s*元"),
    ]
]

# ---------------------------------------------------------------- items proactively published
# the clause before 主动公开…信息N条 says only when, or 其中 (制作信息3978条，其中主动公开政府信息2026条): the total;
# after a run-in heading too (（一）主动公开政府信息的数量2015年主动公开…: lines are joined). Not after a line
# break alone: PDF prose wraps mid-sentence (县直各单位\n主动公开政府信息2475条 is a part).
_PROACTIVE_CLAUSE_RE = re.compile(
    r"(?:(?:主动公开|总体|基本|工作)[^。;；]{0,12}?(?:情况|数量|概况|方面))?"
    r"(?:其中|(?:19|20)\d{2}年度?|本年度?|今年|全年|年内|共|累计|总计|合计"
    r"|[我全本](?:区|市|县|省|州|盟|旗|镇|乡|局|委|厅|办|院|署|机关|单位|部门))*"
)
# a category, a kind or a channel of items, not all of them
_PROACTIVE_PART_RE = re.compile(
    r"类|其他|其它|应|领域|栏目|专栏|专题|微博|微信|公众号|新媒体|客户端|头条|抖音|报纸|公报|电视|广播|政务号"
)
# the items of all years, not the year's (历年累计…, 截至2015年底，累计…)
_ALL_YEARS_RE = re.compile(r"历年|截至|截止|以来|成立")
_SHARE_RE = re.compile(r"\s*[,，]?\s*占")


def _clause_before(text: str, at: int, limit: int = 40) -> str:
    """The words of the clause holding `at`, up to it (after the last punctuation mark)."""
    window = text[max(0, at - limit) : at]
    cut = max(window.rfind(c) for c in "。;；,，:：()、!！?？ \t")
    return window[cut + 1 :]


def _proactive_total_ok(text: str, m: re.Match) -> bool:
    """The phrase names the year's total of items proactively published, not a category or a part of it."""
    if _ALL_YEARS_RE.search(text, _sentence_start(text, m.start(), 80), m.start()):
        return False
    clause = _clause_before(text, m.start())
    if m.group(0).startswith("主动公开"):
        return _PROACTIVE_CLAUSE_RE.fullmatch(clause) is not None
    return not _PROACTIVE_PART_RE.search(clause) and not _SHARE_RE.match(text, m.end())


# parts of the items proactively published, each with its share: 县直各单位主动公开政府信息2475条，占62.2%。
# 各乡镇主动公开政府信息1503条，占37.8%。 Shares that add up to 100% say the parts are the whole.
_PROACTIVE_SHARE_RE = re.compile(
    rf"主动公开(?:的)?(?:政府)?信息(?:共)?{_N}\s*条\s*[,，]?\s*占(?:比)?[^。;；,，\d%％]{{0,8}}?(\d+(?:\.\d+)?)\s*[%％]"
)
_PARTS_GAP = 40  # characters at most between one part and the next
_HEADING_MARK_RE = re.compile(r"[一二三四五六七八九十]{1,2}、|\([一二三四五六七八九十]{1,2}\)")
_SHARES_TOLERANCE = 1.0  # percentage points: shares printed rounded


def _proactive_parts(text: str, out: NarrativeResult) -> None:
    """The sum of the parts the prose splits the items proactively published into (two or more in one passage,
    each with its share, the shares adding up to 100%): proactive_items_published_parts_sum."""
    runs: list[list[re.Match]] = []
    for m in _PROACTIVE_SHARE_RE.finditer(text):
        if (
            runs
            and m.start() - runs[-1][-1].end() <= _PARTS_GAP
            and not _HEADING_MARK_RE.search(text, runs[-1][-1].end(), m.start())
        ):
            runs[-1].append(m)
        else:
            runs.append([m])
    for run in runs:
        for i in range(len(run) - 1):
            for j in range(len(run), i + 1, -1):  # the longest passage from each start first
                parts = run[i:j]
                shares = sum(float(m.group(2)) for m in parts)
                if abs(shares - 100) <= _SHARES_TOLERANCE:
                    total = sum(_number(m.group(1)) for m in parts)
                    span = (parts[0].start(), parts[-1].end())
                    _put(out, "proactive_items_published_parts_sum", total, span, span)
                    return


# ---------------------------------------------------------------- reviews and lawsuits upheld
# 行政复议7件，诉讼9件，均获维持: every case of the groups named was upheld
_CASES = r"(?:案件)?(?:共)?(?P<n{i}>\d+(?:,\d{{3}})*)\s*(?:件|起|宗|个)"
_TOPIC = r"(?:被)?(?:申请|提起)?(?:行政)?(?<!后)(?<!直接)(?P<t{i}>复议|诉讼)"
_ALL_UPHELD = (
    r"\s*[,，]?\s*(?:均|全部|都|皆)(?:已)?(?:获|被|予以|得到|获得)?(?:法院|复议机关)?(?:依法)?(?:判决|决定)?维持"
)
_UPHELD_BOTH_RE = re.compile(
    _TOPIC.format(i=1)
    + _CASES.format(i=1)
    + r"\s*[,，、和及与]?\s*"
    + _TOPIC.format(i=2)
    + _CASES.format(i=2)
    + _ALL_UPHELD
)
_UPHELD_ONE_RE = re.compile(_TOPIC.format(i=1) + _CASES.format(i=1) + _ALL_UPHELD)
# 行政复议7件，其中维持5件 / 行政复议7件，5件被维持: the upheld count of the group just named
_UPHELD_COUNT_RE = re.compile(
    _TOPIC.format(i=1) + r"(?:案件)?(?:共)?(?:\d+\s*(?:件|起|宗|个))?\s*[,，]?\s*(?:其中)?(?:结果)?"
    r"(?:(?:被|获|予以)?维持(?:原(?:具体)?(?:行政行为|决定|答复))?(?:的)?(?:共)?(?P<n2>\d+(?:,\d{3})*)\s*(?:件|起|宗|个)"
    r"|(?P<n3>\d+(?:,\d{3})*)\s*(?:件|起|宗|个)(?:被|获|予以)?(?:判决|决定)?维持)"
)
# the organ deciding reviews of others (作为复议机关): not table 四, where it is the respondent
_REVIEW_BODY_RE = re.compile(r"作为(?:行政)?复议机关|复议机关(?:共)?(?:受理|收到|办理|审理)")
_UPHELD_KEY = {"复议": "review_upheld", "诉讼": "litigation_upheld"}
_SENTENCE_RE = re.compile(r"[^。；;！!]{1,400}[。；;！!]?")


def _upheld(text: str, out: NarrativeResult) -> None:
    """Reviews and lawsuits the prose says were upheld: review_upheld, litigation_upheld."""
    found: dict[str, tuple[int, tuple[int, int], tuple[int, int], int | float]] = {}

    def note(key: str, m: re.Match, group: str) -> None:
        sentence = text[_sentence_start(text, m.start(), 120) : m.end()]
        if _REVIEW_BODY_RE.search(sentence):
            return
        if key not in found or m.start() < found[key][0]:
            found[key] = (m.start(), m.span(group), m.span(), _number(m.group(group)))

    # only sentences that speak of 维持 and of 复议 or 诉讼 are searched (the patterns are costly on a whole report)
    spans = [
        s.span()
        for s in _SENTENCE_RE.finditer(text)
        if len(sentence := s.group()) <= 400 and "维持" in sentence and ("复议" in sentence or "诉讼" in sentence)
    ]  # a prose sentence, not a table run together into one "sentence" (its 结果维持 header is no statement)

    def matches(pattern: re.Pattern):
        for a, b in spans:
            yield from pattern.finditer(text, a, b)

    both = []
    for m in matches(_UPHELD_BOTH_RE):
        if m.group("t1") != m.group("t2"):
            both.append(m.span())
            note(_UPHELD_KEY[m.group("t1")], m, "n1")
            note(_UPHELD_KEY[m.group("t2")], m, "n2")
    for m in matches(_UPHELD_ONE_RE):
        if not any(a <= m.start() < b for a, b in both):
            note(_UPHELD_KEY[m.group("t1")], m, "n1")
    for m in matches(_UPHELD_COUNT_RE):
        topic = m.group("t1")
        other = "诉讼" if topic == "复议" else "复议"
        before = text[_sentence_start(text, m.start(), 120) : m.start()]
        if other in before and "维持" not in before[before.rfind(other) :]:
            continue  # 复议3件，诉讼2件，维持1件: which group the 1 belongs to is not said
        key = _UPHELD_KEY[topic]
        if key not in found:
            note(key, m, "n2" if m.group("n2") is not None else "n3")
    for key, (_, number, phrase, value) in found.items():
        if key not in out.values:
            out.values[key] = value
            out.spans[f"narrative.{key}"] = (*number, *phrase)


_INCLUDES_CARRIED_RE = re.compile(r"\s*(?:\(含[^)]{0,16}?结转|[,，;；]?\s*其中(?:上一?年度?|(?:19|20)\d{2}年度?)结转)")
_NIL_REVIEW_RE = re.compile(r"(?:未|没有|无)(?:发生|产生|出现)?[^。]{0,30}?行政复议[^。]{0,12}?行政诉讼")
_NIL_FEES_RE = re.compile(r"(?:不收取任何费用|未收取任何费用|没有收取任何费用|无收费|未收取(?:信息处理)?费)")

# ---------------------------------------------------------------- applications received
# 收到/受理 + what was received + the number, either order: 共收到政府信息公开申请104件 / 共收到70件申请.
# Not a change (收到申请较上年增加10件): no 较/比/增/减 between the noun and the number.
_RECEIVE = r"(?:新收|收到|受理|接收|接到)"
_COUNT = r"(?P<n>\d+(?:,\d{3})*)"
_RECEIVED_RES = [
    re.compile(
        rf"{_RECEIVE}(?P<what>[^。;；\n]{{0,25}}?)(?P<noun>申请|诉求|请求)"
        rf"(?:(?!较|比|增|减|下降|上升)[^。;；,，\n]){{0,8}}?(?:共|总计|合计)?{_COUNT}{_UNIT}"
    ),
    re.compile(
        rf"{_RECEIVE}了?(?:共|总计|合计)?{_COUNT}{_UNIT}(?P<what>[^。;；,，\n]{{0,14}}?)(?P<noun>申请|诉求|请求)(?![人书表])"
    ),
]
# what is received is something else: complaints and petitions, letters and visits, enquiries, service-centre
# cases, review or litigation applications, licensing
_NOT_DISCLOSURE_RE = re.compile(
    r"诉求|来信|来访|信访|咨询|办件|投诉|举报|复议|诉讼|审批|许可|政务服务|事项|群众|各类|建议|提案|热线|窗口|大厅"
)
_NAMES_DISCLOSURE_RE = re.compile(r"信息公开|依申请公开|公开政府信息|公开申请|申请公开")
# a sentence around a bare 申请 that says which: not 信息公开 alone, which the report's title holds
_SENTENCE_NAMES_DISCLOSURE_RE = re.compile(r"信息公开申请|依申请公开|公开政府信息|公开申请|申请公开")
# new and carried-over together: 共受理(新收和上年结转)申请N件
_MIXED_RE = re.compile(r"结转|上年|上一年")
# 共受理申请N件，其中新收M件、上年结转K件: M is what was newly received
_NEW_IN_TOTAL_RE = re.compile(
    rf"[^。;；]{{0,30}}?(?:其中|包括)[^。;；]{{0,10}}?(?:本年度?)?新收(?:政府信息公开)?(?:申请)?(?:共)?{_N}{_UNIT}"
)
# a section heading: 三、收到和处理政府信息公开申请情况 / （二）依申请公开方面
_HEADING_RE = re.compile(r"(?:[一二三四五六七八九十]{1,2}、|\([一二三四五六七八九十]{1,2}\))([^。;；:]{2,30})")


def _section_heading(text: str, at: int) -> str:
    """The heading of the section holding `at` (its first words), or '' when none is near."""
    last = None
    for m in _HEADING_RE.finditer(text, max(0, at - 800), at):
        last = m
    return last.group(1) if last else ""


def _is_disclosure_application(text: str, m: re.Match) -> bool:
    """The statement counts applications for government information, named as such in the phrase, in its
    sentence or by its section's heading; a 诉求/请求 only when the phrase says it asks for disclosure
    (收到申请人公开政府信息的诉求1个)."""
    what = m.group("what")
    if _NOT_DISCLOSURE_RE.search(what) or _MIXED_RE.search(what):
        return False
    if _NAMES_DISCLOSURE_RE.search(what):
        return True
    if m.group("noun") != "申请":
        return False
    sentence = text[_sentence_start(text, m.start(), 80) : m.end()]
    if _NOT_DISCLOSURE_RE.search(sentence):
        return False
    heading = _section_heading(text, m.start())
    return bool(_SENTENCE_NAMES_DISCLOSURE_RE.search(sentence) or ("申请" in heading and "公开" in heading))


def _received(text: str) -> tuple[int | float, tuple[int, int], tuple[int, int]] | None:
    """(applications newly received, number span, phrase span) from the first statement that names them."""
    found = []
    for regex in _RECEIVED_RES:
        for m in regex.finditer(text):
            if not _is_disclosure_application(text, m):
                continue
            new = _NEW_IN_TOTAL_RE.match(text, m.end())
            if new:  # a total, then 其中新收M件: M
                found.append((m.start(), new.group(1), new.span(1), (m.start(), new.end())))
            elif _INCLUDES_CARRIED_RE.match(text, m.end()):
                continue  # 收到N件(含上年结转M件): N is new + carried over, which no key means
            else:
                found.append((m.start(), m.group("n"), m.span("n"), m.span()))
            break
    if not found:
        return None
    _, number, span, phrase = min(found)
    return _number(number), span, phrase


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
    new_received_by_column: dict[str, int | float] = field(default_factory=dict)
    # field → (number start, number end, phrase start, phrase end), offsets in the text read
    spans: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)


def _number(s: str) -> int | float:
    s = s.replace(",", "")
    return float(s) if "." in s else int(s)


# Keys about applications: the text around must speak of applications (申请), or a count of, say, 办结的
# 11个重点问题 elsewhere in the report would be taken for one.
_NEEDS_APPLICATION_CONTEXT = {
    "applications_processed",
    "applications_carried_over",
    "applications_carried_forward",
    "granted",
    "partially_granted",
    "granted_incl_partial",
    "denied",
    "unavailable",
    "rejected",
    "other",
}


def read_narrative(text: str) -> NarrativeResult:
    """Prose figures. Line breaks are removed first (PDF prose wraps mid-sentence); offsets map back."""
    joined = text.replace("\n", "")
    result = _read_joined(joined)
    # where each line break was taken out, in joined offsets: joined[a] stood at a + (breaks before it)
    removed_at = [at - k for k, at in enumerate(m.start() for m in re.finditer("\n", text))]
    return _with_provenance(result, joined, removed_at, len(text))


def _with_provenance(result: NarrativeResult, joined: str, removed_at: list[int], size: int) -> NarrativeResult:
    """Provenance of each figure: the number's offsets in the original text and the phrase that names it."""

    def original(a: int) -> int:
        return a + bisect_right(removed_at, a)

    def where(a: int, b: int) -> tuple[int, int]:
        start = original(a) if a < len(joined) else size
        return start, (original(b - 1) + 1 if 0 < b <= len(joined) else start)

    for fld, (a, b, pa, pb) in result.spans.items():
        start, end = where(a, b)
        phrase = joined[pa:pb].replace('"', "'")
        result.provenance[fld] = f'text chars {start}-{end} in "{phrase}"'
    return result


def _sentence_start(text: str, at: int, limit: int) -> int:
    """Start of the sentence holding `at` (after the last 。；!), at most `limit` characters back."""
    cut = max(text.rfind(c, max(0, at - limit), at) for c in "。；;!！")
    return cut + 1 if cut >= 0 else max(0, at - limit)


def _put(out: NarrativeResult, key: str, value, number: tuple[int, int], phrase: tuple[int, int]) -> None:
    out.values[key] = value
    out.spans[f"narrative.{key}"] = (*number, *phrase)


def _read_joined(text: str) -> NarrativeResult:
    out = NarrativeResult(values={})
    received = _received(text)
    if received is not None:
        _put(out, "applications_received", *received)
    for key, pattern in PATTERNS:
        if key in out.values:
            continue
        for m in pattern.finditer(text):
            if key in _NEEDS_APPLICATION_CONTEXT and "申请" not in text[max(0, m.start() - 150) : m.end() + 20]:
                continue
            if key == "proactive_items_published" and not _proactive_total_ok(text, m):
                continue
            _put(out, key, _number(m.group(1)), m.span(1), m.span())
            break
    nil = _NIL_REVIEW_RE.search(text)
    if nil:
        for key in ("review_total", "litigation_total"):
            if key not in out.values:
                _put(out, key, 0, nil.span(), nil.span())
    nil = _NIL_FEES_RE.search(text)
    if nil and "fees_collected_yuan" not in out.values:
        _put(out, "fees_collected_yuan", 0, nil.span(), nil.span())
    _applicant_columns(text, out)
    _proactive_parts(text, out)
    _upheld(text, out)
    return out


def _applicant_columns(text: str, out: NarrativeResult) -> None:
    """Per-applicant counts of new applications, in the sentence that states them (seed 004)."""
    where = out.spans.get("narrative.applications_received")
    if not where:
        return
    start = where[0]
    sentence_start = text.rfind("。", 0, start) + 1
    end = text.find("。", start)
    sentence_end = end if end >= 0 else len(text)
    sentence = text[sentence_start:sentence_end]
    for col, pattern in _APPLICANT_PATTERNS:
        m = re.search(pattern, sentence)
        if m:
            g = 1 if m.group(1) is not None else 2
            a, b = sentence_start + m.start(g), sentence_start + m.end(g)
            out.new_received_by_column[col] = _number(m.group(g))
            _put(
                out,
                f"applications_received_{col}",
                out.new_received_by_column[col],
                (a, b),
                (sentence_start + m.start(), sentence_start + m.end()),
            )
