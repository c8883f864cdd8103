"""Planner statistics kept fresh by the warehouse itself, after it writes, whether or not the server's autovacuum runs.

PostgreSQL plans each query from its tables' statistics. A load that takes a table from empty to millions of rows, on
a server whose autovacuum is off or has not come round yet, leaves the planner believing the table is small, and a
query that should look up a few reports' rows reads all of them (migration 0009 has the measurement). After each
load nianbao analyzes the tables it wrote whose statistics autovacuum's own rule calls stale
(``audit.statistics_stale``): about once per 10 % of growth, so ~20 times over a 100,000-report load, ~0.6 s each for
12 M facts, and not at all for a monthly run's 1 %.

Before it analyzes a table of rows per report, it also tells PostgreSQL how many reports the table's rows belong to
(``REPORT_ROWS``), which the sample gets wrong: rows are loaded report by report, so each report's rows lie together,
and ANALYZE's sample of 30,000 rows meets a report's rows in runs. At 100,000 reports (12 M facts) it counted 32,828
distinct ``report_id`` in ``staging.fact`` where there were 103,483, so the planner expected 3× the facts a report has
and hashed all 12 M facts where a few thousand index lookups were due (an incremental mart: 0.17 s with the right count,
1.1 s without; benchmarks/README.md).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from psycopg import errors, sql

log = logging.getLogger(__name__)

# What the loaders write: staging (warehouse.staging.load_reports) and raw (the crawl's RawStorePipeline).
STAGING_TABLES = ("staging.report", "staging.fact", "staging.check_result", "staging.problem")
RAW_TABLES = ("raw.document", "raw.fetch")

# Tables whose rows belong to a report, by their column naming it: nearly every report has rows in these (its figures,
# its rule checks), so the number of distinct values is the number of reports (staging.problem's are far fewer).
REPORT_ROWS = {"staging.fact": "report_id", "staging.check_result": "report_id"}
# The distinct count is given to PostgreSQL as a fraction of the table's rows (negative n_distinct), which holds while
# the table grows; it is written again only when the fraction has moved by more than this (a catalog write each time).
REPORT_SHARE_TOLERANCE = 0.1


def analyze_stale(conn, tables: Iterable[str]) -> list[str]:
    """ANALYZE those of ``tables`` ("schema.table") whose statistics are stale; returns them.

    ``conn``: a psycopg connection in autocommit mode, after the load committed (its rows are then counted).
    SKIP_LOCKED: a table another session is analyzing (a parse batch beside this one, autovacuum) is left to it."""
    tables = list(tables)
    if conn.info.server_version >= 150000:
        # The load's own row counts reach the shared statistics when this session is next idle, at most once a
        # second: now, before they are compared (else they would be counted after the ANALYZE, as new changes).
        conn.execute("SELECT pg_stat_force_next_flush()")
    stale = [
        name
        for (name,) in conn.execute(
            "SELECT name FROM unnest(%s::text[]) AS name WHERE audit.statistics_stale(name::regclass)", (tables,)
        )
    ]
    for name in stale:
        schema, table = name.split(".")
        if name in REPORT_ROWS:
            _count_reports(conn, name, REPORT_ROWS[name])
        conn.execute(sql.SQL("ANALYZE (SKIP_LOCKED) {}").format(sql.Identifier(schema, table)))
    if stale:
        log.info("statistics refreshed: %s", ", ".join(stale))
    return stale


def _count_reports(conn, table: str, column: str) -> None:
    """Set ``column``'s n_distinct (read by the next ANALYZE, autovacuum's too) to the share of ``table``'s rows that
    staging.report's row count makes: one distinct value per report."""
    reports, rows, current = conn.execute(
        """SELECT (SELECT count(*) FROM staging.report),
                  (SELECT n_live_tup FROM pg_stat_user_tables WHERE relid = %(table)s::regclass),
                  (SELECT option.option_value::float8
                   FROM pg_attribute AS attribute, pg_options_to_table(attribute.attoptions) AS option
                   WHERE attribute.attrelid = %(table)s::regclass AND attribute.attname = %(column)s
                     AND option.option_name = 'n_distinct')""",
        {"table": table, "column": column},
    ).fetchone()
    if not reports or not rows:
        return
    share = -min(1.0, reports / rows)
    if current is not None and abs(share - current) <= REPORT_SHARE_TOLERANCE * abs(current):
        return
    schema, name = table.split(".")
    try:
        conn.execute(
            sql.SQL("ALTER TABLE {} ALTER COLUMN {} SET (n_distinct = {})").format(
                sql.Identifier(schema, name), sql.Identifier(column), sql.Literal(round(share, 6))
            )
        )
    except errors.InsufficientPrivilege as exc:  # as ANALYZE does for a table it may not analyze: warn, go on
        log.warning("cannot set the reports per row of %s (%s): the planner keeps ANALYZE's estimate", table, exc)
