"""The embedded PostgreSQL server (pgserver) under ``home()/pg``.

One server per data directory, shared by every process that uses it: ``start()`` starts it the first time and
afterwards only reads ``postmaster.pid`` to find it again, so a warm start costs a few milliseconds. The server is
deliberately *not* stopped when Python exits (pgserver ``cleanup_mode=None``): ``make run`` leaves it up for the
next command and ``nianbao db stop`` (``stop()``) shuts it down.

It listens on a Unix socket only (no TCP port), in the data directory. URLs look like
``postgresql://postgres@/nianbao?host=<socket dir>``; see ``warehouse.connection`` for other shapes.

Several processes may start it at the same moment (``make run`` beside a test, the DAG's parallel tasks): the cold
path runs under a file lock in ``home()``, so one process runs initdb, starts the server and creates the database
while the others wait, then find it running and reuse it.
"""

from __future__ import annotations

import fcntl
import os
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


def data_dir() -> Path:
    """The PostgreSQL data directory (PGDATA) of the embedded server."""
    return home() / "pg"


@dataclass(frozen=True)
class ServerStatus:
    running: bool
    data_dir: Path
    pid: int | None = None
    socket_dir: Path | None = None
    url: str | None = None


def url_for(socket_dir: Path, database: str = DATABASE_NAME) -> str:
    """libpq URL of a database on a socket-only server."""
    return f"postgresql://{SUPERUSER}@/{database}?host={quote(str(socket_dir), safe='/')}"


def _read_postmaster_pid(pgdata: Path) -> tuple[int, Path | None, str] | None:
    """(pid, socket dir, status) from ``postmaster.pid``, or None when there is no such file."""
    try:
        lines = (pgdata / "postmaster.pid").read_text().splitlines()
    except (FileNotFoundError, PermissionError):
        return None
    if len(lines) < 8:  # the file is being written right now
        return None
    socket_dir = Path(lines[4].strip()) if lines[4].strip() else None
    return int(lines[0]), socket_dir, lines[7].strip()


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


def _running_socket_dir(pgdata: Path) -> Path | None:
    """Socket dir of a running, ready server on ``pgdata``; None if not running."""
    info = _read_postmaster_pid(pgdata)
    if info is None:
        return None
    pid, socket_dir, state = info
    if state != "ready" or socket_dir is None or not _is_postgres(pid):
        return None
    if not (socket_dir / ".s.PGSQL.5432").exists():
        return None
    return socket_dir


def status() -> ServerStatus:
    pgdata = data_dir()
    socket_dir = _running_socket_dir(pgdata)
    if socket_dir is None:
        return ServerStatus(running=False, data_dir=pgdata)
    info = _read_postmaster_pid(pgdata)
    return ServerStatus(
        running=True, data_dir=pgdata, pid=info[0] if info else None, socket_dir=socket_dir, url=url_for(socket_dir)
    )


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
    socket_dir = _running_socket_dir(pgdata)
    if socket_dir is not None and (pgdata / _READY_MARKER).exists():
        return url_for(socket_dir)
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
        if _running_socket_dir(pgdata) is None:
            # pgserver caches one handle per data dir per process; after stop() that handle is stale.
            server.ensure_postgres_running()
    socket_dir = server.get_postmaster_info().socket_dir
    _ensure_database(url_for(socket_dir, database=SUPERUSER))
    (pgdata / _READY_MARKER).touch()
    return url_for(socket_dir)


def _remove_stale_lock_files(pgdata: Path) -> None:
    """Delete lock files whose pid is not a live postgres (left by a crash, a kill -9 or a reboot).

    postgres refuses to start while ``postmaster.pid`` or the socket's ``.s.PGSQL.5432.lock`` names a live pid;
    in a container without an init process a killed postmaster stays a zombie, which counts as live for it,
    and after a reboot the pid may belong to another process. Our check reads /proc, so it knows better."""
    for lock_file in (pgdata / "postmaster.pid", pgdata / ".s.PGSQL.5432.lock"):
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
    if _running_socket_dir(pgdata) is None:
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pgserver._commands import POSTGRES_BIN_PATH

    # The server's files belong to the `pgserver` system user when pgserver was started as root.
    run_as = "pgserver" if os.geteuid() == 0 else None
    subprocess.run(
        [str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(pgdata), "-m", "fast", "-w", "stop"],
        check=True,
        capture_output=True,
        user=run_as,
        timeout=60,
    )
    return True
