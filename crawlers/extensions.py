"""Progress as JSON lines on stderr, read by ``crawlers.run_crawl`` (and so by the CLI's display).

One line per interval at most, and a last one when the spider closes:
``{"event": "progress", "portal": …, "pages": …, "documents": …, "not_modified": …, "errors": …, "bytes": …}``
"""

from __future__ import annotations

import json
import sys
import time

from scrapy import signals


def counters(stats, portal: str) -> dict:
    get = stats.get_value
    return {
        "event": "progress",
        "portal": portal,
        "pages": get("nianbao/pages", 0),
        "documents": get("nianbao/documents", 0),
        "new_documents": get("nianbao/documents_new", 0),
        "not_modified": get("nianbao/not_modified", 0),
        "errors": get("nianbao/errors", 0),
        "bytes": get("downloader/response_bytes", 0),
        "requests": get("downloader/request_count", 0),
    }


class ProgressReporter:
    def __init__(self, crawler, interval: float):
        self.crawler = crawler
        self.interval = interval
        self._last = 0.0

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler, crawler.settings.getfloat("NIANBAO_PROGRESS_INTERVAL", 1.0))
        crawler.signals.connect(ext.tick, signal=signals.item_scraped)
        crawler.signals.connect(ext.tick, signal=signals.response_received)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def _emit(self) -> None:
        spider = self.crawler.spider
        portal = getattr(getattr(spider, "profile", None), "name", "?")
        sys.stderr.write(json.dumps(counters(self.crawler.stats, portal), ensure_ascii=False) + "\n")
        sys.stderr.flush()

    def tick(self, *args, **kwargs) -> None:
        now = time.monotonic()
        if now - self._last >= self.interval:
            self._last = now
            self._emit()

    def closed(self, *args, **kwargs) -> None:
        self._emit()
