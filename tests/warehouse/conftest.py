"""Fixtures for the warehouse tests.

- ``embedded_server``: ONE embedded pgserver for the whole session, in a temporary NIANBAO_HOME (never the
  repo's .nianbao), stopped and deleted at the end of the session.
- ``backend_url``: the admin URL of a server, parametrized: the embedded one, and the machine's PostgreSQL at
  127.0.0.1:5432 (skipped, with the reason, when that is unreachable).
- ``db_url``: a fresh, migrated database on that server for the test module, dropped afterwards;
  ``$NIANBAO_DATABASE_URL`` points at it meanwhile, so code called with ``url=None`` uses it too.
- ``empty_db_url``: a fresh database without migrations, for one test.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from warehouse import connection, embedded, migrate

EXTERNAL_ADMIN_URL = os.environ.get("NIANBAO_TEST_EXTERNAL_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def private_temp_dir(prefix: str) -> Path:
    """A temporary directory of our own. Not pytest's tmp_path: other pytest sessions running at the same time
    on this machine prune old /tmp/pytest-of-<user>/ folders, and would delete a running server's files."""
    return Path(tempfile.mkdtemp(prefix=prefix))


@pytest.fixture(scope="session")
def embedded_server():
    home = private_temp_dir("nianbao-wh-tests-")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NIANBAO_HOME", str(home))
        mp.delenv(connection.DATABASE_URL_ENV, raising=False)
        url = embedded.start()
        try:
            yield url
        finally:
            embedded.stop()
            shutil.rmtree(home, ignore_errors=True)


def _external_unreachable_reason() -> str | None:
    try:
        with psycopg.connect(EXTERNAL_ADMIN_URL, connect_timeout=3):
            return None
    except psycopg.OperationalError as error:
        return f"PostgreSQL at {EXTERNAL_ADMIN_URL} unreachable: {str(error).strip().splitlines()[0]}"


@pytest.fixture(scope="module", params=["embedded", "external"])
def backend_url(request):
    if request.param == "embedded":
        return request.getfixturevalue("embedded_server")
    reason = _external_unreachable_reason()
    if reason:
        pytest.skip(reason)
    return EXTERNAL_ADMIN_URL


def create_database(admin_url: str, prefix: str = "nianbao_wh_test") -> str:
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return connection.with_database(admin_url, name)


def drop_database(admin_url: str, url: str) -> None:
    name = psycopg.conninfo.conninfo_to_dict(url)["dbname"]
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(scope="module")
def db_url(backend_url):
    url = create_database(backend_url)
    migrate.upgrade(url)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(connection.DATABASE_URL_ENV, url)
        try:
            yield url
        finally:
            drop_database(backend_url, url)


@pytest.fixture
def empty_db_url(backend_url):
    """A fresh database with no migrations applied, dropped after the test."""
    url = create_database(backend_url)
    try:
        yield url
    finally:
        drop_database(backend_url, url)
