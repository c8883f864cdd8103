"""The raw store: bodies stored once, mirrors collapse, changed documents keep both versions, validators."""

from datetime import datetime, timedelta, timezone

import psycopg
import pytest

from warehouse.raw_store import FetchRecord, RawStore
from warehouse.urls import canonical_url

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "variant",
    [
        "http://www.suqian.gov.cn/art/2021/1/28/art_1.html",
        "https://m.suqian.gov.cn/art/2021/1/28/art_1.html",
        "https://suqian.gov.cn/wap/art/2021/1/28/art_1.html",
        "https://www.suqian.gov.cn/art/2021/1/28/art_1_wap.html?utm_source=wechat&t=1700000000#top",
        "https://suqian.gov.cn:443/art/2021/1/28/art_1.html",
    ],
)
def test_mobile_variants_and_noise_collapse(variant):
    assert canonical_url(variant) == "https://suqian.gov.cn/art/2021/1/28/art_1.html"


def test_meaningful_query_parameters_are_kept():
    assert canonical_url("http://x.gov.cn/show.jsp?id=2&cat=1&_=99") == "https://x.gov.cn/show.jsp?cat=1&id=2"
    assert canonical_url("http://x.gov.cn/show.jsp?id=2") != canonical_url("http://x.gov.cn/show.jsp?id=3")


@pytest.fixture(scope="module")
def store(db_url):
    with RawStore(db_url) as store:
        yield store


def _count(url, query, *params):
    with psycopg.connect(url) as conn:
        return conn.execute(query, params).fetchone()[0]


def test_same_bytes_stored_once_and_mirrors_collapse(db_url, store):
    body = "<html>宿迁市2020年政府信息公开工作年度报告</html>".encode()
    urls = [
        "http://www.a.gov.cn/r/2020.html",
        "http://m.a.gov.cn/r/2020_wap.html",
        "http://www.a.gov.cn/wap/r/2020.html",
    ]
    ids = [
        store.record_fetch(
            FetchRecord(
                portal="a",
                url=u,
                http_status=200,
                body=body,
                is_report=True,
                year_guess=2020,
                headers={b"Content-Type": [b"text/html; charset=utf-8"], "ETag": '"v1"'},
                title="2020年报",
                fetched_at=T0 + timedelta(minutes=i),
            )
        )
        for i, u in enumerate(urls)
    ]
    assert len(set(ids)) == 3  # a fetch row always
    assert _count(db_url, "SELECT count(*) FROM raw.document") == 1
    assert _count(db_url, "SELECT count(DISTINCT canonical_url) FROM raw.fetch WHERE portal = 'a'") == 1
    docs = list(store.documents(portal="a"))
    assert len(docs) == 1
    doc = docs[0]
    assert doc.content == body and doc.media_type == "text/html" and doc.title == "2020年报"
    assert doc.year_guess == 2020
    assert doc.url == "http://www.a.gov.cn/r/2020.html" or doc.url in urls


def test_changed_document_keeps_both_versions(store):
    url = "http://www.b.gov.cn/r/2021.html"
    store.record_fetch(
        FetchRecord(
            portal="b", url=url, http_status=200, body=b"version 1", is_report=True, year_guess=2021, fetched_at=T0
        )
    )
    store.record_fetch(
        FetchRecord(
            portal="b",
            url=url,
            http_status=200,
            body=b"version 2",
            is_report=True,
            year_guess=2021,
            fetched_at=T0 + timedelta(days=30),
        )
    )
    contents = [d.content for d in store.documents(portal="b")]
    assert contents == [b"version 1", b"version 2"]
    assert [d.content for d in store.documents(portal="b", years=[2020])] == []


