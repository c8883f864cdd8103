"""bi_reader reads the marts and nothing else."""

import uuid

import psycopg
import pytest
from psycopg import errors, sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from warehouse import roles


@pytest.fixture(scope="module")
def reader(db_url):
    """A reader role with a unique name (roles are cluster-wide; the external server is shared), dropped after."""
    role = f"bi_reader_test_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE marts.before_grant AS SELECT 1 AS x")
        conn.execute("CREATE TABLE public.scratch (x int)")
    roles.ensure_bi_reader(db_url, password="only-for-this-test", role=role)
    roles.ensure_bi_reader(db_url, password="only-for-this-test", role=role)  # converges when run again
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE marts.after_grant AS SELECT 2 AS x")  # as dbt would, later
        conn.execute("CREATE VIEW marts.a_view AS SELECT x FROM marts.after_grant")
    params = conninfo_to_dict(db_url)
    params.update(user=role, password="only-for-this-test")
    yield make_conninfo(**params)
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
        conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


def test_reader_selects_marts_now_and_later(reader):
    with psycopg.connect(reader) as conn:
        assert conn.execute("SELECT x FROM marts.before_grant").fetchone() == (1,)
        assert conn.execute("SELECT x FROM marts.after_grant").fetchone() == (2,)
        assert conn.execute("SELECT x FROM marts.a_view").fetchone() == (2,)


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT * FROM raw.fetch",
        "SELECT * FROM staging.report",
        "SELECT * FROM staging.fact",
        "SELECT * FROM audit.validation_run",
        "SELECT * FROM public.scratch",
        "INSERT INTO marts.after_grant VALUES (3)",
        "DELETE FROM marts.before_grant",
        "CREATE TABLE marts.mine (x int)",
        "CREATE TABLE public.mine (x int)",
        "CREATE TEMP TABLE mine (x int)",
        "CREATE SCHEMA mine",
    ],
)
def test_reader_can_do_nothing_else(reader, statement):
    with psycopg.connect(reader) as conn, pytest.raises(errors.InsufficientPrivilege):
        conn.execute(statement)
