"""The DAG on the real CeleryExecutor: two `airflow celery worker` processes share the parsing (each parse batch
claims its own documents), and the marts come out exactly as a single process's run makes them.

Needs the machine's Redis (127.0.0.1:6379, the broker) and PostgreSQL (127.0.0.1:5432: Airflow's metadata and two
warehouses); skipped when either is missing. The sample portal is served over HTTP on 127.0.0.1.
"""

from __future__ import annotations

import json

import psycopg
import pytest
from psycopg import sql

from nianbao import steps
from tests.dags.celery_cluster import REDIS, WORKERS, Cluster, database, reachable

pytestmark = [
    pytest.mark.slow,
    pytest.mark.long,
    pytest.mark.skipif(not reachable(REDIS), reason="no Redis at 127.0.0.1:6379 (the Celery broker)"),
    pytest.mark.skipif(not reachable(("127.0.0.1", 5432)), reason="no PostgreSQL at 127.0.0.1:5432"),
]

CONF = {"portals": ["sample"], "years": [], "throttle": False, "full_refresh": False}


@pytest.fixture(scope="module")
def sample_portal():
    from sample_portal import serve

    with serve() as base:
        yield base


def marts(url: str) -> dict[str, list[tuple]]:
    """Every mart's rows, sorted, without the columns a run's timing makes (timestamps) or its load order (ids)."""
    with psycopg.connect(url) as conn:
        columns = conn.execute(
            """
            SELECT table_name, column_name FROM information_schema.columns
            WHERE table_schema = 'marts' AND data_type NOT LIKE 'timestamp%' AND column_name NOT LIKE '%\\_id'
            ORDER BY table_name, ordinal_position
            """
        ).fetchall()
        tables: dict[str, list[str]] = {}
        for table, column in columns:
            tables.setdefault(table, []).append(column)
        rows = {}
        for table, names in tables.items():
            query = sql.SQL("SELECT {} FROM marts.{}").format(
                sql.SQL(", ").join(map(sql.Identifier, names)), sql.Identifier(table)
            )
            rows[table] = sorted(conn.execute(query).fetchall(), key=repr)
        return rows


def single_process_run(url: str, portal_url: str) -> None:
    """The same harvest by the CLI's steps, one process: crawl, parse and load, dbt build."""
    steps.prepare_warehouse(url)
    steps.crawl("sample", url=url, throttle=False)
    steps.parse_and_load(url=url)
    steps.dbt_build(url=url)


@pytest.mark.timeout(2400)
def test_two_celery_workers_share_the_parsing(sample_portal, tmp_path, monkeypatch):
    monkeypatch.setenv("NIANBAO_SAMPLE_PORTAL_URL", sample_portal)
    with database("nianbao_celery_meta") as metadata, database("nianbao_celery_wh") as warehouse:
        steps.prepare_warehouse(warehouse)
        cluster = Cluster(
            tmp_path / "airflow",
            metadata,
            {
                "NIANBAO_DATABASE_URL": warehouse,
                **steps.warehouse_connection_env(warehouse),
                "NIANBAO_HOME": str(tmp_path / "nianbao"),
                "NIANBAO_SAMPLE_PORTAL_URL": sample_portal,
                # one sandboxed parser per batch: the batches, not the processes in one, share the cores
                "NIANBAO_PARSE_WORKERS": "1",
            },
        )
        cluster.home.mkdir()
        try:
            cluster.start()
            run_id = cluster.run_dag("nianbao_harvest", CONF, timeout=1800)
            states = dict(
                cluster.query(
                    "SELECT task_id || coalesce('[' || nullif(map_index, -1) || ']', ''), state FROM task_instance"
                    " WHERE run_id = %s",
                    run_id,
                )
            )
            assert cluster.query("SELECT state FROM dag_run WHERE run_id = %s", run_id)[0][0] == "success", {
                task: state for task, state in states.items() if state != "success"
            }

            # both workers parsed documents
            parsed = {
                index: (value if isinstance(value, dict) else json.loads(value))["parsed"]
                for index, value in cluster.query(
                    "SELECT map_index, value FROM xcom WHERE run_id = %s AND task_id = 'parse_batch'"
                    " AND key = 'return_value'",
                    run_id,
                )
            }
            by_worker = cluster.tasks_run_by_worker("parse_batch")
            assert set().union(*by_worker.values()) == set(parsed), by_worker
            for worker in WORKERS:
                assert sum(parsed[i] for i in by_worker[worker]) > 0, (worker, by_worker, parsed)
            with psycopg.connect(warehouse) as conn:
                reports, documents = conn.execute(
                    "SELECT count(*), count(DISTINCT document_sha256) FROM staging.report"
                ).fetchone()
            assert reports == documents == sum(parsed.values())  # no document parsed twice

            # every listener of the cluster is on loopback (no log servers)
            assert cluster.listening_addresses() <= {"0100007F", "00000000000000000000000001000000"}
        finally:
            cluster.stop()

        with database("nianbao_celery_ref") as reference:
            single_process_run(reference, sample_portal)
            assert marts(warehouse) == marts(reference)
            assert marts(reference)["mart_report_summary"]
