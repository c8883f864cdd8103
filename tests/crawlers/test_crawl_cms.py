"""End to end against a city portal built like real ones (portals.build_cms_portal), no hints.

A TRS WCM main site (``createPageHTML`` pagination, ``t2023…shtml`` details with ``./P02023…pdf``
attachments, ``<base href>``, ``data-url``/``onclick`` links, a year sub-column in an iframe) and a
Hanweb disclosure platform on a subdomain (datastore records, the rest by POST to the data proxy),
reached from an image link and a two-level left menu. Several host names under ``qinghe.test`` (a
reserved TLD): the crawl subprocess uses the local server as its HTTP proxy, so nothing leaves
127.0.0.1.
"""

from __future__ import annotations

import json
import textwrap

import pytest
from portals import build_cms_portal

from crawlers import run_crawl

FAST = {"DOWNLOAD_TIMEOUT": 5, "RETRY_TIMES": 1}


def _manifest(out):
    path = out / "manifest.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


@pytest.fixture(scope="module")
def cms(tmp_path_factory):
    site = build_cms_portal()
    root = tmp_path_factory.mktemp("cms")
    with site.portal.serve() as url:
        env = site.proxy_env(url)
        profile = root / "qinghe.yaml"
        profile.write_text(
            textwrap.dedent(f"""\
            name: qinghe
            start_urls: ["{site.start_url}"]
            allowed_domains: [{site.allowed_domain}]
            """),
            encoding="utf-8",
        )
        out = root / "out"
        stats = run_crawl(str(profile), output_dir=out, throttle=False, settings=FAST, env=env)
        log = list(site.portal.log)
        yield {
            "site": site,
            "url": url,
            "env": env,
            "profile": profile,
            "out": out,
            "stats": stats,
            "log": log,
            "root": root,
        }


def test_every_report_is_found_without_hints(cms):
    got = {r["url"] for r in _manifest(cms["out"])}
    site = cms["site"]
    assert got - site.report_urls == set(), "not reports"
    assert site.report_urls - got == set(), "missed"
    assert cms["stats"].errors == {}


def test_full_titles_are_kept(cms):
    rows = {r["url"]: r for r in _manifest(cms["out"])}
    for url, title in cms["site"].titles.items():
        assert rows[url]["title"] == title, url
        assert rows[url]["year"] is not None


def test_near_misses_are_never_fetched(cms):
    requested = {path for path, _, _ in cms["log"]}
    assert not requested & cms["site"].near_miss_urls


def test_everything_went_through_the_local_server(cms):
    # Every request of the crawl reached the local server (as an HTTP proxy): no real network.
    assert cms["stats"].requests == len(cms["log"])
    hosts = {p.split("/")[2] for p, _, _ in cms["log"]}
    assert hosts == {"www.qinghe.test", "xxgk.qinghe.test"}


def test_hanweb_data_proxy_is_asked_by_post(cms):
    posts = [(p, body) for p, body in cms["site"].portal.posts]
    assert len(posts) == 2
    for path, body in posts:
        assert "startrecord=" in path and b"columnid=12345" in body and b"startrecord" not in body


def test_recrawl_downloads_nothing(cms):
    site = cms["site"]
    site.portal.clear_log()
    # Every list page walked and every report asked again (conditionally): the rules that spare them are
    # test_revalidation.py's (fresh reports) and test_incremental_lists.py's (list pages after a known one).
    every = {**FAST, "NIANBAO_REVALIDATE_AFTER_DAYS": 0, "NIANBAO_DEEP_CRAWL_AFTER_DAYS": 0}
    stats = run_crawl(str(cms["profile"]), output_dir=cms["out"], throttle=False, settings=every, env=cms["env"])
    assert stats.documents_fetched == 0
    assert stats.not_modified == len(site.report_urls)
    served = {p for p, status, _ in site.portal.log if status == 200}
    assert not served & site.report_urls


def test_year_filter(cms, tmp_path):
    stats = run_crawl(
        str(cms["profile"]), output_dir=tmp_path, years=[2020], throttle=False, settings=FAST, env=cms["env"]
    )
    rows = _manifest(tmp_path)
    assert {r["year"] for r in rows} == {2020}
    assert {r["url"] for r in rows} == {u for u, t in cms["site"].titles.items() if "2020年" in t}
    assert stats.skipped_year > 0
