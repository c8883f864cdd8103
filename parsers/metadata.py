"""Issuing organ, year covered, title and publication date, from the title and the text.

The year is the year the report covers (from the title or the 统计期限 sentence), never the publication date.
The organ comes from the title's prefix before the year: an organ name is taken as printed (a parenthesised
second name dropped: 淮北市人民政府办公室（外事办公室） → 淮北市人民政府办公室); a bare region name X is the
organ line printed under the title when it starts with X, else X人民政府.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TITLE_LINE_RE = re.compile(r"((?:19|20)\d{2})\s*年度?.{0,24}?信息公开.{0,12}?(?:年度报告|年报|工作报告)")
# a title line ends with the report's name (a parenthesised note may follow), not with 编制工作的通知 or a date
_TITLE_END_RE = re.compile(r"(?:年度报告|年报|工作报告)\s*(?:[(（][^)）]*[)）])?\s*$")
_BREADCRUMB_RE = re.compile(r"当前位置|您的位置|[>›»]")  # page chrome, not the title
_LABEL_PREFIX_RE = re.compile(r"^.*[:：>›»|/]")  # 图解：宿迁市…, 首页 > 年报 > 宿迁市… → 宿迁市…
_QUOTED_TITLE_RE = re.compile(r"《([^》]{2,60}?((?:19|20)\d{2})\s*年度?[^》]{0,24}?(?:年度报告|年报))》")
_PUBLISHED_TITLE_RE = re.compile(r"(?:公布|发布|公开)([^。,《》]{2,40}?((?:19|20)\d{2})\s*年度?[^。,《》]{0,24}?(?:年度报告|年报))")
_PERIOD_RE = re.compile(r"((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日[^。]{0,6}?(?:至|到|-|—|~)\s*(?:((?:19|20)\d{2})\s*年)?\s*12\s*月\s*31\s*日")
_DATE_LINE_RE = re.compile(r"(?m)^[ \t]*[(\[]?[ \t]*((?:19|20)\d{2})[ \t]*年[ \t]*(\d{1,2})[ \t]*月[ \t]*(\d{1,2})[ \t]*日[ \t]*[)\]]?[ \t]*$")
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
    organ_span: tuple[int, int] | None = None  # printed part of the organ in the text
    organ_suffix: str = ""  # text appended to the printed part (人民政府)
    year: int | None = None
    publication_date: str | None = None


def _lines(text: str, limit: int):
    pos = 0
    count = 0
    for line in text.split("\n"):
        start = pos
        pos += len(line) + 1
        if line.strip():
            yield start, line
            count += 1
            if count >= limit:
                return


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
        cand for k, cand in enumerate(candidates)
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


_INFO_LINE_RE = re.compile(r"\s*(?:[^\n]{0,20}?(?:发布时间|发布日期|发布机构|来源|信息来源|索引号|发文日期|成文日期|浏览次数))")


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
        stripped = line.strip()
        m = _TITLE_LINE_RE.search(stripped)
        if (m and len(stripped) <= 70 and _TITLE_END_RE.search(stripped) and not _BREADCRUMB_RE.search(stripped)
                and not stripped.startswith(("根据", "按照", "依据", "本报告", "现", "关于"))):
            lead = line.index(stripped)
            a, b = start + lead, start + lead + len(stripped)
            if (m.start() == 0 and previous is not None and len(previous[1].strip()) <= 40
                    and re.search(r"(?:人民政府|办公室|办公厅|委员会|局|厅|委|中心|院|署|省|市|区|县|旗|州|\))$",
                                  previous[1].strip())):
                p_start, p_line = previous
                p_lead = p_line.index(p_line.strip())
                a = p_start + p_lead
                yield text[a:b], a, b
            else:
                yield stripped, a, b
        previous = (start, line)


# a name that is only a generic word (2022年政府信息公开… has 政府 between year and 信息公开) is no organ
_GENERIC_ORGAN_RE = re.compile(r"^(?:本|我|各|该)?(?:人民)?(?:政府|机关|单位|部门|办公室|委员会|局|厅|委|中心|院|办)$")
# organ named by a label line: 发布机构：XX局, 来源：XX局, 信息来源: …, 发文机关 …
_ORGAN_LABEL_RE = re.compile(
    r"(?:发布机构|发布机关|发布单位|发文机关|发文单位|公开主体|信息来源|文章来源|稿件来源|来源)(?:[ \t]*[:：][ \t]*|[ \t]*\t[ \t]*)"
    r"([\u4e00-\u9fff（）()]{2,40}?)(?=[ \t\u3000]|$|[|,，;；])",
    re.MULTILINE,
)


def _organ_name_ok(name: str) -> bool:
    return (2 <= len(name) <= 40 and not _GENERIC_ORGAN_RE.match(name)
            and bool(_ORGAN_SUFFIX_RE.search(name) or _REGION_SUFFIX_RE.search(name)))


def _organ_from_labels(text: str, meta: dict) -> tuple[str | None, tuple[int, int] | None]:
    """The organ from a 发布机构/来源 line (first 60 lines) or the page's ContentSource meta."""
    head = "\n".join(line for _, line in _lines(text, 60))
    limit = len(head)
    for m in _ORGAN_LABEL_RE.finditer(text[: limit + 200]):
        name = _PAREN_RE.sub("", m.group(1))
        if _organ_name_ok(name) and _ORGAN_SUFFIX_RE.search(name):
            return name, (m.start(1), m.end(1)) if name == m.group(1) else None
    source = re.sub(r"\s+", "", meta.get("organ") or "")
    if source and _organ_name_ok(source) and _ORGAN_SUFFIX_RE.search(source):
        return source, None
    return None, None


