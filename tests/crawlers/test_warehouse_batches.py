"""The warehouse takes a crawl's fetches in batches (``RawStorePipeline``, ``RawStore.record_fetches``): the same
rows as one transaction per fetch, committed by count, by bytes and at the crawl's end."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

COLUMNS = (
    "portal, url, final_url, canonical_url, fetched_at, http_status, etag, last_modified, headers, sha256,"
    " referer_url, link_text, title, year_guess, is_report, error"
)


def _records():
    from warehouse.raw_store import FetchRecord

    at = datetime(2024, 3, 1, tzinfo=timezone.utc)
    pdf = {"Content-Type": "application/pdf", "ETag": '"v1"', "Last-Modified": "Fri, 01 Mar 2024 00:00:00 GMT"}
    return [
        FetchRecord("p", "http://a.gov.cn/1.pdf", fetched_at=at, http_status=200, headers=pdf, body=b"%PDF one"),
        # the same bytes at a mirror: stored once
        FetchRecord("p", "http://b.gov.cn/1.pdf", fetched_at=at, http_status=200, headers=pdf, body=b"%PDF one"),
        FetchRecord("p", "http://a.gov.cn/list.html", fetched_at=at, http_status=200, headers={"ETag": '"l"'}),
        FetchRecord("p", "http://a.gov.cn/gone.pdf", fetched_at=at, http_status=404, error="HTTP 404", is_report=True),
        # Not Modified, its good fetch earlier in the same batch: points at those bytes and validators
        FetchRecord("p", "http://a.gov.cn/1.pdf", fetched_at=at, http_status=304, headers={}, is_report=True),
        FetchRecord(
            "p",
            "http://a.gov.cn/2.docx",
            fetched_at=at,
            http_status=200,
            body=b"PK two",
            title="2020年",
            year_guess=2020,
        ),
    ]


def _rows(url: str):
    import psycopg

    with psycopg.connect(url) as conn:
        fetches = conn.execute(f"SELECT {COLUMNS} FROM raw.fetch ORDER BY fetch_id").fetchall()
        documents = conn.execute(
            "SELECT sha256, media_type, size_bytes, content FROM raw.document ORDER BY 1"
        ).fetchall()
        conn.execute("TRUNCATE raw.fetch, raw.document CASCADE")
    return fetches, documents


def test_a_batch_stores_the_rows_one_fetch_at_a_time_would(warehouse_url):
    from warehouse.raw_store import RawStore

    with RawStore(warehouse_url) as store:
        for rec in _records():
            store.record_fetch(rec)
    one_by_one = _rows(warehouse_url)
    with RawStore(warehouse_url) as store:
        store.record_fetches(_records())
    batched = _rows(warehouse_url)
    assert batched == one_by_one
    fetches, documents = batched
    assert len(fetches) == 6 and len(documents) == 2
    assert fetches[4][5] == 304 and fetches[4][9] == fetches[0][9] and fetches[4][6] == '"v1"'


class _Stats:
    def inc_value(self, *args, **kwargs):
        pass


class _Crawler:
    def __init__(self, settings):
        self.settings = settings
        self.stats = _Stats()


def _item(i: int, body: bytes = b"") -> dict:
    return {
        "kind": "document",
        "portal": "p",
        "url": f"http://a.gov.cn/{i}.pdf",
        "fetched_at": "2024-03-01T00:00:00+00:00",
        "http_status": 200,
        "headers": {"content-type": "application/pdf"},
        "body": body or f"%PDF {i}".encode(),
        "is_report": True,
    }


def _count(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute("SELECT count(*) FROM raw.fetch").fetchone()[0]


@pytest.mark.parametrize("by", ["items", "bytes"])
def test_the_pipeline_commits_by_count_or_bytes_and_at_close(warehouse_url, by):
    from scrapy.settings import Settings

    from crawlers.pipelines import RawStorePipeline

    settings = Settings(
        {
            "NIANBAO_DATABASE_URL": warehouse_url,
            "NIANBAO_WAREHOUSE_BATCH_ITEMS": 3 if by == "items" else 1000,
            "NIANBAO_WAREHOUSE_BATCH_BYTES": 2500 if by == "bytes" else 10**9,
            "NIANBAO_WAREHOUSE_BATCH_SECONDS": 0,  # no timer outside a running reactor
        }
    )
    pipeline = RawStorePipeline.from_crawler(_Crawler(settings))
    pipeline.open_spider()
    try:
        for i in range(2):
            pipeline.process_item(_item(i, body=bytes([i]) * 1000))
        assert _count(warehouse_url) == 0  # held until the batch is full
        pipeline.process_item(_item(2, body=bytes([2]) * 1000))
        assert _count(warehouse_url) == 3  # third fetch: 3 items, or 3,000 bytes ≥ 2,500
        pipeline.process_item(_item(3))
    finally:
        pipeline.close_spider()
    assert _count(warehouse_url) == 4  # the rest at close
    _rows(warehouse_url)
