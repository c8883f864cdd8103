"""Superset's dashboards, as a person sees them: log in with the generated admin password in a real browser
(headless chromium), open each dashboard imported from bi/superset/, and find the seeds' figures rendered.
Screenshots of each land in the artefacts folder (tests/bi/browser.py)."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from tests.bi.browser import artefacts_dir, wait_for

pytestmark = pytest.mark.slow

# What each dashboard must show after the sample portal's five seed reports are harvested, as printed by their
# governments (tests/e2e/test_pipeline.py has the same figures); numbers as Superset formats them (",d").
EXPECTED = {
    "national-overview": [
        "宿迁市人民政府",
        "沈阳市苏家屯区人民政府",
        "江苏省",
        "辽宁省",
        "31,576",
    ],  # 30,513 + 1,062 + 1
    "organ-profile": ["宿迁市人民政府", "1,062", "504", "淮北市人民政府办公室", "36"],
    "data-quality": ["淮北市人民政府办公室", "Findings by rule and severity"],
    "comparison": ["宿迁市人民政府", "1,062", "30,513", "23"],
}


@pytest.fixture(scope="module")
def logged_in(browser, superset, admin_password):
    browser.get(f"{superset}/login/")
    wait_for(lambda: browser.find_elements(By.ID, "username"), what="Superset's login form")
    browser.find_element(By.ID, "username").send_keys("admin")
    browser.find_element(By.ID, "password").send_keys(admin_password)
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(lambda: "/login" not in browser.current_url, what="the page after logging in")
    return browser


@pytest.mark.parametrize("slug", list(EXPECTED))
def test_dashboard_shows_the_seed_figures(logged_in, superset, slug):
    logged_in.get(f"{superset}/superset/dashboard/{slug}/")

    def shown() -> bool:
        text = logged_in.find_element(By.TAG_NAME, "body").text
        return all(expected in text for expected in EXPECTED[slug])

    try:
        wait_for(shown, timeout=120, what=f"the seeds' figures on dashboard {slug}")
    finally:
        logged_in.save_screenshot(str(artefacts_dir() / f"superset-{slug}.png"))
    errors = [e.text for e in logged_in.find_elements(By.CSS_SELECTOR, ".ant-alert-error, .alert-danger")]
    assert errors == []


def test_every_shipped_dashboard_is_checked():
    from nianbao import bi

    assert set(EXPECTED) == set(bi.dashboards())
