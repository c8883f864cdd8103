"""A real Airflow cluster on this machine for the tests: CeleryExecutor with the machine's Redis as the broker, two
`airflow celery worker` processes, a scheduler, a dag-processor, a triggerer and the api-server (the tasks'
execution API), all local processes listening on 127.0.0.1 only (no log servers).

Airflow's metadata and Celery's results live in a database of their own on the machine's PostgreSQL (Airflow
refuses SQLite with Celery), never in the warehouse. The cluster has its own Celery queue, so it shares the Redis
server with nothing else's tasks.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from contextlib import closing, contextmanager
from pathlib import Path

import psycopg
from psycopg import sql

from nianbao.paths import DAGS_DIR, REPO_ROOT

REDIS = ("127.0.0.1", 6379)
POSTGRES_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
WORKERS = ("w1", "w2")
START_TIMEOUT = 600  # a cold start on a busy 2-core machine: metadata migration, imports, the DAG's first parse


def reachable(address: tuple[str, int]) -> bool:
    with closing(socket.socket()) as sock:
        sock.settimeout(1)
        return sock.connect_ex(address) == 0


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def database(prefix: str):
    """A fresh database on the machine's PostgreSQL (its URL), dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


class Cluster:
    def __init__(self, home: Path, metadata_url: str, extra_env: dict[str, str]):
        self.home = home
        self.metadata_url = metadata_url
        self.port = free_port()
        self.queue = f"nianbao_test_{uuid.uuid4().hex[:8]}"
        meta = metadata_url.replace("postgresql://", "postgresql+psycopg2://")
        self.env = {
            **os.environ,
            **extra_env,
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
            "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_DIR),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
            # the test's triggered run only: no run of the DAG's own schedule
            "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
            "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{self.port}/execution/",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": meta,
            # Airflow's async sessions through psycopg 3 (its default would need asyncpg)
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC": metadata_url.replace("postgresql://", "postgresql+psycopg://"),
            "AIRFLOW__CELERY__BROKER_URL": f"redis://{REDIS[0]}:{REDIS[1]}/0",
            "AIRFLOW__CELERY__RESULT_BACKEND": f"db+{meta}",
            "AIRFLOW__CELERY__WORKER_CONCURRENCY": "2",
            "AIRFLOW__OPERATORS__DEFAULT_QUEUE": self.queue,
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__PORT": str(self.port),
            "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_hex(32),
            "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
            "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
            "DO_NOT_TRACK": "1",
            "NO_PROXY": "127.0.0.1,localhost",
        }
        self.env.pop("PYTHONPATH", None)
        self.processes: dict[str, subprocess.Popen] = {}

    def airflow(self, *args: str, timeout: float = START_TIMEOUT) -> str:
        airflow = str(Path(sys.executable).parent / "airflow")
        result = subprocess.run(
            [airflow, *args], check=False, env=self.env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout
        )
        assert result.returncode == 0, f"airflow {' '.join(args)}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        return result.stdout

    def log(self, name: str) -> Path:
        return self.home / f"{name}.log"

    def start(self) -> None:
        self.airflow("db", "migrate")
        airflow = str(Path(sys.executable).parent / "airflow")
        commands = {
            "api-server": [airflow, "api-server", "--host", "127.0.0.1", "--port", str(self.port), "--workers", "1"],
            "scheduler": [airflow, "scheduler", "--skip-serve-logs"],
            "dag-processor": [airflow, "dag-processor"],
            "triggerer": [airflow, "triggerer", "--skip-serve-logs"],
        }
        for worker in WORKERS:
            commands[worker] = [
                *(airflow, "celery", "worker", "--celery-hostname", f"{worker}@%h", "--queues", self.queue),
                *("--concurrency", "2", "--skip-serve-logs", "--without-gossip", "--without-mingle"),
            ]
        for name, command in commands.items():
            self.processes[name] = subprocess.Popen(
                command,
                env=self.env,
                cwd=REPO_ROOT,
                stdout=self.log(name).open("ab"),
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self.wait_ready()

    def wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            self.check_alive()
            workers_ready = all(re.search(rb"\bready\.", self.log(w).read_bytes()) for w in WORKERS)
            if workers_ready and self.api_healthy() and self.dag_serialized("nianbao_harvest"):
                return
            assert time.monotonic() < deadline, "the Airflow cluster did not come up: see " + str(self.home)
            time.sleep(2)

    def check_alive(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                raise AssertionError(f"{name} exited ({process.returncode}):\n{self.log(name).read_text()[-4000:]}")

    def api_healthy(self) -> bool:
        try:
            url = f"http://127.0.0.1:{self.port}/api/v2/monitor/health"
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status == 200
        except OSError:
            return False

    def query(self, statement: str, *params) -> list[tuple]:
        with psycopg.connect(self.metadata_url, connect_timeout=10) as conn:
            return conn.execute(statement, params).fetchall()

    def dag_serialized(self, dag_id: str) -> bool:
        try:
            return bool(self.query("SELECT 1 FROM serialized_dag WHERE dag_id = %s", dag_id))
        except psycopg.errors.UndefinedTable:
            return False

    def run_dag(self, dag_id: str, conf: dict, timeout: float) -> str:
        """Trigger a run through the metadata database and wait for it to finish; returns the run's id."""
        run_id = f"celery_test_{uuid.uuid4().hex[:8]}"
        self.airflow("dags", "trigger", dag_id, "--run-id", run_id, "--conf", json.dumps(conf))
        deadline = time.monotonic() + timeout
        while True:
            self.check_alive()
            (state,) = self.query("SELECT state FROM dag_run WHERE dag_id = %s AND run_id = %s", dag_id, run_id)[0]
            if state in ("success", "failed"):
                return run_id
            assert time.monotonic() < deadline, f"DAG run {run_id} still {state} after {timeout:g} s"
            time.sleep(3)

    def listening_addresses(self) -> set[str]:
        """The local addresses every process of the cluster (and its children) listens on, as /proc shows them."""
        inodes = set()
        for pid in self._descendants():
            try:
                fds = os.listdir(f"/proc/{pid}/fd")
            except OSError:
                continue
            for fd in fds:
                try:
                    target = os.readlink(f"/proc/{pid}/fd/{fd}")
                except OSError:
                    continue
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
        addresses = set()
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                    addresses.add(fields[1].split(":")[0])
        return addresses

    def _descendants(self) -> set[int]:
        groups = {p.pid for p in self.processes.values() if p.poll() is None}
        found = set()
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    if os.getpgid(int(entry)) in groups:
                        found.add(int(entry))
                except OSError:
                    continue
        return found

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        import redis

        redis.Redis(*REDIS, socket_timeout=5).delete(self.queue)

    def tasks_run_by_worker(self, task_id: str) -> dict[str, set[int]]:
        """The map indexes of ``task_id`` each worker executed, from the workers' own logs."""
        pattern = re.compile(rf"Executing workload in Celery:.*?task_id='{task_id}'.*?map_index=(-?\d+)")
        return {
            worker: {int(m) for m in pattern.findall(self.log(worker).read_text(errors="replace"))}
            for worker in WORKERS
        }
