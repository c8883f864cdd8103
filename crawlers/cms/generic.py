"""What every portal has, whatever built it: links in ``href`` and in what scripts make clickable, menus
written by scripts, frames, shell pages that send the browser on, files shown in viewers, and a page count
announced by a script variable."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

from lxml import etree
from parsel import Selector
from scrapy.http import TextResponse

from crawlers.cms import SAME_PAGE, Family, Link

# A URL in a script attribute: window.open('…'), location.href='…', openUrl("…")…: the first quoted
# string that looks like an address (absolute, rooted, relative, or a page/file name).
_SCRIPT_URL = re.compile(
    r"""['"]((?:https?://|/|\.{1,2}/)[^'"\s]+|[\w./-]+\.(?:s?html?|jsp|aspx?|php|pdf|docx?|wps|xlsx?)(?:\?[^'"\s]*)?)['"]"""
)
_URL_ATTRS = ("data-url", "data-href", "data-link", "data-src")
_CUT_ENDINGS = ("…", "...", "..", "⋯")
_TAB_NL = str.maketrans("", "", "\t\r\n")
_JS_REDIRECT = re.compile(
    r"""(?:window\.|self\.|top\.|document\.)?location(?:\.href)?\s*(?:=|\.replace\(|\.assign\()\s*['"]([^'"]+)['"]"""
)
_COUNT_PAGE = re.compile(r"(?:countPage|pageCount|totalPage|totalpage)\s*[=:]\s*['\"]?(\d+)")
_LIST_STEM = re.compile(r"/(?:(index|list|default)(?:_\d+)?\.(s?html?))?$")


def _element_url(el) -> str | None:
    """The address a link-like element leads to: a real href, else data-url & co, else onclick."""
    href = (el.attrib.get("href") or "").strip().translate(_TAB_NL)
    if href and not href.lower().startswith(("javascript:", "mailto:", "tel:", "#")):
        return href
    for attr in _URL_ATTRS:
        value = (el.attrib.get(attr) or "").strip()
        if value and not value.lower().startswith("javascript:"):
            return value
    for script in (href if href.lower().startswith("javascript:") else "", el.attrib.get("onclick") or ""):
        m = _SCRIPT_URL.search(script)
        if m:
            return m.group(1)
    return None


# The elements and attributes links_in reads, compiled once (lxml directly: parsel's per-element selectors were a
# tenth of a fast crawl's CPU).
_LINK_LIKE = etree.XPath(
    "descendant-or-self::a[@href] | descendant-or-self::*[@onclick] | descendant-or-self::*[@data-url]"
    " | descendant-or-self::*[@data-href] | descendant-or-self::*[@data-link]"
)
_IMG_ALT = etree.XPath("descendant-or-self::img/@alt")
_IMG_TITLE = etree.XPath("descendant-or-self::img/@title")


def links_in(selector, urljoin) -> list[Link]:
    """(absolute URL, link text) of every link-like element; the @title wins over a cut-off text.

    Links are ``a[href]``, and anything a script makes clickable: ``href="javascript:void(0)"`` with
    ``data-url``, ``onclick="window.open('…')"`` on an ``a``, ``li`` or ``div``. ``selector``: a page or a
    parsel Selector.
    """
    root = (selector.selector if isinstance(selector, TextResponse) else selector).root
    links: list[Link] = []
    for a in _LINK_LIKE(root):
        href = _element_url(a)
        if not href:
            continue
        text = " ".join(" ".join(a.itertext()).split())
        # List pages cut long titles ("2020年政府信息公开工作…") and keep the full one in @title.
        attr_title = " ".join((a.get("title") or "").split())
        if attr_title and (not text or text.endswith(_CUT_ENDINGS) or len(attr_title) > len(text)):
            text = attr_title
        if not text:  # an image link: its alt text names it
            text = " ".join((next(iter(_IMG_ALT(a)), None) or next(iter(_IMG_TITLE(a)), None) or "").split())
        try:
            links.append((urljoin(href), text))
        except ValueError:  # a malformed address (bad IPv6 literal…): not a link
            continue
    return links


def script_menu_links(page: TextResponse) -> list[Link]:
    """Menus written by scripts: ``document.write('<a href="/zwgk/">政务公开</a>')``, JSON menus with HTML
    inside, ``\\/``- and ``\\"``-escaped (data islands, ``type="text/xml"``, are a family's business)."""
    links: list[Link] = []
    for script in page.xpath("//script[not(@type='text/xml')]/text()").getall():
        if len(script) < 200_000 and "<a" in script and "href" in script:
            html = script.replace('\\"', '"').replace("\\'", "'").replace("\\/", "/")
            links += [(u, t) for u, t in links_in(Selector(text=html), page.urljoin) if t]
    return links


def frames(page: TextResponse) -> list[Link]:
    """Pages shown in (i)frames: many disclosure platforms put the column's list in one."""
    found = []
    for src in page.css("iframe::attr(src), frame::attr(src)").getall():
        src = src.strip()
        if src and not src.lower().startswith(("javascript:", "about:", "data:")) and "file=" not in src:
            found.append((page.urljoin(src), SAME_PAGE))
    return found


def script_redirect(page: TextResponse, links: list[Link]) -> list[Link]:
    """A shell page that only sends the browser on (``location.href = "/index.shtml"``): the target is this
    page's continuation. Pages with real content are left alone."""
    if len(links) > 3 or len(page.body) > 20_000:
        return []
    m = _JS_REDIRECT.search(page.text)
    return [(page.urljoin(m.group(1).strip()), SAME_PAGE)] if m else []


def count_pages(html: str, page_url: str, limit: int = 500) -> list[str]:
    """``var countPage = 12`` on ``…/index.html``: index.html, index_1.html … index_11.html."""
    m = _COUNT_PAGE.search(html)
    stem_m = _LIST_STEM.search(urlsplit(page_url).path)
    if m is None or stem_m is None:
        return []
    stem, ext = stem_m.group(1) or "index", stem_m.group(2) or "html"
    return [
        urljoin(page_url, f"{stem}.{ext}" if i == 0 else f"{stem}_{i}.{ext}")
        for i in range(min(int(m.group(1)), limit))
    ]


def embedded_files(page: TextResponse) -> list[Link]:
    """Files shown in the page rather than linked: <iframe>/<embed>/<object>, and PDF viewers
    (``viewer.html?file=/uploads/x.pdf``)."""
    found = []
    for src in page.css("iframe::attr(src), embed::attr(src), object::attr(data)").getall():
        url = page.urljoin(src.strip())
        inner = parse_qs(urlsplit(url).query).get("file")
        found.append((page.urljoin(unquote(inner[0])) if inner else url, ""))
    return found


class Generic(Family):
    name = "generic"

    def links(self, page: TextResponse) -> list[Link]:
        found = links_in(page, page.urljoin) + script_menu_links(page) + frames(page)
        return found + script_redirect(page, found)

    def next_pages(self, page: TextResponse, limit: int) -> list[str]:
        return count_pages(page.text, page.url, limit)

    def attachments(self, page: TextResponse) -> list[Link]:
        return embedded_files(page)


FAMILY = Generic()
