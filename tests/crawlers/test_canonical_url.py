"""The one URL normalisation (``warehouse.urls``), as the crawler and the raw store both use it: which addresses
are one page, which address to ask for, and which of a document's addresses is shown (the canonical one)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import psycopg
import pytest

from warehouse.urls import canonical_url, clean_url, is_canonical_address_sql

KEY = "https://suqian.gov.cn/art/2021/3/9/art_1.html"


@pytest.mark.parametrize(
    "variant",
    [
        # scheme and www
        "http://www.suqian.gov.cn/art/2021/3/9/art_1.html",
        "https://www.suqian.gov.cn/art/2021/3/9/art_1.html",
        "http://suqian.gov.cn/art/2021/3/9/art_1.html",
        "https://suqian.gov.cn/art/2021/3/9/art_1.html",
        "HTTP://WWW.SUQIAN.GOV.CN/art/2021/3/9/art_1.html",
        "http://www.suqian.gov.cn:80/art/2021/3/9/art_1.html",
        "https://suqian.gov.cn:443/art/2021/3/9/art_1.html",
        # mobile hosts, folders and suffixes
        "https://m.suqian.gov.cn/art/2021/3/9/art_1.html",
        "http://wap.suqian.gov.cn/art/2021/3/9/art_1.html",
        "http://h5.suqian.gov.cn/art/2021/3/9/art_1.html",
        "http://www.m.suqian.gov.cn/art/2021/3/9/art_1.html",
        "http://www.suqian.gov.cn/wap/art/2021/3/9/art_1.html",
        "http://www.suqian.gov.cn/h5/art/2021/3/9/art_1.html",
        "http://www.suqian.gov.cn/art/2021/3/9/art_1_wap.html",
        "http://suqian.gov.cn/wap/art/2021/3/9/art_1_wap.html?utm_source=wx",
        # tracking, cache busting, fragments, doubled slashes
        "http://www.suqian.gov.cn/art/2021/3/9/art_1.html?from=timeline&isappinstalled=0",
        "http://www.suqian.gov.cn/art/2021/3/9/art_1.html?utm_medium=social&utm_campaign=x#top",
        "http://www.suqian.gov.cn/art/2021/3/9/art_1.html?t=1700000000",
        "http://www.suqian.gov.cn/art/2021/3/9/art_1.html?_=1700000000123&rand=0.8123",
        "http://www.suqian.gov.cn//art/2021/3/9/art_1.html",
    ],
)
def test_variants_of_one_page_have_one_key(variant):
    assert canonical_url(variant) == KEY


@pytest.mark.parametrize(
    "other",
    [
        "http://www.suqian.gov.cn/art/2021/3/9/art_2.html",  # another page
        "http://xxgk.suqian.gov.cn/art/2021/3/9/art_1.html",  # another site of the same city
        "http://www.suqian.gov.cn:8080/art/2021/3/9/art_1.html",  # another server
        "http://www.suqian.gov.cn/m/art/2021/3/9/art_1.html",  # "/m/" also names ordinary folders
        "http://www.suqian.gov.cn/art/2021/3/9/art_1_m.html",  # and "_m" ordinary files
        "http://www.suqian.gov.cn/art/2021/3/9/art_1.html?id=3",  # a meaningful parameter
    ],
)
def test_different_pages_keep_different_keys(other):
    assert canonical_url(other) != KEY


def test_meaningful_query_parameters_are_kept_and_sorted():
    assert canonical_url("http://x.gov.cn/show.jsp?id=2&cat=1&_=99") == "https://x.gov.cn/show.jsp?cat=1&id=2"
    assert canonical_url("http://x.gov.cn/show.jsp?id=2") != canonical_url("http://x.gov.cn/show.jsp?id=3")
    # "t" selects a tab or a type unless it is a timestamp; so do "v" and "r"
    assert canonical_url("http://x.gov.cn/list.jsp?t=2") == "https://x.gov.cn/list.jsp?t=2"
    assert canonical_url("http://x.gov.cn/list.jsp?t=2") != canonical_url("http://x.gov.cn/list.jsp?t=3")
    assert canonical_url("http://x.gov.cn/col/list?page=2&startrecord=16") == (
        "https://x.gov.cn/col/list?page=2&startrecord=16"
    )


def test_the_address_to_ask_for_loses_only_fragments_and_noise():
    assert clean_url("http://x/a.shtml#") == "http://x/a.shtml"
    assert clean_url("http://x/a.shtml?from=timeline") == "http://x/a.shtml"
    assert clean_url("http://x/list?page=2&utm_source=wx#top") == "http://x/list?page=2"
    assert clean_url("http://x/list?b=1&a=2") == "http://x/list?b=1&a=2"  # untouched otherwise
    assert clean_url("http://www.x/wap/a_wap.html") == "http://www.x/wap/a_wap.html"  # the mobile copy is asked for
    assert canonical_url(clean_url("http://www.x.gov.cn/a.html?spm=1#p")) == canonical_url("http://x.gov.cn/a.html")


CANONICAL_ADDRESSES = [
    "http://www.suqian.gov.cn/art/2021/3/9/art_1.html",  # what most portals use
    "http://suqian.gov.cn/art/2021/3/9/art_1.html",
    "https://www.suqian.gov.cn/art/2021/3/9/art_1.html",
    "https://suqian.gov.cn/art/2021/3/9/art_1.html",
]
VARIANT_ADDRESSES = [
    "http://m.suqian.gov.cn/art/2021/3/9/art_1.html",
    "http://www.suqian.gov.cn/wap/art/2021/3/9/art_1.html",
    "http://www.suqian.gov.cn/art/2021/3/9/art_1_wap.html",
    "http://www.suqian.gov.cn/art/2021/3/9/art_1.html?from=timeline",
]


def test_canonical_address_condition_in_postgresql(warehouse_url):
    """The SQL condition agrees with the key: plain-http and www. addresses are canonical, mobile ones are not."""
    condition = is_canonical_address_sql("a.address", "a.key")
    with psycopg.connect(warehouse_url) as conn:
        for address in CANONICAL_ADDRESSES + VARIANT_ADDRESSES:
            got = conn.execute(
                f"SELECT {condition} FROM (SELECT %s::text AS address, %s::text AS key) a",
                (address, canonical_url(address)),
            ).fetchone()[0]
            assert got is (address in CANONICAL_ADDRESSES), address


def test_the_raw_store_shows_a_document_at_its_canonical_address(warehouse_url):
    """Mirrors fetched after the desktop page do not displace it (plain http and www., as on most portals)."""
    from warehouse.raw_store import FetchRecord, RawStore

    t0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
    body = "<html>宿迁市2020年政府信息公开工作年度报告 canonical-order</html>".encode()
    first, *mirrors = ["http://www.suqian.gov.cn/art/2021/3/9/art_1.html", *VARIANT_ADDRESSES[:3]]
    with RawStore(warehouse_url) as store:
        for minutes, url in enumerate([first, *mirrors]):
            store.record_fetch(
                FetchRecord(
                    portal="order",
                    url=url,
                    http_status=200,
                    body=body,
                    is_report=True,
                    fetched_at=t0 + timedelta(minutes=minutes),
                )
            )
        (doc,) = list(store.documents(portal="order"))
    assert doc.url == first
