"""How the spider recognises annual reports and the way to them — pure functions, no Scrapy.

Everything a portal-agnostic crawler has to *guess* lives here, so it can be unit-tested on
plain strings and tuned without touching the spider:

- ``is_annual_report_title`` / ``year_guess``: is this link text the title of a 政府信息公开工作年度报告,
  and for which year? Near misses (a notice *about* annual reports, a work plan, another kind of
  annual report) must say no.
- ``classify_link``: what a link on a portal page is to us — the way into the disclosure area
  (a "column"), a further list page ("pagination"), a report, a report attachment, or nothing.
- ``media_type`` / ``extension_for``: what a fetched document is.

How a family of portals hides its lists and files is in ``crawlers.cms``; which addresses are one page
is ``warehouse.urls``.
"""

from __future__ import annotations

import re
import unicodedata
from enum import Enum
from urllib.parse import parse_qsl, urlsplit

# --- text normalisation -------------------------------------------------------------------------

# Traditional → simplified for the characters that occur in the words we match on. A full OpenCC
# conversion would be exact but costs ~1 ms per string; the spider normalises every link text of
# every page, and only these characters change a match.
_T2S = str.maketrans(
    {
        "開": "开",
        "報": "报",
        "資": "资",
        "訊": "讯",
        "務": "务",
        "關": "关",
        "於": "于",
        "設": "设",
        "點": "点",
        "劃": "划",
        "識": "识",
        "統": "统",
        "計": "计",
        "專": "专",
        "欄": "栏",
        "頁": "页",
        "區": "区",
        "縣": "县",
        "廳": "厅",
        "辦": "办",
        "門": "门",
        "戶": "户",
        "網": "网",
        "聞": "闻",
        "圖": "图",
        "讀": "读",
        "解": "解",
        "稱": "称",
        "國": "国",
        "條": "条",
        "例": "例",
        "蘇": "苏",
        "當": "当",
        "後": "后",
        "尾": "尾",
        "發": "发",
        "佈": "布",
        "東": "东",
        "遼": "辽",
        "寧": "宁",
        "瀋": "沈",
        "陽": "阳",
        "錄": "录",
        "題": "题",
        "體": "体",
        "結": "结",
        "見": "见",
        "徵": "征",
        "評": "评",
        "會": "会",
        "議": "议",
        "範": "范",
        "規": "规",
        "聯": "联",
        "應": "应",
        "預": "预",
        "決": "决",
        "〇": "〇",
    }
)

_SPACE = re.compile(r"\s+")


def normalize_text(text: str | None) -> str:
    """NFKC (full-width digits and brackets), traditional → simplified keywords, no whitespace."""
    if not text:
        return ""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text)).translate(_T2S)


# --- years --------------------------------------------------------------------------------------

_CN_DIGITS = {
    "〇": "0",
    "零": "0",
    "○": "0",
    "Ｏ": "0",
    "O": "0",
    "一": "1",
    "二": "2",
    "三": "3",
    "四": "4",
    "五": "5",
    "六": "6",
    "七": "7",
    "八": "8",
    "九": "9",
}
_YEAR_ARABIC = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_YEAR_CHINESE = re.compile(r"([二一][〇零○O一二三四五六七八九]{3})年")


def year_guess(text: str | None) -> int | None:
    """The report year a title names: the first plausible year (1990–2099), Arabic or 二〇二〇年."""
    t = normalize_text(text)
    if not t:
        return None
    # Prefer a year written as "2020年" / "2020年度" over other four-digit numbers (document numbers).
    candidates = [m for m in _YEAR_ARABIC.finditer(t)]
    for m in candidates:
        if t[m.end() : m.end() + 1] == "年" and 1990 <= int(m.group(1)) <= 2099:
            return int(m.group(1))
    for m in candidates:
        if 1990 <= int(m.group(1)) <= 2099:
            return int(m.group(1))
    m = _YEAR_CHINESE.search(t)
    if m:
        year = int("".join(_CN_DIGITS[c] for c in m.group(1)))
        if 1990 <= year <= 2099:
            return year
    return None


# --- report titles ------------------------------------------------------------------------------

