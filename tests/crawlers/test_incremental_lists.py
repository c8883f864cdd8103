"""How far a re-crawl walks a list (``NIANBAO_DEEP_CRAWL_AFTER_DAYS``): the real spider in subprocesses, a local
portal on 127.0.0.1 whose report column spans many pages, newest first, and a warehouse database of this module's own.

The first crawl walks every page; a re-crawl asks the pages one after another and stops at the first one whose report
links all lead to what the crawl holds; a deep walk (the interval passed, or asked for) walks every page again and
finds what was inserted deeper.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from portals import _html, report_text

from crawlers import run_crawl
from crawlers.shards import Shard
from sample_portal.server import LocalPortal, Route

REPO = Path(__file__).resolve().parents[2]
DEPARTMENTS = ("教育局", "公安局", "民政局", "财政局", "司法局", "水利局", "商务局", "统计局")
PER_PAGE = 5
LIST_WALK, LIST_WALK_REASON = "nianbao/list/walk", "nianbao/list/walk_reason"
STOPPED = "nianbao/list/stopped_at_known_page"
NOT_WALKED = "nianbao/list/pages_not_walked"


def _organ_year(n: int) -> tuple[str, int]:
    return f"青松区{DEPARTMENTS[n % len(DEPARTMENTS)]}", 2000 + n // len(DEPARTMENTS)


def _title(n: int) -> str:
    organ, year = _organ_year(n)
    return f"{organ}{year}年政府信息公开工作年度报告"


def _page(title: str, body: str) -> Route:
    return Route(_html(title, body, charset_meta="utf-8").encode("utf-8"))


class Column:
    """A portal whose report column lists ``shown`` (report numbers, newest first), ``PER_PAGE`` a page, at
    ``/nb/index.html``, ``/nb/index_1.html``…; ``pager``: "script" (TRS ``createPageHTML``: every page announces
    every page) or "links" (首页 上一页 下一页 尾页)."""

    def __init__(self, shown: list[int], pager: str):
        self.shown = list(shown)
        self.pager = pager
        self.portal = LocalPortal(
            {
                "/robots.txt": Route(b"User-agent: *\nAllow: /\n", "text/plain"),
                "/": _page("门户", '<a href="/zwgk/">政务公开</a>'),
                "/zwgk/": _page("政务公开", '<a href="/nb/index.html">政府信息公开年报</a>'),
            },
            resolver=self.resolve,
        )

    @property
    def pages(self) -> int:
        return -(-len(self.shown) // PER_PAGE)

    @staticmethod
    def list_path(k: int) -> str:
        return "/nb/index.html" if k == 0 else f"/nb/index_{k}.html"

    def page_of(self, n: int) -> int:
        return self.shown.index(n) // PER_PAGE

    def resolve(self, path: str) -> Route | None:
        for k in range(self.pages):
            if path == self.list_path(k):
                return self.list_page(k)
        number = path.removeprefix("/nb/art/").removesuffix(".html")
        if number.isdigit() and int(number) in self.shown:
            return _page(_title(int(number)), report_text(*_organ_year(int(number))))
        return None

    def list_page(self, k: int) -> Route:
        entries = "".join(
            f'<li><a href="/nb/art/{n}.html">{_title(n)}</a></li>'
            for n in self.shown[k * PER_PAGE : (k + 1) * PER_PAGE]
        )
        if self.pager == "script":
            pager = f'<script>createPageHTML({self.pages}, {k}, "index", "html");</script>'
        else:
            links = ['<a href="index.html">首页</a>']
            if k > 0:
                links.append(f'<a href="{self.list_path(k - 1)[4:]}">上一页</a>')
            if k < self.pages - 1:
                links.append(f'<a href="index_{k + 1}.html">下一页</a>')
            links.append(f'<a href="index_{self.pages - 1}.html">尾页</a>')
            pager = f'<div class="page">{" ".join(links)}</div>'
        return _page("政府信息公开年报", f'<ul class="list">{entries}</ul>{pager}')

    def asked(self) -> dict[str, list[int]]:
        """path → statuses answered, in order."""
        out: dict[str, list[int]] = {}
        for path, status, _ in self.portal.log:
            out.setdefault(path, []).append(status)
        return out

    def list_pages_asked(self) -> set[str]:
        return {p for p in self.asked() if p.startswith("/nb/index")}


@contextmanager
def _site(column: Column, tmp_path: Path, name: str):
    with column.portal.serve() as url:
        profile = tmp_path / f"{name}.yaml"
        profile.write_text(f"name: {name}\nstart_urls: ['{url}/']\nallowed_domains: [127.0.0.1]\n", encoding="utf-8")

        def crawl(**kwargs):
            column.portal.clear_log()
            return run_crawl(str(profile), throttle=False, state_dir=tmp_path / "state", **kwargs)

        yield profile, crawl


@pytest.mark.parametrize("pager", ["script", "links"])
def test_a_recrawl_stops_at_the_first_page_of_known_reports_and_fetches_the_new_one(warehouse_url, tmp_path, pager):
    column = Column(list(range(39, -1, -1)), pager)  # 40 reports on 8 pages
    with _site(column, tmp_path, f"top_{pager}") as (_, crawl):
        first = crawl(database_url=warehouse_url)
        # The first crawl is deep: every page, every report.
        assert first.scrapy_stats[LIST_WALK] == "deep" and "first crawl" in first.scrapy_stats[LIST_WALK_REASON]
        assert column.list_pages_asked() == {Column.list_path(k) for k in range(8)}
        assert first.documents_fetched == 40 and first.errors == {} and STOPPED not in first.scrapy_stats
        state = json.loads((tmp_path / "state" / f"top_{pager}.json").read_text(encoding="utf-8"))
        assert datetime.fromisoformat(state["deep_walked_at"]) > datetime.now(timezone.utc) - timedelta(minutes=5)

        column.shown.insert(0, 40)  # published at the top: every page's entries move down by one
        again = crawl(database_url=warehouse_url)
        asked = column.asked()

    assert again.scrapy_stats[LIST_WALK] == "incremental"
    # Page 1 now holds 35, which page 0 listed before, and four it listed itself: nothing new, so the walk stops there.
    assert column.list_pages_asked() == {"/nb/index.html", "/nb/index_1.html"}
    assert asked["/nb/art/40.html"] == [200] and again.documents_fetched == 1 and again.documents_new == 1
    assert again.scrapy_stats[STOPPED] == 1 and again.scrapy_stats[NOT_WALKED] >= 1
    deeper = {f"/nb/art/{n}.html" for n in column.shown if column.page_of(n) >= 2}
    assert not deeper & set(asked) and again.errors == {}


def test_a_report_inserted_on_the_last_page_is_found_by_a_deep_walk(tmp_path):
    """Output mode (manifest and page cache): the incremental walk misses it; the interval passing, or a deep walk
    asked for (`--deep`), finds it."""
    column = Column(list(range(39, -1, -1)), "script")
    out = tmp_path / "out"
    with _site(column, tmp_path, "deeper") as (_profile, crawl):
        crawl(output_dir=out)
        column.shown.insert(37, 100)  # among the oldest: on the last page
        missed = crawl(output_dir=out)
        assert missed.scrapy_stats[LIST_WALK] == "incremental" and missed.documents_fetched == 0
        assert column.list_pages_asked() == {"/nb/index.html"} and missed.scrapy_stats[STOPPED] == 1

        # The last deep walk is 301 days old: this crawl walks every page again.
        state_file = tmp_path / "state" / "deeper.json"
        state = json.loads(state_file.read_text(encoding="utf-8"))
        state["deep_walked_at"] = (datetime.now(timezone.utc) - timedelta(days=301)).isoformat()
        state_file.write_text(json.dumps(state), encoding="utf-8")
        due = crawl(output_dir=out)
        assert due.scrapy_stats[LIST_WALK] == "deep" and "over 300 days" in due.scrapy_stats[LIST_WALK_REASON]
        assert column.asked()["/nb/art/100.html"] == [200] and due.documents_fetched == 1
        assert column.list_pages_asked() == {Column.list_path(k) for k in range(column.pages)}
        assert json.loads(state_file.read_text(encoding="utf-8"))["deep_walked_at"] > state["deep_walked_at"]

        # Walked deep just now; another report deep in the list is found only when a deep walk is asked for.
        column.shown.insert(30, 101)
        forced = crawl(output_dir=out, deep=True)  # as the DAG's deep_crawl and `nianbao crawl --deep` ask
        asked = column.asked()
    assert forced.scrapy_stats[LIST_WALK_REASON] == "asked for" and forced.documents_fetched == 1
    assert asked["/nb/art/101.html"] == [200]
    manifest = [json.loads(line) for line in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(manifest) == 42


def test_zero_days_walks_every_page_on_every_crawl(tmp_path):
    column = Column(list(range(19, -1, -1)), "links")
    with _site(column, tmp_path, "always") as (_, crawl):
        crawl(output_dir=tmp_path / "out")
        again = crawl(output_dir=tmp_path / "out", settings={"NIANBAO_DEEP_CRAWL_AFTER_DAYS": 0})
    assert again.scrapy_stats[LIST_WALK] == "deep" and column.list_pages_asked() == {
        Column.list_path(k) for k in range(4)
    }


def test_shards_stop_at_the_same_page_judging_every_report_link(warehouse_url, tmp_path):
    """A shard judges a list page on all its report links, not only on its share: the shard that does not take the
    new report walks on past the page that shows it too (the link was never listed before), and both stop at the next
    page."""
    column = Column(list(range(39, -1, -1)), "script")
    with _site(column, tmp_path, "sharded_lists") as (profile, _):

        def crawl_shards():
            column.portal.clear_log()
            with ThreadPoolExecutor(2) as pool:
                return list(
                    pool.map(
                        lambda shard: run_crawl(
                            str(profile),
                            database_url=warehouse_url,
                            throttle=False,
                            state_dir=tmp_path / "state",
                            settings={"NIANBAO_CRAWL_SHARD": str(shard)},
                        ),
                        Shard.all_of(2),
                    )
                )

        first = crawl_shards()
        assert sum(s.documents_fetched for s in first) == 40
        new = next(n for n in range(40, 100) if not Shard(0, 2).takes(f"{column.portal.url}/nb/art/{n}.html"))
        column.shown.insert(0, new)  # a report shard 1 takes: shard 0 knows only that it was never listed
        again = crawl_shards()
        lists = [p for p, status, _ in column.portal.log if p.startswith("/nb/index")]
        asked = column.asked()

    assert sorted(lists) == sorted(["/nb/index.html", "/nb/index_1.html"] * 2)  # each shard the same two pages
    assert [s.scrapy_stats[STOPPED] for s in again] == [1, 1]
    assert asked[f"/nb/art/{new}.html"] == [200] and [s.documents_fetched for s in again] == [0, 1]


def test_a_list_page_that_fails_does_not_end_the_walk(tmp_path):
    column = Column(list(range(39, -1, -1)), "script")
    with _site(column, tmp_path, "failing") as (_, crawl):
        crawl(output_dir=tmp_path / "out")
        column.shown[:0] = range(45, 39, -1)  # six new reports: page 0 and the top of page 1
        column.portal.routes["/nb/index_1.html"] = Route(status=500, behaviour="error")
        again = crawl(output_dir=tmp_path / "out", settings={"RETRY_TIMES": 0})
        asked = column.asked()

    # Page 1 says nothing, so the walk goes on to page 2, which lists only known reports.
    assert asked["/nb/index_1.html"] == [500] and column.list_pages_asked() == {
        f"/nb/index{s}.html" for s in ("", "_1", "_2")
    }
    assert again.scrapy_stats[STOPPED] == 1 and again.documents_fetched == 5 and "HTTP 500" in again.errors.values()
