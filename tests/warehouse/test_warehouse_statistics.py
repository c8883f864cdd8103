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


def _n_distinct(url: str, table: str, column: str) -> tuple[float | None, float | None]:
    """(the n_distinct set on the column, the one the planner reads in pg_stats)."""
    schema, name = table.split(".")
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT (SELECT o.option_value::float8 FROM pg_attribute a, pg_options_to_table(a.attoptions) o"
            "        WHERE a.attrelid = %s::regclass AND a.attname = %s AND o.option_name = 'n_distinct'),"
            "       (SELECT n_distinct FROM pg_stats WHERE schemaname = %s AND tablename = %s AND attname = %s)",
            (table, column, schema, name, column),
        ).fetchone()


def test_the_planner_is_told_how_many_reports_the_rows_belong_to(quiet_autovacuum):
    """ANALYZE's sample misjudges the distinct reports of tables loaded report by report (statistics.REPORT_ROWS):
    the warehouse sets them, as a share of the rows (negative n_distinct), before it analyzes such a table."""
    url = quiet_autovacuum
    rng = random.Random(11)
    staging.load_reports([(f"{i:064x}", parsed.parsed_report(rng, i)) for i in range(1, 31)], "stats-2", url)
    with psycopg.connect(url) as conn:
        reports = conn.execute("SELECT count(*) FROM staging.report").fetchone()[0]
        for table, column in statistics.REPORT_ROWS.items():
            rows = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            assert rows > reports  # many rows per report: the case the sample gets wrong
            stored, planned = _n_distinct(url, table, column)
            assert stored == pytest.approx(-reports / rows, rel=1e-3)
            assert planned == pytest.approx(stored)

    # a load that leaves the share of reports within the tolerance does not write the catalog again
    before = {table: _n_distinct(url, table, column)[0] for table, column in statistics.REPORT_ROWS.items()}
    items = [(f"{i:064x}", parsed.parsed_report(rng, i)) for i in range(31, 61)]
    staging.load_reports(items, "stats-2", url)
    with psycopg.connect(url) as conn:
        reports = conn.execute("SELECT count(*) FROM staging.report").fetchone()[0]
        for table, column in statistics.REPORT_ROWS.items():
            assert not _stale(url, table)  # analyzed again: it doubled
            share = -reports / conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            moved = abs(share - before[table]) > statistics.REPORT_SHARE_TOLERANCE * abs(before[table])
            assert _n_distinct(url, table, column)[0] == (pytest.approx(share, rel=1e-3) if moved else before[table])


def test_a_role_that_may_not_alter_the_table_keeps_analyzes_estimate(quiet_autovacuum, caplog):
    """As ANALYZE skips a table its role may not analyze, the share of reports is left as it is, with a warning."""
    url = quiet_autovacuum
    rng = random.Random(13)
    staging.load_reports([(f"{i:064x}", parsed.parsed_report(rng, i)) for i in range(1, 11)], "stats-3", url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP ROLE IF EXISTS nianbao_stats_reader")
        conn.execute("CREATE ROLE nianbao_stats_reader")
        try:
            conn.execute("GRANT USAGE ON SCHEMA staging TO nianbao_stats_reader")
            conn.execute("GRANT SELECT ON ALL TABLES IN SCHEMA staging TO nianbao_stats_reader")
            conn.execute("ALTER TABLE staging.fact ALTER COLUMN report_id RESET (n_distinct)")
            conn.execute("SET ROLE nianbao_stats_reader")
            statistics._count_reports(conn, "staging.fact", "report_id")
            conn.execute("RESET ROLE")
            assert _n_distinct(url, "staging.fact", "report_id")[0] is None
            assert "cannot set the reports per row of staging.fact" in caplog.text
        finally:
            conn.execute("RESET ROLE")
            conn.execute("REVOKE ALL ON ALL TABLES IN SCHEMA staging FROM nianbao_stats_reader")
            conn.execute("REVOKE ALL ON SCHEMA staging FROM nianbao_stats_reader")
            conn.execute("DROP ROLE nianbao_stats_reader")
