"""The bundled sample portal, crawled by its shipped profile: to a directory, then to the warehouse.

Warehouse runs use the embedded PostgreSQL in this test session's NIANBAO_HOME, in a database of
their own (created and dropped here).
"""

from __future__ import annotations

import json
import uuid

import pytest

from crawlers import run_crawl
from sample_portal import serve
from sample_portal.seeds import SEED_PAGES

N_ATTACHMENTS = sum(len(p.attachments) for p in SEED_PAGES)
# Re-crawls here walk every list page and ask for every known report again (conditionally); the rules that spare
# recently checked ones and list pages after a known one are test_revalidation.py's and test_incremental_lists.py's.
EVERY_REPORT_AGAIN = {"NIANBAO_REVALIDATE_AFTER_DAYS": 0, "NIANBAO_DEEP_CRAWL_AFTER_DAYS": 0}


@pytest.fixture(scope="module")
def sample_url(monkeypatch_module):
    with serve() as url:
        monkeypatch_module.setenv("NIANBAO_SAMPLE_PORTAL_URL", url)
        yield url


def test_sample_portal_to_a_directory(sample_url, tmp_path):
    stats = run_crawl("sample", output_dir=tmp_path, throttle=False)
    rows = [json.loads(line) for line in (tmp_path / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    pages = {r["url"][len(sample_url) :] for r in rows if r["media_type"] == "text/html"}
    assert pages == {p.path for p in SEED_PAGES}
    assert len(rows) - len(pages) == N_ATTACHMENTS
    assert {r["year"] for r in rows} == {2017, 2020}
    assert stats.errors == {}
    again = run_crawl("sample", output_dir=tmp_path, throttle=False, settings=EVERY_REPORT_AGAIN)
    assert again.documents_fetched == 0 and again.not_modified == len(rows)
    assert again.bytes < stats.bytes * 0.05


def test_sample_portal_to_the_warehouse(sample_url, warehouse_url, tmp_path):
    from warehouse.raw_store import RawStore

    stats = run_crawl("sample", database_url=warehouse_url, throttle=False, state_dir=tmp_path)
    assert stats.documents_fetched == len(SEED_PAGES) + N_ATTACHMENTS
    again = run_crawl(
        "sample", database_url=warehouse_url, throttle=False, state_dir=tmp_path, settings=EVERY_REPORT_AGAIN
    )
    assert again.documents_fetched == 0 and again.not_modified == stats.documents_fetched
    with RawStore(warehouse_url) as store:
        docs = list(store.documents(portal="sample"))
        assert len(docs) == stats.documents_fetched  # stored once, though fetched twice
        rows = dict(
            store.conn.execute("SELECT http_status, count(*) FROM raw.fetch WHERE is_report GROUP BY 1").fetchall()
        )
        assert rows == {200: stats.documents_fetched, 304: stats.documents_fetched}
        row = store.conn.execute(
            "SELECT referer_url, link_text, title, year_guess, etag, last_modified FROM raw.fetch"
            " WHERE is_report AND url LIKE %s LIMIT 1",
            (f"%{SEED_PAGES[0].path}",),
        ).fetchone()
        assert row[0].endswith(".html") and row[1] == row[2] == SEED_PAGES[0].title
        assert row[3] == 2020 and row[4] and row[5]
        assert store.validators(sample_url + SEED_PAGES[0].path)["etag"] == row[4]


def test_faults_go_to_the_warehouse(warehouse_url, tmp_path):
    from portals import build_county_portal

    from warehouse.raw_store import RawStore

    site = build_county_portal()
    with site.portal.serve() as url:
        profile = tmp_path / "county.yaml"
        profile.write_text(f"name: county_wh\nstart_urls: ['{url}/']\n", encoding="utf-8")
        stats = run_crawl(
            str(profile),
            database_url=warehouse_url,
            throttle=False,
            state_dir=tmp_path,
            settings={"DOWNLOAD_TIMEOUT": 1, "RETRY_TIMES": 0},
        )
    with RawStore(warehouse_url) as store:
        errors = {e["url"]: e for e in store.fetch_errors(portal="county_wh")}
    assert set(errors) == set(stats.errors) == {url + p for p in site.fault_paths}
    assert errors[url + "/zwgk/nb/art/2016/missing.html"]["http_status"] == 404
    assert "robots" in errors[url + site.forbidden_path]["error"]


def test_a_new_warehouse_gets_every_report_despite_a_warm_page_cache(sample_url, warehouse_url, tmp_path):
    """The page cache remembers 304-able report pages; a warehouse that does not hold them must still get
    them in full (the warehouse, not the cache, is the authority on which documents are stored)."""
    import psycopg
    from psycopg import sql

    from warehouse import connection, migrate
    from warehouse.raw_store import RawStore

    first = run_crawl("sample", database_url=warehouse_url, throttle=False, state_dir=tmp_path)
    name = f"nianbao_crawl_fresh_{uuid.uuid4().hex[:8]}"
    admin = connection.with_database(warehouse_url, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    fresh = connection.with_database(warehouse_url, name)
    try:
        migrate.upgrade(fresh)
        second = run_crawl("sample", database_url=fresh, throttle=False, state_dir=tmp_path)  # same warm cache
        with RawStore(fresh) as store:
            stored = list(store.documents(portal="sample"))
        assert len(stored) == len(SEED_PAGES) + N_ATTACHMENTS
        assert second.documents_fetched == len(stored)
        assert first.errors == second.errors == {}
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
