"""The embedded PostgreSQL server (pgserver) under ``home()/pg``.

One server per data directory, shared by every process that uses it: ``start()`` starts it the first time and
afterwards only reads ``postmaster.pid`` to find it again, so a warm start costs a few milliseconds. The server is
deliberately *not* stopped when Python exits (pgserver ``cleanup_mode=None``): ``make run`` leaves it up for the
next command and ``nianbao db stop`` (``stop()``) shuts it down.

It listens on a Unix socket in the data directory, for nianbao itself (``postgres``, trust: only this machine's
users who can reach the socket), and on TCP at 127.0.0.1 for BI tools, which must log in with a password
(scram-sha-256; ``postgres`` has none, so only roles like ``bi_reader`` can). The TCP port is
``$NIANBAO_PG_PORT``, else the one this data directory used last, else ``DEFAULT_PORT``; when it is taken by
another program, a free one (the socket's name carries the port too). nianbao's URLs look like
``postgresql://postgres@/nianbao?host=<socket dir>&port=<port>``, a BI tool's like ``tcp_url()``; see
``warehouse.connection`` for other shapes.

Several processes may start it at the same moment (``make run`` beside a test, the DAG's parallel tasks): the cold
path runs under a file lock in ``home()``, so one process runs initdb, starts the server and creates the database
while the others wait, then find it running and reuse it.
"""

from __future__ import annotations

import fcntl
import os
import socket
import subprocess
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from warehouse.settings import home

DATABASE_NAME = "nianbao"
SUPERUSER = "postgres"  # pgserver runs initdb with this superuser and trust authentication on the socket
# Written after the database has been created, so a warm start can skip checking for it.
_READY_MARKER = ".nianbao_database_created"
# Beside the data directory, not in it: initdb wants an empty one.
_START_LOCK = "pg.start.lock"
# initdb plus the first start take a few seconds; a slow disk, a minute. Waiting longer means the holder is stuck.
START_LOCK_TIMEOUT = 300
# TCP, for BI tools: loopback only, never beyond this machine.
LISTEN_ADDRESS = "127.0.0.1"
PORT_ENV = "NIANBAO_PG_PORT"
# Beside a system PostgreSQL's 5432 (and compose's warehouse on 5433), fixed so a BI tool's saved connection
# keeps working from one start to the next.
DEFAULT_PORT = 15432
# The port this data directory listened on last, kept so a restart keeps it.
_PORT_FILE = ".nianbao_port"
# Who may connect how. Written at every cold start: initdb's own file trusts TCP connections too.
_PG_HBA = f"""# Written by nianbao (warehouse/embedded.py) at every start; edits here are overwritten.
# socket: nianbao itself, as postgres, trusted (the socket is reachable from this machine only)
local all all trust
# TCP on {LISTEN_ADDRESS}: password only (postgres has none, so it cannot log in this way)
host all all {LISTEN_ADDRESS}/32 scram-sha-256
"""


def data_dir() -> Path:
    """The PostgreSQL data directory (PGDATA) of the embedded server."""
    return home() / "pg"


@dataclass(frozen=True)
class ServerStatus:
    running: bool
    data_dir: Path
    pid: int | None = None
    socket_dir: Path | None = None
    port: int | None = None
    url: str | None = None
    tcp_address: str | None = None


@dataclass(frozen=True)
class _Postmaster:
    """What ``postmaster.pid`` says about the server of a data directory."""

    pid: int
    port: int
    socket_dir: Path | None
    listen_address: str
    state: str


def url_for(socket_dir: Path, port: int = 5432, database: str = DATABASE_NAME) -> str:
    """libpq URL of a database through the server's socket (whose file name carries the port)."""
    return f"postgresql://{SUPERUSER}@/{database}?host={quote(str(socket_dir), safe='/')}&port={port}"


def tcp_url(user: str, port: int, database: str = DATABASE_NAME) -> str:
    """libpq URL of a database over TCP on the loopback address, without a password."""
    return f"postgresql://{user}@{LISTEN_ADDRESS}:{port}/{database}"