# "政府信息公开", "政务信息公开", "政府资讯公开" (HK/TW wording) — after normalisation.
_DISCLOSURE = re.compile(r"(政府|政务)?(信息|资讯)公开")
_ANNUAL_REPORT = re.compile(r"年度(工作)?报告|年报")
# Titles that mention annual reports without being one: notices and circulars about them, plans,
# other annual reports (法治政府建设年度报告), summaries, explainers and calls for comments.
_NEAR_MISS = re.compile(
    r"通知|关于做好|关于印发|关于开展|工作要点|要点|方案|计划|法治政府|法治建设|依法行政|"
    r"解读|图解|一图|读懂|图说|视频|征求|征集|评议|评估|考核|测评|培训|会议|检查|督查|情况通报|目录|指南"
)

# A column of reports, not a report: "政府信息公开工作年度报告专栏".
_COLUMN_SUFFIX = re.compile(r"(?:专栏|栏目)$")


def is_annual_report_title(title: str | None, pattern: str | None = None) -> bool:
    """True when ``title`` names a government information disclosure annual report.

    A year + 政府信息公开 + 年度报告 (or 年报), simplified or traditional; near misses excluded.
    ``pattern`` (a profile hint) replaces the built-in rule with a regular expression.
    """
    t = normalize_text(title)
    if not t or len(t) > 120:
        return False
    if pattern:
        return re.search(pattern, t) is not None or re.search(pattern, title or "") is not None
    return (
        year_guess(t) is not None
        and _DISCLOSURE.search(t) is not None
        and _ANNUAL_REPORT.search(t) is not None
        and _NEAR_MISS.search(t) is None
        and _COLUMN_SUFFIX.search(t) is None
    )


_CUT = ("…", "...", "..", "⋯")


def is_cut_report_title(title: str | None) -> bool:
    """A list entry cut short ("2020年政府信息公开工作年…") that may be a report: worth opening to read
    the full title on the page itself. Needs a year and 信息公开 before the cut, and no near-miss word."""
    t = normalize_text(title)
    if not t.endswith(_CUT):
        return False
    t = t.rstrip("….⋯")
    return year_guess(t) is not None and _DISCLOSURE.search(t) is not None and _NEAR_MISS.search(t) is None


# --- links --------------------------------------------------------------------------------------

DEFAULT_ATTACHMENT_TYPES = ("pdf", "doc", "docx", "wps", "xls", "xlsx")

# Words of the link to the disclosure area and, within it, to the annual-report column.
# Navigation links are refused only for these (a 政府信息公开目录 or 公开专栏 is the way in).
_AREA_MISS = re.compile(r"通知|关于|工作要点|方案|计划|解读|图解|一图|读懂|征求|征集|考核|培训|会议|指南")
_AREA_WORDS = re.compile(r"政务公开|政府信息公开|信息公开|资讯公开|主动公开|政务信息|公开目录|公开专栏|法定主动公开")
_COLUMN_WORDS = re.compile(r"年度报告|年报|工作报告")
_NEXT_WORDS = re.compile(
    r"^(?:[\[【<(]*(?:下一页|下页|后页|后一页|尾页|末页|最后一页|next|Next|NEXT)[>›»\]】)]*|>|>>|›|»)$"
)
_PAGE_URL = re.compile(
    r"(?:index|list|default)_\d+\.s?html?$|"
    r"[?&](?:page|cur_page|curpage|pageNum|pageno|pageIndex|p|startrecord)=\d+",
    re.IGNORECASE,
)
# A year (sub-)column inside the report column: "2022年", "2022年度", "2022年度报告", "2022年年报".
_YEAR_COLUMN = re.compile(r"^(?:19|20)\d{2}年?度?(?:年报|年度报告|报告|政府信息公开年报)?$")


class LinkKind(str, Enum):
    REPORT = "report"  # a detail page or document whose text is a report title
    MAYBE_REPORT = "maybe_report"  # a cut-off title that may be one: the page's own title decides
    ATTACHMENT = "attachment"  # a document file (pdf, docx…) without a report title
    COLUMN = "column"  # the annual-report column (年报 / 年度报告 without a year)
    AREA = "area"  # the disclosure area (政务公开, 政府信息公开…)
    PAGINATION = "pagination"  # another page of the current list
    YEAR_COLUMN = "year_column"  # a year's sub-column ("2022年度") — followed from list pages only
    OTHER = "other"


def url_extension(url: str) -> str:
    """Lower-case file extension of the URL's path ('' when none)."""
    path = urlsplit(url).path
    name = path.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


_DOWNLOAD_PARAMS = {"filename", "file", "fileurl", "filepath", "path", "name", "url", "src", "fn"}


