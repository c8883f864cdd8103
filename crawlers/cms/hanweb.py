"""Hanweb JCMS (大汉), the site builder of many provinces' and cities' disclosure platforms.

A column page ships its first groups of records as HTML inside ``<script type="text/xml"><datastore>``
(invisible to CSS selectors) and fetches the rest from a data proxy, by POST in the browser::

    <nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=1&columnid=12345…">]]>
    …totalRecord: 58, perPage: 15, groupSize: 3  (or <totalrecord>58</totalrecord>)

→ ``dataproxy.jsp?…&startrecord=46&endrecord=58&perpage=15``, one request per group still missing, whose
answer is more ``<record>``s. Files hide behind ``/module/download/downfile.jsp?filename=….pdf`` (an
attachment by the file it names: ``crawlers.discovery.is_attachment_url``).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from parsel import Selector
from scrapy.http import TextResponse

from crawlers.cms import Family, Link
from crawlers.cms.generic import links_in

_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.DOTALL)
_PROXY = re.compile(r"""(?:href|proxyUrl|url)\s*[=:]\s*['"]([^'"\s>]*dataproxy\.jsp[^'"\s>]*)['"]""", re.IGNORECASE)
_TOTAL = re.compile(r"totalRecord\s*[:=>]\s*['\"]?(\d+)", re.IGNORECASE)
_PER_PAGE = re.compile(r"perPage\s*[:=]\s*['\"]?(\d+)", re.IGNORECASE)
_GROUP = re.compile(r"groupSize\s*[:=]\s*['\"]?(\d+)", re.IGNORECASE)
_RANGE = {"startrecord", "endrecord", "perpage", "page"}


def is_data_proxy(url: str) -> bool:
    """True for a data-proxy URL (asked for by POST, its parameters also in the form body)."""
    return urlsplit(url).path.lower().endswith("/dataproxy.jsp")


def data_proxy_form(url: str) -> dict[str, str]:
    """The form body a browser posts to a data proxy: the URL's parameters but the range."""
    return {k: v for k, v in parse_qsl(urlsplit(url).query, keep_blank_values=True) if k.lower() not in _RANGE}


def record_links(html: str, urljoin) -> list[Link]:
    """The links inside the page's ``<![CDATA[…]]>`` records (the ``<nextgroup>`` proxy link excluded)."""
    links: list[Link] = []
    if "CDATA" not in html:
        return links
    for block in _CDATA.findall(html):
        if "<a" in block or "onclick" in block:
            links += [(u, t) for u, t in links_in(Selector(text=block), urljoin) if not is_data_proxy(u)]
    return links


def data_proxy_pages(html: str, page_url: str, limit: int = 200) -> list[str]:
    """Data-proxy URLs for the records of a column that are not in the page itself."""
    if is_data_proxy(page_url) or "dataproxy" not in html:
        return []
    proxies = [m.group(1) for m in _PROXY.finditer(html)]
    proxy = next((p for p in proxies if "?" in p), proxies[0] if proxies else None)
    total = _TOTAL.search(html)
    if proxy is None or total is None:
        return []
    parts = urlsplit(urljoin(page_url, proxy.replace("&amp;", "&")))
    params = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() not in _RANGE]
    per_page = int(m.group(1)) if (m := _PER_PAGE.search(html)) else 15
    group = int(m.group(1)) if (m := _GROUP.search(html)) else 3
    chunk = max(1, per_page) * max(1, group)
    have = html.count("<record>") or html.lower().count("<record")
    urls: list[str] = []
    start, last = have + 1, int(total.group(1))
    while start <= last and len(urls) < limit:
        end = min(last, start + chunk - 1)
        query = urlencode(params + [("startrecord", str(start)), ("endrecord", str(end)), ("perpage", str(per_page))])
        urls.append(urlunsplit((parts.scheme, parts.netloc, parts.path, query, "")))
        start = end + 1
    return urls


class Hanweb(Family):
    name = "hanweb"

    def links(self, page: TextResponse) -> list[Link]:
        return record_links(page.text, page.urljoin)

    def next_pages(self, page: TextResponse, limit: int) -> list[str]:
        return data_proxy_pages(page.text, page.url, limit)

    def form(self, url: str) -> dict[str, str] | None:
        # The parameters go in the URL and in the form body (the JSP reads either).
        return data_proxy_form(url) if is_data_proxy(url) else None


FAMILY = Hanweb()
