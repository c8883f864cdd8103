"""bi_reader reads the marts and nothing else, over TCP with a password, within its timeouts."""

import stat
import uuid

import psycopg
import pytest
from psycopg import errors, sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from warehouse import embedded, roles


@pytest.fixture(scope="module")
def role(db_url):
    """A reader role with a unique name (roles are cluster-wide; the external server is shared), dropped after."""
    name = f"bi_reader_test_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE marts.before_grant AS SELECT 1 AS x")
        conn.execute("CREATE TABLE public.scratch (x int)")
    roles.ensure_bi_reader(db_url, password="only-for-this-test", role=name)
    roles.ensure_bi_reader(db_url, password="only-for-this-test", role=name)  # converges when run again
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE marts.after_grant AS SELECT 2 AS x")  # as dbt would, later
        conn.execute("CREATE VIEW marts.a_view AS SELECT x FROM marts.after_grant")
    yield name
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(name)))


@pytest.fixture(scope="module")
def reader(db_url, role):
    """The role's URL: over TCP on 127.0.0.1 with its password, as a BI tool connects (the embedded server listens
    there for exactly this); on the external server, its own address."""
    params = conninfo_to_dict(db_url)
    if params.get("host", "").startswith("/"):  # the embedded server's socket: go through its TCP port instead
        params.update(host=embedded.LISTEN_ADDRESS, port=str(embedded.status().port))
    params.update(user=role, password="only-for-this-test")
    return make_conninfo(**params)


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


def test_reader_queries_are_cut_off(reader):
    with psycopg.connect(reader) as conn:
        assert conn.execute("SHOW statement_timeout").fetchone() == ("1min",)
        assert conn.execute("SHOW idle_in_transaction_session_timeout").fetchone() == ("5min",)


def test_reader_needs_its_password(reader, backend_url):
    if backend_url != embedded.status().url:
        pytest.skip("the external server's own pg_hba.conf decides (this machine's trusts 127.0.0.1)")
    wrong = make_conninfo(reader, password="not-the-password")
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(wrong, connect_timeout=5)


def test_server_stores_only_a_scram_verifier(db_url, role):
    with psycopg.connect(db_url) as conn:
        stored = conn.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s", (role,)).fetchone()[0]
    assert stored.startswith("SCRAM-SHA-256$") and "only-for-this-test" not in stored


def test_superuser_cannot_log_in_over_tcp(embedded_server):
    tcp = embedded.tcp_url(embedded.SUPERUSER, embedded.status().port)
    with pytest.raises(psycopg.OperationalError, match="password"):
        psycopg.connect(tcp, connect_timeout=5)


def test_generated_password_is_kept_private_and_stable(tmp_path, monkeypatch):
    monkeypatch.setenv("NIANBAO_HOME", str(tmp_path))
    monkeypatch.delenv(roles.PASSWORD_ENV, raising=False)
    first = roles.reader_password()
    path = roles.password_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text() == f"*:*:*:bi_reader:{first}\n"  # libpq's pgpass format
    assert roles.reader_password() == first and len(first) >= 24
    monkeypatch.setenv(roles.PASSWORD_ENV, "from-the-environment")  # the compose stack's way
    assert roles.reader_password() == "from-the-environment"


def test_reader_url_has_no_password(monkeypatch):
    monkeypatch.setenv("NIANBAO_DATABASE_URL", "postgresql://nianbao:s3cret@warehouse-db:5432/nianbao")
    assert roles.reader_url() == "postgresql://bi_reader@warehouse-db:5432/nianbao"