def test_validators_come_from_the_last_good_fetch(store):
    url = "http://www.c.gov.cn/r/2022.html"
    assert store.validators(url) is None
    store.record_fetch(
        FetchRecord(
            portal="c",
            url=url,
            http_status=200,
            body=b"c-2022",
            is_report=True,
            headers={"ETag": '"abc"', "Last-Modified": "Sat, 01 Jan 2026 00:00:00 GMT"},
            fetched_at=T0,
        )
    )
    store.record_fetch(
        FetchRecord(
            portal="c", url=url, http_status=503, error="Service Unavailable", fetched_at=T0 + timedelta(hours=1)
        )
    )
    expected = {
        "etag": '"abc"',
        "last_modified": "Sat, 01 Jan 2026 00:00:00 GMT",
        "sha256": __import__("hashlib").sha256(b"c-2022").hexdigest(),
        "checked_at": T0,  # the last good fetch: the 503 after it checked nothing
    }
    assert store.validators(url) == expected
    # The mobile copy of the page shares the canonical URL, so it can be revalidated too.
    assert store.validators("http://m.c.gov.cn/r/2022_wap.html") == expected
    # A 304 is recorded, and points at the body it confirmed.
    fetch_id = store.record_fetch(FetchRecord(portal="c", url=url, http_status=304, fetched_at=T0 + timedelta(days=1)))
    row = store.conn.execute("SELECT sha256, etag FROM raw.fetch WHERE fetch_id = %s", (fetch_id,)).fetchone()
    assert row == (expected["sha256"], '"abc"')
    assert store.validators(url)["checked_at"] == T0 + timedelta(days=1)  # a 304 is a check
    errors = store.fetch_errors(portal="c")
    assert [(e["http_status"], e["error"]) for e in errors] == [(503, "Service Unavailable")]


def test_documents_checked_since_names_what_validators_date_since_then(store):
    """One answer for a whole re-crawl: the canonical URL of each of the portal's documents fetched or validated since
    a time. Each is checked since then by `validators` too; failures, older checks and other portals are left out,
    and so is an address whose fetch was recorded under the address it redirected to (validators answer for it)."""
    base = "http://www.e.gov.cn/r/"
    since = T0 + timedelta(days=1)
    later = since + timedelta(hours=1)
    fetches = [
        FetchRecord(portal="e", url=base + "old.html", http_status=200, body=b"e-old", fetched_at=T0),
        FetchRecord(portal="e", url=base + "new.html", http_status=200, body=b"e-new", fetched_at=later),
        FetchRecord(portal="e", url=base + "checked.html", http_status=200, body=b"e-checked", fetched_at=T0),
        FetchRecord(portal="e", url=base + "checked.html", http_status=304, fetched_at=later),
        FetchRecord(
            portal="e", url=base + "failed.html", http_status=503, error="Service Unavailable", fetched_at=later
        ),
        FetchRecord(
            portal="e",
            url=base + "moved.html",
            final_url=base + "final.html",
            http_status=200,
            body=b"e-moved",
            fetched_at=later,
        ),
        FetchRecord(portal="f", url="http://www.f.gov.cn/r/x.html", http_status=200, body=b"f-x", fetched_at=later),
    ]
    for fetch in fetches:
        store.record_fetch(fetch)

    checked = store.documents_checked_since("e", since)
    assert checked == {canonical_url(base + name) for name in ("new.html", "checked.html", "final.html")}
    for name in ("old.html", "new.html", "checked.html", "failed.html", "moved.html", "final.html"):
        known = store.validators(base + name)
        fresh = known is not None and known["checked_at"] >= since
        assert canonical_url(base + name) not in checked or fresh, name
    assert store.validators(base + "moved.html")["checked_at"] == later  # fresh, by its validators only


def test_non_reports_and_failures_are_not_documents(store):
    store.record_fetch(FetchRecord(portal="d", url="http://d.gov.cn/list.html", http_status=200, body=b"<ul/>"))
    store.record_fetch(FetchRecord(portal="d", url="http://d.gov.cn/r.pdf", error="timeout", is_report=True))
    assert list(store.documents(portal="d")) == []
    assert [d.url for d in store.documents(portal="d", reports_only=False)] == ["http://d.gov.cn/list.html"]
    assert [e["error"] for e in store.fetch_errors(portal="d")] == ["timeout"]
