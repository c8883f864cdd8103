"""Fixtures of the crawler tests: a warehouse database of a module's own in the session's embedded PostgreSQL."""

from __future__ import annotations

import os
import uuid

import pytest


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


@pytest.fixture(scope="module")
def warehouse_url(tmp_path_factory, monkeypatch_module):
    psycopg = pytest.importorskip("psycopg")
    from psycopg import sql

    from warehouse import connection, embedded, migrate

    if not os.environ.get("NIANBAO_HOME"):  # never the developer's <repo>/.nianbao
        monkeypatch_module.setenv("NIANBAO_HOME", str(tmp_path_factory.mktemp("nianbao_home")))
    was_running = embedded.status().running
    admin = embedded.start()
    name = f"nianbao_crawl_test_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = connection.with_database(admin, name)
    migrate.upgrade(url)
    try:
        yield url
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if not was_running:
            embedded.stop()
