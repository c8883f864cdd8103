"""GX's data docs open offline (expectations/offline_docs.py): after a real validation run no page loads anything
from the internet, and in a real browser that reaches no host the index lists the runs, styled by Bootstrap,
and a run's page renders with its icons.

The browser is Debian's chromium through its chromedriver (tests/bi/browser.py); screenshots go to
test-artefacts/browser/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from gx_fixtures import SEED_000, SEED_003, Warehouse

from expectations import offline_docs, validate
from nianbao.paths import REPO_ROOT
from tests.bi.browser import OFFLINE, chromium, wait_for

ARTEFACTS = REPO_ROOT / "test-artefacts" / "browser"
# what a page loads: scripts, stylesheets and icons, images
LOADED = re.compile(r"""<(?:script|link|img)\b[^>]*?\b(?:src|href)=["']([^"']+)["']""", re.IGNORECASE)


@pytest.fixture(scope="module")
def docs(empty_db, tmp_path_factory) -> Path:
    """The data docs of one run over seeds 000 (every rule holds) and 003 (a prose breach: a failing suite)."""
    wh = Warehouse(empty_db)
    wh.load(SEED_000)
    wh.load(SEED_003)
    summary = validate(wh.url, home=tmp_path_factory.mktemp("home"))
    assert summary.findings  # the index shows a failed run beside a passing one
    return summary.data_docs.parent


def run_pages(docs: Path) -> list[Path]:
    return sorted((docs / "validations").rglob("*.html"))


def test_no_page_loads_anything_from_the_internet_and_every_local_file_exists(docs):
    pages = sorted(docs.rglob("*.html"))
    assert docs / "index.html" in pages and len(run_pages(docs)) == 2  # staging_integrity, staging_balance
    for page in pages:
        html = page.read_text(encoding="utf-8")
        for url in LOADED.findall(html):
            assert not re.match(r"(?i)(https?:)?//", url), f"{page.relative_to(docs)} loads {url}"
            assert (page.parent / url.split("?", 1)[0]).is_file(), f"{page.relative_to(docs)}: {url} is missing"
        for host in ("unpkg.com", "cdnjs.cloudflare.com", "cdn.jsdelivr.net", "bootstrapcdn.com", "code.jquery.com"):
            assert host not in html, f"{page.relative_to(docs)} names {host}"
    assert (docs / offline_docs.VENDOR / "bootstrap-table" / "bootstrap-table.min.js").is_file()
    assert list((docs / offline_docs.VENDOR / "font_awesome" / "webfonts").glob("fa-solid-900.*"))
    assert offline_docs.localize(docs) == []  # idempotent: a second pass finds nothing left to replace


def requested_beyond_disk(driver) -> list[str]:
    """What the page asked of anything but the disk: resource timing lists every http(s) request, failed ones
    too (chromium lists no file:// load), and the offline browser logs each as a SEVERE failure."""
    names = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    return [name for name in names if not name.startswith("file:")]


def test_index_and_a_run_page_render_in_a_browser_that_reaches_no_host(docs):
    from selenium.webdriver.common.by import By

    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    with chromium(1400, 1000, arguments=OFFLINE) as driver:
        driver.get((docs / "index.html").as_uri())
        # bootstrap-table fills the list of runs from data in the page (and redraws it: read it in one go)
        listed = "return [...document.querySelectorAll('.bootstrap-table tbody tr[data-index]')].map(r => r.innerText)"
        rows = wait_for(
            lambda: [row for row in driver.execute_script(listed) if "staging_" in row],
            timeout=60,
            what="the index's list of validation runs",
        )
        assert any("staging_balance" in row for row in rows) and any("staging_integrity" in row for row in rows)
        driver.save_screenshot(str(ARTEFACTS / "gx-data-docs-index.png"))
        # `pl-5` is Bootstrap's utility class (3rem); unstyled, the container has no padding
        padding = driver.execute_script(
            "return getComputedStyle(document.querySelector('.container-fluid.pl-5')).paddingLeft"
        )
        assert padding == "48px"
        assert requested_beyond_disk(driver) == []
        assert [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"] == []

        page = next(p for p in run_pages(docs) if "staging_balance" in p.parts)
        driver.get(page.as_uri())
        wait_for(
            lambda: "[warning] narrative" in driver.find_element(By.TAG_NAME, "body").text,
            timeout=60,
            what="the run's page",
        )
        # Font Awesome's icons: its font is loaded and the check-circle icons are drawn with it
        assert wait_for(
            lambda: driver.execute_script("return document.fonts.check('900 16px \"Font Awesome 6 Free\"')"),
            timeout=30,
            what="Font Awesome's font",
        )
        family = driver.execute_script(
            "return getComputedStyle(document.querySelector('.fas.fa-check-circle'), '::before').fontFamily"
        )
        assert "Font Awesome" in family
        assert driver.execute_script("return getComputedStyle(document.querySelector('.card')).display") == "flex"
        driver.save_screenshot(str(ARTEFACTS / "gx-data-docs-run.png"))
        assert requested_beyond_disk(driver) == []
        assert [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"] == []
