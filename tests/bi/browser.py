"""A real browser for the tests: Debian's chromium, headless, through its own chromedriver (selenium).

Both come from Debian packages (`chromium`, `chromium-driver`, installed by .ci/run); selenium is given their
paths, so it downloads nothing. Screenshots go to ``artefacts_dir()`` for people to look at after a run.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from nianbao.paths import REPO_ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
ARTEFACTS_ENV = "NIANBAO_TEST_ARTEFACTS"
# A browser that reaches nothing but 127.0.0.1: every other host name fails to resolve, and chromium's own
# background connections (updates, safe browsing) are off.
OFFLINE = (
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--disable-background-networking",
    "--disable-component-update",
)


def artefacts_dir() -> Path:
    """Where screenshots go: ``$NIANBAO_TEST_ARTEFACTS``, else tmp/artefacts in the repository."""
    path = Path(os.environ.get(ARTEFACTS_ENV) or REPO_ROOT / "tmp" / "artefacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextmanager
def chromium(width: int = 1600, height: int = 3000, arguments: tuple[str, ...] = ()) -> Iterator:
    """``arguments``: more chromium switches (e.g. ``OFFLINE``)."""
    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        pytest.skip("Debian's chromium and chromium-driver are not installed (.ci/run installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",  # root in CI's container
        "--disable-dev-shm-usage",
        f"--window-size={width},{height}",
        "--lang=en-US",
        *arguments,
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(condition: Callable[[], object], timeout: float = 90, what: str = "the page") -> object:
    """Poll ``condition`` until it returns something truthy; fail naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not appear within {timeout:g} s")
        time.sleep(0.5)
