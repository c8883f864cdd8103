"""Migrations create the interface's schemas and tables, and running them again changes nothing."""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import psycopg
from alembic.script import ScriptDirectory

from warehouse import migrate

# the newest migration in warehouse/migrations/versions
HEAD = ScriptDirectory.from_config(migrate.alembic_config()).get_current_head()

EXPECTED_TABLES = {
    "raw.document",
    "raw.fetch",
    "staging.report",
    "staging.fact",
    "staging.check_result",
    "staging.problem",
    "audit.validation_run",
    "audit.dbt_build",
    "audit.parse_failure",
    "audit.parse_claim",
    "staging.era",
    "staging.script",
}


def _tables(url):
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT table_schema || '.' || table_name FROM information_schema.tables"
            " WHERE table_schema IN ('raw', 'staging', 'marts', 'audit')"
        ).fetchall()
        schemas = conn.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname IN ('raw', 'staging', 'marts', 'audit')"
        ).fetchall()
    return {r[0] for r in rows}, {r[0] for r in schemas}


def test_upgrade_creates_schemas_and_tables(db_url):
    tables, schemas = _tables(db_url)
    assert schemas == {"raw", "staging", "marts", "audit"}
    assert tables >= EXPECTED_TABLES
    assert migrate.current_revision(db_url) == HEAD


def test_upgrade_is_idempotent(db_url):
    before = _tables(db_url)
    migrate.upgrade(db_url)
    migrate.upgrade()  # url=None: $NIANBAO_DATABASE_URL, set by the fixture
    assert _tables(db_url) == before
    assert migrate.current_revision(db_url) == HEAD


def test_interface_columns_exist(db_url):
    with psycopg.connect(db_url) as conn:
        columns = {
            (t, c)
            for t, c in conn.execute(
                "SELECT table_schema || '.' || table_name, column_name FROM information_schema.columns"
                " WHERE table_schema IN ('raw', 'staging', 'audit')"
            )
        }
    for table, names in {
        "raw.document": "sha256 media_type size_bytes content first_seen_at",
        "raw.fetch": "fetch_id portal url final_url canonical_url fetched_at http_status etag last_modified headers"
        " sha256 referer_url link_text title year_guess is_report error",
        "staging.report": "report_id document_sha256 parser_version parsed_at is_current source_url portal organ"
        " report_year era script published_on report_json",
        "staging.fact": "report_id table_name row_code col_code value is_derived provenance",
        "staging.check_result": "report_id rule ok severity detail",
        "staging.problem": "report_id severity code message",
        "audit.validation_run": "run_at suite success evaluated failed details",
        "audit.parse_failure": "document_sha256 parser_version reason limit_value message attempts",
        "audit.dbt_build": "build_id finished_at mode project_fingerprint parser_version planned_at",
    }.items():
        for name in names.split():
            assert (table, name) in columns, f"{table}.{name} missing"


def test_concurrent_upgrades_of_a_fresh_database(empty_db_url):
    """Parallel pipeline tasks each migrate, in their own processes: they take turns (advisory lock) and all
    succeed; threads of one process take turns too."""
    spawn = multiprocessing.get_context("spawn")  # a clean interpreter, as a separate task would be
    with ProcessPoolExecutor(3, mp_context=spawn) as processes, ThreadPoolExecutor(2) as threads:
        waiting = [processes.submit(migrate.upgrade, empty_db_url) for _ in range(3)]
        waiting += [threads.submit(migrate.upgrade, empty_db_url) for _ in range(2)]
        for future in waiting:
            future.result()
    assert _tables(empty_db_url)[0] >= EXPECTED_TABLES
    assert migrate.current_revision(empty_db_url) == HEAD