def _organ_from_prefix(prefix: str, text: str, after: int) -> tuple[str | None, str]:
    """(printed organ part, appended suffix) from a title's prefix."""
    name = _LABEL_PREFIX_RE.sub("", _PAREN_RE.sub("", prefix)).strip(" \t\n:：,，、\"'")
    name = re.sub(r"\s+", "", name)
    name = re.sub(r"(?:关于|的)$", "", name)  # XX局关于2022年…年度报告
    if len(name) < 2 or len(name) > 40 or _GENERIC_ORGAN_RE.match(name):
        return None, ""
    if _ORGAN_SUFFIX_RE.search(name):
        return name, ""
    if _REGION_SUFFIX_RE.search(name):
        for _, line in _lines(text[after:], 4):
            cand = _PAREN_RE.sub("", line).strip()
            if cand.startswith(name) and len(cand) <= 30 and _ORGAN_SUFFIX_RE.search(cand):
                return cand, ""
        return name, "人民政府"
    return None, ""


_CN_DIGITS = str.maketrans("〇○零一二三四五六七八九", "00012345678" + "9")
_CN_YEAR_RE = re.compile(r"[二][〇○零一二三四五六七八九]{3}(?=\s*年)")


def _arabic_years(text: str) -> str:
    """二〇二〇年 → 2020年 (same length, so offsets still hold)."""
    return _CN_YEAR_RE.sub(lambda m: m.group(0).translate(_CN_DIGITS), text)


def read_metadata(text: str, meta: dict | None = None) -> Metadata:
    meta = meta or {}
    out = Metadata()
    text = _arabic_years(text[:6000]) + text[6000:]
    head = text[:6000]
    found = _find_title(head, meta.get("title"))
    title_like: tuple[str, int, int] | None = None  # (string, start offset, year offset within string)
    if found:
        out.title, a, b = found
        out.title_span = (a, b)
        m = _TITLE_LINE_RE.search(out.title)
        title_like = (out.title, a, m.start(1))
    elif meta.get("title") and _TITLE_LINE_RE.search(meta["title"]):
        out.title = meta["title"].strip()
        m = _TITLE_LINE_RE.search(out.title)
        title_like = (out.title, -1, m.start(1))
    elif (paren := _paren_year_title(head)) is not None:
        # XX局政府信息公开工作年度报告（2022年度）: the year after the name
        out.title, a, b, year, prefix = paren
        out.title_span = (a, b)
        out.year = year
        name = re.sub(r"\s+", "", prefix)
        if _organ_name_ok(name) and _ORGAN_SUFFIX_RE.search(name):
            out.organ = name
            out.organ_span = (a, a + len(prefix)) if prefix == name else None
    else:
        m = _QUOTED_TITLE_RE.search(head) or _PUBLISHED_TITLE_RE.search(head)
        if m:
            title_like = (m.group(1), m.start(1), m.start(2) - m.start(1))
    if title_like:
        string, offset, year_at = title_like
        out.year = int(string[year_at : year_at + 4])
        prefix = string[:year_at]
        after = offset + len(string) if offset >= 0 else 0
        organ, suffix = _organ_from_prefix(prefix, text, after)
        if organ is None and not _LABEL_PREFIX_RE.sub("", prefix).strip():
            between = re.match(r"\d{4}\s*年度?(.{2,30}?)(?:政府)?信息公开", string[year_at:])
            if between:
                organ, suffix = _organ_from_prefix(between.group(1), text, after)
        if organ:
            out.organ = organ + suffix
            out.organ_suffix = suffix
            if offset >= 0 and not suffix and organ.startswith(prefix.strip()[:2]) and organ in text:
                idx = text.find(organ)
                out.organ_span = (idx, idx + len(organ))
            elif offset >= 0:
                idx = text.find(organ, offset)
                out.organ_span = (idx, idx + len(organ)) if idx >= 0 else None
    if out.organ is None:
        organ, span = _organ_from_labels(text, meta)
        if organ:
            out.organ, out.organ_span = organ, span
    if out.year is None:
        m = _PERIOD_RE.search(text)
        if m:
            out.year = int(m.group(1))
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
