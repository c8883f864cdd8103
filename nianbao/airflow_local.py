"""Airflow on this machine: its configuration, its servers (`nianbao airflow up|down|status`) and the DAG runs
`nianbao run` makes through them.

- Home: ``$AIRFLOW_HOME``, else ``<data directory>/airflow`` (``.nianbao/airflow``). Its ``airflow.cfg`` is
  written from ``settings()`` below (this project's dags folder, no example DAGs, LocalExecutor, loopback only),
  so a bare ``airflow ...`` with that home sees the same set-up. The cfg holds Airflow's secret keys: mode 0600.
- Metadata: the database ``airflow`` of the embedded PostgreSQL once the servers have started
  (``metadata_settings``), a SQLite file in the home before that (enough for `dag.test()` in one process);
  never the warehouse.
- Servers: api-server (UI, REST API and the tasks' execution API), scheduler, dag-processor and triggerer, each
  its own process started here, plus the bundled sample portal so every run of the DAG, scheduled or triggered,
  can crawl it. Every listener is on 127.0.0.1: the api-server is told so, and the scheduler and triggerer run
  without their log servers (Airflow binds those to every interface, with no setting for the host); the
  api-server reads the task logs from the log folder on this disk instead.
- Login: Airflow's simple auth manager, one user ``admin`` whose password is generated once into
  ``passwords.json`` (mode 0600) in that home; nothing prints it.
"""

from __future__ import annotations

import configparser
import hashlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from base64 import urlsafe_b64encode
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from nianbao.paths import DAGS_DIR, REPO_ROOT

DAG_ID = "nianbao_harvest"
USER = "admin"
PORT_ENV = "NIANBAO_AIRFLOW_PORT"
# Airflow's own default; when another program holds it, a free one (remembered in airflow.cfg).
DEFAULT_PORT = 8080
HOST = "127.0.0.1"
# Every task of a run on a 2-core machine: crawls, parse workers and dbt models, a few at a time.
PARALLELISM = 4
# A cold start of the four servers on a busy 2-core machine takes ~30 s; ten times that means something is wrong.
START_TIMEOUT = 300
# One HTTP request to the api-server.
REQUEST_TIMEOUT = 30
# The api-server builds the tasks' execution API at its first request there: 27-38 s on a busy 2-core machine.
EXECUTION_API_BUILD_TIMEOUT = 120
# How often `nianbao run` asks how the run is going.
POLL_INTERVAL = 2
SIMPLE_AUTH_MANAGER = "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager"
# The order they start in; stopped in reverse. The sample portal first: the servers' environment names it.
COMPONENTS = ("sample-portal", "api-server", "scheduler", "dag-processor", "triggerer")


def airflow_home() -> Path:
    from warehouse.settings import home

    return Path(os.environ.get("AIRFLOW_HOME") or home() / "airflow").resolve()


def passwords_file() -> Path:
    return airflow_home() / "passwords.json"


