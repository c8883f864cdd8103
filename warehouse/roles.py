"""The read-only role for dashboards and analysts: ``bi_reader`` sees the marts and nothing else.

Roles belong to the whole PostgreSQL cluster, privileges to one database: ``ensure_bi_reader`` creates the role
if needed and then sets its privileges in the database of ``url``. Run it again whenever you like; it converges.

What "nothing else" takes, since every role is also a member of PUBLIC:
- no CONNECT-level extras: PUBLIC's default TEMP on the database is revoked (no temporary tables),
- no CREATE on schema ``public`` (PostgreSQL 15+ already revokes it from PUBLIC; older servers do not),
- no USAGE on ``raw``, ``staging``, ``audit`` for PUBLIC or the role,
- USAGE on ``marts``, SELECT on its tables and views, now and later (default privileges of the role that
  creates them, i.e. the user dbt runs as, which is the user of ``url``),
- a statement timeout and an idle-in-transaction timeout, so a runaway dashboard query cannot hold the warehouse.

Its password: ``$NIANBAO_BI_READER_PASSWORD`` when set (the compose stack), else one generated once and kept in
``password_file()`` (mode 0600, in libpq's pgpass format, so ``PGPASSFILE=<it> psql <reader_url()>`` logs in).
The server receives only its SCRAM verifier, never the password itself (so no server log can show it).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from psycopg import sql

from warehouse.connection import DATABASE_URL_ENV, connect
from warehouse.settings import home

ROLE_NAME = "bi_reader"
PASSWORD_ENV = "NIANBAO_BI_READER_PASSWORD"
PRIVATE_SCHEMAS = ("raw", "staging", "audit")
# A dashboard's query on the marts takes milliseconds to seconds; one that runs a minute is a mistake (a cross
# join in SQL Lab) and is cut off before it slows the pipeline's own work.
STATEMENT_TIMEOUT = "60s"
# A BI tool that opened a transaction and went away must not keep its snapshot (and locks) for long.
IDLE_IN_TRANSACTION_TIMEOUT = "5min"
_ROLES_LOCK_KEY = 727_101_2021


def password_file(role: str = ROLE_NAME) -> Path:
    """Where the role's generated password is kept (pgpass format, mode 0600)."""
    return home() / f"{role}.pgpass"


def reader_password(role: str = ROLE_NAME) -> str:
    """The role's password: ``$NIANBAO_BI_READER_PASSWORD``, else the stored one, else a new one, stored."""
    configured = os.environ.get(PASSWORD_ENV)
    if configured:
        return configured
    path = password_file(role)
    try:
        return path.read_text().strip().rsplit(":", 1)[1]
    except (FileNotFoundError, IndexError):
        pass
    generated = secrets.token_urlsafe(24)  # letters, digits, - and _: nothing pgpass or a URL must escape
    path.parent.mkdir(parents=True, exist_ok=True)
    # created 0600 from the start: never readable by others, not even for a moment
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as handle:
        handle.write(f"*:*:*:{role}:{generated}\n")  # host:port:database:user:password
    return generated


def reader_url(role: str = ROLE_NAME) -> str:
    """The URL a BI tool connects to, over TCP, without the password: the embedded server on 127.0.0.1, or the
    server of ``$NIANBAO_DATABASE_URL`` (its host, port and database)."""
    from psycopg.conninfo import conninfo_to_dict

    from warehouse import embedded

    configured = os.environ.get(DATABASE_URL_ENV)
    if not configured:
        return embedded.tcp_url(role, embedded.port())
    params = conninfo_to_dict(configured)
    host, port = params.get("host") or "localhost", params.get("port") or 5432
    return f"postgresql://{role}@{host}:{port}/{params.get('dbname') or embedded.DATABASE_NAME}"


def ensure_bi_reader(url: str | None = None, password: str | None = None, *, role: str = ROLE_NAME) -> str:
    """Create/update ``role`` (LOGIN, the password ``password`` or ``reader_password(role)``, timeouts) and grant it
    read access to ``marts``. Returns the role name."""
    secret = password if password is not None else reader_password(role)
    name = sql.Identifier(role)
    with connect(url, autocommit=True) as conn, conn.transaction():
        # Concurrent GRANTs on one object fail with "tuple concurrently updated"; parallel pipeline tasks each
        # prepare the warehouse, so they take turns here.
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_ROLES_LOCK_KEY,))
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT").format(name))
        conn.execute(sql.SQL("ALTER ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT").format(name))
        # libpq computes the verifier here; the server stores it as given
        verifier = conn.pgconn.encrypt_password(secret.encode(), role.encode(), b"scram-sha-256").decode()
        conn.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(name, sql.Literal(verifier)))
        for setting, value in (
            ("statement_timeout", STATEMENT_TIMEOUT),
            ("idle_in_transaction_session_timeout", IDLE_IN_TRANSACTION_TIMEOUT),
        ):
            conn.execute(sql.SQL("ALTER ROLE {} SET {} = {}").format(name, sql.Identifier(setting), sql.Literal(value)))

        database = sql.Identifier(conn.info.dbname)
        conn.execute(sql.SQL("REVOKE CREATE, TEMPORARY ON DATABASE {} FROM PUBLIC, {}").format(database, name))
        conn.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(database, name))
        conn.execute(sql.SQL("REVOKE CREATE ON SCHEMA public FROM PUBLIC, {}").format(name))
        for schema in PRIVATE_SCHEMAS:
            conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
            conn.execute(sql.SQL("REVOKE ALL ON SCHEMA {} FROM PUBLIC, {}").format(sql.Identifier(schema), name))

        conn.execute("CREATE SCHEMA IF NOT EXISTS marts")
        conn.execute(sql.SQL("REVOKE CREATE ON SCHEMA marts FROM PUBLIC, {}").format(name))
        conn.execute(sql.SQL("GRANT USAGE ON SCHEMA marts TO {}").format(name))
        conn.execute(sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA marts TO {}").format(name))
        conn.execute(sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA marts GRANT SELECT ON TABLES TO {}").format(name))
    return role
