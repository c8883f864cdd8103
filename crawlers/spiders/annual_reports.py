"""One generic spider for every portal, driven by its profile.

The walk, from each start URL:

1. **navigation pages** (``parse_page``): follow links into the disclosure area (政务公开,
   政府信息公开…) and to the annual-report column (政府信息公开年报, 年度报告…), at most
   ``NIANBAO_MAX_NAV_DEPTH`` steps from the start. A page that lists reports (or was reached as the
   column) is a *list page*: its pagination is followed too (index_1.html, ?page=, 下一页, and pages
   only a script announces).
2. **report links** on any page: a link whose text is a report title leads to a *detail page*
   (``parse_detail``) — or straight to the report when it points at a file (.pdf, .docx…).
3. **detail pages**: the page itself is a report document when it carries the report's text; its
   attachments are report documents too (``parse_document``).

What a page holds beyond plain links (records shipped as XML, pagination written by scripts, files in
viewers, lists asked for by POST) each portal family says in ``crawlers.cms``; the spider asks them all.
Every outcome becomes a ``FetchItem`` (see ``crawlers.items``), faults included (``on_error``).

On a re-crawl, a page answered 304 is walked from the page cache (``crawlers.state``). A report reached only
through pages that listed it on the last crawl too (unchanged, or changed elsewhere: a new entry at the top) is not
asked for again while the warehouse's (or manifest's) last check of it is younger than
``NIANBAO_REVALIDATE_AFTER_DAYS`` (``_follow``; counted as ``nianbao/document/fresh_skipped``); a link new to its
page (a new report, or one that moved there) is asked.

A re-crawl also walks each list only as far as it leads to something new: portals publish newest first, so the
pages of a list are asked one after another and the walk stops at the first page whose report links the crawl state
all knows (``_walk_on``). The first crawl of a portal, one asked for (``deep``) and the first after
``NIANBAO_DEEP_CRAWL_AFTER_DAYS`` since the last such walk are *deep*: every page of every list, as many at a time as
politeness allows, to find reports inserted deeper in a list (and revisions behind pages a shorter walk leaves).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import unicodedata
from collections.abc import Container
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit

import scrapy
from lxml import etree
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import FormRequest, HtmlResponse, Request, Response, TextResponse, XmlResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import (
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.web._newclient import ResponseFailed

import warehouse.urls
from crawlers import cms, discovery, shards
from crawlers import settings as defaults
from crawlers.discovery import (
    LinkKind,
    classify_link,
    is_annual_report_title,
    is_attachment_url,
    media_type,
    normalize_text,
    year_guess,
)
from crawlers.items import fetch_item
from crawlers.middlewares import OutsideFence
from crawlers.profiles import load_profile
from crawlers.shards import Shard
from crawlers.state import CrawlState
from warehouse.urls import canonical_url, clean_url

# Response headers worth keeping with a fetch (the rest is noise: cookies, server banners…).
_KEPT_HEADERS = (
    "content-type",
    "content-length",
    "etag",
    "last-modified",
    "date",
    "content-disposition",
    "content-encoding",
    "location",
)
# Scrapy stats key: reports not asked again on a re-crawl, being fresh (``AnnualReportSpider._follow``).
FRESH_SKIPPED = "nianbao/document/fresh_skipped"
_REPORT_KINDS = (LinkKind.REPORT, LinkKind.MAYBE_REPORT)
# A page's link kinds as the page cache keeps them (``_classified``): one letter a link, upper case for a report link
# this crawl shard takes.
_LETTERS = {
    LinkKind.REPORT: "r",
    LinkKind.MAYBE_REPORT: "m",
    LinkKind.ATTACHMENT: "a",
    LinkKind.COLUMN: "c",
    LinkKind.AREA: "e",
    LinkKind.PAGINATION: "p",
    LinkKind.YEAR_COLUMN: "y",
    LinkKind.OTHER: "o",
}
_KINDS = {**{v: k for k, v in _LETTERS.items()}, **{v.upper(): k for k, v in _LETTERS.items()}}
SHARD_SKIPPED = "nianbao/document/other_shard"  # report links left to the portal's other crawl shards
LISTS_LEFT = "nianbao/list/other_shard"  # lists left whole to the portal's other crawl shards (Shard.shares_lists)
_LIST_KINDS = (LinkKind.COLUMN, LinkKind.YEAR_COLUMN)  # links that open a list: shared out whole when many
# Scrapy stats keys of the list walk: "deep" or "incremental" and why (``_deep_walk_reason``); lists an incremental
# walk stopped early at a page leading to nothing new, and the further pages they had announced, not asked for.
LIST_WALK = "nianbao/list/walk"
LIST_WALK_REASON = "nianbao/list/walk_reason"
STOPPED_AT_KNOWN_PAGE = "nianbao/list/stopped_at_known_page"
PAGES_NOT_WALKED = "nianbao/list/pages_not_walked"
# Words that show a detail page carries the report's text itself, not only a link to a file.
_REPORT_BODY = re.compile(r"总体情况|主动公开|概述|收到和处理|行政复议|年度报告")
_REPORT_TEXT_CHARS = 6000  # of a page's body text, enough to tell a report from a page that links one
_BODY_TEXT = etree.XPath("//body//text()[not(ancestor::script) and not(ancestor::style)]", smart_strings=False)
# Where _carries_report_text may cut the text: before whitespace or a CJK ideograph, characters NFKC never
# joins to the one before them, so the cut text normalises to a prefix of the whole text's normal form.
_CUT_BEFORE = re.compile(r"[\s\u4e00-\u9fff]")
_PREFIX_CHARS = 1000  # _carries_report_text first tries the text up to the first cut after this many


_NOT_A_SUBCOLUMN = re.compile(
    r"\d|首页|上一页|下一页|尾页|末页|更多|返回|打印|关闭|登录|注册|搜索|English|无障碍|[>»›<«‹]"
)


def _inside_column(url: str, text: str, column_url: str, types) -> bool:
    """A short, year-less link under the report column's own folder (``/zfxxgknb/sjyj/``): a
    department's sub-column, or its report listed by the department's name only."""
    t = normalize_text(text)
    if not t or len(t) > 20 or _NOT_A_SUBCOLUMN.search(t) or is_attachment_url(url, types):
        return False
    here, there = urlsplit(column_url), urlsplit(url)
    folder = here.path.rsplit("/", 1)[0] + "/"
    if here.hostname != there.hostname or folder.count("/") < 3:  # "/zwgk/nb/" at least, never "/"
        return False
    return there.path.startswith(folder) and there.path != here.path


def _as_markup(response: Response) -> Response:
    """Any text answer searched as HTML, as pages are: a JSON one (a family's list API) would get a JSON
    selector that refuses CSS and XPath; the family that asked for it reads ``.text``."""
    if isinstance(response, TextResponse) and not isinstance(response, (HtmlResponse, XmlResponse)):
        return response.replace(cls=HtmlResponse)
    return response


def _reads_as_report(text: str) -> bool:
    """Normalised body text long enough and naming a report's section (``_carries_report_text``)."""
    return len(text) > 300 and _REPORT_BODY.search(text) is not None


def _all_at_once(callback):
    """A page callback that takes all its links at once, when Scrapy calls it.

    Scrapy reads a callback's output as it goes, pausing whenever more than 2 × ``CONCURRENT_ITEMS``
    outputs wait (settings): other pages' callbacks may run in the pause. Taken at once, the links a page
    finds are all claimed by it (``self.seen``, the referer, the page budgets) whatever that setting, as if
    the callback ran without a pause. A fault part-way still comes after the outputs made before it."""

    @functools.wraps(callback)
    def taken(*args, **kwargs):
        outputs = []
        try:
            outputs.extend(callback(*args, **kwargs))
        except Exception as exc:  # noqa: BLE001 — raised again, after the outputs that came before it
            return _then_raise(outputs, exc)
        return outputs

    return taken


def _then_raise(outputs: list, exc: Exception):
    yield from outputs
    raise exc


class _EveryLink:
    """The ``listed_before`` of a page answered 304 (``AnnualReportSpider._follow``): its links are replayed from the
    page cache, so it listed each of them before (no set of their canonical URLs to build)."""

    def __contains__(self, key: object) -> bool:
        return True


_EVERY_LINK = _EveryLink()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


def _asked_url(response: Response) -> str:
    """The URL the spider asked for (the link's address), even when the response came after redirects."""
    redirects = response.meta.get("redirect_urls") if response.request is not None else None
    if redirects:
        return redirects[0]
    return response.request.url if response.request is not None else response.url


def _validators(response: Response) -> dict[str, str | None]:
    """ETag and Last-Modified of a response, for the next crawl's conditional request."""
    get = response.headers.get
    return {
        "etag": (get("ETag") or b"").decode("latin-1") or None,
        "last_modified": (get("Last-Modified") or b"").decode("latin-1") or None,
    }


def _headers(response: Response) -> dict[str, str]:
    out = {}
    for name in _KEPT_HEADERS:
        value = response.headers.get(name)
        if value is not None:
            out[name] = value.decode("latin-1")
    return out


def describe_failure(failure) -> tuple[str, int | None]:
    """A short, stable description of why a request failed, and its HTTP status if it had one."""
    exc = failure.value
    text = str(exc)
    if failure.check(HttpError):
        status = exc.response.status
        return f"HTTP {status}", status
    if failure.check(OutsideFence):
        return text, None
    if failure.check(IgnoreRequest):
        if "robots.txt" in text:
            return "forbidden by robots.txt", None
        if "redirect" in text.lower():
            return f"redirect loop or too many redirects ({text})", None
        return text or "ignored", None
    if failure.check(DownloadTimeoutError, TimeoutError, TCPTimedOutError):
        return f"timeout ({text})" if text else "timeout", None
    if failure.check(CannotResolveHostError, DNSLookupError):
        return "DNS lookup failed", None
    if failure.check(DownloadConnectionRefusedError, ConnectionRefusedError):
        return "connection refused", None
    if failure.check(ResponseDataLossError):
        return "truncated body (connection closed before Content-Length bytes arrived)", None
    if failure.check(DownloadCancelledError) and "size" in text.lower():
        return f"too large: {text}", None
    if failure.check(ResponseFailed):
        reasons = "; ".join(str(getattr(r, "value", r)) for r in getattr(exc, "reasons", [])) or text
        if "DataLoss" in reasons:
            return "truncated body (connection closed before Content-Length bytes arrived)", None
        return f"response failed: {reasons}", None
    name = type(exc).__name__
    return (f"{name}: {text}" if text else name), None


class AnnualReportSpider(scrapy.Spider):
    name = "annual_reports"

    def __init__(self, profile: str, years: str | None = None, deep: bool | str = False, *args, **kwargs):
        """``years``: "2020,2021" (only those years' reports); ``deep``: walk every list page to its end, however
        recently the last deep walk was (``-a deep=1``, ``python -m crawlers.crawl --deep``)."""
        super().__init__(*args, **kwargs)
        self.profile = load_profile(profile)
        self.portal = self.profile.name
        self.allowed_domains = list(self.profile.allowed_domains)
        self.fence = self.profile.fence()  # every request is checked against it (crawlers.middlewares)
        self.years = {int(y) for y in str(years).split(",") if y.strip()} if years else None
        self.hints = self.profile.hints
        self.seen: set[str] = set()  # canonical URLs already requested (our own duplicate filter)
        self.errors: dict[str, str] = {}  # url → fault, filled by StatsPipeline
        self.start_urls = list(self.profile.start_urls)
        self.start_failures: dict[str, str] = {}
        self.start_successes = 0
        self.list_pages = 0
        self.nav_pages = 0
        self.state: CrawlState | None = None
        self.fresh_since: datetime | None = None  # None: every known report is revalidated
        self.fresh_skipped: set[str] = set()  # canonical URLs of reports not asked again (see _follow)
        self.shard = Shard()  # the whole portal, or this process's share of its reports (crawlers.shards)
        self.deep_asked = str(deep).strip().lower() in {"1", "true", "yes"}
        self.walk_started = datetime.now(timezone.utc)
        self.deep_reason: str | None = "no crawl state"  # None: an incremental walk (see from_crawler)
        # An incremental walk's pages still to ask, per list (the URL of its first page): canonical URL → the
        # _follow_page arguments, in the order the list announced them; asked one at a time (_walk_on).
        self.next_pages: dict[str, dict[str, dict]] = {}

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        # Scrapy's log handler drops what is under LOG_LEVEL; at the spider's logger it is not even made (a debug line
        # for each fresh report a re-crawl replays from the page cache).
        logging.getLogger(spider.name).setLevel(settings.get("LOG_LEVEL"))
        spider.max_nav_depth = settings.getint("NIANBAO_MAX_NAV_DEPTH", defaults.NIANBAO_MAX_NAV_DEPTH)
        spider.max_list_pages = settings.getint("NIANBAO_MAX_LIST_PAGES", defaults.NIANBAO_MAX_LIST_PAGES)
        spider.max_nav_pages = settings.getint("NIANBAO_MAX_NAV_PAGES", defaults.NIANBAO_MAX_NAV_PAGES)
        days = settings.getint("NIANBAO_REVALIDATE_AFTER_DAYS", defaults.NIANBAO_REVALIDATE_AFTER_DAYS)
        if days < 0:
            raise ValueError(f"NIANBAO_REVALIDATE_AFTER_DAYS must be 0 (revalidate all) or more, not {days}")
        if days:
            spider.fresh_since = datetime.now(timezone.utc) - timedelta(days=days)
        spider.shard = Shard.parse(settings.get("NIANBAO_CRAWL_SHARD"))
        state_dir = settings.get("NIANBAO_STATE_DIR")
        lookup = checked = None
        if settings.get("NIANBAO_DATABASE_URL"):
            from warehouse.raw_store import RawStore  # only with a warehouse

            store = RawStore(settings.get("NIANBAO_DATABASE_URL"))
            spider._validator_store = store
            lookup = store.validators_of
            checked = functools.partial(store.documents_checked_since, spider.portal)
        spider.state = CrawlState(
            spider.portal,
            Path(state_dir) if state_dir else None,
            document_lookup=lookup,
            checked_lookup=checked,
            file_name=spider.shard.state_name(spider.portal),
            kinds_stamp=spider._kinds_stamp(),
        )
        if settings.get("NIANBAO_OUTPUT_DIR"):
            spider.state.load_manifest(Path(settings.get("NIANBAO_OUTPUT_DIR")) / "manifest.jsonl")
        days = settings.getint("NIANBAO_DEEP_CRAWL_AFTER_DAYS", defaults.NIANBAO_DEEP_CRAWL_AFTER_DAYS)
        if days < 0:
            raise ValueError(f"NIANBAO_DEEP_CRAWL_AFTER_DAYS must be 0 (every crawl deep) or more, not {days}")
        spider.deep_reason = spider._deep_walk_reason(days)
        return spider

    def _kinds_stamp(self) -> str:
        """What a link's kind and shard are derived from (``_classified``): the code of the classifier, of the URL
        rule and of the shards, this module's own (its ``_kind`` and letters), the Unicode tables text is normalised
        by, the profile's hints and this crawl's shard. Link kinds the page cache kept under another stamp are
        derived again."""
        digest = hashlib.sha256()
        for source in (discovery.__file__, warehouse.urls.__file__, shards.__file__, __file__):
            digest.update(Path(source).read_bytes())
        for part in (unicodedata.unidata_version, self.hints.model_dump_json(), str(self.shard)):
            digest.update(b"\0" + part.encode("utf-8"))
        return digest.hexdigest()[:32]

    @functools.cached_property
    def _log(self):
        """The spider's logger, made once: Scrapy's ``logger`` makes one each time it is asked (for each fresh report
        a re-crawl replays)."""
        return self.logger

    @functools.cached_property
    def _debug(self) -> bool:
        """Whether the spider logs at debug level (a line for each fresh report a re-crawl replays)."""
        return self._log.isEnabledFor(logging.DEBUG)

    @property
    def deep(self) -> bool:
        """Whether this crawl walks every list page to its end."""
        return self.deep_reason is not None

    def _deep_walk_reason(self, days: int) -> str | None:
        """Why this crawl walks every list to its end; None when it walks each only as far as it leads to
        something new (an incremental walk)."""
        if self.deep_asked:
            return "asked for"
        if days == 0:
            return "every crawl (NIANBAO_DEEP_CRAWL_AFTER_DAYS = 0)"
        last = self.state.deep_walked_at if self.state is not None else None
        if last is None:
            return "no deep walk recorded (first crawl)"
        if last <= self.walk_started - timedelta(days=days):
            return f"last deep walk {last:%Y-%m-%d}, over {days} days ago"
        return None

    def closed(self, reason: str) -> None:
        if self.fresh_skipped:
            self.crawler.stats.set_value(FRESH_SKIPPED, len(self.fresh_skipped))
        if self.state is not None:
            if self.deep and reason == "finished" and self.start_successes:
                # A walk cut short (stopped, start unreachable) is no deep walk: the next crawl walks deep again.
                self.state.deep_walked_at = self.walk_started
            self.state.save()
        store = getattr(self, "_validator_store", None)
        if store is not None:
            store.close()

    # --- requests -------------------------------------------------------------------------------
    async def start(self):
        stats = self.crawler.stats
        stats.set_value(LIST_WALK, "deep" if self.deep else "incremental")
        # incremental: a deep walk is recorded (_deep_walk_reason)
        stats.set_value(LIST_WALK_REASON, self.deep_reason or f"last deep walk {self.state.deep_walked_at:%Y-%m-%d}")
        for url in self.start_urls:
            self.seen.add(canonical_url(url))
            # A portal that moved to another domain is not followed there: the redirect is refused
            # by the fence and the crawl stops with an error naming the new host (a lapsed
            # government domain can redirect anywhere); add the host to allowed_domains.
            yield self._request(
                url, role="page", callback=self.parse_page, depth=0, is_start=True, is_list=False, priority=10
            )

    def _request(
        self,
        url: str,
        *,
        role: str,
        callback,
        referer: str | None = None,
        link_text: str | None = None,
        title: str | None = None,
        depth: int = 0,
        priority: int = 0,
        is_start: bool = False,
        is_list: bool = False,
        is_column: bool = False,
        maybe_detail: bool = False,
        confirm_title: bool = False,
        list_of: str | None = None,
        owned: bool = False,
    ) -> Request:
        """A request whose ``meta["nb"]`` says what the spider expects of the answer.

        ``role``: page, detail or document; ``depth``: navigation steps from the start. What a page was
        reached as: ``is_start`` (a start URL: its success counts for the crawl), ``is_list`` (a list of
        reports: its pagination is followed), ``is_column`` (the report column itself, or a page of it: its
        short year-less links may be departments' sub-columns), ``maybe_detail`` (a column entry that may be
        the report rather than a sub-column: its heading decides), ``confirm_title`` (a cut-off list entry:
        a report only if the page's own title names one), ``list_of`` (a further page of the list whose first page
        is at that URL: an incremental walk asks them one after another, ``_walk_on``), ``owned`` (under a list this
        crawl shard alone walks: every report link there is its own, ``crawlers.shards``).
        """
        meta = {
            "nb": {
                "role": role,
                "referer": referer,
                "link_text": link_text,
                "title": title,
                "depth": depth,
                "is_start": is_start,
                "is_list": is_list,
                "is_column": is_column,
                "maybe_detail": maybe_detail,
                "confirm_title": confirm_title,
                "list_of": list_of,
                "owned": owned,
            }
        }
        headers = {"Referer": referer} if referer else None
        # dont_filter: redirects must keep going until Scrapy's redirect limit turns a loop into a
        # recorded fault; duplicates are stopped earlier by self.seen.
        form = cms.form(url)  # a family whose server is asked by POST, as its page's script does
        make, extra = (Request, {}) if form is None else (FormRequest, {"formdata": form})
        return make(
            url,
            callback=callback,
            errback=self.on_error,
            meta=meta,
            headers=headers,
            dont_filter=True,
            priority=priority,
            **extra,
        )

    def _follow(self, url: str, *, listed_before: Container[str] = (), **kwargs) -> Request | None:
        """A request for ``url`` unless it is off-site, not http(s), already requested, or a fresh report.

        ``listed_before``: the canonical URLs the page leading here listed on the last crawl (what
        ``CrawlState.remember_page`` replaced; ``_EVERY_LINK`` for a page answered 304, whose links are replayed from
        the page cache). A report among them
        and checked recently (``fresh_since``) is not asked again: a page that still lists it says nothing new about
        it, whether the page is unchanged or changed elsewhere (a new entry at its top). A link new to its page (a
        new report, or one that moved there) is asked, conditionally if known; a fresh report skipped through one
        page is asked after all when a page it is new to links it."""
        url = clean_url(url)
        if not self.fence.admits(url):
            return None
        key = canonical_url(url)
        if key in self.seen:
            return None
        if key in listed_before and self._is_fresh(url, kwargs["role"]):
            if key not in self.fresh_skipped:
                self.fresh_skipped.add(key)  # counted in the stats as the crawl closes: a re-crawl skips ~all links
                if self._debug:
                    self._log.debug("not asked again, checked since %s: %s", self.fresh_since, url)
            return None
        self.fresh_skipped.discard(key)  # a page it is new to links it too: asked after all, so not skipped
        self.seen.add(key)
        return self._request(url, **kwargs)

    def _checked_recently(self, url: str, listed_before: Container[str]) -> bool:
        """A report link the page listed before whose document the warehouse checked since ``fresh_since``, by its one
        answer for the crawl: fresh (``_follow``), so what the warehouse holds of it is not asked."""
        if self.fresh_since is None or self.state is None:
            return False
        return canonical_url(url) in listed_before and self.state.checked_recently(url, self.fresh_since)

    def _is_fresh(self, url: str, role: str) -> bool:
        """A report an earlier crawl stored and checked since ``fresh_since``."""
        if self.fresh_since is None or self.state is None:
            return False
        if role == "page" and not self.state.pages.get(url, {}).get("is_report"):
            return False  # navigation and list pages are always asked (conditionally): new links hide there
        return self.state.checked_since(url, self.fresh_since)

    # --- items ----------------------------------------------------------------------------------
    def _item(self, kind: str, url: str, response: Response | None = None, **values):
        nb = values.pop("nb", {})
        fields = {
            "kind": kind,
            "portal": self.portal,
            "url": url,
            "canonical_url": canonical_url(response.url if response is not None else url),
            "fetched_at": _now(),
            "referer_url": nb.get("referer"),
            "link_text": nb.get("link_text"),
            "title": nb.get("title"),
        }
        if response is not None:
            headers = _headers(response)
            fields.update(
                final_url=response.url,
                http_status=response.status,
                headers=headers,
                etag=headers.get("etag"),
                last_modified=headers.get("last-modified"),
            )
        item = fetch_item(**{**fields, **values})
        if kind in ("document", "not_modified") and self.state is not None:
            self.state.mark_checked(url, item["fetched_at"])
        return item

    def _document_item(self, response: Response, nb: dict, title: str | None):
        body = response.body
        sha = hashlib.sha256(body).hexdigest()
        url = _asked_url(response)
        previous = self.state.known_sha256(url) if self.state else None
        return self._item(
            "document",
            url,
            response,
            nb=nb,
            title=title,
            body=body,
            sha256=sha,
            media_type=media_type(response.url, response.headers.get("Content-Type", b"").decode("latin-1"), body),
            size_bytes=len(body),
            is_report=True,
            year_guess=year_guess(title) if title else None,
            is_new=previous != sha,
        )

    # --- navigation and list pages --------------------------------------------------------------
    @_all_at_once
    def parse_page(self, response: Response):
        response = _as_markup(response)
        nb = response.meta["nb"]
        if nb.get("is_start"):
            self.start_successes += 1
        if response.status == 304:
            cached = self.state.pages.get(_asked_url(response), {}) if self.state else {}
            if cached.get("is_report"):  # a "2022年度" link that led to a report (see below)
                yield from self.parse_detail(response)
                return
            links = [tuple(x) for x in cached.get("links", [])]
            yield self._item("page", _asked_url(response), response, nb=nb, is_report=False)
            yield from self._take_links(
                _asked_url(response), links, nb, listed_before=_EVERY_LINK, cached_as=_asked_url(response)
            )
            return
        if not isinstance(response, TextResponse):
            # A start or column link that turns out to be a file: a document if it is a report.
            if is_annual_report_title(nb.get("link_text"), self.hints.title_pattern):
                yield self._document_item(response, nb, nb.get("link_text"))
            return
        links = cms.links(response)
        if nb.get("maybe_detail") and not self._report_links(response.url, links):
            # A "2022年度报告" entry of the column is a year's sub-column or that year's report itself.
            title = self._report_title_on_page(response)
            if title is not None:
                response.meta["nb"] = {**nb, "role": "detail", "title": title}
                yield from self.parse_detail(response)
                return
        links += cms.next_pages(response, self.max_list_pages)
        listed: frozenset[str] = frozenset()  # what the page listed on the last crawl (_follow)
        if self.state is not None:
            listed = self.state.remember_page(_asked_url(response), **_validators(response), links=links)
        yield self._item(
            "page",
            _asked_url(response),
            response,
            nb=nb,
            is_report=False,
            title=nb.get("title") or self._page_title(response),
        )
        yield from self._take_links(response.url, links, nb, listed_before=listed, cached_as=_asked_url(response))

    @staticmethod
    def _page_title(response: TextResponse) -> str | None:
        for sel in ("h1::text", ".title::text", "title::text"):
            text = " ".join(" ".join(response.css(sel).getall()).split())
            if text:
                return text
        return None

    def _kind(self, url: str, text: str) -> LinkKind:
        if text == cms.NEXT_PAGE:  # a family announced it as this list's next page
            return LinkKind.PAGINATION
        hints = self.hints
        return classify_link(
            text,
            url,
            attachment_types=hints.attachment_types,
            title_pattern=hints.title_pattern,
            list_page_pattern=hints.list_page_pattern,
            pagination_pattern=hints.pagination_pattern,
        )

    def _follow_page(self, url: str, *, budget: str | None = None, **kwargs) -> Request | None:
        """A request for a navigation or list page; ``budget`` ("nav" or "list") caps how many are walked."""
        if budget == "nav" and self.nav_pages >= self.max_nav_pages:
            return None
        if budget == "list" and self.list_pages >= self.max_list_pages:
            return None
        req = self._follow(url, role="page", callback=self.parse_page, **kwargs)
        if req is not None and budget == "nav":
            self.nav_pages += 1
        elif req is not None and budget == "list":
            self.list_pages += 1
        return req

    def _classified(
        self, links: list[tuple[str, str]], cached_as: str | None
    ) -> tuple[list[tuple[str, str, LinkKind]], set[str]]:
        """Each link with its kind, and the report links this crawl shard takes.

        Kept with the page in the page cache (``cached_as``: its URL there), one letter a link: a page answered 304
        replays its links with their kinds, not classified nor hashed to a shard again (a monthly re-crawl replays
        every link of every unchanged list). The kinds last as long as the page's links and what they are derived
        from (``_kinds_stamp``)."""
        letters = self.state.link_kinds(cached_as) if self.state is not None and cached_as else None
        if letters is None:
            kinds = [(url, text, self._kind(url, text)) for url, text in links]
            mine = {u for u, _, k in kinds if k in _REPORT_KINDS and self.shard.takes(u)}
            if self.state is not None and cached_as:
                letters = "".join(_LETTERS[k].upper() if u in mine else _LETTERS[k] for u, _, k in kinds)
                self.state.remember_link_kinds(cached_as, letters)
            return kinds, mine
        kinds = [(url, text, _KINDS[letter]) for (url, text), letter in zip(links, letters)]
        return kinds, {url for (url, _), letter in zip(links, letters) if letter.isupper()}

    def _take_links(
        self,
        page_url: str,
        links: list[tuple[str, str]],
        nb: dict,
        *,
        listed_before: Container[str] = (),
        cached_as: str | None = None,
    ):
        """Follow a page's links by kind; ``listed_before``: what the page listed on the last crawl (``_follow``);
        ``cached_as``: the page's URL in the page cache, which keeps its links' kinds (``_classified``).

        Crawl shards (``crawlers.shards``): under a list this shard alone walks (``nb["owned"]``) every report link is
        its own, and so is every page it leads to; elsewhere a report link is its own by its address, and a page
        opening many lists gives it only the lists it owns."""
        types = self.hints.attachment_types
        owned = bool(nb.get("owned"))
        follow = functools.partial(self._follow, listed_before=listed_before)
        follow_page = functools.partial(self._follow_page, listed_before=listed_before, owned=owned)
        # a column of reports this page opens (its year or department columns included): one step further
        follow_column = functools.partial(follow_page, referer=page_url, is_list=True, is_column=True, priority=8)
        kinds, mine = self._classified(links, cached_as)  # mine: this shard's reports
        if owned:
            mine = {u for u, _, k in kinds if k in _REPORT_KINDS}
        share_lists = not owned and self.shard.shares_lists(sum(k in _LIST_KINDS for _, _, k in kinds))
        if self.state is not None:  # what the warehouse holds of them: one query, not one each
            self.state.look_up([u for u in map(clean_url, mine) if not self._checked_recently(u, listed_before)])
        is_list = nb.get("is_list") or any(k in _REPORT_KINDS for _, _, k in kinds)
        in_column = bool(nb.get("is_column"))
        depth = nb.get("depth", 0)
        list_of = nb.get("list_of") or page_url  # the list's first page: its further pages carry its URL
        announced: dict[str, dict] = {}  # an incremental walk's: the further pages this page announces (_walk_on)
        other_shard = lists_left = 0  # report links and lists left to the other shards: counted once for the page
        for url, text, kind in kinds:
            req = None
            if share_lists and kind in _LIST_KINDS:
                if not self.shard.owns(url):
                    lists_left += 1
                    continue
                owns_list = {"owned": True}  # its walk, and every report on it, this shard's alone
            else:
                owns_list = {}
            if text == cms.SAME_PAGE:
                # The page in a frame is part of this page: same depth, same list-ness, same column.
                if not is_attachment_url(url, types):
                    req = follow_page(
                        url,
                        budget="nav",
                        referer=page_url,
                        link_text=nb.get("link_text"),
                        depth=depth,
                        is_list=is_list,
                        is_column=in_column,
                        priority=8,
                    )
            elif kind in _REPORT_KINDS and url not in mine:
                other_shard += 1
            elif kind is LinkKind.REPORT:
                if self._other_year(kind, text):
                    self.crawler.stats.inc_value("nianbao/skipped_year")
                    continue
                if is_attachment_url(url, types):
                    role, callback = "document", self.parse_document
                else:
                    role, callback = "detail", self.parse_detail
                req = follow(
                    url, role=role, callback=callback, referer=page_url, link_text=text, title=text, priority=5
                )
            elif kind is LinkKind.MAYBE_REPORT:
                req = follow(
                    url,
                    role="detail",
                    callback=self.parse_detail,
                    referer=page_url,
                    link_text=text,
                    confirm_title=True,
                    priority=5,
                )
            elif kind is LinkKind.COLUMN and depth <= self.max_nav_depth:  # one more step for the goal
                req = follow_column(url, link_text=text, depth=depth + 1, **owns_list)
            elif kind is LinkKind.OTHER and in_column and _inside_column(url, text, page_url, types):
                # In the report column, "市教育局" is that department's sub-column or its report.
                req = follow_page(
                    url,
                    budget="nav",
                    referer=page_url,
                    link_text=text,
                    depth=depth + 1,
                    is_list=True,
                    maybe_detail=True,
                    priority=7,
                )
            elif kind is LinkKind.AREA and depth < self.max_nav_depth:
                # A big portal links 信息公开 from every department; the cap keeps discovery bounded.
                req = follow_page(url, budget="nav", referer=page_url, link_text=text, depth=depth + 1, priority=6)
            elif kind is LinkKind.YEAR_COLUMN and is_list and depth < self.max_nav_depth + 1:
                # "2022年度" inside the report column: a sub-column of that year's reports.
                req = follow_column(url, link_text=text, depth=depth + 1, maybe_detail=True, **owns_list)
            elif kind is LinkKind.PAGINATION and is_list:
                page = dict(
                    url=url,
                    budget="list",
                    referer=page_url,
                    link_text=text,
                    depth=depth,
                    is_list=True,
                    is_column=in_column,  # pages of the same column
                    list_of=list_of,
                    priority=7,
                    owned=owned,
                )
                if self.deep:
                    req = follow_page(**page)
                elif (key := canonical_url(clean_url(url))) not in self.seen:
                    announced.setdefault(key, {**page, "listed_before": listed_before})
            if req is not None:
                yield req
        if other_shard:
            self.crawler.stats.inc_value(SHARD_SKIPPED, other_shard)
        if lists_left:
            self.crawler.stats.inc_value(LISTS_LEFT, lists_left)
        if not self.deep and is_list:
            # This page's announcements first, in its order: its 下一页 comes before the 尾页 an earlier page showed.
            earlier = self.next_pages.get(list_of, {})
            self.next_pages[list_of] = {**announced, **{k: v for k, v in earlier.items() if k not in announced}}
            # a list with no page left to ask (one page, or its last) has nothing to stop: not judged (every link
            # of a column looked up in the state, on every re-crawl)
            stop = bool(self.next_pages[list_of]) and self._leads_to_nothing_new(kinds, mine)
            req = self._walk_on(list_of, stop=stop)
            if req is not None:
                yield req

    def _other_year(self, kind: LinkKind, text: str) -> bool:
        """A report link whose title names a year the crawl does not want (``years``)."""
        year = year_guess(text) if self.years and kind is LinkKind.REPORT else None
        return year is not None and year not in self.years

    def _leads_to_nothing_new(self, kinds: list[tuple[str, str, LinkKind]], mine: set[str]) -> bool:
        """An incremental walk's stop sign: the list page has report links, and the crawl state knows where each
        leads (``CrawlState.knows``). All of them are judged, whichever crawl shard takes them, so that the shards of
        a portal stop at the same page; links the crawl does not follow (outside the fence, other years) do not
        count. A page without report links (a list's shell, its records fetched by script) says nothing."""
        links = [
            u
            for u, t, k in kinds
            if k in _REPORT_KINDS and not self._other_year(k, t) and self.fence.admits(clean_url(u))
        ]
        return bool(links) and all(self.state.knows(clean_url(u), own=u in mine) for u in links)

    def _walk_on(self, list_of: str, *, stop: bool) -> Request | None:
        """An incremental walk's next page of the list whose first page is ``list_of``: the first one announced
        and not asked yet, unless ``stop`` (the page just walked leads to nothing new: the pages after it were
        there on earlier crawls). One page at a time, so that the walk can stop; the last walk to the end, and the
        next (``NIANBAO_DEEP_CRAWL_AFTER_DAYS``), find what is inserted deeper."""
        pending = self.next_pages.get(list_of, {})
        if stop:
            left = [key for key in self.next_pages.pop(list_of, {}) if key not in self.seen]
            if left:
                self.crawler.stats.inc_value(STOPPED_AT_KNOWN_PAGE)
                self.crawler.stats.inc_value(PAGES_NOT_WALKED, len(left))
                self.logger.debug("list %s stopped at a page leading to nothing new; %d pages left", list_of, len(left))
            return None
        while pending:
            page = pending.pop(next(iter(pending)))
            req = self._follow_page(**page)  # None when seen meanwhile, outside the fence or over the budget
            if req is not None:
                return req
        self.next_pages.pop(list_of, None)
        return None

    # --- detail pages and documents -------------------------------------------------------------
    @_all_at_once
    def parse_detail(self, response: Response):
        response = _as_markup(response)
        nb = response.meta["nb"]
        url = _asked_url(response)
        if response.status == 304:
            cached = self.state.pages.get(url, {}) if self.state else {}
            if cached.get("is_list"):
                yield self._item("page", url, response, nb=nb, is_report=False)
                links = [tuple(x) for x in cached.get("links", [])]
                yield from self._take_links(url, links, self._as_list(nb), listed_before=_EVERY_LINK, cached_as=url)
                return
            if cached.get("is_report"):
                yield self._item(
                    "not_modified",
                    url,
                    response,
                    nb=nb,
                    is_report=True,
                    sha256=cached.get("sha256"),
                    title=nb.get("title") or cached.get("title"),
                )
            else:
                yield self._item("page", url, response, nb=nb, is_report=False)
            yield from self._take_attachments(
                url,
                [tuple(x) for x in cached.get("links", [])],
                nb,
                nb.get("title") or cached.get("title"),
                listed_before=_EVERY_LINK,
            )
            return
        if not isinstance(response, TextResponse):  # the "detail page" is the report file itself
            yield self._document_item(response, nb, nb.get("title"))
            return
        title = nb.get("title") or self._page_title(response)
        if nb.get("confirm_title"):
            # Reached through a cut-off list entry: only a report if the page's own title says so.
            title = self._report_title_on_page(response, nb.get("link_text"))
            if title is None:
                if self.state is not None:  # remembered, so the next crawl only revalidates it
                    self.state.remember_page(url, **_validators(response), links=[])
                yield self._item("page", url, response, nb=nb, is_report=False)
                return
            nb = {**nb, "title": title}
        if title and self.years:
            year = year_guess(title)
            if year is not None and year not in self.years:
                return
        types = self.hints.attachment_types
        links = cms.links(response)
        # A file by its address (…/W0202.docx) or, for download scripts (download.jsp?id=…), by the
        # name in the link text ("附件：2020年年报.pdf").
        attachments = [
            (u, t)
            for u, t in links + cms.attachments(response)
            if is_attachment_url(u, types) or is_attachment_url("/" + t.strip(), types)
        ]
        carries_text = self._carries_report_text(response)
        if not carries_text and not attachments and len(self._report_links(response.url, links)) >= 2:
            # "2022年政府信息公开工作年度报告" led to a column of that year's reports (one per
            # department), not to a report: walk it as a list page.
            links += cms.next_pages(response, self.max_list_pages)
            listed: frozenset[str] = frozenset()  # what the list showed on the last crawl (_follow)
            if self.state is not None:
                listed = self.state.remember_page(url, **_validators(response), links=links, title=title, is_list=True)
            yield self._item("page", url, response, nb=nb, is_report=False, title=title)
            yield from self._take_links(response.url, links, self._as_list(nb), listed_before=listed, cached_as=url)
            return
        is_report = carries_text or not attachments
        sha = None
        if is_report:
            item = self._document_item(response, nb, title)
            sha = item["sha256"]
            yield item
        else:
            yield self._item("page", url, response, nb=nb, is_report=False, title=title)
        if self.state is not None:
            self.state.remember_page(
                url, **_validators(response), links=attachments, title=title, is_report=is_report, sha256=sha
            )
        yield from self._take_attachments(url, attachments, nb, title)

    def _as_list(self, nb: dict) -> dict:
        """A detail page's ``nb`` when the page turns out to be a list of reports. Its link was a report link, which
        one crawl shard alone follows: that shard alone walks the list, so every report on it is its own."""
        return {**nb, "is_list": True, "owned": nb.get("owned") or not self.shard.whole}

    def _report_links(self, own_url: str, links: list[tuple[str, str]]) -> list[str]:
        """Links to other pages whose text is (or may be) a report title."""
        own = canonical_url(own_url)
        kinds = (LinkKind.REPORT, LinkKind.MAYBE_REPORT)
        return [
            u
            for u, t in links
            if canonical_url(u) != own
            and classify_link(
                t, u, attachment_types=self.hints.attachment_types, title_pattern=self.hints.title_pattern
            )
            in kinds
        ]

    def _report_title_on_page(self, response: TextResponse, cut_text: str | None = None) -> str | None:
        """The page's own title if it names a report (article-title meta, headings, <title>).

        The first candidate that begins like the cut list entry is the page's title, and decides
        alone: a 解读 page also quotes the report's name in a heading."""
        candidates = [response.css("meta[name=ArticleTitle]::attr(content)").get()]
        for selector in ("h1", "h2", ".title", "title"):
            candidates += [" ".join(" ".join(n.css("::text").getall()).split()) for n in response.css(selector)]
        prefix = normalize_text(cut_text).rstrip("….⋯")
        if len(prefix) >= 6:
            for text in candidates:
                if text and normalize_text(text).startswith(prefix):
                    return text if is_annual_report_title(text, self.hints.title_pattern) else None
        for text in candidates:
            if text and is_annual_report_title(text, self.hints.title_pattern):
                return text
        # No heading at all names the page: a cut entry that already reads as a report stands.
        if (
            cut_text
            and is_annual_report_title(cut_text, self.hints.title_pattern)
            and not any(normalize_text(t).startswith(prefix) for t in candidates if t and len(prefix) >= 6)
        ):
            return cut_text
        return None

    @staticmethod
    def _carries_report_text(response: TextResponse) -> bool:
        """True when the page holds a report's prose (not just a title and a link to a file)."""
        root = response.selector.root
        # lxml directly: parsel would wrap each of a long report's thousands of text nodes in a Selector.
        pieces = _BODY_TEXT(root) if hasattr(root, "xpath") else []
        # The first few thousand characters decide; normalising a whole long report is wasted work.
        raw = "".join(pieces)[:_REPORT_TEXT_CHARS]
        # Most reports name a section in their first lines: a prefix decides for them (_CUT_BEFORE); only a page
        # the prefix does not settle is normalised in full.
        cut = _CUT_BEFORE.search(raw, _PREFIX_CHARS)
        if cut is not None and _reads_as_report(normalize_text(raw[: cut.start()])):
            return True
        return _reads_as_report(normalize_text(raw))

    def _take_attachments(
        self,
        page_url: str,
        attachments: list[tuple[str, str]],
        nb: dict,
        title: str | None,
        *,
        listed_before: Container[str] = (),
    ):
        for url, text in attachments:
            # An attachment named as a report keeps its own title; "附件1.docx" inherits the page's.
            own = text if is_annual_report_title(text, self.hints.title_pattern) else None
            req = self._follow(
                url,
                listed_before=listed_before,
                role="document",
                callback=self.parse_document,
                referer=page_url,
                link_text=text,
                title=own or title,
                priority=4,
            )
            if req is not None:
                yield req

    def parse_document(self, response: Response):
        nb = response.meta["nb"]
        url = _asked_url(response)
        if response.status == 304:
            known = self.state.document_validators(url) if self.state else None
            yield self._item("not_modified", url, response, nb=nb, is_report=True, sha256=(known or {}).get("sha256"))
            return
        yield self._document_item(response, nb, nb.get("title"))

    # --- faults ---------------------------------------------------------------------------------
    def on_error(self, failure):
        request = failure.request
        nb = request.meta.get("nb", {})
        error, status = describe_failure(failure)
        url = (request.meta.get("redirect_urls") or [request.url])[0]  # the link's address
        if nb.get("is_start"):
            self.start_failures[url] = error
        if nb.get("list_of") and not self.deep:
            # A list page that failed says nothing about what lies beyond it: the walk goes on.
            req = self._walk_on(nb["list_of"], stop=False)
            if req is not None:
                yield req
        response = failure.value.response if failure.check(HttpError) else None
        yield self._item(
            "fault",
            url,
            response,
            nb=nb,
            error=error,
            http_status=status,
            is_report=nb.get("role") in ("detail", "document"),
        )


def stats_summary(spider: AnnualReportSpider, stats: dict) -> dict:
    """The JSON printed at the end of ``python -m crawlers.crawl``."""
    get = stats.get
    return {
        "portal": spider.portal,
        "shard": str(spider.shard),
        "pages": get("nianbao/pages", 0),
        "documents_fetched": get("nianbao/documents", 0),
        "documents_new": get("nianbao/documents_new", 0),
        "not_modified": get("nianbao/not_modified", 0),
        "skipped_year": get("nianbao/skipped_year", 0),
        "fresh_skipped": get(FRESH_SKIPPED, 0),
        "errors": dict(spider.errors),
        "offsite": get("nianbao/fence/refused", 0) + get("nianbao/fence/redirect_refused", 0),
        "bytes": get("downloader/response_bytes", 0),
        "document_bytes": get("nianbao/document_bytes", 0),
        "requests": get("downloader/request_count", 0),
        "finish_reason": get("finish_reason"),
    }


__all__ = ["AnnualReportSpider", "describe_failure", "stats_summary"]
