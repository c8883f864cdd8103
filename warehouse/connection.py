"""How to reach the warehouse database, in the shapes each tool wants.

The one source of truth is a libpq URL: ``$NIANBAO_DATABASE_URL`` when set (an external server), else the embedded
server's ``postgresql://postgres@/nianbao?host=<socket dir>``. From it:

- ``connect()``          a psycopg 3 connection (what the warehouse itself uses),
- ``sqlalchemy_url()``   ``postgresql+psycopg://`` (alembic, pandas) or ``postgresql+psycopg2://`` (Great Expectations),
- ``libpq_params()``     host/port/user/password/dbname for dbt's profile; for a socket, ``host`` is the socket dir,
                         which libpq (and so dbt-postgres through psycopg2) treats as a directory, not a host name.

Every connection nianbao opens carries a connect timeout, a statement timeout and TCP keepalives
(``timeout_params()``, limits from ``warehouse.settings``): ``connect()`` passes them to psycopg, ``sqlalchemy_url()``
puts them in the URL's query, which both SQLAlchemy drivers hand to libpq, so alembic, pandas and Great Expectations
get them without knowing. A value the URL itself sets wins.

Secrets: ``redact()`` is what any URL goes through before it is printed or logged; ``without_password()`` splits a
URL into a password-free URL and the password, for a subprocess that gets the password in its environment
(``PGPASSWORD``), never in its argv where ``ps`` shows it.
"""

from __future__ import annotations

import os
import re
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from warehouse import settings

DATABASE_URL_ENV = "NIANBAO_DATABASE_URL"
DEFAULT_PORT = 5432
# what a SQLAlchemy URL says in its own parts rather than in its query
_URL_PARTS = ("host", "port", "user", "password", "dbname")
# Probe an idle connection after a minute, give up after another minute of silence: a server that vanished
# (network cut, machine gone) is noticed mid-statement instead of after the kernel's default two hours.
KEEPALIVES = {"keepalives_idle": "60", "keepalives_interval": "10", "keepalives_count": "6"}


def database_url() -> str:
    """``$NIANBAO_DATABASE_URL`` if set, else the embedded server's URL (starting it if needed)."""
    configured = os.environ.get(DATABASE_URL_ENV)
    if configured:
        return configured
    from warehouse import embedded

    return embedded.start()


def connect(url: str | None = None, **kwargs) -> psycopg.Connection:
    """A psycopg 3 connection to ``url`` (default: ``database_url()``) with nianbao's timeouts (``timeout_params``).
    Extra kwargs go to ``psycopg.connect`` and win over both."""
    url = url or database_url()
    return psycopg.connect(url, **{**timeout_params(url), **kwargs})


def timeout_params(url: str | None = None) -> dict[str, str]:
    """libpq parameters for the connect and statement timeouts and keepalives, leaving out what ``url`` sets itself.

    The statement timeout goes in ``options`` (``-c statement_timeout=...``), appended to any options of the URL;
    a limit of 0 adds nothing, so the server's own default applies."""
    given = conninfo_to_dict(url) if url else {}
    params = {key: value for key, value in KEEPALIVES.items() if key not in given}
    if "connect_timeout" not in given:
        params["connect_timeout"] = str(settings.connect_timeout())
    options = str(given.get("options") or "")
    statement_ms = round(settings.statement_timeout() * 1000)
    if statement_ms and "statement_timeout" not in options:
        params["options"] = f"{options} -c statement_timeout={statement_ms}".strip()
    return params


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
    return make_conninfo("", **params)


def sqlalchemy_url(url: str | None = None, driver: str = "psycopg") -> str:
    """A SQLAlchemy URL for ``url``; ``driver`` is ``psycopg`` (psycopg 3) or ``psycopg2`` (GX, dbt's world).

    A socket directory cannot sit in the URL's host part, so it goes in the query (``?host=/path``), which both
    drivers pass to libpq. For ``psycopg2`` the host part says ``localhost`` because GX's URL validation refuses
    a URL without a host; the query's ``host`` wins, so the connection still goes to the socket.
    """
    if driver not in ("psycopg", "psycopg2"):
        raise ValueError(f"driver must be 'psycopg' or 'psycopg2', not {driver!r}")

    url = url or database_url()
    p = libpq_params(url)
    credentials = quote(p["user"], safe="") + (":" + quote(p["password"], safe="") if p["password"] else "")
    # the URL's other libpq parameters (sslmode, its own timeouts...), then nianbao's timeouts where it has none
    query = {k: v for k, v in conninfo_to_dict(url).items() if k not in _URL_PARTS}
    query.update(timeout_params(url))
    if p["host"].startswith("/"):  # a Unix socket directory
        netloc = "localhost" if driver == "psycopg2" else ""
        query = {"host": p["host"], "port": str(p["port"]), **query}  # the socket's file name carries the port
        address = f"{netloc}/{quote(p['dbname'])}"
    else:
        address = f"{p['host']}:{p['port']}/{quote(p['dbname'])}"
    encoded = urlencode(query, quote_via=lambda value, *_: quote(value, safe="/"))
    return f"postgresql+{driver}://{credentials}@{address}" + (f"?{encoded}" if encoded else "")