def settings(port: int) -> dict[str, dict[str, str]]:
    """Airflow's configuration for this project, written to airflow.cfg (secret keys are added there once)."""
    home = airflow_home()
    url = f"http://{HOST}:{port}"
    return {
        "core": {
            "dags_folder": str(DAGS_DIR),
            "load_examples": "False",
            "executor": "LocalExecutor",
            "parallelism": str(PARALLELISM),
            # a DAG found for the first time waits for a person to unpause it
            "dags_are_paused_at_creation": "True",
            "auth_manager": SIMPLE_AUTH_MANAGER,
            "simple_auth_manager_users": f"{USER}:admin",
            "simple_auth_manager_passwords_file": str(passwords_file()),
            "execution_api_server_url": f"{url}/execution/",
            "unit_test_mode": "False",
        },
        "api": {"host": HOST, "port": str(port), "base_url": url},
        "logging": {"base_log_folder": str(home / "logs"), "logging_level": "INFO"},
        "dag_processor": {
            # One DAG file, and cosmos makes each parse of it seconds of CPU: every 30 s (the default) meant 21
            # parses of 6-7 s each during one run, taken from the run's tasks on a busy 2-core machine. A file
            # changed since its last parse is parsed at once whatever this says, and `airflow dags test` (so
            # `nianbao run`) syncs the DAG it runs itself.
            "min_file_process_interval": "600",
        },
        "scheduler": {"enable_health_check": "False"},
        # A task's call that meets the execution API still being built (EXECUTION_API_BUILD_TIMEOUT) waits for it,
        # rather than timing out after Airflow's default 5 s and being retried until the task fails
        "workers": {
            "execution_api_timeout": str(EXECUTION_API_BUILD_TIMEOUT),
            # A task's supervisor waits for its process in a select() of at most this many seconds (default 5).
            # A process that closes its sockets a moment before it exits leaves the select() nothing to wake it:
            # half the tasks of a run took 5.3 s for 0.3 s of work (benchmarks/make_run.py). Where the workers fork
            # from a patched process the supervisor waits on the exit itself (nianbao.task_supervisor); elsewhere
            # (Celery workers) this bounds the wait. Also how often a running task heartbeats: once a second costs
            # the local api-server nothing.
            "min_heartbeat_interval": "1",
        },
        # cosmos names the dbt models' assets by Airflow 3's URI rules (it warns at every task otherwise)
        "cosmos": {"use_dataset_airflow3_uri_standard": "True"},
        "usage_data_collection": {"enabled": "False"},
    }


# Generated once per home and kept: the api-server and the scheduler must agree on them.
SECRET_KEYS = (("core", "fernet_key"), ("api", "secret_key"), ("api_auth", "jwt_secret"))


METADATA_DATABASE = "airflow"


def metadata_settings() -> dict[str, str]:
    """Airflow's metadata database for the servers: ``airflow`` on the embedded PostgreSQL under the data
    directory, a database of its own beside the warehouse's ``nianbao`` (and started for Airflow even when the
    warehouse is an external server). Not SQLite: the servers, the run and the tasks' API calls write to it at
    once, and SQLite makes them queue behind one another's writes for tens of seconds."""
    import psycopg

    from warehouse import embedded
    from warehouse.connection import connect, sqlalchemy_url, with_database

    server = embedded.start()
    with connect(server, autocommit=True) as conn:
        if not conn.execute("select 1 from pg_database where datname = %s", (METADATA_DATABASE,)).fetchone():
            try:
                conn.execute(f'create database "{METADATA_DATABASE}"')
            except psycopg.errors.DuplicateDatabase:  # another process made it just now
                pass
    url = with_database(server, METADATA_DATABASE)
    return {
        "sql_alchemy_conn": sqlalchemy_url(url, driver="psycopg2"),
        "sql_alchemy_conn_async": sqlalchemy_url(url, driver="psycopg"),
    }


def configure() -> Path:
    """Write airflow.cfg and point this process (and the processes it starts) at it. Call it before anything
    imports airflow: Airflow reads its configuration at first import."""
    from nianbao import telemetry

    telemetry.disable()
    home = airflow_home()
    home.mkdir(parents=True, exist_ok=True)
    os.environ["AIRFLOW_HOME"] = str(home)
    # the crawl subprocesses and dbt inherit this environment: loopback never goes through a proxy
    os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
    _write_cfg(_configured_port())
    return home


def _cfg_path() -> Path:
    return airflow_home() / "airflow.cfg"


def _read_cfg() -> configparser.ConfigParser:
    cfg = configparser.ConfigParser(interpolation=None)
    cfg.read(_cfg_path(), encoding="utf-8")
    return cfg


def _configured_port() -> int:
    """$NIANBAO_AIRFLOW_PORT, else the port airflow.cfg has (the one last used), else the default."""
    if os.environ.get(PORT_ENV):
        return _port_from_env()
    return _read_cfg().getint("api", "port", fallback=DEFAULT_PORT)


def _port_from_env() -> int:
    raw = os.environ[PORT_ENV]
    try:
        port = int(raw)
    except ValueError:
        port = 0
    if not 0 < port < 65536:
        raise ValueError(f"{PORT_ENV}={raw!r}: expected a TCP port number (1-65535)")
    return port


