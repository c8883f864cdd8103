"""One portal crawled by several processes at once (``crawlers.shards``): the real spider in subprocesses, a local
portal on 127.0.0.1 and a warehouse database of this module's own.

Together the shards fetch each report once and the warehouse holds each once; a re-crawl with the same shards replays
each shard's own page cache. A portal with one report column has every shard walk its list pages, each fetching its
share of the reports; a page that opens many lists gives each list whole to one shard, and a list reached through a
report link is walked by the shard that took the link.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from portals import _html, report_text

from crawlers import CrawlError, run_crawl
from crawlers.shards import LISTS_PER_SHARD, Shard
from sample_portal.server import LocalPortal, Route

ORGAN = "青松区人民政府"
YEARS = range(2008, 2024)  # 16 reports on two list pages: both shards of two get some


def _page(title: str, body: str) -> Route:
    return Route(_html(title, body, charset_meta="utf-8").encode("utf-8"))


def _entry(year: int) -> str:
    return f'<li><a href="/nb/art/{year}.html">{ORGAN}{year}年政府信息公开工作年度报告</a></li>'


def _portal_routes(disclosure: str) -> dict[str, Route]:
    """robots.txt, the home page and the disclosure area, whose body is ``disclosure``."""
    return {
        "/robots.txt": Route(b"User-agent: *\nAllow: /\n", "text/plain"),
        "/": _page("门户", '<a href="/zwgk/">政务公开</a>'),
        "/zwgk/": _page("政务公开", disclosure),
    }


def build_portal() -> LocalPortal:
    first, second = list(YEARS)[:8], list(YEARS)[8:]
    routes = {
        **_portal_routes('<a href="/nb/index.html">政府信息公开年报</a>'),
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


def _profile(tmp_path, name: str, url: str):
    profile = tmp_path / f"{name}.yaml"
    profile.write_text(f"name: {name}\nstart_urls: ['{url}/']\nallowed_domains: [127.0.0.1]\n", encoding="utf-8")
    return profile


def _asked(portal: LocalPortal) -> dict[str, int]:
    """How many times each path was answered in full (200)."""
    asked: dict[str, int] = {}
    for path, status, _ in portal.log:
        if status == 200:
            asked[path] = asked.get(path, 0) + 1
    return asked


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
        profile = _profile(tmp_path, "sharded", url)
        stats = _crawl_shards(profile, tmp_path, warehouse_url, 2)
        asked = _asked(portal)

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


DEPARTMENTS = [f"第{n}局" for n in range(1, 3 * LISTS_PER_SHARD + 1)]  # enough columns to share out between two shards


def _department_column(k: int) -> str:
    return f"/nb/d{k}/index.html"


def _department_report(k: int, year: int) -> str:
    return f"/nb/d{k}/{year}.html"


def build_columns_portal(years: dict[int, list[int]]) -> LocalPortal:
    """An index of departments' report columns (``years``: department → its years, newest first)."""
    index = "".join(
        f'<li><a href="{_department_column(k)}">青松区{name}政府信息公开年报</a></li>'
        for k, name in enumerate(DEPARTMENTS)
    )
    routes = _portal_routes(f"<ul>{index}</ul>")
    for k, name in enumerate(DEPARTMENTS):
        organ = f"青松区{name}"
        entries = "".join(
            f'<li><a href="{_department_report(k, y)}">{organ}{y}年政府信息公开工作年度报告</a></li>' for y in years[k]
        )
        routes[_department_column(k)] = _page(f"{organ}政府信息公开年报", f"<ul>{entries}</ul>")
        for year in years[k]:
            routes[_department_report(k, year)] = _page(f"{organ}{year}年", report_text(organ, year))
    return LocalPortal(routes)


