"""Embedded server lifecycle, URL shapes and connection parameters."""

import os
import signal
import time

import psycopg
import psycopg2
import pytest
import sqlalchemy as sa

from warehouse import connection, embedded, settings


def test_home_defaults_to_repo_dot_nianbao(monkeypatch):
    monkeypatch.delenv("NIANBAO_HOME", raising=False)
    assert settings.home() == settings.REPO_ROOT / ".nianbao"
    monkeypatch.setenv("NIANBAO_HOME", "/tmp/somewhere")
    assert str(settings.home()) == "/tmp/somewhere"


def test_embedded_url_is_the_socket_and_warm_start_is_fast(embedded_server, monkeypatch):
    assert embedded_server.startswith("postgresql://postgres@/nianbao?host=/")
    monkeypatch.delenv(connection.DATABASE_URL_ENV, raising=False)
    started = time.perf_counter()
    assert connection.database_url() == embedded_server
    assert time.perf_counter() - started < 0.1  # reads postmaster.pid; no pgserver import, no connection
    status = embedded.status()
    assert status.running and status.url == embedded_server
    with connection.connect() as conn:
        # nianbao itself goes through the socket; TCP is for BI tools, on the loopback address only
        assert conn.execute("SELECT current_database(), inet_server_addr()").fetchone() == ("nianbao", None)
        assert conn.execute("SHOW listen_addresses").fetchone() == ("127.0.0.1",)
    assert status.tcp_address == f"127.0.0.1:{status.port}"


def test_every_driver_reaches_the_embedded_server(embedded_server):
    params = connection.libpq_params(embedded_server)
    assert params["host"].startswith("/") and params["port"] == embedded.status().port and params["dbname"] == "nianbao"
    with psycopg2.connect(**params) as conn:  # dbt-postgres connects like this
        assert conn.closed == 0
    for driver in ("psycopg", "psycopg2"):
        engine = sa.create_engine(connection.sqlalchemy_url(embedded_server, driver))
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT current_database()")).scalar() == "nianbao"
        engine.dispose()
    assert connection.sqlalchemy_url(embedded_server, "psycopg2").startswith(
        "postgresql+psycopg2://postgres@localhost/"
    )


def test_database_url_prefers_the_environment(monkeypatch):
    monkeypatch.setenv(connection.DATABASE_URL_ENV, "postgresql://u:s%40cret@127.0.0.1:5433/db")
    assert connection.database_url() == "postgresql://u:s%40cret@127.0.0.1:5433/db"
    assert connection.libpq_params() == {
        "host": "127.0.0.1",
        "port": 5433,
        "user": "u",
        "password": "s@cret",
        "dbname": "db",
    }
    # the query carries the timeouts (warehouse.connection.timeout_params), which the driver hands to libpq
    assert connection.sqlalchemy_url(driver="psycopg2").startswith(
        "postgresql+psycopg2://u:s%40cret@127.0.0.1:5433/db?"
    )
    with pytest.raises(ValueError):
        connection.sqlalchemy_url(driver="mysql")


def test_stop_restart_and_recover_from_kill(embedded_server):
    """On the session's server (saves an initdb); it is left running for the other test modules."""
    url = embedded.start()
    assert url == embedded_server
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS kept; CREATE TABLE kept (x int)")
    try:
        assert embedded.stop() is True
        assert not embedded.status().running
        assert embedded.stop() is False
        assert embedded.start() == url
        with psycopg.connect(url) as conn:  # data survived the restart
            conn.execute("SELECT * FROM kept")
        # A crashed server (here: postmaster killed, left a zombie by this container) is restarted too.
        os.kill(embedded.status().pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while embedded.status().running:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert embedded.start() == url
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("DROP TABLE kept")
    finally:
        embedded.start()