def _write_cfg(port: int, metadata: dict[str, str] | None = None) -> None:
    """airflow.cfg from ``settings``; the metadata database is ``metadata``, else the one it names already, else a
    SQLite file in the home (enough for `dag.test()` in one process; `up` moves the servers to PostgreSQL)."""
    cfg = _read_cfg()
    if metadata is None and not cfg.get("database", "sql_alchemy_conn", fallback=""):
        metadata = {"sql_alchemy_conn": f"sqlite:///{airflow_home() / 'airflow.db'}"}
    for section, values in {**settings(port), "database": metadata or {}}.items():
        if not cfg.has_section(section):
            cfg.add_section(section)
        for key, value in values.items():
            cfg.set(section, key, value.replace("%", "%%"))  # Airflow's cfg interpolates: % is written %%
    for section, key in SECRET_KEYS:
        if not cfg.has_section(section):
            cfg.add_section(section)
        if not cfg.get(section, key, fallback=""):
            # the JWT key: 64 bytes, as SHA-512 wants
            cfg.set(section, key, _fernet_key() if key == "fernet_key" else secrets.token_urlsafe(64))
    _write_private(_cfg_path(), lambda f: cfg.write(f))


def _fernet_key() -> str:
    return urlsafe_b64encode(secrets.token_bytes(32)).decode()


def _write_private(path: Path, write: Callable) -> None:
    """Write ``path`` readable by its owner only (it holds secrets), replacing it whole."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        write(f)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def password() -> str:
    """The UI password of ``admin``, generated on first use (0600 file; the auth manager reads the same file)."""
    path = passwords_file()
    if path.exists():
        stored = json.loads(path.read_text(encoding="utf-8") or "{}")
        if stored.get(USER):
            return stored[USER]
    generated = secrets.token_urlsafe(18)
    _write_private(path, lambda f: f.write(json.dumps({USER: generated}) + "\n"))
    return generated


def migrate_metadata_db() -> None:
    """Create or upgrade Airflow's own metadata database (quick when it is up to date)."""
    configure()
    marker = airflow_home() / ".migrated"
    # the version and the database: a new release or another database is migrated again
    stamp = (
        f"{_airflow_version()} {hashlib.sha256(_read_cfg().get('database', 'sql_alchemy_conn').encode()).hexdigest()}"
    )
    if marker.exists() and marker.read_text() == stamp:
        return
    subprocess.run([_airflow(), "db", "migrate"], check=True, capture_output=True, env=os.environ.copy(), timeout=600)
    marker.write_text(stamp)


def _airflow() -> str:
    return str(Path(sys.executable).parent / "airflow")


def _airflow_version() -> str:
    from importlib.metadata import version

    return version("apache-airflow")


# --------------------------------------------------------------------------------------------- servers


@dataclass(frozen=True)
class Status:
    running: dict[str, int]  # component -> pid, for those alive
    url: str
    portal_url: str | None
    log_dir: Path

    @property
    def up(self) -> bool:
        return set(self.running) == set(COMPONENTS)


def _run_dir() -> Path:
    return airflow_home() / "servers"


def _pid(component: str) -> int | None:
    """The pid recorded for ``component`` if that very process is still alive (pid and start time match)."""
    try:
        pid, started = (_run_dir() / f"{component}.pid").read_text().split()
        return int(pid) if _start_time(int(pid)) == started else None
    except (OSError, ValueError):
        return None


