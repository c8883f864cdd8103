"""Fixtures of the expectations tests: a throw-away database on the machine's PostgreSQL (127.0.0.1:5432, user
postgres), migrated by the warehouse, one per test module; data and helpers live in ``gx_fixtures.py``."""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path

# tests/ is on sys.path (pytest's rootdir conftest), so this folder would pass for a namespace package named
# "expectations" whenever the repository root is not on sys.path too: put it there, so the real package wins.
_REPO = str(Path(__file__).resolve().parents[2])
if _REPO not in sys.path:
    sys.path.insert(0, _REPO)
if getattr(sys.modules.get("expectations"), "__file__", "") is None:
    del sys.modules["expectations"]

import psycopg
import pytest
from gx_fixtures import Warehouse

PG_ADMIN_URL = os.environ.get("NIANBAO_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _admin_available() -> bool:
    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return True
    except psycopg.Error:
        return False


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    if not _admin_available():
        pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN_URL}")
    return PG_ADMIN_URL


@pytest.fixture(scope="module")
def empty_db(pg_admin_url):
    """A uniquely named, migrated database, dropped afterwards. Module-scoped: tests clean up after themselves
    via ``clean_db``."""
    from warehouse.migrate import upgrade

    name = f"nianbao_gx_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    try:
        upgrade(url)
        yield url
    finally:
        with psycopg.connect(pg_admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def wh(empty_db) -> Warehouse:
    """The module's database, emptied of reports (and of test-made marts) before each test."""
    w = Warehouse(empty_db)
    w.execute("TRUNCATE staging.report, staging.fact, staging.check_result, staging.problem CASCADE")
    w.execute("TRUNCATE audit.validation_run")
    w.execute("DROP TABLE IF EXISTS marts.mart_report_summary, marts.fct_rule_findings")
    w.execute("DROP SCHEMA IF EXISTS marts_intermediate CASCADE")
    return w