def _read_postmaster_pid(pgdata: Path) -> _Postmaster | None:
    """The running server's ``postmaster.pid``, or None when there is no such file."""
    try:
        lines = (pgdata / "postmaster.pid").read_text().splitlines()
    except (FileNotFoundError, PermissionError):
        return None
    if len(lines) < 8:  # the file is being written right now
        return None
    socket_dir = Path(lines[4].strip()) if lines[4].strip() else None
    return _Postmaster(
        pid=int(lines[0]),
        port=int(lines[3].strip() or 5432),
        socket_dir=socket_dir,
        listen_address=lines[5].strip(),
        state=lines[7].strip(),
    )


def _is_postgres(pid: int) -> bool:
    """Whether ``pid`` is a live postgres process. After a crash or reboot ``postmaster.pid`` may name a pid
    that now belongs to something else."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by another user (the `pgserver` system user when we run as root)
        pass
    try:
        return b"postgres" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:  # no /proc (macOS): trust the pid
        return True


def _running(pgdata: Path) -> _Postmaster | None:
    """The running, ready server on ``pgdata`` (its socket in place); None if not running."""
    info = _read_postmaster_pid(pgdata)
    if info is None or info.state != "ready" or info.socket_dir is None or not _is_postgres(info.pid):
        return None
    if not (info.socket_dir / f".s.PGSQL.{info.port}").exists():
        return None
    return info


def _serving(pgdata: Path) -> _Postmaster | None:
    """The running server on ``pgdata`` if it also listens on TCP (one started by an older nianbao may not)."""
    info = _running(pgdata)
    return info if info is not None and info.listen_address == LISTEN_ADDRESS else None


def status() -> ServerStatus:
    pgdata = data_dir()
    info = _running(pgdata)
    if info is None:
        return ServerStatus(running=False, data_dir=pgdata)
    return ServerStatus(
        running=True,
        data_dir=pgdata,
        pid=info.pid,
        socket_dir=info.socket_dir,
        port=info.port,
        url=url_for(info.socket_dir, info.port),  # type: ignore[arg-type]  # _running(): only servers with a socket
        tcp_address=f"{info.listen_address}:{info.port}" if info.listen_address else None,
    )


def port() -> int:
    """The TCP port of the running embedded server (starting it if needed)."""
    start()
    info = _serving(data_dir())
    if info is None:  # stopped between the two lines
        raise RuntimeError(f"the embedded warehouse in {data_dir()} stopped while starting")
    return info.port


def start() -> str:
    """Start (or find) the embedded server and return the URL of database ``nianbao`` on it."""
    pgdata = data_dir()
    url = _ready_url(pgdata)
    if url is not None:
        return url  # warm path: no lock, no import of pgserver, no connection
    with _start_lock(pgdata.parent / _START_LOCK):
        # whoever held the lock before us may have done it all
        return _ready_url(pgdata) or _cold_start(pgdata)


def _ready_url(pgdata: Path) -> str | None:
    """The URL when the server is running and its database was created, else None. Reads files only."""
    info = _serving(pgdata)
    if info is not None and (pgdata / _READY_MARKER).exists():
        return url_for(info.socket_dir, info.port)  # type: ignore[arg-type]  # _running(): only servers with a socket
    return None


@contextmanager
def _start_lock(path: Path, timeout: float = START_LOCK_TIMEOUT) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (flock: released by the kernel if the holder dies, so never stale)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TimeoutError(
                        f"another process has been starting the embedded warehouse for over {timeout:g} s "
                        f"(it holds {path})"
                    ) from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _cold_start(pgdata: Path) -> str:
    """initdb if needed, start the server, create the database. Only under ``_start_lock``."""
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_lock_files(pgdata)
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers); pgserver then uses /tmp, which is fine.
        warnings.simplefilter("ignore")
        import pgserver

        server = pgserver.get_server(pgdata, cleanup_mode=None)
        if _running(pgdata) is None:
            # pgserver caches one handle per data dir per process; after stop() that handle is stale.
            server.ensure_postgres_running()
    # pgserver starts the server on its socket only (it passes `-h ""`, which no setting can override):
    # restart it listening on TCP too, with our pg_hba.conf. Costs a fraction of a second, once per cold start.
    info = _serving(pgdata) or _restart_with_tcp(pgdata)
    _ensure_database(url_for(info.socket_dir, info.port, database=SUPERUSER))  # type: ignore[arg-type]  # _running(): only servers with a socket
    (pgdata / _READY_MARKER).touch()
    return url_for(info.socket_dir, info.port)  # type: ignore[arg-type]  # _running(): only servers with a socket


def _restart_with_tcp(pgdata: Path) -> _Postmaster:
    """Restart the (running, socket-only) server on ``pgdata`` listening on ``LISTEN_ADDRESS`` too."""
    running = _running(pgdata)
    if running is None or running.socket_dir is None:
        raise RuntimeError(f"the embedded warehouse in {pgdata} did not start (see {pgdata / 'log'})")
    (pgdata / "pg_hba.conf").write_text(_PG_HBA)  # in place: keeps the file's owner (`pgserver` under root)
    chosen = _choose_port(pgdata)
    for attempt in (1, 2):
        options = f"-h {LISTEN_ADDRESS} -p {chosen} -k {running.socket_dir}"
        try:
            # (a restart of a server that is down, after a failed first attempt, just starts it)
            _pg_ctl(pgdata, "-m", "fast", "-w", "-t", "60", "-o", options, "-l", str(pgdata / "log"), "restart")
            break
        except subprocess.CalledProcessError:
            if attempt == 2:
                raise
            chosen = _free_port()  # another server took the port between our check and its start
    (pgdata / _PORT_FILE).write_text(f"{chosen}\n")
    info = _serving(pgdata)
    if info is None:
        raise RuntimeError(f"the embedded warehouse in {pgdata} did not restart on TCP (see {pgdata / 'log'})")
    return info


def _choose_port(pgdata: Path) -> int:
    """``$NIANBAO_PG_PORT``, else the port this data directory used last, else ``DEFAULT_PORT``; a free one when
    that is taken (by another program, or by the embedded server of another data directory)."""
    configured = os.environ.get(PORT_ENV, "").strip()
    if configured:
        if not configured.isdigit() or not 0 < int(configured) < 65536:
            raise ValueError(f"{PORT_ENV}={configured!r}: expected a TCP port number")
        wanted = int(configured)
    else:
        try:
            wanted = int((pgdata / _PORT_FILE).read_text())
        except (FileNotFoundError, ValueError):
            wanted = DEFAULT_PORT
    return wanted if _port_is_free(wanted) else _free_port()


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # as postgres binds: a port whose last connections linger in TIME_WAIT (a restart) is free to it
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((LISTEN_ADDRESS, port))
        except OSError:
            return False
    return True


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LISTEN_ADDRESS, 0))
        return probe.getsockname()[1]


def _pg_ctl(pgdata: Path, *args: str) -> None:
    """Run ``pg_ctl -D pgdata args…`` as the user that owns the server's files (`pgserver` when we are root)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pgserver._commands import POSTGRES_BIN_PATH

    subprocess.run(
        [str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(pgdata), *args],
        check=True,
        capture_output=True,
        user="pgserver" if os.geteuid() == 0 else None,
        timeout=90,
    )