def _start_time(pid: int) -> str | None:
    """When process ``pid`` started (clock ticks since boot), or None when it is gone: with the pid, the
    process's identity (a pid alone may be reused)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return None if fields[0] == "Z" else fields[19]


def status() -> Status:
    configure()
    running = {c: pid for c in COMPONENTS if (pid := _pid(c))}
    portal = _run_dir() / "sample-portal.url"
    return Status(
        running=running,
        url=f"http://{HOST}:{_configured_port()}",
        portal_url=portal.read_text().strip() if portal.exists() else None,
        log_dir=_run_dir(),
    )


def up(on_step: Callable[[str], None] | None = None, *, warm: bool = True) -> Status:
    """Start whichever servers are not running, and wait until the api-server answers and the scheduler,
    dag-processor and triggerer report healthy, then (``warm``) until the tasks' execution API is built. Idempotent.

    ``warm=False`` for a caller that warms it up itself while doing something else (``run_dag``)."""
    step = on_step or (lambda _msg: None)
    current = status()
    fingerprint = _warehouse_fingerprint()
    same_warehouse = (_run_dir() / "warehouse.sha256").exists() and (
        (_run_dir() / "warehouse.sha256").read_text() == fingerprint
    )
    if current.up and same_warehouse and _healthy(current.url):
        return current
    if current.running:  # half up (a crash, a killed process), or started for another warehouse: start anew
        step("restarting Airflow" if current.up else "cleaning up after a half-started Airflow")
        down()
    port = _configured_port()
    if not _port_free(port):
        if os.environ.get(PORT_ENV):
            raise RuntimeError(f"port {port} (${PORT_ENV}) is taken by another program: choose another")
        port = _free_port()
    step("preparing Airflow's metadata database")
    _write_cfg(port, metadata_settings())
    migrate_metadata_db()
    password()
    run_dir = _run_dir()
    run_dir.mkdir(parents=True, exist_ok=True)
    portal_port = _free_port()
    portal_url = f"http://{HOST}:{portal_port}"
    env = _server_env(portal_url)
    commands = {
        "sample-portal": [sys.executable, "-m", "sample_portal", "--port", str(portal_port)],
        "api-server": [_airflow(), "api-server", "--host", HOST, "--port", str(port), "--workers", "1"],
        # `airflow scheduler` with the DAG built before the LocalExecutor forks its workers (nianbao.warm_scheduler)
        "scheduler": [sys.executable, "-m", "nianbao.warm_scheduler", "--skip-serve-logs"],
        "dag-processor": [_airflow(), "dag-processor"],
        "triggerer": [_airflow(), "triggerer", "--skip-serve-logs"],
    }
    step("starting Airflow: " + ", ".join(COMPONENTS[1:]))
    for component in COMPONENTS:
        log = (run_dir / f"{component}.log").open("ab")
        proc = subprocess.Popen(
            commands[component],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=REPO_ROOT,
            start_new_session=True,  # its own process group: `down` stops it and whatever it started
        )
        (run_dir / f"{component}.pid").write_text(f"{proc.pid} {_start_time(proc.pid)}")
    (run_dir / "sample-portal.url").write_text(portal_url)
    (run_dir / "warehouse.sha256").write_text(fingerprint)
    url = f"http://{HOST}:{port}"
    step(f"waiting for Airflow at {url}")
    _wait_healthy(url)
    if warm:
        warm_execution_api(url)
    return status()


def _warehouse_fingerprint() -> str:
    """Which warehouse the servers' tasks use (the data directory, the URL), as a digest: no password on disk."""
    from nianbao import steps
    from warehouse.settings import home

    return hashlib.sha256(f"{home()}\n{steps.warehouse_url()}".encode()).hexdigest()


def _server_env(portal_url: str) -> dict[str, str]:
    """The environment of the servers and so of every task: this warehouse (also as the Airflow connection dbt
    reaches it through) and the sample portal."""
    from nianbao import steps
    from warehouse.settings import home

    env = dict(os.environ)
    env.update(
        AIRFLOW_HOME=str(airflow_home()),
        NIANBAO_HOME=str(home()),  # absolute: the tasks find the same embedded warehouse from any directory
        NIANBAO_SAMPLE_PORTAL_URL=portal_url,
        PYTHONUNBUFFERED="1",
        **steps.warehouse_connection_env(steps.warehouse_url()),
    )
    return env


