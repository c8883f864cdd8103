"""How long validation takes against the full dbt build it follows, on the same warehouse.

    .venv/bin/python benchmarks/validate_speed.py                     # 20,000 reports
    .venv/bin/python benchmarks/validate_speed.py --reports 100000    # the national-scale warehouse (12.3 M facts)

Target (issue 14): validating N reports takes no longer than the full `dbt build` of the same N reports
(ratio ≤ 1.0). Before the rules were evaluated once (issue 12), validation recomputed every balance rule in SQL
over the facts: 368 s against the full build's 73 s at 100,000 reports (5.0×).

A throwaway database is filled as benchmarks/dbt_build.py fills it (its generator: organs × consecutive years
across the three eras, duplicates, prose-only reports, broken balances, cross-year disagreements); each report
with tables then gets the checks a parsed report carries (about 45: row sums, outcome sums, balances per
column, table 四 sums, prose against tables — a parse of the seeds gives 44–48), so that staging.check_result
is as large as the parser makes it. Then rounds of, in this order, each as the pipeline runs it and timed from
the command's start (start-up included): the full `dbt build` (the plan of nianbao.dbt_builds, --full-refresh
after the first), and `python -m expectations` (every suite, data docs rebuilt: what `nianbao validate` runs; the
GX project it writes on its first run is kept, as every later run of the pipeline finds it). The figure is the
fastest of each over the rounds: on a shared machine the other processes only ever add time.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
from dbt_build import REPO, dbt_build, fill
from psycopg import sql

BEFORE = {"reports": 100_000, "validate_s": 368.0, "dbt_full_s": 73.0}  # issue 14, measured before issue 12

# The checks a parsed report with tables carries besides the two the generator writes (balance of the total
# column, one prose figure), all holding: one row sum per table 三 row, one outcome sum and one balance per
# applicant column, one sum per table 四 group.
TOP_UP_CHECKS = """
INSERT INTO staging.check_result (report_id, rule, ok, severity, detail, field, expected, actual)
SELECT f.report_id, 'applications.row_sum.' || f.row_code, true, 'error', 'bench',
       'applications.' || f.row_code || '.total', f.value, f.value
FROM staging.fact AS f
WHERE f.table_name = 'applications' AND f.col_code = 'total'
UNION ALL
SELECT f.report_id, 'applications.outcomes_sum.' || f.col_code, true, 'error', 'bench',
       'applications.total_processed.' || f.col_code, f.value, f.value
FROM staging.fact AS f
WHERE f.table_name = 'applications' AND f.row_code = 'total_processed'
UNION ALL
SELECT f.report_id, 'applications.balance.' || f.col_code, true, 'error', 'bench',
       'applications.total_processed.' || f.col_code, f.value, f.value
FROM staging.fact AS f
WHERE f.table_name = 'applications' AND f.row_code = 'carried_over' AND f.col_code <> 'total'
UNION ALL
SELECT f.report_id, 'review_litigation.' || f.row_code || '_sum', true, 'error', 'bench',
       'review_litigation.' || f.row_code || '.total', f.value, f.value
FROM staging.fact AS f
WHERE f.table_name = 'review_litigation' AND f.col_code = 'total'
"""


def validate_once(url: str, home: Path) -> tuple[float, str]:
    """`python -m expectations --all --url URL` (all suites, every row, data docs), timed; returns (seconds, its
    summary). --all: a later round would otherwise check only the rows loaded since the one before (none)."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "expectations", "--all", "--url", url],
        cwd=REPO,
        env={**os.environ, "NIANBAO_HOME": str(home)},
        text=True,
        capture_output=True,
        check=False,
        timeout=3600,
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"validation failed (exit {result.returncode}):\n{result.stdout[-5000:]}\n{result.stderr[-3000:]}")
    return seconds, result.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=20_000)
    parser.add_argument(
        "--admin-url",
        default=os.environ.get("NIANBAO_TEST_EXTERNAL_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--rounds", type=int, default=2, help="dbt build + validation rounds (the fastest counts)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards (its name is printed)")
    args = parser.parse_args()

    from nianbao import dbt_builds
    from warehouse.connection import with_database
    from warehouse.migrate import upgrade

    name = f"nianbao_validate_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(args.admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = with_database(args.admin_url, name)
    work = Path(tempfile.mkdtemp(prefix="validate_bench_"))
    try:
        upgrade(url)
        documents = fill(url, args.reports, 1, "now() - 60 days")
        with psycopg.connect(url) as conn:
            conn.execute(TOP_UP_CHECKS)
            conn.commit()
            conn.execute("ANALYZE staging.check_result")
            facts = conn.execute("select count(*) from staging.fact").fetchone()[0]
            checks = conn.execute("select count(*) from staging.check_result").fetchone()[0]
        print(f"staging: {args.reports:,} reports ({documents:,} documents, {facts:,} facts, {checks:,} checks)")

        dbt_runs: list[float] = []
        validate_runs: list[float] = []
        for round_ in range(args.rounds):
            plan = dbt_builds.plan_build(url, full_refresh=round_ > 0)
            assert plan.mode == "full", plan
            dbt_runs.append(dbt_build(url, work / "target", *plan.dbt_args))
            dbt_builds.record_build(url, plan)
            seconds, summary = validate_once(url, work / "home")
            validate_runs.append(seconds)
            print(
                f"round {round_ + 1}: full dbt build {dbt_runs[-1]:6.1f} s, validation {seconds:6.1f} s"
                f"{'  (writes the GX project)' if round_ == 0 else ''}: {seconds / dbt_runs[-1]:.2f}"
            )
        for line in summary.splitlines()[1:5]:
            print("   ", line.strip())
        dbt_s, validate_s = min(dbt_runs), min(validate_runs)
        before = BEFORE["validate_s"] / BEFORE["dbt_full_s"]
        print(f"full dbt build: {dbt_s:.1f} s; validation: {validate_s:.1f} s (fastest of {args.rounds} rounds)")
        print(
            f"validation / full dbt build: {validate_s / dbt_s:.2f} (target ≤ 1.0); before the rules were "
            f"evaluated once: {BEFORE['validate_s']:.0f} s / {BEFORE['dbt_full_s']:.0f} s = {before:.1f} at "
            f"{BEFORE['reports']:,} reports"
        )
    finally:
        if args.keep:
            print(f"kept database {name}")
        else:
            with psycopg.connect(args.admin_url, autocommit=True) as conn:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


if __name__ == "__main__":
    main()
