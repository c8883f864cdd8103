"""Data and helpers of the expectations tests (a module with a unique name, so that test modules can import it
whatever other conftest.py files the session loads): the seeds, a loader writing reports straight into staging,
a stand-in for dbt's marts, and ``breaking()`` which runs one rule's SQL.

The seeds are the true figures of ../shared/seeds 000 (宿迁市人民政府 2020, every rule holds) and 003
(淮北市人民政府办公室 2020, prose swaps two of its table's figures). They are written here as data, not parsed,
so these tests do not depend on the parsers.
"""

from __future__ import annotations

import hashlib
import json
import uuid

import psycopg

from expectations import catalog

APPLICANT_COLS = ("natural_person", "commercial", "research", "social_org", "legal_service", "other_org", "total")
REVIEW_MEASURES = ("upheld", "corrected", "other", "pending", "total")
ZERO = [0, 0, 0, 0, 0, 0, 0]


def _app(rows: dict[str, list[int]]) -> dict[str, dict[str, int]]:
    return {row: dict(zip(APPLICANT_COLS, values)) for row, values in rows.items()}


# Seed 000: 宿迁市人民政府 2020 (2019 format), as printed.
SEED_000 = {
    "organ": "宿迁市人民政府", "year": 2020, "era": "2019",
    "applications": _app({
        "new_received": [1016, 35, 5, 3, 1, 2, 1062],
        "carried_over": [11, 0, 0, 0, 0, 0, 11],
        "granted": [480, 15, 4, 3, 0, 2, 504],
        "partially_granted": [47, 1, 1, 0, 0, 0, 49],
        "denied_state_secret": [13, 0, 0, 0, 0, 0, 13],
        "denied_law_prohibited": [4, 0, 0, 0, 0, 0, 4],
        "denied_security_stability": ZERO,
        "denied_third_party": ZERO,
        "denied_internal_affairs": [7, 0, 0, 0, 0, 0, 7],
        "denied_process_info": [5, 0, 0, 0, 0, 0, 5],
        "denied_enforcement_file": [1, 0, 0, 0, 0, 0, 1],
        "denied_admin_query": [5, 1, 0, 0, 0, 0, 6],
        "unavailable_not_held": [314, 16, 0, 0, 0, 0, 330],
        "unavailable_needs_creation": [5, 0, 0, 0, 0, 0, 5],
        "unavailable_unclear": [4, 0, 0, 0, 0, 0, 4],
        "rejected_petition": [18, 0, 0, 0, 1, 0, 19],
        "rejected_duplicate": [11, 0, 0, 0, 0, 0, 11],
        "rejected_publication": ZERO,
        "rejected_excessive": ZERO,
        "rejected_confirmation": [1, 0, 0, 0, 0, 0, 1],
        "other": [101, 2, 0, 0, 0, 0, 103],
        "total_processed": [1016, 35, 5, 3, 1, 2, 1062],
        "carried_forward": [11, 0, 0, 0, 0, 0, 11],
    }),
    "review_litigation": {
        "review": dict(zip(REVIEW_MEASURES, [9, 10, 11, 4, 34])),
        "litigation_direct": dict(zip(REVIEW_MEASURES, [3, 5, 7, 8, 23])),
        "litigation_after_review": dict(zip(REVIEW_MEASURES, [1, 0, 0, 0, 1])),
    },
    "proactive": {"rules": {"new_made": 1, "new_published": 1, "published_total": 12},
                  "licensing": {"prev_year_items": 300, "change": -18, "decisions": 1200}},
    # 全市共办理依申请公开政府信息案件1062件（含2019年度结转11件）… 予以公开的504件、部分公开的49件、不予公开的36件、
    # 无法提供的339件、不予处理的31件、作其他处理的103件
    "narrative": {"applications_processed": 1062, "applications_carried_over": 11, "granted": 504,
                  "partially_granted": 49, "denied": 36, "unavailable": 339, "rejected": 31, "other": 103},
}

