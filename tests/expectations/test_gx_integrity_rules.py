"""Each integrity rule against a passing and a failing fixture (catalog SQL run directly, no GX).

The migration's own constraints already forbid most of these breakages; GX is the second pair of eyes for a
warehouse whose constraints were lost or loosened. So this module's database has its staging constraints
dropped first, to be able to write the broken rows at all."""

from __future__ import annotations

import datetime as dt

import pytest
from gx_fixtures import SEED_000, breaking, copy_report

from expectations import catalog


@pytest.fixture(scope="module", autouse=True)
def loosened(empty_db):
    import psycopg

    with psycopg.connect(empty_db, autocommit=True) as conn:
        for table, constraint in conn.execute(
            "SELECT conrelid::regclass::text, conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace"
            " WHERE n.nspname = 'staging' AND contype IN ('p', 'u', 'c', 'f')"
        ).fetchall():
            conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT IF EXISTS "{constraint}" CASCADE')
        conn.execute("DROP INDEX IF EXISTS staging.report_one_current_per_document")
        for table, column in (
            ("report", "document_sha256"),
            ("report", "parser_version"),
            ("fact", "report_id"),
            ("fact", "row_code"),
            ("fact", "col_code"),
        ):
            conn.execute(f"ALTER TABLE staging.{table} ALTER COLUMN {column} DROP NOT NULL")


INTEGRITY_RULES = [r.name for r in catalog.staging_rules() if r.suite == catalog.STAGING_INTEGRITY]


@pytest.mark.parametrize("name", INTEGRITY_RULES)
def test_seed_000_passes_every_integrity_rule(wh, name):
    rid = wh.load(SEED_000)
    wh.execute(
        "INSERT INTO staging.check_result (report_id, rule, ok, severity) VALUES (%s, 'applications.balance.total', true, 'error')",
        (rid,),
    )
    wh.execute(
        "INSERT INTO staging.problem (report_id, severity, code) VALUES (%s, 'warning', 'derived_value')", (rid,)
    )
    # an older parse of the same document, superseded: still one current version
    sha = wh.query("SELECT document_sha256 FROM staging.report WHERE report_id = %s", (rid,))[0][0]
    wh.load(SEED_000, is_current=False, document=sha, parser_version="test-0")
    wh.load(copy_report(SEED_000, year=2008))
    wh.load(copy_report(SEED_000, year=None))  # year not found: the parser's problem, not an integrity error
    assert breaking(wh, name) == []


def test_report_keys_present(wh):
    rid = wh.load(SEED_000)
    wh.execute("UPDATE staging.report SET parser_version = NULL WHERE report_id = %s", (rid,))
    assert [r["report_id"] for r in breaking(wh, "staging.report.keys_present")] == [rid]


def test_report_keys_unique(wh):
    rid = wh.load(SEED_000)
    other = wh.load(copy_report(SEED_000, year=2019))
    wh.execute("UPDATE staging.report SET report_id = %s WHERE report_id = %s", (rid, other))
    rows = breaking(wh, "staging.report.keys_unique")
    assert [(r["key"], r["key_value"], r["rows_with_key"]) for r in rows] == [("report_id", str(rid), 2)]
    sha = wh.query("SELECT document_sha256 FROM staging.report LIMIT 1")[0][0]
    wh.load(SEED_000, document=sha, is_current=False)  # same document, same parser version "test-1"
    assert "document_sha256, parser_version" in {r["key"] for r in breaking(wh, "staging.report.keys_unique")}


def test_one_current_version_per_document(wh):
    rid = wh.load(SEED_000)
    sha = wh.query("SELECT document_sha256 FROM staging.report WHERE report_id = %s", (rid,))[0][0]
    wh.load(SEED_000, document=sha, parser_version="test-2")  # a second *current* version
    wh.load(SEED_000, document="f" * 64, is_current=False)  # a document with no current version
    rows = breaking(wh, "staging.report.one_current_version")
    assert sorted((r["document_sha256"], r["current_versions"], r["versions"]) for r in rows) == [
        (sha, 2, 2),
        ("f" * 64, 0, 1),
    ]


