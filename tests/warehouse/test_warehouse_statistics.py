"""The warehouse keeps its planner statistics fresh after a load, whatever the server's autovacuum does
(warehouse/statistics.py, migration 0009): a table whose changes outgrow autovacuum's rule is analyzed, and only
then."""

from __future__ import annotations

import random

import psycopg
import pytest

from reportgen import parsed
from warehouse import staging, statistics


def _analyzed(url: str) -> dict[str, int]:
    """How many times each staging table has been analyzed (by nianbao or by autovacuum)."""
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT relname, analyze_count + autoanalyze_count FROM pg_stat_user_tables WHERE schemaname = 'staging'"
        ).fetchall()
    return dict(rows)


def _stale(url: str, table: str) -> bool:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT audit.statistics_stale(%s::regclass)", (table,)).fetchone()[0]


@pytest.fixture
def quiet_autovacuum(db_url):
    """The staging tables as on a server whose autovacuum is off: only nianbao may analyze them."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        for table in statistics.STAGING_TABLES:
            conn.execute(f"ALTER TABLE {table} SET (autovacuum_enabled = false)")
    yield db_url
    with psycopg.connect(db_url, autocommit=True) as conn:
        for table in statistics.STAGING_TABLES:
            conn.execute(f"ALTER TABLE {table} RESET (autovacuum_enabled)")


def test_a_load_leaves_statistics_fresh_and_analyzes_only_what_grew(quiet_autovacuum):
    url = quiet_autovacuum
    rng = random.Random(7)
    items = [(f"{i:064x}", parsed.parsed_report(rng, i)) for i in range(1, 41)]
    staging.load_reports(items, "stats-1", url)
    # tables that were never analyzed, or grew from nothing, are analyzed right after the load
    assert all(not _stale(url, t) for t in ("staging.report", "staging.fact", "staging.check_result"))
    before = _analyzed(url)
    assert before["fact"] >= 1 and before["report"] >= 1

    # one more report on forty is within autovacuum's rule (50 rows + 10 %) for the reports: not analyzed again
    staging.load_reports([(f"{99:064x}", parsed.parsed_report(rng, 99))], "stats-1", url)
    assert _analyzed(url)["report"] == before["report"]

    # and nothing to do when nothing changed
    with psycopg.connect(url, autocommit=True) as conn:
        assert statistics.analyze_stale(conn, ["staging.report"]) == []
