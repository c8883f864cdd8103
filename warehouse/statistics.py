"""Planner statistics kept fresh by the warehouse itself, after it writes, whether or not the server's autovacuum runs.

PostgreSQL plans each query from its tables' statistics. A load that takes a table from empty to millions of rows, on
a server whose autovacuum is off or has not come round yet, leaves the planner believing the table is small, and a
query that should look up a few reports' rows reads all of them (migration 0009 has the measurement). After each
load nianbao analyzes the tables it wrote whose statistics autovacuum's own rule calls stale
(``audit.statistics_stale``): about once per 10 % of growth, so ~20 times over a 100,000-report load, ~0.6 s each for
12 M facts, and not at all for a monthly run's 1 %.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from psycopg import sql

log = logging.getLogger(__name__)

# What the loaders write: staging (warehouse.staging.load_reports) and raw (the crawl's RawStorePipeline).
STAGING_TABLES = ("staging.report", "staging.fact", "staging.check_result", "staging.problem")
RAW_TABLES = ("raw.document", "raw.fetch")


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
        conn.execute(sql.SQL("ANALYZE (SKIP_LOCKED) {}").format(sql.Identifier(schema, table)))
    if stale:
        log.info("statistics refreshed: %s", ", ".join(stale))
    return stale