_003_rows = {row: ZERO for row in SEED_000["applications"]}
_003_rows.update({
    "new_received": [36, 0, 0, 0, 0, 0, 36],
    "granted": [10, 0, 0, 0, 0, 0, 10],
    "partially_granted": [1, 0, 0, 0, 0, 0, 1],
    "unavailable_not_held": [24, 0, 0, 0, 0, 0, 24],
    "other": [1, 0, 0, 0, 0, 0, 1],
    "total_processed": [36, 0, 0, 0, 0, 0, 36],
})
# Seed 003: 淮北市人民政府办公室 2020. Its prose: 共受理依申请公开共36件 … 予以公开10件，部分公开1件，其他处理的24件，
# 无法提供的1件 — "other" and "unavailable" swapped against the table; 未发生…行政复议、行政诉讼.
SEED_003 = {
    "organ": "淮北市人民政府办公室", "year": 2020, "era": "2019",
    "applications": _app(_003_rows),
    "review_litigation": {g: dict.fromkeys(REVIEW_MEASURES, 0)
                          for g in ("review", "litigation_direct", "litigation_after_review")},
    "narrative": {"applications_received": 36, "granted": 10, "partially_granted": 1, "other": 24,
                  "unavailable": 1, "review_total": 0, "litigation_total": 0},
}


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

    def load(self, report: dict, *, derived: set[tuple[str, str, str]] = frozenset(), is_current: bool = True,
             parser_version: str = "test-1", document: str | None = None) -> int:
        """Insert ``report`` (contract shape) as one staging report; ``derived`` lists (table, row, col) cells
        the parser derived. Returns the report_id."""
        sha = document or hashlib.sha256(uuid.uuid4().bytes).hexdigest()
        facts = []
        for table in ("applications", "review_litigation", "proactive"):
            for row, cols in (report.get(table) or {}).items():
                for col, value in cols.items():
                    facts.append((table, row, col, value, (table, row, col) in derived))
        for key, value in (report.get("narrative") or {}).items():
            facts.append(("narrative", key, "value", value, False))
        with psycopg.connect(self.url, autocommit=False) as conn:
            report_id = conn.execute(
                "INSERT INTO staging.report (document_sha256, parser_version, is_current, organ, report_year, era,"
                " script, report_json) VALUES (%s, %s, %s, %s, %s, %s, 'simplified', %s::jsonb) RETURNING report_id",
                (sha, parser_version, is_current, report["organ"], report["year"], report["era"],
                 json.dumps(report, ensure_ascii=False)),
            ).fetchone()[0]
            with conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO staging.fact (report_id, table_name, row_code, col_code, value, is_derived)"
                    " VALUES (%s, %s, %s, %s, %s, %s)",
                    [(report_id, *f) for f in facts],
                )
            conn.commit()
        return report_id

    def build_marts(self, *, passes: bool | None = True, findings=(), lose=()) -> None:
        """A stand-in for ``dbt build``: one mart row per (organ, year), the lowest report_id as primary,
        ``passes_balance_rules`` as given, ``findings`` as (report_id, rule) rows of fct_rule_findings; the
        reports in ``lose`` get no mart row (a bug the expectations must catch)."""
        self.execute(DBT_MARTS_DDL)
        self.execute(
            "INSERT INTO marts_intermediate.int_report_documents_deduplicated"
            " SELECT report_id, organ || '|' || report_year,"
            "        report_id = min(report_id) OVER (PARTITION BY organ, report_year)"
            " FROM staging.report WHERE is_current")
        flow = "(SELECT value FROM staging.fact f WHERE f.report_id = r.report_id AND table_name = 'applications'" \
               " AND col_code = 'total' AND row_code = '{}')"
        self.execute(
            "INSERT INTO marts.mart_report_summary SELECT d.report_id::text, r.organ, r.report_year, r.era, 'table', "
            + ", ".join(flow.format(row) for row in ("new_received", "carried_over", "total_processed",
                                                        "carried_forward", "granted"))
            + ", 1, 0, %s, r.report_id::text, 1"
            " FROM marts_intermediate.int_report_documents_deduplicated d JOIN staging.report r USING (report_id)"
            " WHERE d.is_primary AND NOT r.report_id = ANY(%s)",
            (passes, list(lose)))
        self.execute("UPDATE marts.mart_report_summary SET report_key = organ_name || '|' || report_year")
        for report_id, rule in findings:
            self.execute("INSERT INTO marts.fct_rule_findings VALUES (NULL, %s, %s, NULL, 'error')",
                         (str(report_id), rule))

    def set_fact(self, report_id: int, table: str, row: str, col: str, value) -> None:
        self.execute(
            "UPDATE staging.fact SET value = %s WHERE report_id = %s AND table_name = %s AND row_code = %s"
            " AND col_code = %s", (value, report_id, table, row, col),
        )


# The marts as dbt builds them (dbt/models/marts/mart_report_summary.sql, fct_rule_findings.sql and
# intermediate/int_report_documents_deduplicated.sql), reduced to the columns the expectations read.
DBT_MARTS_DDL = """
CREATE SCHEMA IF NOT EXISTS marts_intermediate;
CREATE TABLE marts_intermediate.int_report_documents_deduplicated (
    report_id bigint, report_key text, is_primary boolean);
CREATE TABLE marts.mart_report_summary (
    report_key text, organ_name text, report_year smallint, era text, figures_source text,
    applications_received numeric, applications_carried_over numeric, applications_processed numeric,
    applications_carried_forward numeric, granted numeric, rules_evaluated integer, rules_failed integer,
    passes_balance_rules boolean, primary_report_id text, document_count integer);
CREATE TABLE marts.fct_rule_findings (
    report_key text, report_id text, rule text, rule_family text, severity text);
"""


DBT_SHAPE = catalog.MartShape(
    summary=frozenset({
        "report_key", "organ_name", "report_year", "era", "figures_source", "applications_received",
        "applications_carried_over", "applications_processed", "applications_carried_forward", "granted",
        "rules_evaluated", "rules_failed", "passes_balance_rules", "primary_report_id", "document_count"}),
    findings=frozenset({"report_key", "report_id", "rule", "rule_family", "severity"}),
    documents=frozenset({"report_id", "report_key", "is_primary"}),
)



def breaking(wh: Warehouse, name: str, rules=None) -> list[dict]:
    """The rows the rule ``name`` lists as breaking it, with ``{batch}`` read as the suite's whole table (the
    catalog's SQL run directly, without GX: fast, and exact about which rows fail)."""
    from psycopg.rows import dict_row

    rule = next(r for r in (rules or catalog.staging_rules()) if r.name == name)
    _, schema, table = catalog.SUITES[rule.suite]
    with psycopg.connect(wh.url, row_factory=dict_row) as conn:
        return conn.execute(rule.sql.replace("{batch}", f"{schema}.{table}")).fetchall()
