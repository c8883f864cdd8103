"""The committed sample site: small, and every seed report reachable from the home page."""

from __future__ import annotations

import io
import urllib.parse
import urllib.robotparser
from urllib.request import urlopen

import docx
import lxml.html
import pdfplumber
import pytest

from sample_portal import SITE_DIR, serve
from sample_portal.seeds import SEED_PAGES

REPORT_COLUMN = "/zwgk/zfxxgknb/"


def test_site_is_small():
    size = sum(p.stat().st_size for p in SITE_DIR.rglob("*") if p.is_file())
    assert size < 2 * 1024 * 1024, f"site is {size} bytes; it is committed, keep it under 2 MB"


@pytest.fixture(scope="module")
def crawl():
    """Follow every <a href> from the home page (breadth first, same host, obeying robots.txt)."""
    with serve() as base:
        robots = urllib.robotparser.RobotFileParser(base + "/robots.txt")
        robots.read()
        seen: dict[str, bytes] = {}
        link_texts: dict[str, str] = {}
        queue = [base + "/index.html"]
        while queue:
            url = queue.pop(0)
            if url in seen or not robots.can_fetch("*", url):
                continue
            with urlopen(url, timeout=10) as response:
                seen[url] = response.read()
                content_type = response.headers["Content-Type"]
            if not content_type.startswith("text/html"):
                continue
            tree = lxml.html.fromstring(seen[url])
            for anchor in tree.iter("a"):
                href = anchor.get("href")
                if not href:
                    continue
                target = urllib.parse.urljoin(url, href).split("#")[0]
                if target.startswith(base):
                    link_texts.setdefault(target[len(base) :], anchor.text_content().strip())
                    queue.append(target)
        yield {url[len(base) :]: body for url, body in seen.items()}, link_texts


def test_every_seed_detail_page_is_reachable_from_home(crawl):
    pages, _ = crawl
    for page in SEED_PAGES:
        assert page.path in pages, f"seed {page.number} detail page {page.path} not reachable"


def test_column_is_paginated_with_next_links(crawl):
    pages, _ = crawl
    for name in ("index.html", "index_1.html", "index_2.html"):
        assert REPORT_COLUMN + name in pages
    html = pages[REPORT_COLUMN + "index.html"].decode("utf-8")
    assert "下一页" in html and "index_1.html" in html
    for name in ("index.html", "index_1.html", "index_2.html"):
        items = lxml.html.fromstring(pages[REPORT_COLUMN + name]).cssselect("ul.list li")
        assert 1 <= len(items) <= 8


def test_near_misses_are_listed(crawl):
    _, link_texts = crawl
    titles = set(link_texts.values())
    for near_miss in (
        "关于做好2020年政府信息公开工作年度报告编制发布工作的通知",
        "2021年政务公开工作要点",
        "2020年法治政府建设年度报告",
    ):
        assert near_miss in titles


def test_admin_is_not_crawled(crawl):
    pages, link_texts = crawl
    assert "/admin/index.html" in link_texts  # linked from every footer …
    assert "/admin/index.html" not in pages  # … but disallowed by robots.txt


def test_detail_pages_name_title_organ_date_and_attachments(crawl):
    pages, _ = crawl
    for page in SEED_PAGES:
        html = pages[page.path].decode("utf-8")
        tree = lxml.html.fromstring(html)
        assert tree.findtext(".//h1") == page.title
        assert f"发布日期：{page.published}" in html
        assert "当前位置" in html
        if page.number != "001" and page.number != "004":
            assert len(tree.cssselect("div.content table")) == 3, page.number
        for kind in page.attachments:
            links = [a.get("href") for a in tree.iter("a") if (a.get("href") or "").endswith("." + kind)]
            assert len(links) == 1, (page.number, kind)
            assert links[0] in pages, f"attachment {links[0]} not fetched"
            body = pages[links[0]]
            first_line = _first_line(body, kind)
            assert page.title in first_line or (page.number == "004" and "江蘇省2020年" in first_line)
    assert "宿迁市人民政府" in pages[SEED_PAGES[0].path].decode("utf-8")


def _first_line(body: bytes, kind: str) -> str:
    if kind == "docx":
        return docx.Document(io.BytesIO(body)).paragraphs[0].text
    with pdfplumber.open(io.BytesIO(body)) as pdf:
        return pdf.pages[0].extract_text().splitlines()[0]


def test_committed_site_matches_a_fresh_build(tmp_path):
    """The committed site is what `python -m sample_portal.build` makes today (rebuild it if this fails)."""
    from sample_portal.build import build
    from sample_portal.seeds import DEFAULT_SEEDS_DIR

    if not any(DEFAULT_SEEDS_DIR.glob("000_*.txt")):
        pytest.skip(f"seed texts not available at {DEFAULT_SEEDS_DIR} (set NIANBAO_SEEDS_DIR)")
    fresh = build(tmp_path / "site")
    committed = {p.relative_to(SITE_DIR).as_posix(): p.read_bytes() for p in SITE_DIR.rglob("*") if p.is_file()}
    built = {p.relative_to(fresh).as_posix(): p.read_bytes() for p in fresh.rglob("*") if p.is_file()}
    assert sorted(committed) == sorted(built)
    stale = [name for name in built if built[name] != committed[name]]
    assert not stale, f"stale files in sample_portal/site (run python -m sample_portal.build): {stale}"
