"""Issuing organ, year covered, title and publication date, from the title and the text.

The year is the year the report covers (from the title or the 统计期限 sentence), never the publication date.
The organ is the issuer as printed: a title naming an organ, else the page's 发布机构/来源 line, the
report's signature or 编制 statement (see `_choose_issuer` for the order and why); a parenthesised second
name is dropped (淮北市人民政府办公室（外事办公室） → 淮北市人民政府办公室). A title naming only a region
(平潭综合实验区2019年度…) gives `region`, never an organ made of region + 人民政府.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache

from .normalize import fold, to_simplified

_TITLE_LINE_RE = re.compile(r"((?:19|20)\d{2})\s*年度?.{0,24}?信息公开.{0,12}?(?:年度报告|年报|工作报告)")
# a title line ends with the report's name (a parenthesised note may follow), not with 编制工作的通知 or a date
_TITLE_END_RE = re.compile(r"(?:年度报告|年报|工作报告)\s*(?:[(（][^)）]*[)）])?\s*$")
_BREADCRUMB_RE = re.compile(r"当前位置|您的位置|[>›»]")  # page chrome, not the title
_LABEL_PREFIX_RE = re.compile(r"^.*[:：>›»|/]")  # 图解：宿迁市…, 首页 > 年报 > 宿迁市… → 宿迁市…
_QUOTED_TITLE_RE = re.compile(r"《([^》]{2,60}?((?:19|20)\d{2})\s*年度?[^》]{0,24}?(?:年度报告|年报))》")
_PUBLISHED_TITLE_RE = re.compile(
    r"(?:公布|发布|公开)([^。,《》]{2,40}?((?:19|20)\d{2})\s*年度?[^。,《》]{0,24}?(?:年度报告|年报))"
)
_PERIOD_RE = re.compile(
    r"((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日[^。]{0,6}?(?:至|到|-|—|~)\s*(?:((?:19|20)\d{2})\s*年)?\s*12\s*月\s*31\s*日"
)
_DATE_LINE_RE = re.compile(
    r"(?m)^[ \t]*[(\[]?[ \t]*((?:19|20)\d{2})[ \t]*年[ \t]*(\d{1,2})[ \t]*月[ \t]*(\d{1,2})[ \t]*日[ \t]*[)\]]?[ \t]*$"
)
_DATE_LABEL_RE = re.compile(
    r"(?:发布日期|发布时间|发文日期|成文日期|日期)\s*[:：]?\s*((?:19|20)\d{2})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})"
)
_ORGAN_SUFFIX_RE = re.compile(
    r"(?:人民政府|政府|办公室|办公厅|委员会|管理局|局|厅|委|中心|院|署|办|所|站|馆|会|部|处|队|公司|集团)$"
)
_REGION_SUFFIX_RE = re.compile(r"(?:省|市|区|县|自治区|自治州|自治县|旗|盟|州|镇|乡|街道)$")
_PAREN_RE = re.compile(r"\([^)]*\)|（[^）]*）")


@dataclass
class Metadata:
    title: str | None = None
    title_span: tuple[int, int] | None = None
    organ: str | None = None
    organ_parts: list[tuple[int, int]] = field(default_factory=list)  # where the organ's parts are printed
    organ_printed: str | None = None  # the organ as printed outside the text (page metadata)
    organ_note: str | None = None  # why no organ, when there is none
    region: str | None = None  # the region the title names (平潭综合实验区, 平潭县 of 平潭县人民政府)
    year: int | None = None
    publication_date: str | None = None

    def organ_as_printed(self, original: str) -> str | None:
        """The organ in the original script (traditional reports), when all its parts are printed."""
        if not self.organ or not self.organ_parts:
            return self.organ_printed if self.organ else None
        return "".join(original[a:b] for a, b in self.organ_parts)


def _lines(text: str, limit: int):
    """(offset, line) of the first `limit` lines that are not blank; the rest of the text is never split."""
    pos = 0
    count = 0
    size = len(text)
    while pos <= size and count < limit:
        end = text.find("\n", pos)
        if end < 0:
            end = size
        line = text[pos:end]
        if line.strip():
            yield pos, line
            count += 1
        pos = end + 1


def _find_title(text: str, meta_title: str | None = None) -> tuple[str, int, int] | None:
    """The report's title line. Pages list other reports (other years, other organs) in sidebars and
    "related" links, so when different title lines appear, the one matching the page's own
    <title>/ArticleTitle wins, then (years differing) the one matching the 统计期限 sentence, then one standing
    alone (not in a run of links), then one followed by its 发布时间/来源 line, then (years differing) the
    year the body clearly speaks of; otherwise the first."""
    candidates = list(_title_lines(text))

    def same(cands) -> bool:
        return len({re.sub(r"\s+", "", c[0]) for c in cands}) == 1

    if len(candidates) <= 1 or same(candidates):
        return candidates[0] if candidates else None
    if meta_title:
        key = re.sub(r"\s+", "", meta_title)
        matching = [c for c in candidates if re.sub(r"\s+", "", c[0]) in key]
        if matching:
            return max(matching, key=lambda c: len(re.sub(r"\s+", "", c[0])))
    years = {_title_year(c[0]) for c in candidates}
    period = _PERIOD_RE.search(text)
    if period and len(years) > 1:
        in_period = [c for c in candidates if _title_year(c[0]) == int(period.group(1))]
        if in_period and same(in_period):
            return in_period[0]
    # a list of links prints title lines one after another; the report's own title stands alone
    alone = [
        cand
        for k, cand in enumerate(candidates)
        if not (k > 0 and not text[candidates[k - 1][2] : cand[1]].strip())
        and not (k + 1 < len(candidates) and not text[cand[2] : candidates[k + 1][1]].strip())
    ]
    if alone and same(alone):
        return alone[0]
    # the page's own title is followed by its 发布时间 / 来源 line
    dated = [c for c in candidates if _INFO_LINE_RE.match(text, c[2])]
    if dated and same(dated):
        return dated[0]
    if period and len(years) > 1:
        in_period = [c for c in candidates if _title_year(c[0]) == int(period.group(1))]
        if in_period:
            return in_period[0]
    if len(years) > 1:  # the year the body speaks of, when it clearly dominates
        body = text[max(c[2] for c in candidates) :]
        counts = {y: len(re.findall(rf"{y}\s*年", body)) for y in years}
        ranked = sorted(counts.items(), key=lambda kv: -kv[1])
        if ranked[0][1] >= 2 and ranked[0][1] >= 2 * ranked[1][1]:
            return next(c for c in candidates if _title_year(c[0]) == ranked[0][0])
    return candidates[0]


_INFO_LINE_RE = re.compile(
    r"\s*(?:[^\n]{0,20}?(?:发布时间|发布日期|发布机构|来源|信息来源|索引号|发文日期|成文日期|浏览次数))"
)


_PAREN_YEAR_TITLE_RE = re.compile(
    r"^(.{0,40}?)(?:政府)?信息公开(?:工作)?(?:年度报告|年报)\s*[(（]\s*((?:19|20)\d{2})\s*年度?\s*[)）]\s*$"
)


def _paren_year_title(text: str):
    """(title, start, end, year, organ prefix) of a title printed with its year in parentheses."""
    for start, line in _lines(text, 25):
        stripped = line.strip()
        m = _PAREN_YEAR_TITLE_RE.match(stripped)
        if m and not _BREADCRUMB_RE.search(stripped):
            a = start + line.index(stripped)
            return stripped, a, a + len(stripped), int(m.group(2)), m.group(1)
    return None


def _title_year(title: str) -> int | None:
    m = _TITLE_LINE_RE.search(title)
    return int(m.group(1)) if m else None


def _title_lines(text: str):
    previous: tuple[int, str] | None = None
    for start, line in _lines(text, 80):
        if "信息公开" not in line:  # every title names it: most lines are rejected here, cheaply
            previous = (start, line)
            continue
        if "\t" in line:  # a cell of a page's info table (名称 | 2022年…年度报告): the cell holding the title
            offset = 0
            for cell in line.split("\t"):
                if _TITLE_LINE_RE.search(cell):
                    start, line = start + offset, cell
                    break
                offset += len(cell) + 1
        lead, end = _unmarked_span(line, 0, len(line))  # no markdown marks, no 标题: label
        stripped = line[lead:end]
        m = _TITLE_LINE_RE.search(stripped)
        if (
            m
            and len(stripped) <= 70
            and _TITLE_END_RE.search(stripped)
            and not _BREADCRUMB_RE.search(stripped)
            and not stripped.startswith(("根据", "按照", "依据", "本报告", "现", "关于"))
        ):
            a, b = start + lead, start + end
            if (
                m.start() == 0
                and previous is not None
                and len(previous[1].strip()) <= 40
                and not re.search(r"[:：]", previous[1])  # 发布机构：XX局 is a label line, not the title's first line
                and re.search(
                    r"(?:人民政府|办公室|办公厅|委员会|局|厅|委|中心|院|署|省|市|区|县|旗|州|\))$",
                    strip_markup(previous[1]) or "",
                )
            ):
                p_start, p_line = previous
                a = p_start + _unmarked_span(p_line, 0, len(p_line))[0]
                yield text[a:b], a, b
            else:
                yield stripped, a, b
        previous = (start, line)


# a name that is only a generic word (2022年政府信息公开… has 政府 between year and 信息公开) is no organ
_GENERIC_ORGAN_RE = re.compile(r"^(?:本|我|各|该)?(?:人民)?(?:政府|机关|单位|部门|办公室|委员会|局|厅|委|中心|院|办)$")
# organ named by a label line: 发布机构：XX局, 来源：XX局, 信息来源: …, 发文机关 …
_ORGAN_LABEL_RE = re.compile(
    r"(?:发布机构|发布机关|发布单位|发文机关|发文单位|公开主体|信息来源|文章来源|稿件来源|来源)"
    r"(?:[ \t]*[:：][ \t]*|[ \t]*\t[ \t]*)"
    r"([\u4e00-\u9fff（）()]{2,40}?)(?=[ \t\u3000]|$|[|,，;；])",
    re.MULTILINE,
)
# markdown marks; no title or organ name holds #, > or ** of its own (a joined two-line title has them inside)
_MARKUP_RE = re.compile(r"\*\*|__|[ \t]*(?:#+|>+)[ \t]*")
# a label before the title on a page's info block or an archive export: 标题: …, 名称：…
_TITLE_LABEL_RE = re.compile(r"^(?:标题|题目|名称|文章标题|信息名称)\s*[:：]\s*")
_LEVELS = "省市区县州旗盟镇乡"
# one level of a region name: 沈阳市苏家屯区 → 沈阳市 | 苏家屯区 (自治区/自治州/自治县 end in 区/州/县)
_REGION_LEVEL_RE = re.compile(rf"[^{_LEVELS}]+[{_LEVELS}]")
# an issuer named as its region's body: 我区管委会办公室, 区管委会办公室, 市政府办公室, 我区. The rest holds no
# level of its own: 镇江市人民政府 and 市中区人民政府 are place names, not abbreviations; 市场… is no 市.
_ABBREVIATED_RE = re.compile(rf"^(?:我|本)?([{_LEVELS}])(?!场)([^{_LEVELS}]*)$")
_OWN_OFFICE_RE = re.compile(r"^(?:办公室|办公厅|办)")
_LIST_WORDS_RE = re.compile(r"[各等及和与、]")
_SPACE_RE = re.compile(r"\s+")


def strip_markup(s: str | None) -> str | None:
    """A title or organ without markdown marks (#, **, >) or a 标题: label before it."""
    if s is None:
        return None
    if _has_markup(s):
        s = _MARKUP_RE.sub("", s)
    return _TITLE_LABEL_RE.sub("", s.strip()).strip() or None


def _has_markup(text: str) -> bool:
    return "**" in text or "__" in text or "#" in text or ">" in text  # what _MARKUP_RE can match


@lru_cache(maxsize=2)  # the label and signature readers both ask, for the same page text
def _unmarked(text: str) -> str:
    """The text with markdown marks blanked (same length: offsets hold)."""
    if not _has_markup(text):
        return text
    # line by line, only the lines with a mark (no mark spans a line break): the pattern, tried at every space
    # and tab, costs more over a whole page than splitting it
    return "\n".join(_MARKUP_RE.sub(_spaces, line) if _has_markup(line) else line for line in text.split("\n"))


def _spaces(match: re.Match) -> str:
    return " " * (match.end() - match.start())


def _organ_name_ok(name: str) -> bool:
    return (
        2 <= len(name) <= 40
        and not _GENERIC_ORGAN_RE.match(name)
        and bool(_ORGAN_SUFFIX_RE.search(name) or _REGION_SUFFIX_RE.search(name))
    )


def _is_organ(name: str) -> bool:
    return _organ_name_ok(name) and bool(_ORGAN_SUFFIX_RE.search(name)) and not _LIST_WORDS_RE.search(name)


@dataclass
class _Issuer:
    """An organ some part of the page names as the report's issuer, with where its parts are printed."""

    name: str
    source: str  # label | signature | compiler | title
    parts: list[tuple[int, int]] = field(default_factory=list)
    printed: str | None = None  # as printed, when not in the text (the page's ContentSource)


class _Squeezed:
    """The text without whitespace (PDF and archive exports break names and sentences anywhere), mapping each
    offset back to the text's."""

    def __init__(self, text: str):
        runs = [(m.start(), m.group()) for m in _NON_SPACE_RE.finditer(text)]
        self.text = "".join(run for _, run in runs)
        self._starts: list[int] = []  # offset in self.text of each run
        self._origins: list[int] = []  # offset in the text of each run
        at = 0
        for origin, run in runs:
            self._starts.append(at)
            self._origins.append(origin)
            at += len(run)

    def origin(self, i: int) -> int:
        k = bisect.bisect_right(self._starts, i) - 1
        return self._origins[k] + i - self._starts[k]

    def span(self, a: int, b: int) -> tuple[int, int] | None:
        """The text's span of self.text[a:b], when it is printed there without a break."""
        start, end = self.origin(a), self.origin(b - 1) + 1
        return (start, end) if end - start == b - a else None


_NON_SPACE_RE = re.compile(r"\S+")


def _printed_span(text: str, name: str, start: int, end: int) -> list[tuple[int, int]]:
    """Where `name` is printed in text[start:end], as one span, or none when it is not printed whole."""
    at = text.find(name, start, end)
    return [(at, at + len(name))] if at >= 0 else []


def _region_levels(region: str) -> list[str]:
    return _REGION_LEVEL_RE.findall(region) or [region]


def _belongs_to(name: str, region: str) -> bool:
    """The organ is one of the region's (沈阳市苏家屯区 ⊂ 苏家屯区人民政府 via its last level, 苏家屯区)."""
    return region in name or _region_levels(region)[-1] in name


# ---------------------------------------------------------------- what names the issuer


def _label_issuers(text: str, meta: dict) -> list[_Issuer]:
    """发布机构 / 来源 / 信息来源 lines in the page's head (first 60 lines), then the ContentSource meta."""
    head = "\n".join(line for _, line in _lines(text, 60))
    out = []
    for m in _ORGAN_LABEL_RE.finditer(_unmarked(text[: len(head) + 200])):
        name = _PAREN_RE.sub("", m.group(1))
        if _organ_name_ok(name):
            out.append(_Issuer(name, "label", [m.span(1)] if name == m.group(1) else []))
    printed = _SPACE_RE.sub("", meta.get("organ") or "")
    source = _as_read(printed) if printed else ""
    if source and _organ_name_ok(source):
        out.append(_Issuer(source, "label", printed=printed))
    return out


@lru_cache(maxsize=4096)  # a site names the same organ on every page
def _as_read(printed: str) -> str:
    """A name printed outside the text as the text is read: folded and simplified."""
    return to_simplified(fold(printed))


# a signature: an organ alone on its line (or in its run of a one-line export) and a date after it — at the end
# (`… 平潭县人民政府 2013年1月16日 附件1…`) or as the byline under the title (宿迁市人民政府 / （2021年3月9日）)
_SIGNATURE_DATE_RE = re.compile(r"((?:19|20)\d{2})\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*[)）]?(?=\s|$)")
_SIGNER_RE = re.compile(r"([\u4e00-\u9fff()（）]{2,40}?)\s{0,6}[(（]?[ \t]*$")


def _signature_issuers(text: str, title_end: int, year: int | None) -> list[_Issuer]:
    """Organs that sign the report (the last one first), then an organ alone on a line right under the title."""
    out = []
    plain = _unmarked(text)
    for date in _SIGNATURE_DATE_RE.finditer(plain):
        window = max(0, date.start() - 50)
        m = _SIGNER_RE.search(plain, window, date.start())
        if not m or (m.start() > 0 and not re.match(r"[\s。!！]", plain[m.start() - 1])):
            continue  # not alone: the name runs on from the sentence before it
        name = _PAREN_RE.sub("", m.group(1))
        if _is_organ(name) and (year is None or int(date.group(1)) >= year):
            out.append(_Issuer(name, "signature", [m.span(1)] if name == m.group(1) else []))
    out.reverse()
    if title_end >= 0:
        for start, line in _lines(text[title_end:], 3):
            name = _PAREN_RE.sub("", strip_markup(line) or "")
            if _BYLINE_RE.fullmatch(name) and _is_organ(name):
                at = title_end + start
                out.append(_Issuer(name, "signature", _printed_span(text, name, at, at + len(line))))
                break
    return out


_BYLINE_RE = re.compile(r"[\u4e00-\u9fff]{2,30}")
_ORG = r"([\u4e00-\u9fff()（）]{2,40}?)"
# statements of who compiled this report: 本报告由淮安市人民政府办公室根据《条例》…编制, 由XX办公室编制,
# 我区管委会办公室编制完成了本报告, 编制单位：XX局 (searched without whitespace)
_COMPILED_BY_RES = [
    re.compile(rf"本(?:年度)?(?:报告|年报)(?:是)?由{_ORG}(?:根据|依据|按照|依照|参照|负责)[^。]{{0,150}}?编制"),
    re.compile(rf"由{_ORG}(?:负责)?(?:组织)?编制(?:而成|完成)?(?=[。,，;；]|$)"),
    re.compile(
        r"(?:^|[。,，;；:：!！\"》)）])([\u4e00-\u9fff]{1,40}?)(?:组织)?编制(?:完成)?了?本(?:年度)?(?:报告|年报)"
    ),
    re.compile(rf"编制(?:单位|机关|部门)[:：]{_ORG}(?=[。,，;；]|$|[^\u4e00-\u9fff])"),
]
# words of the sentence before the compiler's name: 《…》要求我区管委会办公室编制 → 我区管委会办公室
_LEAD_IN_RE = re.compile(r"^.*(?:要求|规定|精神|部署|安排|的)")


def _compiler_issuers(text: str) -> list[_Issuer]:
    """Who the report's opening or closing words say compiled it."""
    if len(text) <= 9000:
        return _compiler_issuers_in(text, 0)
    return _compiler_issuers_in(text[:6000], 0) + _compiler_issuers_in(text[-3000:], len(text) - 3000)


def _compiler_issuers_in(part: str, offset: int) -> list[_Issuer]:
    if "编" not in part:  # 编制, perhaps broken over two lines
        return []
    squeezed = _Squeezed(part)
    text = squeezed.text
    out = []
    for k, regex in enumerate(_COMPILED_BY_RES):
        for m in regex.finditer(text):
            if k == 1 and not re.search(r"报告|年报", text[max(0, m.start() - 120) : m.start()].rsplit("。", 1)[-1]):
                continue  # 由…编制 about something else (标准目录, 政策手册)
            lead = _LEAD_IN_RE.match(m.group(1)) if k == 2 else None
            a, b = m.start(1) + (lead.end() if lead else 0), m.end(1)
            name = _PAREN_RE.sub("", text[a:b])
            span = squeezed.span(a, b) if name == text[a:b] else None
            if name:
                out.append(_Issuer(name, "compiler", [(span[0] + offset, span[1] + offset)] if span else []))
    return out


# ---------------------------------------------------------------- which of them is the issuer


def _resolved(issuer: _Issuer, region: str | None, region_span: tuple[int, int] | None) -> _Issuer | None:
    """The issuer's full name, or None when it names no organ of the report's region.

    A name printed whole is taken as printed. An abbreviated name (我区管委会办公室, 区管委会办公室) refers to
    the region the title names: it becomes region + the printed rest (平潭综合实验区管委会办公室) when the
    rest is an organ; both parts are printed, nothing is made up. A bare 我区, or an abbreviation with no
    titled region to refer to, names no organ."""
    name = issuer.name
    short = _ABBREVIATED_RE.match(name)
    if region and _belongs_to(name, region):
        return issuer if _is_organ(name) else None
    if short and region and short.group(1) == region[-1]:
        rest = short.group(2)
        if not _is_organ(rest):
            return None
        end = issuer.parts[0][1] if issuer.parts else None
        parts = [region_span, (end - len(rest), end)] if region_span and end else []
        return _Issuer(region + rest, issuer.source, parts)
    if short or not _is_organ(name):
        return None
    if region:
        return None  # an organ of another region (平潭县人民政府 over a 平潭综合实验区 report): the page's host
    return issuer


def _owner_of_office(chosen: _Issuer, others: list[_Issuer]) -> _Issuer:
    """An organ's own office (丰县人民政府办公室) publishes and compiles for it: when the organ itself
    (丰县人民政府) signs or is named too, it is the issuer."""
    for other in others:
        if (
            other.name != chosen.name
            and chosen.name.startswith(other.name)
            and _OWN_OFFICE_RE.match(chosen.name[len(other.name) :])
        ):
            return other
    return chosen


def _choose_issuer(title_organ: _Issuer | None, region: str | None, region_span, found: list[_Issuer]):
    """(issuer or None, why none).

    What names the issuer, most trusted first: the page's 发布机构/来源 line, the report's signature (an organ
    and a date) or 编制 statement, the title. Three refinements, each seen in real reports:
    - a title that names an organ (淮安市人民政府2024年…) says whose report it is, and wins. What else names
      an issuer then names that organ, its own office (本报告由淮安市人民政府办公室…编制; 来源：丰县人民政府
      办公室 over 丰县人民政府2022年…: the office compiles and publishes for its government), or the body
      whose site carries the page.
    - a 来源/发布机构 line naming an organ of another region than the title's is the site's, not the report's:
      pingtan.gov.cn prints 来源：平潭县人民政府 (the county the zone took over, issuer of the 2012 report)
      over the 平潭综合实验区 2021 report, whose own text says 我区编制完成了本报告. Any evidence is kept only
      when it names an organ of the titled region, or when the title names no region to compare with.
    - an organ's own office gives way to the organ when both are named (丰县人民政府办公室 signs, 丰县人民政府
      is the label): the office acts for it.
    Never a region + 人民政府 that nothing prints: a title naming only its region, with nothing else naming
    the issuer (or only 我区编制…), gives no organ."""
    if title_organ is not None:
        return title_organ, None
    resolved = [r for r in (_resolved(i, region, region_span) for i in found) if r is not None]
    order = {"label": 0, "signature": 1, "compiler": 2}
    resolved.sort(key=lambda i: order[i.source])
    if resolved:
        return _owner_of_office(resolved[0], resolved[1:]), None
    if region and any(i.source == "compiler" and _ABBREVIATED_RE.match(i.name) for i in found):
        return (None, f"the report says only that its region ({region}) compiled it; no organ is named")
    if region:
        return (None, f"the title names only its region ({region}); no line names the issuing organ")
    return (None, "no title, 发布机构/来源 line, signature or 编制 statement names the issuing organ")


def _title_subject(prefix: str, text: str, start: int, end: int) -> tuple[str | None, list[tuple[int, int]]]:
    """The name a title's prefix gives (organ or region) and where it is printed."""
    name = _LABEL_PREFIX_RE.sub("", _PAREN_RE.sub("", strip_markup(prefix) or "")).strip(" \t\n:：,，、\"'")
    name = _SPACE_RE.sub("", name)
    name = re.sub(r"(?:关于|的)$", "", name)  # XX局关于2022年…年度报告
    if not _organ_name_ok(name):
        return None, []
    return name, _printed_span(text, name, start, end) if start >= 0 else []


def _region_of(organ: str) -> str | None:
    """The region of a government or its office (平潭县人民政府 → 平潭县, 上海市人民政府办公厅 → 上海市);
    other organs' regions are not guessed."""
    m = re.match(r"^(.+?)(?:人民政府|政府)(?:办公室|办公厅)?$", organ)
    return m.group(1) if m and _REGION_SUFFIX_RE.search(m.group(1)) else None


_CN_DIGITS = str.maketrans("〇○零一二三四五六七八九", "00012345678" + "9")
_CN_YEAR_RE = re.compile(r"[二][〇○零一二三四五六七八九]{3}(?=\s*年)")


def _arabic_years(text: str) -> str:
    """二〇二〇年 → 2020年 (same length, so offsets still hold)."""
    return _CN_YEAR_RE.sub(lambda m: m.group(0).translate(_CN_DIGITS), text)


def _read_title(head: str, meta: dict, out: Metadata) -> tuple[str | None, int, int]:
    """Set the title and year; returns (the name before the year, where the title is printed, its end)."""
    found = _find_title(head, meta.get("title"))
    title_like: tuple[str, int, int] | None = None  # (string, start offset, year offset within string)
    if found:
        out.title, a, b = found
        out.title_span = _unmarked_span(head, a, b)
        m = _TITLE_LINE_RE.search(out.title)
        assert m is not None  # a title is found by this pattern
        title_like = (out.title, a, m.start(1))
    elif meta.get("title") and _TITLE_LINE_RE.search(meta["title"]):
        out.title = meta["title"].strip()
        m = _TITLE_LINE_RE.search(out.title)
        assert m is not None  # the condition above matched it
        title_like = (out.title, -1, m.start(1))
    elif (paren := _paren_year_title(head)) is not None:
        # XX局政府信息公开工作年度报告（2022年度）: the year after the name
        out.title, a, b, out.year, prefix = paren
        out.title_span = _unmarked_span(head, a, b)
        out.title = strip_markup(out.title)
        return prefix, a, b
    else:
        m = _QUOTED_TITLE_RE.search(head) or _PUBLISHED_TITLE_RE.search(head)
        if m:
            title_like = (m.group(1), m.start(1), m.start(2) - m.start(1))
    out.title = strip_markup(out.title)
    if not title_like:
        return None, -1, -1
    string, offset, year_at = title_like
    out.year = int(string[year_at : year_at + 4])
    prefix = string[:year_at]
    if not _LABEL_PREFIX_RE.sub("", strip_markup(prefix) or "").strip():
        # 2021年度某某县政府信息公开…: the name between the year and 信息公开 (never the word 政府 alone)
        between = re.match(r"\d{4}\s*年度?(.{2,30}?)(?:政府)?信息公开", string[year_at:])
        prefix = between.group(1) if between else ""
    end = offset + len(string) if offset >= 0 else -1
    return prefix, offset, end


def _unmarked_span(text: str, a: int, b: int) -> tuple[int, int]:
    """The title's span without the markdown marks or 标题: label around it."""
    s = text[a:b]
    lead = len(s) - len(s.lstrip(_MARK_CHARS + ">"))
    label = _TITLE_LABEL_RE.match(s, lead)
    lead = label.end() if label else lead
    trail = len(s) - len(s.rstrip(_MARK_CHARS))
    return a + lead, max(a + lead, b - trail)


_MARK_CHARS = " \t\r\n\u3000#*_"  # around a title: whitespace and markdown marks (no name ends in * or _)


def read_metadata(text: str, meta: dict | None = None) -> Metadata:
    meta = meta or {}
    out = Metadata()
    text = _arabic_years(text[:6000]) + text[6000:]
    head = text[:6000]
    prefix, title_start, title_end = _read_title(head, meta, out)
    if out.year is None:
        m = _PERIOD_RE.search(text)
        if m:
            out.year = int(m.group(1))
    title_organ: _Issuer | None = None
    region_span = None
    if prefix:
        name, parts = _title_subject(prefix, text, title_start, title_end)
        if name and _ORGAN_SUFFIX_RE.search(name):
            # 市教育局2020年…: an organ without its region is not trusted over what else names the issuer
            title_organ = None if _ABBREVIATED_RE.match(name) else _Issuer(name, "title", parts)
            out.region = _region_of(name)
        elif name:
            out.region, region_span = name, (parts[0] if parts else None)
    found = _label_issuers(text, meta) + _signature_issuers(text, title_end, out.year) + _compiler_issuers(text)
    issuer, why = _choose_issuer(title_organ, out.region, region_span, found)
    if issuer is not None:
        out.organ, out.organ_parts = issuer.name, issuer.parts
        out.organ_printed = issuer.printed
    out.organ_note = why
    out.publication_date = meta.get("publication_date") or _publication_date(text)
    return out


def _publication_date(text: str) -> str | None:
    lines = text.split("\n")
    window = "\n".join(lines[:30] + lines[-15:]) if len(lines) > 45 else text
    for regex, where in ((_DATE_LABEL_RE, text), (_DATE_LINE_RE, window)):
        m = regex.search(where)
        if m:
            y, mo, d = (int(g) for g in m.groups())
            if 1 <= mo <= 12 and 1 <= d <= 31:
                return f"{y:04d}-{mo:02d}-{d:02d}"
    return None
