"""A new portal family is one file under ``crawlers/cms/`` (issue 12's acceptance test).

The 政云 portal (``portals.build_zhengyun_portal``, a fictional site builder) hides its report column behind
a JSON list its own script fetches, and its files in a data island: the crawler as shipped finds no report
there. Its family file, ``new_family/crawlers/cms/zhengyun.py``, is the one addition: its folder goes on the
crawl's import path (``crawlers/cms/`` is extended by any ``crawlers/cms/`` folder there, so the checkout is
not touched), and the same crawl finds every report — no other code changes.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from portals import build_zhengyun_portal

from crawlers import run_crawl

NEW_FAMILY = Path(__file__).resolve().parent / "new_family"
FAST = {"DOWNLOAD_TIMEOUT": 5, "RETRY_TIMES": 0}


def _crawl(tmp_path: Path, url: str, name: str, *, with_family: bool, settings: dict | None = None):
    profile = tmp_path / f"{name}.yaml"
    profile.write_text(f"name: {name}\nstart_urls: ['{url}/']\nallowed_domains: [127.0.0.1]\n", encoding="utf-8")
    env = dict(os.environ)
    if with_family:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(NEW_FAMILY), env.get("PYTHONPATH")) if p)
    out = tmp_path / name
    stats = run_crawl(str(profile), output_dir=out, throttle=False, settings={**FAST, **(settings or {})}, env=env)
    manifest = out / "manifest.jsonl"
    rows = [json.loads(line) for line in manifest.read_text(encoding="utf-8").splitlines()] if manifest.exists() else []
    return stats, {r["url"][len(url) :]: r for r in rows}


@pytest.fixture(scope="module")
def site():
    site = build_zhengyun_portal()
    with site.portal.serve() as url:
        yield site, url


def test_the_family_is_one_file():
    assert [p.relative_to(NEW_FAMILY).as_posix() for p in NEW_FAMILY.rglob("*.py")] == ["crawlers/cms/zhengyun.py"]


def test_without_the_family_no_report_is_found(site, tmp_path):
    _, url = site
    stats, rows = _crawl(tmp_path, url, "zhengyun_unknown", with_family=False)
    assert rows == {} and stats.errors == {}


def test_with_its_family_file_every_report_is_found(site, tmp_path):
    portal, url = site
    stats, rows = _crawl(tmp_path, url, "zhengyun", with_family=True)
    assert set(rows) == portal.report_paths
    for path, title in portal.titles.items():
        assert rows[path]["title"] == title and rows[path]["year"] in (2021, 2022)
    assert stats.errors == {}
    # incremental as any other family: walking every list page, every report asked again conditionally (0 and 0: no
    # freshness and no early stop, see test_revalidation.py and test_incremental_lists.py)
    every = {"NIANBAO_REVALIDATE_AFTER_DAYS": 0, "NIANBAO_DEEP_CRAWL_AFTER_DAYS": 0}
    again, _ = _crawl(tmp_path, url, "zhengyun", with_family=True, settings=every)
    assert again.documents_fetched == 0 and again.not_modified == len(portal.report_paths)
    # …and walking as far as something new: the column (no links of its own) says nothing, API page 1 only known ones
    walk, _ = _crawl(tmp_path, url, "zhengyun", with_family=True)
    assert walk.scrapy_stats["nianbao/list/stopped_at_known_page"] == 1 and walk.documents_fetched == 0
