"""Downloader middlewares: the fence (requests and redirects), retry with backoff, conditional requests,
charset repair."""

from __future__ import annotations

import asyncio
import codecs
import logging
import random
import time
from typing import TYPE_CHECKING

import charset_normalizer
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request, Response, TextResponse
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding
from w3lib.url import safe_url_string

from crawlers.fence import Fence, redirect_target

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry (5xx, timeouts, dropped connections) with exponential backoff.

    Scrapy retries at once; a portal that just answered 503 deserves a pause. The retried request
    carries the earliest time it may go out; ``process_request`` waits until then (without holding
    a download slot: downloader middlewares run before the request is queued on its slot).
    """

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        mw = super().from_crawler(crawler)
        mw.backoff_base = crawler.settings.getfloat("RETRY_BACKOFF_BASE", 2.0)
        mw.backoff_max = crawler.settings.getfloat("RETRY_BACKOFF_MAX", 60.0)
        return mw

    def _retry(self, request: Request, reason):
        new = super()._retry(request, reason)
        if new is not None and self.backoff_base > 0:
            attempt = new.meta.get("retry_times", 1)
            delay = min(self.backoff_max, self.backoff_base * 2 ** (attempt - 1))
            new.meta["nianbao_not_before"] = time.monotonic() + delay * random.uniform(0.8, 1.2)
        return new

    async def process_request(self, request: Request) -> None:
        wait = request.meta.get("nianbao_not_before", 0) - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)


class OutsideFence(IgnoreRequest):
    """A request or redirect to a host outside the profile's allowed domains (``crawlers.fence``)."""


def _fence(crawler: Crawler) -> Fence:
    # The spider builds its fence from the profile; anything else crawls nothing (fails closed).
    return getattr(crawler.spider, "fence", None) or Fence(())


class AllowedDomainsMiddleware:
    """Every request, without exception, stays inside the fence (``crawlers.fence``).

    Start URLs, links, attachments, links built by scripts, meta-refresh targets, each hop of a
    redirect and robots.txt itself: all are checked here, before robots.txt is asked about them
    (Scrapy's own offsite filter lets ``dont_filter`` requests through, and the spider needs
    ``dont_filter``, see ``AnnualReportSpider._request``). The refusal goes to the request's
    errback and is recorded like any other fault.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        why = _fence(self.crawler).refusal(request.url)
        if why is not None:
            self.crawler.stats.inc_value("nianbao/fence/refused")
            logger.warning("outside the fence, not fetched: %s (%s)", request.url, why)
            raise OutsideFence(f"offsite: {why}")


class RedirectFenceMiddleware:
    """Drops a redirect whose target is outside the fence before it is followed.

    Sits after Scrapy's RedirectMiddleware in the chain (it sees responses first), so an offsite
    ``Location`` never becomes a request at all; the refusal is the original request's fault.
    """

    REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        location = response.headers.get(b"Location")
        if response.status not in self.REDIRECT_STATUSES or not location:
            return response
        safe = safe_url_string(location)
        if location.startswith(b"//"):  # scheme-relative however many slashes, as RedirectMiddleware reads it
            safe = "//" + safe.lstrip("/")
        target = safe_url_string(redirect_target(request.url, safe))
        why = _fence(self.crawler).refusal(target)
        if why is None:
            return response
        self.crawler.stats.inc_value("nianbao/fence/redirect_refused")
        logger.warning("redirect outside the fence, not followed: %s -> %s (%s)", request.url, target, why)
        raise OutsideFence(f"offsite redirect to {target}: {why}")


class ConditionalRequestMiddleware:
    """Asks for a document or page only if it changed since the last crawl (ETag / Last-Modified).

    Validators come from the spider's ``CrawlState`` (warehouse, manifest, page cache). The 304 is
    passed to the spider, which records it as *not modified* and replays the page's known links (a
    recently checked report among them is not requested at all: ``AnnualReportSpider._follow``).
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        spider = self.crawler.spider
        state = getattr(spider, "state", None)
        role = request.meta.get("nb", {}).get("role")
        if state is None or role is None or request.meta.get("retry_times"):
            return
        if role == "document":
            validators = state.document_validators(request.url)
        else:
            validators = state.page_validators(request.url)
        if not validators:
            return
        if validators.get("etag"):
            request.headers["If-None-Match"] = validators["etag"]
        if validators.get("last_modified"):
            request.headers["If-Modified-Since"] = validators["last_modified"]
        request.meta["nb_conditional"] = True
        request.meta.setdefault("handle_httpstatus_list", []).append(304)
        return


def _decodes(body: bytes, encoding: str) -> bool:
    try:
        body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _normal(encoding: str | None) -> str | None:
    if not encoding:
        return None
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return None
    # GB2312 and GBK pages routinely contain characters only GB18030 (their superset) maps.
    return "gb18030" if name in ("gb2312", "gbk", "gb18030", "hz") else name


def detect_encoding(body: bytes, declared: str | None, override: str | None = None) -> str:
    """The charset an HTML body is really in.

    Order: the profile's override; UTF-8 if the bytes are valid UTF-8; the declared charset (header
    or <meta>) if they decode cleanly in it; GB18030 if they do (GBK pages labelled UTF-8, or not
    labelled, are common on Chinese portals); else charset-normalizer's best guess.
    """
    if override:
        return _normal(override) or override
    declared = _normal(declared)
    # Valid UTF-8 with non-ASCII bytes is almost never an accident (GBK text is not valid UTF-8),
    # so it wins over any label.
    if not body.isascii() and _decodes(body, "utf-8"):
        return "utf-8"
    if declared and declared not in ("ascii", "latin-1", "iso8859-1", "cp1252", "utf-8") and _decodes(body, declared):
        return declared
    if body.isascii():
        return declared or "utf-8"
    if _decodes(body, "gb18030"):
        return "gb18030"
    best = charset_normalizer.from_bytes(body[:200_000]).best()
    return _normal(best.encoding) if best and best.encoding else (declared or "utf-8")


class CharsetMiddleware:
    """Re-labels HTML responses with the charset their bytes are really in."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        if not isinstance(response, TextResponse) or not response.body:
            return response
        profile = getattr(self.crawler.spider, "profile", None)
        override = profile.hints.encoding if profile is not None else None
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
        declared = http_content_type_encoding(content_type) or html_body_declared_encoding(response.body[:4096])
        encoding = detect_encoding(response.body, declared, override)
        # Compared with the declared charset, not `response.encoding`: for a page that declares none, Scrapy
        # would infer one with charset-normalizer (milliseconds a page) only to be told ours.
        if declared is not None and _normal(encoding) == _normal(declared):
            return response
        cls = HtmlResponse if isinstance(response, HtmlResponse) else TextResponse
        # Built anew rather than with response.replace(): that reads every attribute first, the inferred
        # encoding included — the charset-normalizer run this middleware is here to make unnecessary.
        kept = {name: getattr(response, name) for name in cls.attributes if name != "encoding"}
        return cls(**kept, encoding=encoding)
