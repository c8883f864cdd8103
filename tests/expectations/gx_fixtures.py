"""Data and helpers of the expectations tests (a module with a unique name, so that test modules can import it
whatever other conftest.py files the session loads): the seeds, a loader writing reports straight into staging
with the checks the parser's own rules give them, a stand-in for dbt's marts, and ``breaking()`` which runs one
rule's SQL.

The seeds are the true figures of ../shared/seeds 000 (宿迁市人民政府 2020, every rule holds) and 003
(淮北市人民政府办公室 2020, prose swaps two of its table's figures). They are read from the hand transcription in
tests/fixtures/seeds/ (not parsed); their checks are evaluated by ``parsers.checks``, the one place the per-report
rules live, exactly as the parser evaluates them on a parsed report.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from pathlib import Path

import psycopg

from expectations import catalog
from parsers.checks import application_checks, narrative_checks, review_checks

SEED_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"


def _seed(number: str) -> dict:
    """A seed report as printed: the hand transcription in tests/fixtures/seeds/ (one copy for every test)."""
    expected = json.loads((SEED_FIXTURES / f"{number}.expected.json").read_text(encoding="utf-8"))
    keys = ("organ", "year", "era", "applications", "review_litigation", "proactive", "narrative")
    return {key: expected[key] for key in keys if expected.get(key) is not None}


# Seed 000: 宿迁市人民政府 2020 (2019 format); passes every rule.
SEED_000 = _seed("000")
# Seed 003: 淮北市人民政府办公室 2020. Its prose (予以公开10件，部分公开1件，其他处理的24件，无法提供的1件) swaps
# "other" and "unavailable" against its table.
SEED_003 = _seed("003")


def copy_report(report: dict, **changes) -> dict:
    """A deep copy of a seed with top-level keys replaced."""
    out = json.loads(json.dumps(report, ensure_ascii=False))
    out.update(changes)
    return out


class Warehouse:
    """A migrated test database and a way to put reports in it."""

    def __init__(self, url: str):
        self.url = url

    def execute(self, sql: str, params=None) -> None:
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(sql, params)

    def query(self, sql: str, params=None) -> list[tuple]:
        with psycopg.connect(self.url, autocommit=True) as conn:
            return conn.execute(sql, params).fetchall()

    def load(
        self,
        report: dict,
        *,
        derived: set[tuple[str, str, str]] = frozenset(),
        is_current: bool = True,
        parser_version: str = "test-1",
        document: str | None = None,
        checks: list[dict] | None = None,
    ) -> int:
        """Insert ``report`` (contract shape) as one staging report; ``derived`` lists (table, row, col) cells
        the parser derived; ``checks`` (default: ``parser_checks(report, derived)``) go to staging.check_result.
        Returns the report_id."""
        sha = document or hashlib.sha256(uuid.uuid4().bytes).hexdigest()
        facts = []
        for table in ("applications", "review_litigation", "proactive"):
            for row, cols in (report.get(table) or {}).items():
                for col, value in cols.items():
                    facts.append((table, row, col, value, (table, row, col) in derived))
        for key, value in (report.get("narrative") or {}).items():
            facts.append(("narrative", key, "value", value, False))
        if checks is None:
            checks = parser_checks(report, derived)
        with psycopg.connect(self.url, autocommit=False) as conn:
            report_id = conn.execute(
                "INSERT INTO staging.report (document_sha256, parser_version, is_current, organ, report_year, era,"
                " script, report_json) VALUES (%s, %s, %s, %s, %s, %s, 'simplified', %s::jsonb) RETURNING report_id",
                (
                    sha,
                    parser_version,
                    is_current,
                    report["organ"],
                    report["year"],
                    report["era"],
                    json.dumps(report, ensure_ascii=False),
                ),
            ).fetchone()[0]
            with conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO staging.fact (report_id, table_name, row_code, col_code, value, is_derived)"
                    " VALUES (%s, %s, %s, %s, %s, %s)",
                    [(report_id, *f) for f in facts],
                )
                cur.executemany(
                    "INSERT INTO staging.check_result (report_id, rule, ok, severity, detail, field, expected, actual)"
                    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                    [
                        (
                            report_id,
                            c["rule"],
                            c["ok"],
                            c["severity"],
                            c.get("detail"),
                            c.get("field"),
                            c.get("expected"),
                            c.get("actual"),
                        )
                        for c in checks
                    ],
                )
            conn.commit()
        return report_id

    def build_marts(self, *, passes: bool | None = None, cross_year=(), drop=(), add=(), lose=()) -> None:
        """A stand-in for ``dbt build``: one mart row per (organ, year), the lowest report_id as primary, its
        parser breaches and the ``cross_year`` findings — (report_id, rule) pairs, as dbt's int_rule_findings
        would evaluate them — listed in fct_rule_findings. To make the marts wrong on purpose: ``drop`` leaves
        these (report_id, rule) findings out of fct_rule_findings, ``add`` lists findings that are no breach,
        ``passes`` overrides passes_balance_rules (default: false when the report has findings, else true),
        and the reports in ``lose`` get no mart row."""
        self.execute(DBT_MARTS_DDL)
        # report_parsed_at: the newest parse of the report's documents; context_parsed_at: also of the organ's
        # previous-year report (dbt's two timestamps, which its incremental marts rebuild a report by)
        self.execute(
            "INSERT INTO marts_intermediate.int_report_documents_deduplicated"
            " SELECT report_id, report_key, is_primary, report_parsed_at,"
            "        greatest(report_parsed_at, (SELECT max(p.parsed_at) FROM staging.report p"
            "                                    WHERE p.is_current AND p.organ = d.organ"
            "                                      AND p.report_year = d.report_year - 1))"
            " FROM (SELECT report_id, organ, report_year, organ || '|' || report_year AS report_key,"
            "              report_id = min(report_id) OVER (PARTITION BY organ, report_year) AS is_primary,"
            "              max(parsed_at) OVER (PARTITION BY organ, report_year) AS report_parsed_at"
            "       FROM staging.report WHERE is_current) AS d"
        )
        self.execute(
            "INSERT INTO marts_intermediate.int_rule_findings"
            " SELECT d.report_key, c.report_id, c.rule, c.ok, 'parser', d.context_parsed_at"
            " FROM staging.check_result c JOIN marts_intermediate.int_report_documents_deduplicated d"
            "   ON d.report_id = c.report_id AND d.is_primary"
        )
        for report_id, rule in cross_year:
            self.execute(
                "INSERT INTO marts_intermediate.int_rule_findings"
                " SELECT report_key, report_id, %s, false, 'warehouse', context_parsed_at"
                " FROM marts_intermediate.int_report_documents_deduplicated WHERE report_id = %s",
                (rule, report_id),
            )
        self.execute(
            "INSERT INTO marts.fct_rule_findings"
            " (report_key, report_id, report_year, rule_family, rule, rule_origin, context_parsed_at)"
            " SELECT e.report_key, e.report_id::text, r.report_year,"
            "        split_part(e.rule, '.', 1) || '.' || split_part(e.rule, '.', 2), e.rule, e.rule_origin,"
            "        e.context_parsed_at"
            " FROM marts_intermediate.int_rule_findings e JOIN staging.report r USING (report_id)"
            " WHERE e.ok = false"
        )
        for report_id, rule in drop:
            self.execute(
                "DELETE FROM marts.fct_rule_findings WHERE report_id = %s AND rule = %s", (str(report_id), rule)
            )
        for report_id, rule in add:
            self.execute(
                "INSERT INTO marts.fct_rule_findings (report_key, report_id, rule, rule_origin, context_parsed_at)"
                " SELECT report_key, report_id::text, %s, 'parser', context_parsed_at"
                " FROM marts_intermediate.int_report_documents_deduplicated WHERE report_id = %s",
                (rule, report_id),
            )
        flow = (
            "(SELECT value FROM staging.fact f WHERE f.report_id = r.report_id AND table_name = 'applications'"
            " AND col_code = 'total' AND row_code = '{}')"
        )
        self.execute(
            "INSERT INTO marts.mart_report_summary SELECT d.report_key, r.organ, r.report_year, r.era, 'table', "
            + ", ".join(
                flow.format(row)
                for row in ("new_received", "carried_over", "total_processed", "carried_forward", "granted")
            )
            + ", 1, 0, coalesce(%s, NOT EXISTS (SELECT FROM marts.fct_rule_findings x"
            "                                   WHERE x.report_key = d.report_key)),"
            " r.report_id::text, 1"
            " FROM marts_intermediate.int_report_documents_deduplicated d JOIN staging.report r USING (report_id)"
            " WHERE d.is_primary AND NOT r.report_id = ANY(%s)",
            (passes, list(lose)),
        )

    def set_fact(self, report_id: int, table: str, row: str, col: str, value) -> None:
        self.execute(
            "UPDATE staging.fact SET value = %s WHERE report_id = %s AND table_name = %s AND row_code = %s"
            " AND col_code = %s",
            (value, report_id, table, row, col),
        )


# The marts as dbt builds them (dbt/models/marts/mart_report_summary.sql, fct_rule_findings.sql and
# intermediate/int_report_documents_deduplicated.sql, int_rule_findings.sql — a view there, a table here),
# reduced to the columns the expectations read.
DBT_MARTS_DDL = """
CREATE SCHEMA IF NOT EXISTS marts_intermediate;
CREATE TABLE marts_intermediate.int_report_documents_deduplicated (
    report_id bigint, report_key text, is_primary boolean, report_parsed_at timestamptz,
    context_parsed_at timestamptz);
