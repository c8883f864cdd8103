"""TRS WCM (拓尔思), the site builder of many provincial and city portals.

Lists are ``index.shtml``, ``index_1.shtml``…, written by ``createPageHTML`` in a script rather than linked;
details are ``./202301/t20230131_123456.shtml``, their files ``./P020230131….pdf`` (found by their extension,
like any attachment).
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from scrapy.http import TextResponse

from crawlers.cms import Family

#   createPageHTML(12, 0, "index", "html");                        → index.html, index_1.html … index_11.html
#   createPageHTML('page_div', 12, 0, "index", "shtml", 120);      (newer TRS: element id first)
_CREATE_PAGE_HTML = re.compile(
    r"createPageHTML\(\s*(?:['\"][\w-]*['\"]\s*,\s*)?['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,\s*['\"]([\w-]+)['\"]\s*,\s*['\"](\w+)['\"]"
)


def create_page_html(html: str, page_url: str, limit: int = 500) -> list[str]:
    """The list pages a ``createPageHTML(total, current, stem, extension)`` call announces."""
    m = _CREATE_PAGE_HTML.search(html)
    if m is None:
        return []
    total, stem, ext = int(m.group(1)), m.group(3), m.group(4)
    return [urljoin(page_url, f"{stem}.{ext}" if i == 0 else f"{stem}_{i}.{ext}") for i in range(min(total, limit))]


class TrsWcm(Family):
    name = "trs"

    def next_pages(self, page: TextResponse, limit: int) -> list[str]:
        return create_page_html(page.text, page.url, limit)


FAMILY = TrsWcm()
