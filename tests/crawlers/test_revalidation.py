"""What a re-crawl asks again (HTTP freshness, ``NIANBAO_REVALIDATE_AFTER_DAYS``): the real spider in a
subprocess, a local portal on 127.0.0.1 and a warehouse database of this module's own.

A report checked within N days is not requested at all when only pages that listed it on the last crawl lead to it:
pages answered 304, and pages that changed elsewhere (a new entry at the top). A link new to its page (a new report,
or a known one that moved there) is asked; N = 0 revalidates all. Every crawl here walks every list page
(``NIANBAO_DEEP_CRAWL_AFTER_DAYS`` = 0): where a re-crawl stops walking a list is test_incremental_lists.py's.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from portals import _html, fake_pdf, report_text

from crawlers import run_crawl
from crawlers.shards import Shard
from sample_portal.server import LocalPortal, Route

ORGAN = "青松区人民政府"
EVERY_REPORT_AGAIN = {"NIANBAO_REVALIDATE_AFTER_DAYS": 0}
EVERY_LIST_PAGE = {"NIANBAO_DEEP_CRAWL_AFTER_DAYS": 0}
FRESH_SKIPPED = "nianbao/document/fresh_skipped"


def _title(year: int) -> str:
    return f"{ORGAN}{year}年政府信息公开工作年度报告"


def _page(title: str, body: str) -> Route:
    return Route(_html(title, body, charset_meta="utf-8").encode("utf-8"))


def _entry(path: str, year: int) -> str:
    return f'<li><a href="{path}">{_title(year)}</a></li>'


def _list(entries: str, *, next_page: str | None = None) -> Route:
    more = f'<a href="{next_page}">下一页</a>' if next_page else ""
    return _page("政府信息公开年报", f'<ul class="list">{entries}</ul>{more}')


def _report(year: int, extra: str = "") -> Route:
    return _page(_title(year), report_text(ORGAN, year) + extra)


def _list_page_1(*, new: tuple[int, ...] = (), marked: str = "") -> Route:
    """List page 1: a report page (2021), a page whose report is its PDF attachment (2022), a PDF linked from the list
    itself (2020); reports ``new`` (report pages) published above them, ``marked`` after the 2021 entry."""
    entries = "".join(_entry(f"/nb/art/{year}.html", year) for year in new)
    entries += _entry("/nb/art/2021.html", 2021) + marked + _entry("/nb/art/2022.html", 2022)
    return _list(entries + _entry("/files/2020.pdf", 2020), next_page="/nb/index_1.html")


def build_portal() -> LocalPortal:
    """Two list pages: page 1 (``_list_page_1``) and page 2, a report page (2019)."""
    routes = {
        "/robots.txt": Route(b"User-agent: *\nAllow: /\n", "text/plain"),
        "/": _page("门户", '<a href="/zwgk/">政务公开</a>'),
        "/zwgk/": _page("政务公开", '<a href="/nb/index.html">政府信息公开年报</a>'),
        "/nb/index.html": _list_page_1(),
        "/nb/index_1.html": _list(_entry("/nb/art/2019.html", 2019)),
        "/nb/art/2021.html": _report(2021),
        "/nb/art/2022.html": _page(
            _title(2022), f'<h1>{_title(2022)}</h1><p>附件：<a href="/files/2022.pdf">附件1.pdf</a></p>'
        ),
        "/files/2022.pdf": Route(fake_pdf(_title(2022)), "application/pdf"),
        "/files/2020.pdf": Route(fake_pdf(_title(2020)), "application/pdf"),
        "/nb/art/2019.html": _report(2019),
    }
    return LocalPortal(routes)


# The report documents, and the pages that lead to them.
PAGE_1_REPORTS = {"/nb/art/2021.html", "/files/2022.pdf", "/files/2020.pdf"}
PAGE_2_REPORTS = {"/nb/art/2019.html"}
REPORTS = PAGE_1_REPORTS | PAGE_2_REPORTS


def _publish_at_the_top(portal: LocalPortal, *years: int) -> None:
    """New reports at the top of list page 1, which keeps its entries: page 1 changes, page 2 does not."""
    for year in years:
        portal.routes[f"/nb/art/{year}.html"] = _report(year)
    portal.routes["/nb/index.html"] = _list_page_1(new=years)


@contextmanager
def _site(tmp_path, name: str):
    portal = build_portal()
    with portal.serve() as url:
        profile = tmp_path / f"{name}.yaml"
        profile.write_text(f"name: {name}\nstart_urls: ['{url}/']\nallowed_domains: [127.0.0.1]\n", encoding="utf-8")

        def crawl(settings=None, **kwargs):
            portal.clear_log()
            settings = {**EVERY_LIST_PAGE, **(settings or {})}
            return run_crawl(str(profile), throttle=False, state_dir=tmp_path / "state", settings=settings, **kwargs)

        yield portal, url, crawl


def _asked(portal: LocalPortal) -> dict[str, list[int]]:
    """path → statuses answered, in order."""
    out: dict[str, list[int]] = {}
    for path, status, _ in portal.log:
        out.setdefault(path, []).append(status)
    return out


def test_a_new_report_at_the_top_of_a_list_is_the_only_report_asked(warehouse_url, tmp_path):
    """List page 1 changes (a new entry at its top), page 2 does not: neither leads to a request for a report it listed
    before; with N = 0 every known report is asked again, conditionally."""
    with _site(tmp_path, "top_wh") as (portal, _, crawl):
        first = crawl(database_url=warehouse_url)
        assert first.documents_fetched == len(REPORTS) and first.errors == {}
        _publish_at_the_top(portal, 2023)
        again = crawl(database_url=warehouse_url)
        asked = _asked(portal)

        assert asked["/nb/index.html"] == [200] and asked["/nb/index_1.html"] == [304]
        assert asked["/nb/art/2023.html"] == [200]
        assert not REPORTS & set(asked), asked  # no request at all, not even a conditional one
        assert asked["/nb/art/2022.html"] == [304]  # a page, not a report: its attachment is the report
        assert again.documents_fetched == 1 and again.documents_new == 1 and again.not_modified == 0
        assert again.scrapy_stats[FRESH_SKIPPED] == len(REPORTS)

        _publish_at_the_top(portal, 2024, 2023)
        every = crawl(database_url=warehouse_url, settings=EVERY_REPORT_AGAIN)
        asked = _asked(portal)

    assert asked["/nb/index.html"] == [200] and asked["/nb/art/2024.html"] == [200]
    known = REPORTS | {"/nb/art/2023.html"}
    assert {p: asked.get(p) for p in known} == {p: [304] for p in known}
    assert every.documents_fetched == 1 and every.not_modified == len(known) and FRESH_SKIPPED not in every.scrapy_stats


def test_a_report_pushed_onto_the_next_list_page_is_asked_there(warehouse_url, tmp_path):
    """A new entry at the top pushes page 1's last entry (the 2020 PDF) onto page 2, as a portal's fixed page size
    does: both pages change; the PDF is new to page 2 and is asked, the reports that stayed on their page are not."""
    with _site(tmp_path, "pushed_wh") as (portal, _, crawl):
        crawl(database_url=warehouse_url)
        portal.routes["/nb/art/2023.html"] = _report(2023)
        portal.routes["/nb/index.html"] = _list(
            _entry("/nb/art/2023.html", 2023) + _entry("/nb/art/2021.html", 2021) + _entry("/nb/art/2022.html", 2022),
            next_page="/nb/index_1.html",
        )
        portal.routes["/nb/index_1.html"] = _list(_entry("/files/2020.pdf", 2020) + _entry("/nb/art/2019.html", 2019))
        again = crawl(database_url=warehouse_url)
        asked = _asked(portal)

    assert asked["/nb/index.html"] == [200] and asked["/nb/index_1.html"] == [200]
    assert asked["/nb/art/2023.html"] == [200] and asked["/files/2020.pdf"] == [304]
    stayed = REPORTS - {"/files/2020.pdf"}
    assert not stayed & set(asked), asked
    assert again.scrapy_stats[FRESH_SKIPPED] == len(stayed) and again.not_modified == 1
    assert again.documents_fetched == 1 and again.errors == {}


def test_a_report_new_to_a_changed_page_is_asked_though_an_unchanged_page_lists_it(warehouse_url, tmp_path):
    with _site(tmp_path, "both_wh") as (portal, _, crawl):
        crawl(database_url=warehouse_url)
        # List page 2 changes: it now links the 2020 PDF too, which unchanged list page 1 links already.
        portal.routes["/nb/index_1.html"] = _list(_entry("/nb/art/2019.html", 2019) + _entry("/files/2020.pdf", 2020))
        again = crawl(database_url=warehouse_url)
        asked = _asked(portal)

    assert asked["/nb/index.html"] == [304] and asked["/nb/index_1.html"] == [200]
    assert asked["/files/2020.pdf"] == [304]  # whichever page was walked first
    assert not (REPORTS - {"/files/2020.pdf"}) & set(asked), asked  # 2019 stayed on page 2
    assert again.scrapy_stats[FRESH_SKIPPED] == len(REPORTS) - 1 and again.not_modified == 1


def test_shards_ask_only_the_new_report_at_the_top(warehouse_url, tmp_path):
    """Each shard judges a changed page against its own page cache (every shard caches each list page with all its
    links): the new report is fetched by the shard that takes it, no other report is asked by either."""
    with _site(tmp_path, "shards_wh") as (portal, _, _):

        def crawl_shards():
            portal.clear_log()  # once for both: they crawl side by side
            with ThreadPoolExecutor(2) as pool:
                return list(
                    pool.map(
                        lambda shard: run_crawl(
                            str(tmp_path / "shards_wh.yaml"),
                            database_url=warehouse_url,
                            throttle=False,
                            state_dir=tmp_path / "state",
                            settings={**EVERY_LIST_PAGE, "NIANBAO_CRAWL_SHARD": str(shard)},
                        ),
                        Shard.all_of(2),
                    )
                )

        first = crawl_shards()
        assert sum(s.documents_fetched for s in first) == len(REPORTS)
        _publish_at_the_top(portal, 2023)
        again = crawl_shards()
        asked = _asked(portal)

    assert asked["/nb/art/2023.html"] == [200] and not REPORTS & set(asked), asked
    assert sum(s.documents_fetched for s in again) == 1 and sum(s.not_modified for s in again) == 0
    assert sum(s.fresh_skipped for s in again) == len(REPORTS)


def test_zero_days_revalidates_every_report(warehouse_url, tmp_path):
    from warehouse.raw_store import RawStore

    with _site(tmp_path, "every_wh") as (portal, url, crawl):
        crawl(database_url=warehouse_url)
        again = crawl(database_url=warehouse_url, settings=EVERY_REPORT_AGAIN)
        asked = _asked(portal)

    assert {p: asked.get(p) for p in REPORTS} == {p: [304] for p in REPORTS}  # conditional, every one
    assert again.not_modified == len(REPORTS) and again.documents_fetched == 0
    assert FRESH_SKIPPED not in again.scrapy_stats
    with RawStore(warehouse_url) as store:
        known = store.validators(url + "/nb/art/2019.html")
        last_304 = store.conn.execute(
            "SELECT max(fetched_at) FROM raw.fetch WHERE url = %s AND http_status = 304", (url + "/nb/art/2019.html",)
        ).fetchone()[0]
    assert known["checked_at"] == last_304  # the 304 counts as a check


def test_a_revision_marked_on_its_list_waits_for_its_check_to_age_or_for_zero_days(warehouse_url, tmp_path):
    """The portal revises the 2021 report and marks it on the list: the list changes, but still lists the report, so
    within N days it is not asked; N = 0 (or the check ageing past N, next test) finds the revision."""
    from warehouse.raw_store import RawStore

    with _site(tmp_path, "revised_wh") as (portal, url, crawl):
        crawl(database_url=warehouse_url)
        portal.routes["/nb/art/2021.html"] = _report(2021, "<p>（2022年3月修订）</p>")
        portal.routes["/nb/index.html"] = _list_page_1(marked="<span>（修订）</span>")
        within = crawl(database_url=warehouse_url)
        assert _asked(portal)["/nb/index.html"] == [200] and "/nb/art/2021.html" not in _asked(portal)
        assert within.documents_fetched == 0 and within.scrapy_stats[FRESH_SKIPPED] == len(REPORTS)
        every = crawl(database_url=warehouse_url, settings=EVERY_REPORT_AGAIN)
        asked = _asked(portal)

    assert asked["/nb/art/2021.html"] == [200]  # asked conditionally, and it changed
    assert asked["/files/2020.pdf"] == [304]
    assert every.documents_fetched == 1 and every.documents_new == 1
    with RawStore(warehouse_url) as store:
        versions = [d for d in store.documents(portal="revised_wh") if d.url == url + "/nb/art/2021.html"]
    assert len(versions) == 2 and "修订" in versions[-1].content.decode("utf-8")


def test_a_report_checked_longer_ago_than_n_days_is_asked_again(warehouse_url, tmp_path):
    """A revision the portal makes without touching its list is found once the report's last check is old."""
    import psycopg

    from warehouse.raw_store import RawStore

    with _site(tmp_path, "stale_wh") as (portal, url, crawl):
        crawl(database_url=warehouse_url)
        portal.routes["/nb/art/2021.html"] = _report(2021, "<p>（修订）</p>")  # list pages unchanged
        with psycopg.connect(warehouse_url, autocommit=True) as conn:
            conn.execute(
                "UPDATE raw.fetch SET fetched_at = fetched_at - interval '31 days' WHERE url = %s",
                (url + "/nb/art/2021.html",),
            )
        within = crawl(database_url=warehouse_url)  # 31 days < 90: still fresh
        assert "/nb/art/2021.html" not in _asked(portal) and within.documents_fetched == 0
        stale = crawl(database_url=warehouse_url, settings={"NIANBAO_REVALIDATE_AFTER_DAYS": 30})
        asked = _asked(portal)

    assert asked["/nb/art/2021.html"] == [200]  # stale: asked again, and the revision found
    assert stale.documents_fetched == 1 and stale.scrapy_stats[FRESH_SKIPPED] == len(REPORTS) - 1
    with RawStore(warehouse_url) as store:
        versions = [d for d in store.documents(portal="stale_wh") if d.url == url + "/nb/art/2021.html"]
    assert len(versions) == 2


def test_output_mode_uses_the_manifest_and_the_page_cache_for_the_last_check(tmp_path):
    out = tmp_path / "out"
    with _site(tmp_path, "fresh_dir") as (portal, _, crawl):
        crawl(output_dir=out)
        again = crawl(output_dir=out, settings=EVERY_REPORT_AGAIN)  # every report validated (304)…
        assert again.not_modified == len(REPORTS)
        state = json.loads((tmp_path / "state" / "fresh_dir.json").read_text(encoding="utf-8"))
        manifest = [json.loads(line) for line in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
        assert {r["url"] for r in manifest} <= set(state["checked"])  # …and each check remembered
        third = crawl(output_dir=out)
        asked = _asked(portal)

    assert not REPORTS & set(asked)
    assert third.scrapy_stats[FRESH_SKIPPED] == len(REPORTS) and third.documents_fetched == 0