def is_attachment_url(url: str, types: tuple[str, ...] | list[str] = DEFAULT_ATTACHMENT_TYPES) -> bool:
    """A document file by its address: the path's extension, or the file named in a download
    script's query (Hanweb ``/module/download/downfile.jsp?classid=0&filename=2301311.pdf``)."""
    wanted = {t.lower().lstrip(".") for t in types}
    if url_extension(url) in wanted:
        return True
    query = urlsplit(url).query
    if not query:
        return False
    for key, value in parse_qsl(query):
        if key.lower() in _DOWNLOAD_PARAMS and "." in value and value.rsplit(".", 1)[-1].lower() in wanted:
            return True
    return False


def classify_link(
    text: str,
    url: str,
    *,
    attachment_types: tuple[str, ...] | list[str] = DEFAULT_ATTACHMENT_TYPES,
    title_pattern: str | None = None,
    list_page_pattern: str | None = None,
    pagination_pattern: str | None = None,
) -> LinkKind:
    """What a link is to the crawler, from its text and absolute URL (profile hints take priority)."""
    t = normalize_text(text)
    if is_annual_report_title(text, title_pattern):
        # A cut title ("…年度报告（图...") may have lost the word that makes it a near miss: a page
        # is opened and its own title decides; a file cannot be asked, the cut text has to do.
        if title_pattern is None and t.endswith(_CUT) and not is_attachment_url(url, attachment_types):
            return LinkKind.MAYBE_REPORT
        return LinkKind.REPORT
    if is_attachment_url(url, attachment_types):
        return LinkKind.ATTACHMENT
    if title_pattern is None and is_cut_report_title(text):
        return LinkKind.MAYBE_REPORT
    if pagination_pattern and re.search(pagination_pattern, url):
        return LinkKind.PAGINATION
    if list_page_pattern and re.search(list_page_pattern, url):
        return LinkKind.COLUMN
    if t and len(t) <= 30:
        if _COLUMN_SUFFIX.search(t) and (_COLUMN_WORDS.search(t) or _DISCLOSURE.search(t)):
            return LinkKind.COLUMN
        if _YEAR_COLUMN.match(t):
            return LinkKind.YEAR_COLUMN
        if _DISCLOSURE.search(t) and _COLUMN_WORDS.search(t) and year_guess(t) is None:
            return LinkKind.COLUMN
        if _COLUMN_WORDS.search(t) and year_guess(t) is None and _NEAR_MISS.search(t) is None:
            return LinkKind.COLUMN
        if _AREA_WORDS.search(t) and _AREA_MISS.search(t) is None and year_guess(t) is None:
            return LinkKind.AREA
    if _NEXT_WORDS.match(t):
        return LinkKind.PAGINATION
    # Page numbers ("2", "3"…) and 首页/上一页 count only when the URL looks like a list page.
    if _PAGE_URL.search(url) and (not t or t.isdigit() or t in {"首页", "上一页", "上页", "前页"}):
        return LinkKind.PAGINATION
    return LinkKind.OTHER


# --- documents ----------------------------------------------------------------------------------

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "wps": "application/vnd.ms-works",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html",
    "htm": "text/html",
    "shtml": "text/html",
}
_EXT_FOR_MEDIA = {v: k for k, v in reversed(list(MEDIA_TYPES.items()))}
_GENERIC = {
    "",
    "application/octet-stream",
    "application/x-download",
    "application/force-download",
    "binary/octet-stream",
    "application/download",
}


def media_type(url: str, content_type: str | None, body: bytes = b"") -> str:
    """The document's media type: a specific Content-Type, else the extension, else magic bytes."""
    ct = (content_type or "").split(";")[0].strip().lower()
    if ct not in _GENERIC:
        return ct
    ext = url_extension(url)
    if ext in MEDIA_TYPES:
        return MEDIA_TYPES[ext]
    head = body[:8]
    if head.startswith(b"%PDF"):
        return MEDIA_TYPES["pdf"]
    if head.startswith(b"PK\x03\x04"):
        return MEDIA_TYPES["docx"]
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return MEDIA_TYPES["doc"]
    if body[:512].lstrip().lower().startswith((b"<!doctype html", b"<html")):
        return "text/html"
    return ct or "application/octet-stream"


def extension_for(media: str, url: str) -> str:
    """File extension to store a document under."""
    ext = url_extension(url)
    if ext in MEDIA_TYPES:
        return "html" if MEDIA_TYPES[ext] == "text/html" else ext
    return _EXT_FOR_MEDIA.get(media, "bin")
