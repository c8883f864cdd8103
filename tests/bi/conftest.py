"""Fixtures for the BI tests: one pipeline run, Superset, a real browser.

- ``harvested``: the real DAG (`dag.test()`) harvests the bundled sample portal over HTTP on 127.0.0.1 into the
  session's embedded warehouse (a temporary NIANBAO_HOME, see tests/conftest.py); returns its admin URL.
- ``superset``: `nianbao bi up` on that warehouse — Superset's own virtualenv is installed first when missing
  (`.venv-superset`, ~1 min with uv), its metadata in the temporary home; stopped after the session.
- ``browser``: Debian's chromium, headless, driven by its chromedriver through selenium (nothing downloaded).
"""

from __future__ import annotations

import json
import os

import pytest

from tests.bi.browser import chromium


@pytest.fixture(scope="session")
def harvested():
    from nianbao import airflow_local

    airflow_local.configure()
    from nianbao import steps
    from sample_portal import serve

    with serve() as base:
        os.environ["NIANBAO_SAMPLE_PORTAL_URL"] = base
        try:
            url = steps.prepare_warehouse()
            airflow_local.migrate_metadata_db()
            run = airflow_local.test_dag({"portals": ["sample"], "years": [], "throttle": False, "full_refresh": False})
            assert "success" in str(run.state), f"the DAG run ended in state {run.state}"
        finally:
            os.environ.pop("NIANBAO_SAMPLE_PORTAL_URL", None)
    return url


@pytest.fixture(scope="session")
def superset(harvested):
    from nianbao import bi

    url = bi.up()
    try:
        yield url
    finally:
        bi.down()


@pytest.fixture(scope="session")
def admin_password(superset):
    from nianbao import bi

    return json.loads(bi.secrets_file().read_text())["admin_password"]


@pytest.fixture(scope="session")
def browser():
    with chromium() as driver:
        yield driver
