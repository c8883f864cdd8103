"""Fixtures for the dbt project's tests.

Each test module gets its own database on the machine's PostgreSQL (`$NIANBAO_TEST_EXTERNAL_URL`, default
127.0.0.1:5432, user postgres), migrated with the warehouse's real migrations, and dropped afterwards.
dbt runs in-process through `dbtRunner` (a subprocess per command costs seconds of start-up and parsing),
with its own target directory per module (so tests never touch dbt/target, which the DAG reads its manifest
from).
"""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

REPO = Path(__file__).resolve().parents[2]
DBT_DIR = REPO / "dbt"
ADMIN_URL = os.environ.get("NIANBAO_TEST_EXTERNAL_URL", "postgresql://postgres@127.0.0.1:5432/postgres")

sys.path.insert(0, str(Path(__file__).resolve().parent))


class Warehouse:
    """A throwaway migrated database, and dbt pointed at it."""

    def __init__(self, url: str, target_dir: Path):
        self.url = url
        self.target_dir = target_dir

    def env(self) -> dict[str, str]:
        from warehouse.connection import libpq_params

        params = libpq_params(self.url)
        return {
            **os.environ,
            "NIANBAO_DB_HOST": str(params["host"]),
            "NIANBAO_DB_PORT": str(params["port"]),
            "NIANBAO_DB_USER": str(params["user"]),
            "NIANBAO_DB_PASSWORD": str(params["password"] or ""),
            "NIANBAO_DB_NAME": str(params["dbname"]),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }

    def dbt(self, *args: str, check: bool = True):
        """Run a dbt command against this database; fail the test with dbt's log when it fails."""
        from dbt.cli.main import dbtRunner

        argv = [
            *args,
            "--project-dir",
            str(DBT_DIR),
            "--profiles-dir",
            str(DBT_DIR),
            "--target-path",
            str(self.target_dir),
            "--log-path",
            str(self.target_dir / "logs"),
        ]
        saved = dict(os.environ)
        os.environ.update(self.env())  # profiles.yml reads the connection from the environment
        try:
            result = dbtRunner().invoke(argv)
        finally:
            os.environ.clear()
            os.environ.update(saved)
        if check and not result.success:
            log = self.target_dir / "logs" / "dbt.log"
            tail = log.read_text(encoding="utf-8", errors="replace")[-8000:] if log.exists() else ""
            raise AssertionError(f"dbt {' '.join(args)} failed: {result.exception}\n{tail}")
        return result

    def build(self, *extra: str):
        return self.dbt("build", "--threads", "2", *extra)

    def rows(self, query: str, params=None) -> list[dict]:
        with psycopg.connect(self.url) as conn:
            cur = conn.cursor(row_factory=psycopg.rows.dict_row)
            return cur.execute(query, params).fetchall()

    def execute(self, statement: str, params=None) -> None:
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(statement, params)


def _reachable() -> str | None:
    try:
        with psycopg.connect(ADMIN_URL, connect_timeout=3):
            return None
    except psycopg.OperationalError as error:
        return f"PostgreSQL at {ADMIN_URL} unreachable: {str(error).strip().splitlines()[0]}"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    reason = _reachable()
    if reason:
        pytest.skip(reason)
    from warehouse.connection import with_database
    from warehouse.migrate import upgrade

    name = f"nianbao_dbt_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = with_database(ADMIN_URL, name)
    try:
        upgrade(url)
        yield Warehouse(url, tmp_path_factory.mktemp("dbt_target"))
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
