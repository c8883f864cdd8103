"""End to end against a hand-made county portal with no profile hints (tests/crawlers/portals.py).

GBK pages (mislabelled UTF-8, or unlabelled), three ``?page=`` list pages, near-miss titles, a
report that is only an attachment, a robots.txt that forbids a report-like page, every kind of
fault, a mobile twin; then re-crawls that must download nothing, then a changed and a new report.
Each crawl is a subprocess (``run_crawl``), as in production.
"""

from __future__ import annotations

import json
import textwrap

import pytest
from portals import Route, build_county_portal, report_text

from crawlers import CrawlError, run_crawl

# Short timeouts and one retry keep the fault cases to seconds; politeness rules stay on.
FAST = {"DOWNLOAD_TIMEOUT": 1, "RETRY_TIMES": 1}


def _manifest(out):
    return [json.loads(line) for line in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]


def _errors(out):
    return [json.loads(line) for line in (out / "errors.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    site = build_county_portal()
    root = tmp_path_factory.mktemp("county")
    with site.portal.serve() as url:
        profile = root / "county.yaml"
        # No hints: name, start URL and allowed domain only, as for an unknown portal.
        profile.write_text(
            textwrap.dedent(f"""\
            name: county
            start_urls: ["{url}/"]
            allowed_domains: [127.0.0.1]
            """),
            encoding="utf-8",
        )
        out = root / "out"
        progress: list[dict] = []
        stats = run_crawl(str(profile), output_dir=out, throttle=False, settings=FAST, on_progress=progress.append)
        first_log = list(site.portal.log)
        yield {
            "site": site,
            "url": url,
            "profile": profile,
            "out": out,
            "stats": stats,
            "log": first_log,
            "progress": progress,
            "root": root,
        }


def _paths(url_list, base):
    return {u[len(base) :] for u in url_list}


def test_finds_every_report_from_the_home_page(county):
    got = _paths([r["url"] for r in _manifest(county["out"])], county["url"])
    assert got == county["site"].report_paths
    assert county["stats"].documents_fetched == len(county["site"].report_paths)


def test_manifest_rows_point_at_stored_files(county):
    import hashlib

    for row in _manifest(county["out"]):
        data = (county["out"] / row["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == row["sha256"]
        assert set(row) >= {"url", "sha256", "path", "media_type", "title", "year"}
        assert row["year"] and "年度报告" in row["title"].replace("報", "报")


def test_gbk_pages_are_read_correctly(county):
    titles = {r["title"] for r in _manifest(county["out"])}
    assert "青山县人民政府2023年政府信息公开工作年度报告" in titles  # from a mislabelled GBK list page
    assert "青山縣人民政府2020年政府信息公開工作年度報告" in titles  # traditional, attachment inherits it


def test_attachment_only_report_is_kept(county):
    rows = {r["url"][len(county["url"]) :]: r for r in _manifest(county["out"])}
    assert rows["/uploads/2018/2018nb.pdf"]["media_type"] == "application/pdf"
    assert rows["/uploads/2018/2018nb.pdf"]["year"] == 2018


def test_redirected_report_keeps_the_links_address(county):
    row = next(r for r in _manifest(county["out"]) if r["url"].endswith("/zwgk/nb/art/2010/moved.html"))
    assert row["final_url"].endswith("/zwgk/nb/art/2010/report_2010.html")
    assert row["year"] == 2010


def test_cut_off_list_entries_are_judged_by_the_page_title(county):
    rows = {r["url"][len(county["url"]) :]: r for r in _manifest(county["out"])}
    assert rows["/zwgk/nb/art/2009/report_2009.html"]["title"] == "青山县人民政府2009年政府信息公开工作年度报告"
    assert "/zwgk/nb/art/2021/apply.html" not in rows  # opened, read, rejected


def test_near_misses_and_mobile_twins_are_never_fetched(county):
    requested = {path for path, _, _ in county["log"]}
    assert not requested & county["site"].near_miss_paths
    assert "/zwgk/nb/art/2023/report_2023_wap.html" not in requested
    assert county["site"].forbidden_path not in requested  # robots.txt obeyed


def test_every_fault_is_recorded_against_its_url(county):
    errors = {e["url"][len(county["url"]) :]: e["error"] for e in _errors(county["out"])}
    for path, word in county["site"].fault_paths.items():
        assert path in errors, path
        assert word in errors[path].lower() or word in errors[path], (path, errors[path])
    assert set(county["stats"].errors) == {county["url"] + p for p in county["site"].fault_paths}


def test_progress_is_streamed(county):
    assert county["progress"], "no progress lines"
    assert county["progress"][-1]["documents"] == county["stats"].documents_fetched


def test_recrawl_downloads_nothing_new(county):
    site = county["site"]
    site.portal.clear_log()
    # Every list page walked and every report asked again (conditionally): the rules that spare them are
    # test_revalidation.py's (fresh reports) and test_incremental_lists.py's (list pages after a known one).
    every = {**FAST, "NIANBAO_REVALIDATE_AFTER_DAYS": 0, "NIANBAO_DEEP_CRAWL_AFTER_DAYS": 0}
    stats = run_crawl(str(county["profile"]), output_dir=county["out"], throttle=False, settings=every)
    assert stats.documents_fetched == 0
    assert stats.not_modified == len(site.report_paths)
    served = {path for path, status, _ in site.portal.log if status == 200}
    assert not served & site.report_paths
    # Only robots.txt and the deliberately broken URLs send bodies again.
    assert served <= {"/robots.txt"} | set(site.fault_paths)
    assert len(_manifest(county["out"])) == len(site.report_paths)


def test_changed_and_new_reports_are_picked_up(county):
    site = county["site"]
    routes = site.portal.routes
    changed = "/zwgk/nb/art/2023/report_2023.html"
    old_sha = next(r["sha256"] for r in _manifest(county["out"]) if r["url"].endswith(changed))
    routes[changed] = Route(routes[changed].body.replace("坚持".encode("gbk"), "始终坚持".encode("gbk")))
    # A new report appears on list page 1 (the list page changes, so its ETag does).
    new = "/zwgk/nb/art/2024/report_2024.html"
    routes[new] = Route(("<html><body>" + report_text("青山县人民政府", 2024) + "</body></html>").encode("gbk"))
    page1 = "/zwgk/nb/list?page=1"
    link = f'<li><a href="{new}">青山县人民政府2024年政府信息公开工作年度报告</a></li>'.encode("gbk")
    routes[page1] = Route(routes[page1].body.replace(b'<ul class="list">', b'<ul class="list">' + link))
    # The revision is silent (its list entry did not change): found when known reports are asked again (0 days)
    every = {**FAST, "NIANBAO_REVALIDATE_AFTER_DAYS": 0}
    stats = run_crawl(str(county["profile"]), output_dir=county["out"], throttle=False, settings=every)
    assert stats.documents_fetched == 2 and stats.documents_new == 2
    rows = [r for r in _manifest(county["out"]) if r["url"].endswith(changed)]
    assert {r["sha256"] for r in rows} == {old_sha, rows[-1]["sha256"]} and len(rows) == 2  # both versions kept
    assert any(r["url"].endswith(new) and r["year"] == 2024 for r in _manifest(county["out"]))


def test_year_filter(county, tmp_path):
    stats = run_crawl(str(county["profile"]), output_dir=tmp_path, years=[2021, 2018], throttle=False, settings=FAST)
    years = {r["year"] for r in _manifest(tmp_path)}
    assert years == {2021, 2018}
    assert stats.skipped_year > 0


def test_a_start_url_moved_outside_the_fence_stops_with_the_new_host_named(county, tmp_path):
    profile = tmp_path / "moved.yaml"
    profile.write_text(
        f"name: moved\nstart_urls: ['{county['url']}/old-home']\nallowed_domains: [127.0.0.1]\n", encoding="utf-8"
    )
    with pytest.raises(CrawlError, match=r"moved.*offsite redirect to http://localhost:\d+/.*localhost"):
        run_crawl(str(profile), output_dir=tmp_path / "o", throttle=False, settings=FAST)


def test_a_moved_start_url_is_followed_inside_the_fence(county, tmp_path):
    profile = tmp_path / "moved.yaml"
    profile.write_text(
        f"name: moved\nstart_urls: ['{county['url']}/old-home']\nallowed_domains: [127.0.0.1, localhost]\n",
        encoding="utf-8",
    )
    stats = run_crawl(str(profile), output_dir=tmp_path / "o", throttle=False, settings=FAST)
    urls = [r["url"] for r in _manifest(tmp_path / "o")]
    assert all(u.startswith("http://localhost:") for u in urls)
    paths = {u.split("/", 3)[3] for u in urls}
    assert {"/" + p for p in paths} >= county["site"].report_paths  # (+ the 2024 report if added above)
    assert "/" + county["site"].forbidden_path.lstrip("/") not in {"/" + p for p in paths}
    assert stats.documents_fetched == len(urls)


def test_unreachable_start_url_is_a_clear_error(tmp_path):
    profile = tmp_path / "dead.yaml"
    # Port 9 (discard) is closed on the test machine: connection refused at once.
    profile.write_text("name: dead\nstart_urls: ['http://127.0.0.1:9/']\n", encoding="utf-8")
    with pytest.raises(CrawlError, match=r"dead.*http://127\.0\.0\.1:9/"):
        run_crawl(str(profile), output_dir=tmp_path / "o", throttle=False, settings={"RETRY_TIMES": 0})
