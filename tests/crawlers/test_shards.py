"""One portal crawled by several processes at once (``crawlers.shards``): the real spider in subprocesses, a local
portal on 127.0.0.1 and a warehouse database of this module's own.

Each shard walks every list page and fetches only its share of the reports: together they fetch each report once,
the warehouse holds each once, and a re-crawl with the same shards replays each shard's own page cache.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from portals import _html, report_text

from crawlers import CrawlError, run_crawl
from crawlers.shards import Shard
from sample_portal.server import LocalPortal, Route

ORGAN = "青松区人民政府"
YEARS = range(2008, 2024)  # 16 reports on two list pages: both shards of two get some


def _page(title: str, body: str) -> Route:
    return Route(_html(title, body, charset_meta="utf-8").encode("utf-8"))


def _entry(year: int) -> str:
    return f'<li><a href="/nb/art/{year}.html">{ORGAN}{year}年政府信息公开工作年度报告</a></li>'


def build_portal() -> LocalPortal:
    first, second = list(YEARS)[:8], list(YEARS)[8:]
    routes = {
        "/robots.txt": Route(b"User-agent: *\nAllow: /\n", "text/plain"),
        "/": _page("门户", '<a href="/zwgk/">政务公开</a>'),
        "/zwgk/": _page("政务公开", '<a href="/nb/index.html">政府信息公开年报</a>'),
        "/nb/index.html": _page(
            "政府信息公开年报",
            f'<ul>{"".join(map(_entry, first))}</ul><a href="/nb/index_1.html">下一页</a>',
        ),
        "/nb/index_1.html": _page("政府信息公开年报", f"<ul>{''.join(map(_entry, second))}</ul>"),
    }
    for year in YEARS:
        title = f"{ORGAN}{year}年政府信息公开工作年度报告"
        routes[f"/nb/art/{year}.html"] = _page(title, report_text(ORGAN, year))
    return LocalPortal(routes)


REPORTS = {f"/nb/art/{year}.html" for year in YEARS}
LIST_PAGES = {"/", "/zwgk/", "/nb/index.html", "/nb/index_1.html"}


def _crawl_shards(profile, tmp_path, warehouse_url, count: int, settings: dict | None = None):
    def one(shard: Shard):
        return run_crawl(
            str(profile),
            database_url=warehouse_url,
            throttle=False,
            state_dir=tmp_path / "state",
            settings={**(settings or {}), "NIANBAO_CRAWL_SHARD": str(shard)},
        )

    with ThreadPoolExecutor(count) as pool:  # side by side, as the DAG's mapped crawl tasks run them
        return list(pool.map(one, Shard.all_of(count)))


def test_shards_fetch_each_report_once_and_every_list_page_each(warehouse_url, tmp_path):
    from warehouse.raw_store import RawStore

    portal = build_portal()
    with portal.serve() as url:
        profile = tmp_path / "sharded.yaml"
        profile.write_text(f"name: sharded\nstart_urls: ['{url}/']\nallowed_domains: [127.0.0.1]\n", encoding="utf-8")
        stats = _crawl_shards(profile, tmp_path, warehouse_url, 2)
        asked: dict[str, int] = {}
        for path, status, _ in portal.log:
            if status == 200:
                asked[path] = asked.get(path, 0) + 1

        assert [s.errors for s in stats] == [{}, {}]
        fetched = [s.documents_fetched for s in stats]
        assert sum(fetched) == len(REPORTS) and min(fetched) > 0, fetched  # each its share, none empty
        assert {p: asked.get(p) for p in REPORTS} == dict.fromkeys(REPORTS, 1)  # each report once
        assert {p: asked.get(p) for p in LIST_PAGES} == dict.fromkeys(LIST_PAGES, 2)  # every list page by each
        with RawStore(warehouse_url) as store:
            stored = [d.url for d in store.documents(portal="sharded")]
        assert sorted(stored) == sorted(url + p for p in REPORTS)
        assert sorted((tmp_path / "state").iterdir()) == [
            tmp_path / "state" / "sharded.shard-0-of-2.json",
            tmp_path / "state" / "sharded.shard-1-of-2.json",
        ]

        # The same shards again, walking every list page: each replays its own page cache; nothing is fetched, no
        # report asked again. (Where shards stop walking a list is test_incremental_lists.py's.)
        portal.clear_log()
        again = _crawl_shards(profile, tmp_path, warehouse_url, 2, {"NIANBAO_DEEP_CRAWL_AFTER_DAYS": 0})
        statuses = {status for path, status, _ in portal.log if path != "/robots.txt"}
        asked_again = {path for path, _, _ in portal.log}
    assert sum(s.documents_fetched for s in again) == 0 and sum(s.fresh_skipped for s in again) == len(REPORTS)
    assert not REPORTS & asked_again and statuses <= {304}, (statuses, asked_again)


def test_a_throttled_crawl_is_never_sharded(tmp_path):
    """Politeness is per process: two throttled shards would load a real site twice over."""
    profile = tmp_path / "polite.yaml"
    profile.write_text(
        "name: polite\nstart_urls: ['http://127.0.0.1:9/']\nallowed_domains: [127.0.0.1]\n", encoding="utf-8"
    )
    with pytest.raises(CrawlError, match="one process when throttled"):
        run_crawl(str(profile), output_dir=tmp_path / "out", settings={"NIANBAO_CRAWL_SHARD": "0/2"})


def test_a_shard_takes_a_stable_share_of_urls():
    urls = [f"http://127.0.0.1/nb/art/{i}.html" for i in range(200)]
    shares = [[u for u in urls if s.takes(u)] for s in Shard.all_of(3)]
    assert sorted(u for share in shares for u in share) == sorted(urls) and all(len(share) > 40 for share in shares)
    # the same URL in another spelling (canonical_url) goes to the same shard
    assert Shard(0, 3).takes("HTTP://127.0.0.1:80/nb/art/7.html") == Shard(0, 3).takes(urls[7])
    assert Shard.parse(None) == Shard() and Shard().takes(urls[0]) and Shard.parse("1/2") == Shard(1, 2)
    for bad in ("2/2", "1", "a/b", "0/0"):
        with pytest.raises(ValueError):
            Shard.parse(bad)
