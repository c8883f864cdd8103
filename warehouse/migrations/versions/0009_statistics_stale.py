"""audit.statistics_stale(table): whether PostgreSQL's planner statistics of a table are older than autovacuum allows.

The planner picks index lookups or whole-table scans from each table's statistics, which ANALYZE gathers. The
server's autovacuum gathers them once a table has changed by ``autovacuum_analyze_threshold +
autovacuum_analyze_scale_factor × its rows`` (50 + 10 % by default), a minute later at best, and never where it is
off: on such a server (this machine's) the 100,000-report benchmark loaded 12 M facts that were never analyzed, and
the monthly build of marts.fct_applications, planned as if staging.fact were small, read all of it: 9.0 s instead
of 0.46 s. So nianbao applies autovacuum's rule itself after it writes (``warehouse.statistics``, the marts'
post-hook in dbt/macros/incremental_reports.sql), with the server's own settings; where autovacuum runs, it only
gets there first. A table never analyzed is stale (a table dbt has just created holds rows its statistics have not
counted yet).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE OR REPLACE FUNCTION audit.statistics_stale(tbl regclass) RETURNS boolean
        LANGUAGE sql STABLE AS $$
            SELECT coalesce(s.last_analyze, s.last_autoanalyze) IS NULL
                OR s.n_mod_since_analyze > current_setting('autovacuum_analyze_threshold')::float8
                    + current_setting('autovacuum_analyze_scale_factor')::float8 * greatest(c.reltuples, 0)
            FROM pg_stat_all_tables AS s JOIN pg_class AS c ON c.oid = s.relid
            WHERE s.relid = tbl
        $$
    """)
    op.execute(
        "COMMENT ON FUNCTION audit.statistics_stale(regclass) IS "
        "'The planner statistics of the table are older than autovacuum allows (never analyzed, or changed by more "
        "than autovacuum_analyze_threshold + autovacuum_analyze_scale_factor x its rows since)'"
    )


def downgrade() -> None:
    op.execute("DROP FUNCTION IF EXISTS audit.statistics_stale(regclass)")
