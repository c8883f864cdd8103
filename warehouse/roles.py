"""The read-only role for dashboards and analysts: ``bi_reader`` sees the marts and nothing else.

Roles belong to the whole PostgreSQL cluster, privileges to one database: ``ensure_bi_reader`` creates the role
if needed and then sets its privileges in the database of ``url``. Run it again whenever you like; it converges.

What "nothing else" takes, since every role is also a member of PUBLIC:
- no CONNECT-level extras: PUBLIC's default TEMP on the database is revoked (no temporary tables),
- no CREATE on schema ``public`` (PostgreSQL 15+ already revokes it from PUBLIC; older servers do not),
- no USAGE on ``raw``, ``staging``, ``audit`` for PUBLIC or the role,
- USAGE on ``marts``, SELECT on its tables and views, now and later (default privileges of the role that
  creates them, i.e. the user dbt runs as, which is the user of ``url``).
"""

from __future__ import annotations

import os

from psycopg import sql

from warehouse.connection import connect

ROLE_NAME = "bi_reader"
PASSWORD_ENV = "NIANBAO_BI_READER_PASSWORD"
PRIVATE_SCHEMAS = ("raw", "staging", "audit")
_ROLES_LOCK_KEY = 727_101_2021


def ensure_bi_reader(url: str | None = None, password: str | None = None, *, role: str = ROLE_NAME) -> str:
    """Create/update ``role`` (LOGIN; password from ``password`` or ``$NIANBAO_BI_READER_PASSWORD``, else none,
    which suffices on the embedded server's trust-authenticated socket) and grant it read access to ``marts``.
    Returns the role name."""
    password = password if password is not None else os.environ.get(PASSWORD_ENV)
    name = sql.Identifier(role)
    with connect(url, autocommit=True) as conn, conn.transaction():
        # Concurrent GRANTs on one object fail with "tuple concurrently updated"; parallel pipeline tasks each
        # prepare the warehouse, so they take turns here.
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_ROLES_LOCK_KEY,))
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT").format(name))
        conn.execute(sql.SQL("ALTER ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT").format(name))
        if password:
            conn.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(name, sql.Literal(password)))

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
