"""Benchmark: staging load with COPY (warehouse.staging.load_reports) vs pandas ``to_sql(method="multi")``.

    .venv/bin/python benchmarks/warehouse_load.py                 # 2,000 synthetic reports (~400k facts)
    .venv/bin/python benchmarks/warehouse_load.py --reports 100000

Both load the same synthetic facts (valid random tables, ``reportgen.parsed``) into a scratch database that
is created on the warehouse's server (embedded unless ``$NIANBAO_DATABASE_URL``) and dropped afterwards.
pandas' multi-row INSERT is slow enough that at large N it gets the first ``--to-sql-reports`` reports of the
same rows only (printed); rows/s is what is compared. Generating the reports is not timed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout without installing

import pandas as pd
import psycopg
import sqlalchemy as sa
from psycopg import sql

from reportgen import parsed
from warehouse import connection, migrate, staging

CHUNK_REPORTS = 5_000  # reports generated (untimed) then loaded (timed) at a time: bounds memory at large N


def _scratch_database(admin_url: str) -> str:
    name = f"nianbao_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return name


def time_copy(url: str, reports: int, batch_size: int) -> tuple[int, float]:
    """(fact rows, seconds) for loading ``reports`` synthetic reports with load_reports."""
    facts, seconds = 0, 0.0
    for start in range(0, reports, CHUNK_REPORTS):
        items = [
            (parsed.document_sha256(i, "bench"), parsed.parsed_report(__import__("random").Random(i), i))
            for i in range(start, min(reports, start + CHUNK_REPORTS))
        ]
        started = time.perf_counter()
        stats = staging.load_reports(items, "bench", url, batch_size=batch_size)
        seconds += time.perf_counter() - started
        facts += stats.facts
    return facts, seconds


def time_to_sql(url: str, reports: int) -> tuple[int, float]:
    """(fact rows, seconds) for the same facts through pandas.to_sql(method="multi")."""
    rows = []
    for i in range(reports):
        facts, _ = staging.fact_rows(parsed.parsed_report(__import__("random").Random(i), i))
        rows.extend((i + 1, *fact) for fact in facts)
    frame = pd.DataFrame(rows, columns=list(staging.FACT_COLUMNS))
    frame["value"] = frame["value"].astype(float)
    engine = sa.create_engine(connection.sqlalchemy_url(url, "psycopg"))
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE public.fact_to_sql (LIKE staging.fact INCLUDING DEFAULTS)"))
    started = time.perf_counter()
    frame.to_sql(
        "fact_to_sql", engine, schema="public", if_exists="append", index=False, method="multi", chunksize=1_000
    )
    seconds = time.perf_counter() - started
    engine.dispose()
    return len(frame), seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=2_000, help="synthetic reports to load with COPY")
    parser.add_argument(
        "--to-sql-reports",
        type=int,
        default=500,
        help="at most this many of the same reports through pandas.to_sql (it is slow)",
    )
    parser.add_argument("--batch-size", type=int, default=500, help="reports per COPY transaction")
    args = parser.parse_args()

    admin_url = connection.database_url()
    name = _scratch_database(admin_url)
    url = connection.with_database(admin_url, name)
    try:
        migrate.upgrade(url)
        copy_rows, copy_seconds = time_copy(url, args.reports, args.batch_size)
        sql_reports = min(args.reports, args.to_sql_reports)
        sql_rows, sql_seconds = time_to_sql(url, sql_reports)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    copy_rate, sql_rate = copy_rows / copy_seconds, sql_rows / sql_seconds
    server = "external ($NIANBAO_DATABASE_URL)" if os.environ.get(connection.DATABASE_URL_ENV) else "embedded"
    print(f"server: {server}")
    print(
        f"COPY (load_reports)      {args.reports:>8,} reports  {copy_rows:>11,} facts  {copy_seconds:8.2f} s"
        f"  {copy_rate:>10,.0f} facts/s"
    )
    print(
        f"pandas to_sql(multi)     {sql_reports:>8,} reports  {sql_rows:>11,} facts  {sql_seconds:8.2f} s"
        f"  {sql_rate:>10,.0f} facts/s"
    )
    print(f"ratio COPY / to_sql: {copy_rate / sql_rate:.1f}x (target >= 10x)")


if __name__ == "__main__":
    main()