def _remove_stale_lock_files(pgdata: Path) -> None:
    """Delete lock files whose pid is not a live postgres (left by a crash, a kill -9 or a reboot).

    postgres refuses to start while ``postmaster.pid`` or the socket's ``.s.PGSQL.<port>.lock`` names a live pid;
    in a container without an init process a killed postmaster stays a zombie, which counts as live for it,
    and after a reboot the pid may belong to another process. Our check reads /proc, so it knows better."""
    for lock_file in (pgdata / "postmaster.pid", *pgdata.glob(".s.PGSQL.*.lock")):
        try:
            pid = int(lock_file.read_text().split()[0])
        except (FileNotFoundError, IndexError, ValueError):
            continue
        if not _is_postgres(pid):
            lock_file.unlink(missing_ok=True)


def _ensure_database(admin_url: str) -> None:
    from psycopg import errors, sql

    from warehouse.connection import connect

    with connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE_NAME,)).fetchone()
        if exists:
            return
        try:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE_NAME)))
        # Another process created it between our check and our CREATE: with the start lock only one that does not
        # take the lock (an older nianbao). Two concurrent CREATEs of one name fail with UniqueViolation on the
        # catalog index, or DuplicateDatabase when the other one committed first.
        except (errors.DuplicateDatabase, errors.UniqueViolation):
            pass


def stop() -> bool:
    """Stop the embedded server (fast shutdown: open sessions are rolled back). True if it was running."""
    pgdata = data_dir()
    if _running(pgdata) is None:
        return False
    _pg_ctl(pgdata, "-m", "fast", "-w", "stop")
    return True
