"""Test-session set-up shared by every folder's tests.

Airflow reads its configuration at first import, so its home, metadata database and DAG folder are pointed at
a temporary directory here, before any test module imports airflow. The project's data directory
(NIANBAO_HOME) is temporary too: tests never touch a developer's `.nianbao/`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

_SESSION_DIR = Path(tempfile.mkdtemp(prefix="nianbao-tests-"))
os.environ.setdefault("NIANBAO_HOME", str(_SESSION_DIR / "home"))
os.environ.setdefault("AIRFLOW_HOME", str(_SESSION_DIR / "airflow"))
os.environ.pop("NIANBAO_DATABASE_URL", None)  # the default under test is the embedded warehouse

from nianbao import airflow_local

airflow_local.configure()


def pytest_collection_modifyitems(config, items):
    """Tests marked `long` run only when asked (NIANBAO_LONG_TESTS=1): each drives the whole DAG through
    Airflow's servers or Celery workers, 10+ minutes apiece on two cores, beyond CI's budget."""
    if os.environ.get("NIANBAO_LONG_TESTS") == "1":
        return
    skip = pytest.mark.skip(reason="a long test: set NIANBAO_LONG_TESTS=1 to run it")
    for item in items:
        if item.get_closest_marker("long"):
            item.add_marker(skip)


def pytest_sessionfinish(session, exitstatus):
    """Stop the embedded PostgreSQL this session may have started under its temporary NIANBAO_HOME."""
    if os.environ.get("NIANBAO_HOME", "").startswith(str(_SESSION_DIR)):
        from warehouse import embedded

        try:
            embedded.stop()
        except Exception:  # noqa: BLE001 - clean-up must not change the session's result
            return  # keep the directory: a server may still be using it
        shutil.rmtree(_SESSION_DIR, ignore_errors=True)
