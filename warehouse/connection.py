"""How to reach the warehouse database, in the shapes each tool wants.

The one source of truth is a libpq URL: ``$NIANBAO_DATABASE_URL`` when set (an external server), else the embedded
server's ``postgresql://postgres@/nianbao?host=<socket dir>``. From it:

- ``connect()``          a psycopg 3 connection (what the warehouse itself uses),
- ``sqlalchemy_url()``   ``postgresql+psycopg://`` (alembic, pandas) or ``postgresql+psycopg2://`` (Great Expectations),
- ``libpq_params()``     host/port/user/password/dbname for dbt's profile; for a socket, ``host`` is the socket dir,
                         which libpq (and so dbt-postgres through psycopg2) treats as a directory, not a host name.
"""

from __future__ import annotations

import os
from urllib.parse import quote

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

DATABASE_URL_ENV = "NIANBAO_DATABASE_URL"
DEFAULT_PORT = 5432


def database_url() -> str:
    """``$NIANBAO_DATABASE_URL`` if set, else the embedded server's URL (starting it if needed)."""
    configured = os.environ.get(DATABASE_URL_ENV)
    if configured:
        return configured
    from warehouse import embedded

    return embedded.start()


def connect(url: str | None = None, **kwargs) -> psycopg.Connection:
    """A psycopg 3 connection to ``url`` (default: ``database_url()``). Extra kwargs go to ``psycopg.connect``."""
    return psycopg.connect(url or database_url(), **kwargs)


def libpq_params(url: str | None = None) -> dict:
    """host, port, user, password, dbname of ``url``, with libpq's defaults filled in (port 5432, no password)."""
    params = conninfo_to_dict(url or database_url())
    return {
        "host": params.get("host") or "localhost",
        "port": int(params.get("port") or DEFAULT_PORT),
        "user": params.get("user") or os.environ.get("PGUSER") or "postgres",
        "password": params.get("password") or "",
        "dbname": params.get("dbname") or params.get("user") or "postgres",
    }


def with_database(url: str, dbname: str) -> str:
    """The same server as ``url`` but database ``dbname`` (a key=value conninfo string, which libpq accepts)."""
    params = conninfo_to_dict(url)
    params["dbname"] = dbname
    return make_conninfo(**params)


def sqlalchemy_url(url: str | None = None, driver: str = "psycopg") -> str:
    """A SQLAlchemy URL for ``url``; ``driver`` is ``psycopg`` (psycopg 3) or ``psycopg2`` (GX, dbt's world).

    A socket directory cannot sit in the URL's host part, so it goes in the query (``?host=/path``), which both
    drivers pass to libpq. For ``psycopg2`` the host part says ``localhost`` because GX's URL validation refuses
    a URL without a host; the query's ``host`` wins, so the connection still goes to the socket.
    """
    if driver not in ("psycopg", "psycopg2"):
        raise ValueError(f"driver must be 'psycopg' or 'psycopg2', not {driver!r}")

    p = libpq_params(url)
    credentials = quote(p["user"], safe="") + (":" + quote(p["password"], safe="") if p["password"] else "")
    if p["host"].startswith("/"):  # a Unix socket directory
        netloc = "localhost" if driver == "psycopg2" else ""
        return f"postgresql+{driver}://{credentials}@{netloc}/{quote(p['dbname'])}?host={quote(p['host'], safe='/')}"
    return f"postgresql+{driver}://{credentials}@{p['host']}:{p['port']}/{quote(p['dbname'])}"