CREATE TABLE marts_intermediate.int_rule_findings (
    report_key text, report_id bigint, rule text, ok boolean, rule_origin text, context_parsed_at timestamptz);
CREATE TABLE marts.mart_report_summary (
    report_key text, organ_name text, report_year smallint, era text, figures_source text,
    applications_received numeric, applications_carried_over numeric, applications_processed numeric,
    applications_carried_forward numeric, granted numeric, rules_evaluated integer, rules_failed integer,
    passes_balance_rules boolean, primary_report_id text, document_count integer,
    partially_granted numeric, granted_incl_partial numeric, denied numeric, unavailable numeric, rejected numeric,
    other_handled numeric, review_total numeric, review_corrected numeric, litigation_total numeric,
    litigation_corrected numeric);
CREATE TABLE marts.fct_rule_findings (
    report_key text, report_id text, rule_family text, rule text, rule_origin text, severity text,
    expected numeric, actual numeric, detail text, report_year integer, field text, context_parsed_at timestamptz);
"""


def parser_checks(report: dict, derived=frozenset()) -> list[dict]:
    """The checks the parser gives a report: its per-report rules (parsers/checks.py), evaluated as
    parsers/report.py evaluates them on a report with printed tables."""
    fields = {".".join(cell) for cell in derived}
    apps, review = report.get("applications"), report.get("review_litigation")
    checks = application_checks(apps, fields) + review_checks(review, fields)
    return checks + narrative_checks(
        report.get("narrative") or {}, apps, review, apps is not None or review is not None
    )


def breaking(wh: Warehouse, name: str, rules=None, since=None) -> list[dict]:
    """The rows the rule ``name`` lists as breaking it, with ``{batch}`` read as the suite's whole table (the
    catalog's SQL run directly, without GX: fast, and exact about which rows fail); a scoped rule reads the rows
    since ``since`` (default: every row)."""
    from psycopg.rows import dict_row

    rule = next(r for r in (rules or catalog.staging_rules() + catalog.marts_rules()) if r.name == name)
    rule = rule.in_scope(since)
    _, schema, table = catalog.SUITES[rule.suite]
    with psycopg.connect(wh.url, row_factory=dict_row) as conn:
        return conn.execute(rule.sql.replace("{batch}", f"{schema}.{table}")).fetchall()
