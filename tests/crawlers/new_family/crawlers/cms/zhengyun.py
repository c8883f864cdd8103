"""政云 CMS (fictional, for the test that a new portal family is one file): the family the crawler learns by
this file being added to ``crawlers/cms/`` (the test puts its folder on the import path instead).

A report column is an empty ``<div data-zy-api="/zyapi/list?col=77">`` filled by ``ZY.list({pages: 3})``
with ``/zyapi/list?col=77&page=N``, a JSON list ``{"items": [{"title": …, "href": …}]}``; a detail page
names its files in ``<script type="application/json" id="zy-files">[{"name": …, "path": …}]``.
"""

from __future__ import annotations

import json
import re

from scrapy.http import TextResponse

from crawlers.cms import Family, Link

_API = re.compile(r"""data-zy-api=["']([^"']+)["']""")
_PAGES = re.compile(r"ZY\.list\(\{\s*pages\s*:\s*(\d+)")


def _json(text: str):
    try:
        return json.loads(text)
    except ValueError:
        return None


class Zhengyun(Family):
    name = "zhengyun"

    def links(self, page: TextResponse) -> list[Link]:
        data = _json(page.text) if "/zyapi/list" in page.url else None
        if not isinstance(data, dict):
            return []
        return [(page.urljoin(item["href"]), item.get("title", "")) for item in data.get("items", [])]

    def next_pages(self, page: TextResponse, limit: int) -> list[str]:
        api, pages = _API.search(page.text), _PAGES.search(page.text)
        if api is None or pages is None:
            return []
        base = page.urljoin(api.group(1).replace("&amp;", "&"))
        return [f"{base}&page={k}" for k in range(1, min(int(pages.group(1)), limit) + 1)]

    def attachments(self, page: TextResponse) -> list[Link]:
        files = _json(page.css("script#zy-files::text").get() or "")
        if not isinstance(files, list):
            return []
        return [(page.urljoin(f["path"]), f.get("name", "")) for f in files if isinstance(f, dict) and f.get("path")]


FAMILY = Zhengyun()