# --------------------------------------------------------------------------------------------- secrets

# user:password@ in any scheme://; a password in a URL cannot hold '/', '@' or a space (they must be %-escaped).
_URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^/\s:@]*:)[^/\s@]*(@)", re.IGNORECASE)
# password=... as a query parameter or a key=value conninfo entry (quoted or not)
_PARAM_PASSWORD = re.compile(r"(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&]+)", re.IGNORECASE)
REDACTED = "***"


def redact(url: str) -> str:
    """``url`` (or any text holding URLs or conninfo strings) with every password replaced by ``***``."""
    text = _URL_PASSWORD.sub(rf"\g<1>{REDACTED}\g<2>", str(url))
    return _PARAM_PASSWORD.sub(rf"\g<1>{REDACTED}", text)


def without_password(url: str) -> tuple[str, str | None]:
    """(``url`` without its password, the password or None): the URL may go on a command line, the password
    only into the environment (``PGPASSWORD``, which libpq reads when the URL has none)."""
    given = conninfo_to_dict(url).get("password")
    if given is None:
        return url, None
    password = str(given)
    if "://" not in url:  # a key=value conninfo string
        params = conninfo_to_dict(url)
        params.pop("password")
        return make_conninfo("", **params), password
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, hosts = netloc.rpartition("@")
        netloc = f"{userinfo.partition(':')[0]}@{hosts}"
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "password"], quote_via=quote
    )
    return urlunsplit(parts._replace(netloc=netloc, query=query)), password


# --------------------------------------------------------------------------------------------- errors


def where(url: str | None = None) -> str:
    """Where ``url`` points, for messages: ``host:port`` or the socket directory; never credentials."""
    if url is None:
        url = os.environ.get(DATABASE_URL_ENV)
        if not url:
            return f"the embedded server in {settings.home() / 'pg'}"
    try:
        params = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return redact(url)
    host = str(params.get("host") or "localhost")
    if host.startswith("/"):
        return f"socket {host}"
    return f"{host}:{params.get('port') or DEFAULT_PORT}"


def explain(error: BaseException, url: str | None = None) -> str | None:
    """One line for a warehouse failure a user can act on (cannot connect, timed out), or None for other errors.

    Looks through the chain SQLAlchemy and alembic wrap driver errors in (``orig``, ``__cause__``)."""
    import psycopg2

    for exc in _chain(error):
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if isinstance(exc, psycopg.errors.ConnectionTimeout) or (
            isinstance(exc, psycopg2.OperationalError) and "timeout expired" in message
        ):
            return (
                f"the warehouse at {where(url)} did not answer within the {settings.connect_timeout()} s connect "
                f"timeout (${settings.CONNECT_TIMEOUT_ENV})"
            )
        if isinstance(exc, psycopg.errors.QueryCanceled) and "statement timeout" in message:
            return (
                f"a statement on the warehouse at {where(url)} ran past the {settings.statement_timeout():g} s "
                f"statement timeout (${settings.STATEMENT_TIMEOUT_ENV})"
            )
        if isinstance(exc, (psycopg.OperationalError, psycopg2.OperationalError)):
            return f"cannot use the warehouse at {where(url)}: {redact(message)}"
    return None


def _chain(error: BaseException):
    seen: set[int] = set()
    todo: list[BaseException] = [error]
    while todo:
        exc = todo.pop(0)
        if exc is None or id(exc) in seen:
            continue
        seen.add(id(exc))
        yield exc
        todo.extend(e for e in (getattr(exc, "orig", None), exc.__cause__, exc.__context__) if e is not None)