def test_a_page_opening_many_lists_gives_each_list_whole_to_one_shard(warehouse_url, tmp_path):
    """Each department's column is read by the one shard that owns it, which fetches every report on it; a re-crawl
    asks each column of its owner only, and a report new at the top of a column is fetched by that column's owner."""
    years = {k: [2023, 2022, 2021] for k in range(len(DEPARTMENTS))}
    portal = build_columns_portal(years)
    columns = {_department_column(k) for k in years}
    reports = {_department_report(k, y) for k, ys in years.items() for y in ys}
    with portal.serve() as url:
        profile = _profile(tmp_path, "columns", url)
        stats = _crawl_shards(profile, tmp_path, warehouse_url, 2)
        asked = _asked(portal)
        owner = {c: next(s for s in Shard.all_of(2) if s.owns(url + c)) for c in columns}

        assert [s.errors for s in stats] == [{}, {}]
        assert {p: asked.get(p) for p in columns} == dict.fromkeys(columns, 1)  # each column read once
        assert {p: asked.get(p) for p in reports} == dict.fromkeys(reports, 1)  # each report once
        assert {p: asked.get(p) for p in ("/", "/zwgk/")} == {"/": 2, "/zwgk/": 2}  # the index by every shard
        by_shard = [sum(owner[c] == shard for c in columns) * 3 for shard in Shard.all_of(2)]
        assert [s.documents_fetched for s in stats] == by_shard and min(by_shard) > 0, by_shard

        # A monthly re-crawl: one department published a report.
        newest = next(iter(columns))
        k = int(newest.split("/")[2][1:])
        years[k].insert(0, 2024)
        portal.routes.update(build_columns_portal(years).routes)
        portal.clear_log()
        again = _crawl_shards(profile, tmp_path, warehouse_url, 2)
        fetched_again = [(path, status) for path, status, _ in portal.log if path not in ("/robots.txt", "/", "/zwgk/")]
    assert sorted(p for p, _ in fetched_again) == sorted([*columns, _department_report(k, 2024)])  # each column once
    assert [s.documents_fetched for s in again] == [int(owner[newest] == shard) for shard in Shard.all_of(2)]
    assert sum(s.fresh_skipped for s in again) == len(reports)


def test_a_list_reached_through_a_report_link_is_walked_whole_by_its_shard(warehouse_url, tmp_path):
    """A "2022年政府信息公开工作年度报告" entry that leads to that year's column of departments' reports: the shard
    that takes the entry walks the column, and fetches all its reports (no other shard reads it)."""
    organs = [f"青松区{name}" for name in DEPARTMENTS[:6]]
    year_reports = [f"/nb/2022/{k}.html" for k in range(len(organs))]
    entries = "".join(
        f'<li><a href="{path}">{organ}2022年政府信息公开工作年度报告</a></li>'
        for path, organ in zip(year_reports, organs)
    )
    routes = {
        **_portal_routes('<a href="/nb/index.html">政府信息公开年报</a>'),
        "/nb/index.html": _page(
            "政府信息公开年报",
            '<ul><li><a href="/nb/2022/index.html">2022年政府信息公开工作年度报告</a></li>'
            '<li><a href="/nb/2021.html">青松区人民政府2021年政府信息公开工作年度报告</a></li></ul>',
        ),
        "/nb/2022/index.html": _page("2022年政府信息公开工作年度报告", f"<ul>{entries}</ul>"),
        "/nb/2021.html": _page("2021年", report_text("青松区人民政府", 2021)),
    }
    for path, organ in zip(year_reports, organs):
        routes[path] = _page(f"{organ}2022年", report_text(organ, 2022))
    portal = LocalPortal(routes)
    with portal.serve() as url:
        stats = _crawl_shards(_profile(tmp_path, "year_column", url), tmp_path, warehouse_url, 2)
        asked = _asked(portal)
    wanted = [*year_reports, "/nb/2021.html"]
    assert [s.errors for s in stats] == [{}, {}]
    assert {p: asked.get(p) for p in wanted} == dict.fromkeys(wanted, 1)
    assert asked.get("/nb/2022/index.html") == 1
    assert sum(s.documents_fetched for s in stats) == len(wanted)


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
    # lists are shared out whole only from a page opening enough of them for each shard to get some
    enough = LISTS_PER_SHARD * 2
    assert (
        not Shard().shares_lists(1000) and not Shard(0, 2).shares_lists(enough - 1) and Shard(1, 2).shares_lists(enough)
    )
    for bad in ("2/2", "1", "a/b", "0/0"):
        with pytest.raises(ValueError):
            Shard.parse(bad)