def down() -> list[str]:
    """Stop every server started by `up` (SIGTERM to its process group, SIGKILL after a grace period)."""
    configure()
    pids = {c: pid for c in reversed(COMPONENTS) if (pid := _pid(c))}
    for pid in pids.values():
        _signal_group(pid, signal.SIGTERM)
    deadline = time.monotonic() + 20
    for pid in pids.values():
        while _start_time(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        if _start_time(pid):
            _signal_group(pid, signal.SIGKILL)
    for component in COMPONENTS:
        (_run_dir() / f"{component}.pid").unlink(missing_ok=True)
    return list(pids)


def _signal_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _health(url: str) -> dict | None:
    import httpx

    try:
        response = httpx.get(f"{url}/api/v2/monitor/health", timeout=5, trust_env=False)
    except httpx.HTTPError:
        return None
    return response.json() if response.status_code == 200 else None


def _healthy(url: str) -> bool:
    health = _health(url) or {}
    parts = ("metadatabase", "scheduler", "dag_processor", "triggerer")
    return bool(health) and all((health.get(p) or {}).get("status") == "healthy" for p in parts)


def _wait_healthy(url: str) -> None:
    """Until the servers report healthy."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if _healthy(url):
            return
        dead = [c for c in COMPONENTS if not _pid(c)]
        if dead:
            raise RuntimeError(f"Airflow's {', '.join(dead)} stopped while starting; see {_run_dir()}/{dead[0]}.log")
        time.sleep(0.5)
    raise TimeoutError(f"Airflow at {url} was not healthy within {START_TIMEOUT} s; see the logs in {_run_dir()}")


def warm_execution_api(url: str) -> None:
    """Ask the tasks' execution API once, so that it is built (it is, at its first request: see
    EXECUTION_API_BUILD_TIMEOUT) before the tasks call it."""
    import httpx

    httpx.get(f"{url}/execution/health", timeout=EXECUTION_API_BUILD_TIMEOUT, trust_env=False).raise_for_status()


# --------------------------------------------------------------------------------------------- runs


class Client:
    """The api-server's REST API, logged in as ``admin``."""

    def __init__(self, url: str):
        import httpx

        self.url = url
        self.http = httpx.Client(base_url=f"{url}/api/v2", timeout=REQUEST_TIMEOUT, trust_env=False)
        token = httpx.post(
            f"{url}/auth/token",
            json={"username": USER, "password": password()},
            timeout=REQUEST_TIMEOUT,
            trust_env=False,
        )
        token.raise_for_status()
        self.http.headers["Authorization"] = f"Bearer {token.json()['access_token']}"

    def get(self, path: str, **params) -> dict:
        response = self.http.get(path, params=params)
        response.raise_for_status()
        return response.json()

    def run_id(self, dag_id: str, logical_date: str) -> str | None:
        """The run of ``dag_id`` at ``logical_date``, once it exists."""
        runs = self.get(f"/dags/{dag_id}/dagRuns", logical_date_gte=logical_date, logical_date_lte=logical_date)
        return runs["dag_runs"][0]["dag_run_id"] if runs["dag_runs"] else None

    def task_instances(self, dag_id: str, run_id: str, *, page_size: int = 100) -> list[dict]:
        """Every task instance of the run, page by page: the API answers at most ``[api] maximum_page_limit``
        (100) a request whatever the limit asked, and a run over many portals or batches has more."""
        found: list[dict] = []
        while True:
            path = f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances"
            page = self.get(path, limit=page_size, offset=len(found))
            found += page["task_instances"]
            if not page["task_instances"] or len(found) >= page["total_entries"]:
                return found


@dataclass(frozen=True)
class RunResult:
    run_id: str
    state: str
    url: str  # the run in the UI
    failed: list[str]  # task ids (with map index) that failed
    log_dir: Path


