"""How long dbt takes to build the marts: a full build of N reports, then a monthly run adding 1,000.

    .venv/bin/python benchmarks/dbt_build.py                      # 10,000 reports
    .venv/bin/python benchmarks/dbt_build.py --reports 100000     # target: full build ≤ 5 min
    .venv/bin/python benchmarks/dbt_build.py --admin-url postgresql://postgres@127.0.0.1:5432/postgres --keep

A throwaway database is created on the server of --admin-url (default: the machine's PostgreSQL), migrated
with the warehouse's migrations and filled with synthetic staging rows by COPY (psycopg 3): reports of
organs × consecutive years across the three eras, with their tables, narrative figures and checks; a few
reports arrive as two documents, a few are prose only, a few break a rule or disagree with last year.
Then the builds the pipeline plans (nianbao.dbt_builds): the first, full `dbt build`; then, after adding
--increment reports (the next year of existing organs, parsed later), the monthly incremental one (new
reports only, testing their rows; target ≤ 10% of the full build). The incremental run is timed as a
recurring monthly run finds dbt: with the partial-parse state of the same command (a `dbt parse` with the
same --vars, timed and shown apart).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
from psycopg import sql

from parsers import vocabulary
from warehouse import statistics

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
DBT_DIR = REPO / "dbt"
DBT = str(Path(sys.executable).parent / "dbt")

COLS = tuple(c for c in vocabulary.APPLICANT_COLUMN_CODES if c != "total")
REVIEW = tuple(vocabulary.REVIEW_GROUP_CODES)
REVIEW_MEASURES = tuple(vocabulary.REVIEW_MEASURE_CODES)  # the four outcomes, then total
PROACTIVE = {
    "rules": ("new_made", "new_published", "published_total"),
    "normative_documents": ("new_made", "new_published", "published_total"),
    "licensing": ("prev_year_items", "change", "decisions"),
    "penalties": ("prev_year_items", "change", "decisions"),
}
YEARS_PER_ORGAN = 10  # each organ reports 2015 … 2024: consecutive years feed the cross-year rule
FIRST_YEAR = 2015


class Generator:
    """Writes staging rows as COPY text, cheaply: numbers are arithmetic, not random (reproducible)."""

    def __init__(self):
        self.report = io.StringIO()
        self.fact = io.StringIO()
        self.check = io.StringIO()
        self.carried_forward: dict[int, int] = {}  # organ → last year's carried forward (total)

    def add(
        self,
        report_id: int,
        organ: int,
        year: int,
        parsed_at: str,
        *,
        media: str = "html",
        prose_only: bool = False,
        broken: bool = False,
        cross_year_mismatch: bool = False,
    ) -> None:
        era = vocabulary.era_of_year(year)
        # a format with table 三 of its own prints the applicant columns; a pre-2019 统计表 only the total
        modern = "applications" in vocabulary.era(era).tables
        name = f"合成{organ // 100}市第{organ}区人民政府"
        sha = hashlib.sha256(f"bench-{report_id}".encode()).hexdigest()
        url = f"https://example.gov.cn/{organ}/{year}.{media}"
        self.report.write(
            f"{report_id}\t{sha}\tbench\t{parsed_at}\tt\t{url}\tbench\t{name}\t{year}\t{era}\t"
            f"simplified\t{year + 1}-03-01\t{name}{year}年报告\t{{}}\n"
        )
        fact = self.fact.write
        seed = report_id * 7919
        if prose_only:
            fact(f"{report_id}\tnarrative\tapplications_received\tvalue\t{seed % 900 + 10}\tf\t\\N\t\\N\n")
            fact(f"{report_id}\tnarrative\treview_total\tvalue\t{seed % 13}\tf\t\\N\t\\N\n")
            return
        cols = COLS if modern else ()
        carried_over_total = self.carried_forward.get(organ, 0) if modern else 0
        if cross_year_mismatch:
            carried_over_total += 3
        rows: dict[str, dict[str, int]] = {}
        outcome_rows = vocabulary.outcome_rows(era)  # the rows whose sum is （七）总计 in this format
        for n, row in enumerate(outcome_rows):
            if cols:
                cells = {c: (seed + 31 * n + 17 * m) % (9 if m else 40) for m, c in enumerate(cols)}
                cells["total"] = sum(cells.values())
            else:
                cells = {"total": (seed + 31 * n) % 60}
            rows[row] = cells
        processed = {c: sum(rows[r][c] for r in outcome_rows) for c in (*cols, "total")}
        carried_forward = {c: (seed + m) % 3 for m, c in enumerate(cols)} if cols else {}
        carried_forward["total"] = sum(carried_forward.values())
        carried_over = {c: 0 for c in cols}
        if cols:
            carried_over["natural_person"] = carried_over_total
        carried_over["total"] = carried_over_total
        received = {c: processed[c] + carried_forward.get(c, 0) - carried_over.get(c, 0) for c in processed}
        if broken:
            received["total"] += 1
        if not modern:
            rows = {"new_received": received, "total_processed": processed, **rows}
        else:
            rows = {
                "new_received": received,
                "carried_over": carried_over,
                **rows,
                "total_processed": processed,
                "carried_forward": carried_forward,
            }
            self.carried_forward[organ] = carried_forward["total"]
        for row, cells in rows.items():
            for col, value in cells.items():
                fact(f"{report_id}\tapplications\t{row}\t{col}\t{value}\tf\ttable 3\t\\N\n")
        if modern:
            for g, group in enumerate(REVIEW):
                measures = [(seed + g + k) % 5 for k in range(4)]
                for measure, value in zip(REVIEW_MEASURES, (*measures, sum(measures))):
                    fact(f"{report_id}\treview_litigation\t{group}\t{measure}\t{value}\tf\ttable 4\t\\N\n")
            for item, measures in PROACTIVE.items():
                for k, measure in enumerate(measures):
                    fact(f"{report_id}\tproactive\t{item}\t{measure}\t{(seed + k) % 300}\tf\ttable 2\t\\N\n")
        if media == "html":  # the attachment copy of a report reads fewer figures (no prose)
            fact(f"{report_id}\tnarrative\tapplications_received\tvalue\t{received['total']}\tf\t\\N\t\\N\n")
        ok = "f" if broken else "t"
        self.check.write(
            f"{report_id}\tapplications.balance.total\t{ok}\terror\tbench\t"
            f"applications.total_processed.total\t{received['total'] + carried_over_total - (1 if broken else 0)}\t"
            f"{received['total'] + carried_over_total}\n"
        )
        self.check.write(f"{report_id}\tnarrative.applications_received\tt\twarning\tbench\t\\N\t\\N\t\\N\n")

    def flush(self, conn) -> None:
        cur = conn.cursor()
        for table, columns, buffer in (
            (
                "staging.report",
                (
                    "report_id, document_sha256, parser_version, parsed_at, is_current, source_url, "
                    "portal, organ, report_year, era, script, published_on, title, report_json"
                ),
                self.report,
            ),
            (
                "staging.fact",
                ("report_id, table_name, row_code, col_code, value, is_derived, provenance, printed_text"),
                self.fact,
            ),
            ("staging.check_result", "report_id, rule, ok, severity, detail, field, expected, actual", self.check),
        ):
            with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                copy.write(buffer.getvalue())
            buffer.seek(0)
            buffer.truncate()


def fill(
    url: str,
    reports: int,
    first_id: int,
    when: str,
    organs: range | None = None,
    year: int | None = None,
    generator: Generator | None = None,
) -> int:
    """Insert `reports` synthetic reports; returns the number of documents (reports + duplicates)."""
    gen = generator or Generator()
    documents = 0
    with psycopg.connect(url) as conn:  # `when` is SQL: "now", "now() - 60 days"
        expression = "now()" if when == "now" else when.replace(" - ", " - interval '") + "'"
        parsed_at = conn.execute(f"select ({expression})::text").fetchone()[0]
    report_id = first_id
    with psycopg.connect(url) as conn:
        for n in range(reports):
            if organs is None:
                organ, report_year = n // YEARS_PER_ORGAN, FIRST_YEAR + n % YEARS_PER_ORGAN
            else:
                organ, report_year = organs[n % len(organs)], year
            gen.add(
                report_id,
                organ,
                report_year,
                parsed_at,
                prose_only=n % 37 == 5,
                broken=n % 53 == 7,
                cross_year_mismatch=n % 29 == 3,
            )
            report_id += 1
            documents += 1
            if n % 31 == 0:  # the same report again as its PDF attachment
                gen.add(report_id, organ, report_year, parsed_at, media="pdf")
                report_id += 1
                documents += 1
            if n % 2000 == 1999:
                gen.flush(conn)
        gen.flush(conn)
    # as the loader leaves them (warehouse.staging.load_reports): the statistics the planner reads
    with psycopg.connect(url, autocommit=True) as conn:
        statistics.analyze_stale(conn, statistics.STAGING_TABLES)
    return documents


def dbt_env(url: str) -> dict[str, str]:
    from warehouse.connection import libpq_params

    params = libpq_params(url)
    return {
        **os.environ,
        "NIANBAO_DB_HOST": str(params["host"]),
        "NIANBAO_DB_PORT": str(params["port"]),
        "NIANBAO_DB_USER": str(params["user"]),
        "NIANBAO_DB_PASSWORD": str(params["password"] or ""),
        "NIANBAO_DB_NAME": str(params["dbname"]),
    }


def dbt_parse(url: str, target: Path, *extra: str) -> float:
    """`dbt parse` with these --vars: the partial-parse state a recurring run (same command) finds."""
    started = time.perf_counter()
    result = subprocess.run(
        [
            DBT,
            "parse",
            *extra,
            "--project-dir",
            str(DBT_DIR),
            "--profiles-dir",
            str(DBT_DIR),
            "--target-path",
            str(target),
            "--log-path",
            str(target / "logs"),
        ],
        env=dbt_env(url),
        text=True,
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"dbt parse failed:\n{result.stdout[-5000:]}")
    return time.perf_counter() - started


def dbt_build(url: str, target: Path, *args: str) -> float:
    """`dbt <args>` with the arguments the pipeline uses (nianbao.steps), timed."""
    started = time.perf_counter()
    result = subprocess.run(
        [
            DBT,
            *args,
            "--project-dir",
            str(DBT_DIR),
            "--profiles-dir",
            str(DBT_DIR),
            "--target-path",
            str(target),
            "--log-path",
            str(target / "logs"),
        ],
        env=dbt_env(url),
        text=True,
        capture_output=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"dbt build failed:\n{result.stdout[-5000:]}")
    slowest = sorted(
        (line for line in result.stdout.splitlines() if " in " in line and ("OK " in line or "PASS " in line)),
        key=lambda line: float(line.rsplit(" in ", 1)[1].split("s")[0]),
        reverse=True,
    )[:5]
    for line in slowest:
        print("      slowest:", line.split("  ", 1)[-1][:140])
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--increment", type=int, default=1_000)
    parser.add_argument(
        "--admin-url",
        default=os.environ.get("NIANBAO_TEST_EXTERNAL_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards (its name is printed)")
    args = parser.parse_args()

    from nianbao import dbt_builds
    from warehouse.connection import with_database
    from warehouse.migrate import upgrade

    name = f"nianbao_dbt_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(args.admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = with_database(args.admin_url, name)
    target = Path(tempfile.mkdtemp(prefix="dbt_bench_target_"))
    try:
        upgrade(url)
        started = time.perf_counter()
        generator = Generator()
        documents = fill(url, args.reports, 1, "now() - 60 days", generator=generator)
        with psycopg.connect(url) as conn:
            facts = conn.execute("select count(*) from staging.fact").fetchone()[0]
        load_s = time.perf_counter() - started
        print(f"staging: {args.reports:,} reports ({documents:,} documents, {facts:,} facts) by COPY in {load_s:.1f} s")

        # the pipeline's own plans (nianbao.dbt_builds): a first build is a full one, and it is logged
        plan = dbt_builds.plan_build(url)
        assert plan.mode == "full", plan
        full_s = dbt_build(url, target, *plan.dbt_args)
        dbt_builds.record_build(url, plan)
        print(f"full dbt build:        {full_s:7.1f} s   (target ≤ 300 s for 100,000 reports)")

        # dbt re-parses the whole project when --vars differ from the previous invocation's (here: the full
        # build's), while a recurring monthly run finds last month's identical command's state
        parse_s = dbt_parse(url, target, "--vars", dbt_builds.BUILD_VARS)
        organs = range(args.reports // YEARS_PER_ORGAN)
        added = fill(
            url,
            args.increment,
            10 * args.reports + 1,
            "now",
            organs=organs,
            year=FIRST_YEAR + YEARS_PER_ORGAN,
            generator=generator,
        )
        plan = dbt_builds.plan_build(url)
        assert plan.mode == "incremental", plan
        incremental_s = dbt_build(url, target, *plan.dbt_args)
        print(
            f"incremental dbt build: {incremental_s:7.1f} s   after adding {args.increment:,} reports "
            f"({added:,} documents): {100 * incremental_s / full_s:.1f}% of the full build (target ≤ 10%)"
        )
        print(
            f"  (+ {parse_s:.1f} s of `dbt parse` when the previous run had other --vars: "
            f"{100 * (incremental_s + parse_s) / full_s:.1f}%)"
        )
    finally:
        if args.keep:
            print(f"kept database {name}")
        else:
            with psycopg.connect(args.admin_url, autocommit=True) as conn:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


if __name__ == "__main__":
    main()