def test_year_between_2008_and_this_year(wh):
    early = wh.load(copy_report(SEED_000, year=2007))
    future = wh.load(copy_report(SEED_000, year=dt.date.today().year + 1))
    wh.load(copy_report(SEED_000, year=dt.date.today().year))
    assert sorted(r["report_id"] for r in breaking(wh, "staging.report.year_in_range")) == [early, future]


def test_report_codes_in_vocabulary(wh):
    bad = wh.load(copy_report(SEED_000, era="modern"))
    wh.load(copy_report(SEED_000, era="unknown"))
    assert [r["report_id"] for r in breaking(wh, "staging.report.codes_in_vocabulary")] == [bad]


def test_fact_keys_present(wh):
    rid = wh.load(SEED_000)
    wh.execute(
        "INSERT INTO staging.fact (report_id, table_name, row_code, col_code, value) VALUES"
        " (999999, 'applications', 'granted', 'total', 1), (%s, 'applications', NULL, 'total', 1)",
        (rid,),
    )
    rows = breaking(wh, "staging.fact.keys_present")
    assert sorted((r["report_id"], r["row_code"]) for r in rows) == [(rid, None), (999999, "granted")]


def test_fact_keys_unique(wh):
    rid = wh.load(SEED_000)
    wh.execute(
        "INSERT INTO staging.fact (report_id, table_name, row_code, col_code, value) VALUES"
        " (%s, 'applications', 'granted', 'total', 504)",
        (rid,),
    )
    rows = breaking(wh, "staging.fact.keys_unique")
    assert [(r["report_id"], r["row_code"], r["col_code"], r["values_for_cell"]) for r in rows] == [
        (rid, "granted", "total", 2)
    ]


def test_counts_non_negative_but_a_signed_change_may_be(wh):
    rid = wh.load(SEED_000)  # has proactive licensing.change = -18
    assert breaking(wh, "staging.fact.non_negative") == []
    wh.set_fact(rid, "applications", "granted", "research", -4)
    rows = breaking(wh, "staging.fact.non_negative")
    assert [(r["report_id"], r["row_code"], r["col_code"], r["value"]) for r in rows] == [
        (rid, "granted", "research", -4)
    ]


def test_fact_codes_in_vocabulary(wh):
    rid = wh.load(SEED_000)
    wh.execute(
        "INSERT INTO staging.fact (report_id, table_name, row_code, col_code, value) VALUES"
        " (%s, 'applications', 'granted_typo', 'total', 1), (%s, 'applications', 'granted', 'persons', 1),"
        " (%s, 'narrative', 'granted', 'total', 1), (%s, 'budget', 'granted', 'total', 1),"
        " (%s, 'proactive', NULL, 'issued', 1), (%s, 'proactive', 'licensing', NULL, 1)",
        (rid,) * 6,
    )
    rows = breaking(wh, "staging.fact.codes_in_vocabulary")
    assert sorted(((r["table_name"], r["row_code"], r["col_code"]) for r in rows), key=str) == [
        ("applications", "granted", "persons"),
        ("applications", "granted_typo", "total"),
        ("budget", "granted", "total"),
        ("narrative", "granted", "total"),
        ("proactive", "licensing", None),
        ("proactive", None, "issued"),
    ]


def test_findings_belong_to_reports_and_have_a_known_severity(wh):
    rid = wh.load(SEED_000)
    wh.execute(
        "INSERT INTO staging.check_result (report_id, rule, ok, severity) VALUES (%s, 'x.y', false, 'fatal')", (rid,)
    )
    wh.execute("INSERT INTO staging.problem (report_id, severity, code) VALUES (424242, 'warning', 'derived_value')")
    rows = breaking(wh, "staging.findings.valid")
    assert sorted((r["source"], r["report_id"], r["severity"]) for r in rows) == [
        ("staging.check_result", rid, "fatal"),
        ("staging.problem", 424242, "warning"),
    ]