def run_dag(
    conf: dict,
    *,
    dag_id: str = DAG_ID,
    on_progress: Callable[[list[dict]], None] | None = None,
) -> RunResult:
    """Run the DAG once with the servers up, so that the run and every task's log are in the UI; wait for it.

    The run is `airflow dags test --use-executor`: the LocalExecutor runs each task as the scheduler's would (a
    supervised process that talks to the api-server and writes its log to the log folder), while this run's own
    loop, not the scheduler, decides what runs next. The scheduler runs nothing of a paused DAG, and unpausing it
    for `nianbao run` would also start its scheduled runs: the DAG stays paused until a person unpauses it.
    Its output goes to ``servers/dags-test.log``; ``on_progress`` gets the run's task instances every few seconds.

    The execution API is built (``warm_execution_api``) while `airflow dags test` starts: both take half a minute on
    a busy machine, and the run needs the API only once its first task runs."""
    import threading
    from datetime import datetime, timezone

    current = up(warm=False)
    # a failure here is not the run's: a task that meets an API still being built waits for it
    threading.Thread(target=lambda: _quietly(warm_execution_api, current.url), daemon=True).start()
    logical_date = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    command = dags_test_command(dag_id, logical_date, conf)
    env = _server_env(current.portal_url)
    with (_run_dir() / "dags-test.log").open("ab") as log:
        # its own process group: stopped with its executor's workers and their tasks if this run is interrupted
        proc = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=REPO_ROOT, start_new_session=True
        )
        try:
            run_id, tis = _follow(proc, current.url, dag_id, logical_date, on_progress)
        except BaseException:
            _signal_group(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
            _signal_group(proc.pid, signal.SIGKILL)  # its executor's workers outlive a SIGTERM
            raise
    if not run_id:
        raise RuntimeError(f"`airflow dags test` made no run (exit status {proc.returncode}); see {log.name}")
    state = Client(current.url).get(f"/dags/{dag_id}/dagRuns/{run_id}")["state"]
    return RunResult(
        run_id=run_id,
        state=state,
        url=f"{current.url}/dags/{dag_id}/runs/{quote(run_id, safe='')}",
        failed=[task_name(ti) for ti in tis if ti["state"] in ("failed", "upstream_failed")],
        log_dir=airflow_home() / "logs" / f"dag_id={dag_id}" / f"run_id={run_id}",
    )


def dags_test_command(dag_id: str, logical_date: str, conf: dict) -> list[str]:
    """`airflow dags test --use-executor` for one run, its loop woken by the executor (nianbao.dags_test)."""
    run = (dag_id, logical_date, "--use-executor", "--conf", json.dumps(conf))
    return [sys.executable, "-m", "nianbao.dags_test", *run]


def _quietly(call: Callable, *args) -> None:
    try:
        call(*args)
    except Exception:  # noqa: BLE001, S110 — see the caller
        pass


def _follow(proc, url: str, dag_id: str, logical_date: str, on_progress) -> tuple[str | None, list[dict]]:
    """Poll the run's task instances until ``proc`` ends: (run id, last task instances). A slow answer of a busy
    api-server skips a beat; it does not stop the run."""
    import httpx

    client, run_id, tis = None, None, []
    while True:
        finished = proc.poll() is not None
        try:
            client = client or Client(url)
            run_id = run_id or client.run_id(dag_id, logical_date)
            if run_id:
                tis = client.task_instances(dag_id, run_id)
                if on_progress:
                    on_progress(tis)
        except httpx.HTTPError:
            if finished:
                raise
        if finished:
            return run_id, tis
        time.sleep(POLL_INTERVAL)


def task_name(ti: dict) -> str:
    index = ti.get("map_index", -1)
    return ti["task_id"] if index in (-1, None) else f"{ti['task_id']}[{index}]"


# --------------------------------------------------------------------------------------------- in-process


def load_dag(dag_id: str = DAG_ID):
    """Import the DAG the way the dag-processor does (a DagBag over dags/), failing loudly on import errors."""
    configure()
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(DAGS_DIR))
    if bag.import_errors:
        raise RuntimeError(f"DAG import errors: {bag.import_errors}")
    return bag.dags[dag_id]


def test_dag(conf: dict, dag_id: str = DAG_ID):
    """Run the DAG once in this process (`dag.test()`, no servers) and return the DagRun."""
    from nianbao import steps

    migrate_metadata_db()
    os.environ.update(steps.warehouse_connection_env())  # the dbt tasks' Airflow connection to the warehouse
    dag = load_dag(dag_id)
    return dag.test(run_conf=conf)
