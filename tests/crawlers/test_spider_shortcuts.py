"""The spider's cheaper ways give the answers of the plain ones: report prose on a page decided from a prefix,
a page callback's outputs taken all at once, a cached page's link kinds replayed from the page cache, a re-crawl's
freshness judged from one answer of the warehouse for the whole portal."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from scrapy.http import HtmlResponse

from crawlers import settings as defaults
from crawlers.discovery import LinkKind, normalize_text
from crawlers.shards import Shard
from crawlers.spiders.annual_reports import _EVERY_LINK, _REPORT_BODY, AnnualReportSpider, _all_at_once
from crawlers.state import CrawlState
from warehouse.urls import canonical_url


def _plain(response: HtmlResponse) -> bool:
    """What ``_carries_report_text`` computed before it read a prefix first."""
    pieces = response.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]").getall()
    text = normalize_text("".join(pieces)[:6000])
    return len(text) > 300 and _REPORT_BODY.search(text) is not None


def _page(body: str) -> HtmlResponse:
    html = f"<html><head><title>t</title><style>总体情况</style></head><body>{body}</body></html>"
    return HtmlResponse("http://a.gov.cn/1.html", body=html.encode("utf-8"), encoding="utf-8")


PROSE = "依法依规做好政府信息公开申请办理工作，答复及时规范。" * 60


@pytest.mark.parametrize(
    "body",
    [
        f"<h1>二〇二〇年年度报告</h1><p>{PROSE}</p>",  # decided by the prefix
        f"<p>{PROSE}</p><h2>一、总体情况</h2>",  # keyword only after the prefix
        f"<p>{PROSE}</p><h2>一、總體情況</h2>",  # traditional, after the prefix
        f"<p>{'ａｂｃ ' * 400}</p><p>主动公开</p>",  # full-width, whitespace cuts
        "<p>总体情况</p><a href='/1.pdf'>附件</a>",  # too short
        f"<script>var s='{PROSE}总体情况';</script><p>短</p>",  # prose only in a script
        f"<p>{PROSE}</p>",  # long, no keyword
        "",
    ],
)
def test_report_prose_is_decided_as_before(body):
    response = _page(body)
    assert AnnualReportSpider._carries_report_text(response) is _plain(response)


def test_a_callback_taken_at_once_keeps_its_outputs_and_its_fault():
    calls = []

    @_all_at_once
    def callback(response):
        calls.append("started")
        yield 1
        yield 2
        raise ValueError("broken page")

    outputs = callback(None)
    assert calls == ["started"]  # ran when called, not when read
    got = []
    with pytest.raises(ValueError, match="broken page"):
        for x in outputs:
            got.append(x)
    assert got == [1, 2]

    @_all_at_once
    def fine(response):
        yield from (1, 2, 3)

    assert fine(None) == [1, 2, 3]


# --- link kinds kept in the page cache ---------------------------------------------------------------------------

LIST = "http://127.0.0.1/nb/index.html"
LINKS = [
    ("http://127.0.0.1/nb/2021.html", "甲市2021年政府信息公开工作年度报告"),
    ("http://127.0.0.1/nb/2020.pdf", "甲市2020年政府信息公开工作年度报告"),
    ("http://127.0.0.1/nb/2019.html", "甲市2019年政府信息公开工作年度…"),
    ("http://127.0.0.1/nb/index_1.html", "下一页"),
    ("http://127.0.0.1/xxgk/", "政府信息公开"),
    ("http://127.0.0.1/nb/plan.html", "甲市2021年政务公开工作要点"),
]


def _crawl(tmp_path, hints: str = "", shard: Shard | None = None, **lookups) -> AnnualReportSpider:
    """A spider with its page cache in ``tmp_path``, as ``from_crawler`` makes them; ``lookups``: the warehouse's
    (CrawlState's ``document_lookup``, ``checked_lookup``)."""
    shard = shard or Shard()
    profile = tmp_path / "p.yaml"
    profile.write_text(f"name: p\nstart_urls: ['http://127.0.0.1/']\n{hints}", encoding="utf-8")
    spider = AnnualReportSpider(profile=str(profile))
    spider.shard = shard
    spider.state = CrawlState(
        "p", tmp_path / "state", file_name=shard.state_name("p"), kinds_stamp=spider._kinds_stamp(), **lookups
    )
    spider.max_nav_depth = defaults.NIANBAO_MAX_NAV_DEPTH
    spider.max_nav_pages = defaults.NIANBAO_MAX_NAV_PAGES
    spider.max_list_pages = defaults.NIANBAO_MAX_LIST_PAGES
    return spider


def _plain_kinds(spider: AnnualReportSpider) -> tuple[list, set]:
    """What ``_take_links`` computed before the page cache kept the kinds: every link classified and hashed."""
    kinds = [(u, t, spider._kind(u, t)) for u, t in LINKS]
    reports = (LinkKind.REPORT, LinkKind.MAYBE_REPORT)
    return kinds, {u for u, _, k in kinds if k in reports and spider.shard.takes(u)}


@pytest.mark.parametrize("shard", [Shard(), Shard(0, 2), Shard(1, 2)])
def test_a_cached_pages_links_replay_with_the_kinds_they_were_given(tmp_path, shard):
    first = _crawl(tmp_path, shard=shard)
    first.state.remember_page(LIST, etag='"1"', last_modified=None, links=LINKS)
    assert first._classified(LINKS, LIST) == _plain_kinds(first)
    first.state.save()

    again = _crawl(tmp_path, shard=shard)  # the next crawl: its page answered 304
    assert again.state.link_kinds(LIST) is not None  # kept with the page, not derived again
    assert again._classified(LINKS, LIST) == _plain_kinds(again)


def test_link_kinds_do_not_outlive_the_hints_or_the_links_they_were_derived_from(tmp_path):
    first = _crawl(tmp_path)
    first.state.remember_page(LIST, etag='"1"', last_modified=None, links=LINKS)
    first._classified(LINKS, LIST)
    # a letter no classifier gives, to tell a kept kind from a derived one
    first.state.pages[LIST]["kinds"] = "o" * len(LINKS)
    first.state.save()
    assert _crawl(tmp_path)._classified(LINKS, LIST)[0][0][2] is LinkKind.OTHER  # kept: replayed as it was

    # a changed hint (here the report-title rule) may change every kind: derived again
    hinted = _crawl(tmp_path, hints="hints:\n  title_pattern: '政务公开工作要点'\n")
    assert hinted.state.link_kinds(LIST) is None
    assert hinted._classified(LINKS, LIST) == _plain_kinds(hinted)
    assert hinted._classified(LINKS, LIST)[0][-1][2] is LinkKind.REPORT

    # a page fetched again keeps its new links, without the old links' kinds
    fetched = _crawl(tmp_path)
    fetched.state.remember_page(LIST, etag='"2"', last_modified=None, links=LINKS[:2])
    assert fetched.state.link_kinds(LIST) is None
    assert fetched._classified(LINKS[:2], LIST)[0] == _plain_kinds(fetched)[0][:2]


# --- freshness from one answer for the whole crawl -----------------------------------------------------------------


def test_a_recrawl_asks_the_warehouse_once_which_reports_it_checked_lately(tmp_path):
    """A list page answered 304 lists its reports again. The warehouse is asked once for the whole crawl which of the
    portal's documents it checked lately (RawStore.documents_checked_since): a report it names is not asked again,
    nor its validators looked up. The others are looked up in one query, as before: a report the answer leaves out (its
    fetch recorded under the address it redirected to, or under another portal) is still fresh by its validators."""
    since = datetime(2026, 1, 1, tzinfo=timezone.utc)
    fresh, redirected, stale = (url for url, _ in LINKS[:3])
    last_checks = {fresh: since, redirected: since, stale: since - timedelta(days=1)}
    looked_up, asked_since = [], []

    def validators_of(urls):
        looked_up.append(list(urls))
        return {u: {"sha256": "0" * 64, "checked_at": last_checks[u]} if u in last_checks else None for u in urls}

    def documents_checked_since(when):
        asked_since.append(when)
        return {canonical_url(fresh)}

    spider = _crawl(tmp_path, document_lookup=validators_of, checked_lookup=documents_checked_since)
    spider.fresh_since = since
    spider.state.remember_page(LIST, etag='"1"', last_modified=None, links=LINKS)
    replayed = spider._take_links(LIST, LINKS, {"is_list": True}, listed_before=_EVERY_LINK, cached_as=LIST)
    requested = {request.url for request in replayed}

    assert asked_since == [since]
    assert [set(urls) for urls in looked_up] == [{redirected, stale}]  # one query
    assert spider.fresh_skipped == {canonical_url(fresh), canonical_url(redirected)}
    assert stale in requested and not {fresh, redirected} & requested
