"""Nothing waits forever, concurrent starts and builds take turns, no password leaks (issue 10, items 6-8).

Every hostile party is made here: a "warehouse" that accepts TCP connections and never says a word, a portal
that does the same, a second process starting the same embedded server or the same dbt build at the same moment,
and a password nobody else uses, looked for in every process's argv while the commands run.
"""

from __future__ import annotations

import io
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from psycopg import sql

from warehouse import connection, embedded, settings

REPO_ROOT = Path(__file__).resolve().parents[2]


# --------------------------------------------------------------------------------------------- helpers


@contextmanager
def silent_server() -> Iterator[int]:
    """A TCP server on 127.0.0.1 that accepts every connection and never sends a byte; yields its port."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:  # the 0.1 s tick, or the listener closed
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(timeout=5)
        for conn in held:
            conn.close()
        listener.close()


def nianbao_cmd(*args: str) -> list[str]:
    """The installed `nianbao` command (the console script users run), or the module when not installed."""
    script = Path(sys.executable).parent / "nianbao"
    return [str(script), *args] if script.exists() else [sys.executable, "-m", "nianbao.cli", *args]


def env_with(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in values}
    env.update(values)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH")) if p)
    return env


@dataclass
class ArgvSeen:
    leaks: list[str] = field(default_factory=list)  # command lines that held the secret
    markers: dict[str, bool] = field(default_factory=dict)  # which markers some command line held


@contextmanager
def watching_argv(secret: str, markers: tuple[str, ...] = ()) -> Iterator[ArgvSeen]:
    """Read every process's command line (/proc/*/cmdline) every few milliseconds while the block runs: which
    held ``secret``, and which held each of ``markers`` (proof the watch saw the processes that matter)."""
    seen = ArgvSeen(markers={m: False for m in markers})
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            for pid in (p for p in os.listdir("/proc") if p.isdigit()):
                try:
                    argv = Path(f"/proc/{pid}/cmdline").read_bytes()
                except OSError:  # gone meanwhile
                    continue
                if secret.encode() in argv:
                    seen.leaks.append(argv.replace(b"\0", b" ").decode(errors="replace"))
                for marker in markers:
                    seen.markers[marker] = seen.markers[marker] or marker.encode() in argv
            time.sleep(0.005)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    try:
        yield seen
    finally:
        stop.set()
        thread.join(timeout=10)


def processes_with(text: str) -> list[int]:
    found = []
    for pid in (p for p in os.listdir("/proc") if p.isdigit()):
        try:
            if text.encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(int(pid))
        except OSError:
            continue
    return found


# --------------------------------------------------------------------------------------------- timeouts


def test_settings_defaults_and_overrides(monkeypatch):
    for name in (
        settings.CONNECT_TIMEOUT_ENV,
        settings.STATEMENT_TIMEOUT_ENV,
        settings.CRAWL_TIMEOUT_ENV,
        settings.DBT_TIMEOUT_ENV,
        settings.TASK_TIMEOUT_ENV,
        settings.BUILD_LOCK_TIMEOUT_ENV,
    ):
        monkeypatch.delenv(name, raising=False)
    assert settings.connect_timeout() == 10
    assert settings.statement_timeout() == 30 * 60
    assert settings.crawl_timeout() < settings.task_timeout() and settings.dbt_timeout() < settings.task_timeout()
    monkeypatch.setenv(settings.CONNECT_TIMEOUT_ENV, "0.5")
    assert settings.connect_timeout() == 2  # libpq's own minimum, said instead of silently applied
    monkeypatch.setenv(settings.CRAWL_TIMEOUT_ENV, "0")
    assert settings.crawl_timeout() is None  # 0 = no limit
    monkeypatch.setenv(settings.STATEMENT_TIMEOUT_ENV, "ten minutes")
    with pytest.raises(ValueError, match=settings.STATEMENT_TIMEOUT_ENV):
        settings.statement_timeout()


def test_every_connection_shape_carries_the_timeouts(embedded_server, monkeypatch):
    monkeypatch.setenv(settings.STATEMENT_TIMEOUT_ENV, "90")
    monkeypatch.setenv(settings.CONNECT_TIMEOUT_ENV, "7")
    with connection.connect(embedded_server) as conn:
        assert conn.execute("show statement_timeout").fetchone()[0] == "90s"
        assert conn.info.get_parameters()["connect_timeout"] == "7"
    for driver in ("psycopg", "psycopg2"):  # alembic and pandas; Great Expectations
        engine = sa.create_engine(connection.sqlalchemy_url(embedded_server, driver))
        with engine.connect() as conn:
            assert conn.execute(sa.text("show statement_timeout")).scalar() == "90s"
        engine.dispose()

    monkeypatch.delenv(settings.STATEMENT_TIMEOUT_ENV)
    with connection.connect(embedded_server) as conn:
        assert conn.execute("show statement_timeout").fetchone()[0] == "30min"


def test_what_the_url_sets_wins_and_other_options_are_kept():
    own = "postgresql://u@h/db?connect_timeout=3&options=-c%20statement_timeout%3D5s&keepalives_idle=5"
    assert "connect_timeout" not in connection.timeout_params(own)
    assert "options" not in connection.timeout_params(own)
    assert "keepalives_idle" not in connection.timeout_params(own)
    other = connection.timeout_params("postgresql://u@h/db?options=-c%20search_path%3Dmarts")
    assert other["options"] == "-c search_path=marts -c statement_timeout=1800000"
    # the SQLAlchemy shape keeps the URL's own parameters beside nianbao's
    shaped = connection.sqlalchemy_url("postgresql://u@h/db?sslmode=require&connect_timeout=3")
    assert "sslmode=require" in shaped and "connect_timeout=3" in shaped and "connect_timeout=10" not in shaped


def test_a_stuck_statement_is_cut_off_and_explained(embedded_server, monkeypatch):
    monkeypatch.setenv(settings.STATEMENT_TIMEOUT_ENV, "0.3")
    started = time.monotonic()
    with connection.connect(embedded_server) as conn, pytest.raises(psycopg.errors.QueryCanceled) as caught:
        conn.execute("select pg_sleep(30)")
    assert time.monotonic() - started < 10
    assert "statement timeout" in connection.explain(caught.value)
    assert settings.STATEMENT_TIMEOUT_ENV in connection.explain(caught.value)


def test_a_silent_warehouse_fails_nianbao_summary_within_its_connect_timeout():
    """The acceptance test: one line naming the host and the timeout, non-zero exit, no traceback."""
    password = f"pw-{uuid.uuid4().hex}"
    with silent_server() as port:
        env = env_with(
            NIANBAO_DATABASE_URL=f"postgresql://nianbao:{password}@127.0.0.1:{port}/nianbao",
            NIANBAO_CONNECT_TIMEOUT="2",
        )
        started = time.monotonic()
        result = subprocess.run(
            nianbao_cmd("summary"), env=env, capture_output=True, text=True, timeout=60, check=False
        )
        elapsed = time.monotonic() - started
        debug = subprocess.run(
            nianbao_cmd("--debug", "summary"), env=env, capture_output=True, text=True, timeout=60, check=False
        )

    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"127.0.0.1:{port}" in lines[0] and "2 s" in lines[0] and "connect timeout" in lines[0]
    assert "Traceback" not in result.stderr + result.stdout
    assert password not in result.stderr + result.stdout + debug.stderr + debug.stdout
    # it waited for the connect timeout, then stopped: 2 s plus the interpreter's start-up, not forever
    assert 2 <= elapsed < 2 + 20, elapsed
    assert debug.returncode != 0 and "Traceback" in debug.stderr


def test_every_dag_task_has_an_execution_timeout():
    from airflow.dag_processing.dagbag import DagBag

    from nianbao.paths import DAGS_DIR

    dag = DagBag(dag_folder=str(DAGS_DIR)).dags["nianbao_harvest"]
    limit = timedelta(seconds=settings.task_timeout())
    assert dag.tasks and all(task.execution_timeout == limit for task in dag.tasks), [
        (task.task_id, task.execution_timeout) for task in dag.tasks if task.execution_timeout != limit
    ]


def test_a_crawl_of_a_silent_portal_is_stopped_at_its_time_limit(tmp_path, monkeypatch):
    from crawlers import CrawlError, run_crawl

    output = tmp_path / f"out-{uuid.uuid4().hex}"  # unique: finds the crawler in /proc
    with silent_server() as port:
        monkeypatch.setenv("NIANBAO_SAMPLE_PORTAL_URL", f"http://127.0.0.1:{port}")
        started = time.monotonic()
        with pytest.raises(CrawlError, match="within 3 s"):
            run_crawl("sample", output_dir=output, throttle=False, timeout=3)
        elapsed = time.monotonic() - started
    assert elapsed < 3 + 5 + 5, elapsed  # the limit, the grace Scrapy gets to close, start-up
    assert processes_with(str(output)) == []


def test_a_dbt_command_past_its_time_limit_is_killed_with_its_children(embedded_server, monkeypatch):
    from nianbao import dbt_builds

    marker = f"{random.randint(1000, 9999)}.{random.randint(1000, 9999)}"  # a unique `sleep` argument
    monkeypatch.setenv(settings.DBT_TIMEOUT_ENV, "1")
    started = time.monotonic()
    with pytest.raises(TimeoutError, match=settings.DBT_TIMEOUT_ENV):
        # a stand-in for dbt that leaves a grandchild behind, as dbt's threads and adapters may
        dbt_builds.run_dbt(
            ["sh", "-c", f"sleep {marker} & sleep {marker}; :"], url=embedded_server, env=dict(os.environ)
        )
    assert time.monotonic() - started < 10
    time.sleep(0.2)
    assert processes_with(f"sleep\0{marker}") == []


# --------------------------------------------------------------------------------------------- locks


START_AT_ONCE = """
import sys, time
from pathlib import Path
go = Path(sys.argv[1])
while not go.exists():
    time.sleep(0.001)
from warehouse import embedded
print(embedded.start())
"""


def test_two_first_starts_of_the_embedded_warehouse_at_once_both_succeed():
    home = Path(tempfile.mkdtemp(prefix="nianbao-first-start-"))  # not tmp_path: see conftest.private_temp_dir
    go = home / "go"
    env = env_with(NIANBAO_HOME=str(home))
    env.pop(connection.DATABASE_URL_ENV, None)
    try:
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", START_AT_ONCE, str(go)],
                env=env,
                text=True,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            for _ in range(2)
        ]
        time.sleep(1.5)  # both have imported and are polling for the signal
        go.touch()
        results = [(p.wait(timeout=180), *p.communicate()) for p in procs]
        assert [code for code, _, _ in results] == [0, 0], results
        urls = {out.strip() for _, out, _ in results}
        assert len(urls) == 1
        with psycopg.connect(urls.pop()) as conn:
            assert conn.execute("select current_database()").fetchone()[0] == embedded.DATABASE_NAME
    finally:
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("NIANBAO_HOME", str(home))
            embedded.stop()
        shutil.rmtree(home, ignore_errors=True)


def test_creating_the_database_from_many_sessions_at_once_is_not_an_error(embedded_server, monkeypatch):
    """CREATE DATABASE racing itself fails with UniqueViolation or DuplicateDatabase: both mean "it exists"."""
    name = f"nianbao_race_{uuid.uuid4().hex[:8]}"
    monkeypatch.setattr(embedded, "DATABASE_NAME", name)
    admin_url = connection.with_database(embedded_server, "postgres")
    barrier = threading.Barrier(6)
    errors: list[BaseException] = []

    def create() -> None:
        try:
            barrier.wait()
            embedded._ensure_database(admin_url)
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=create) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    try:
        assert errors == []
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("drop database if exists {}").format(sql.Identifier(name)))


def test_builds_take_turns_and_a_build_does_not_wait_for_itself(db_url, monkeypatch):
    from nianbao import dbt_builds

    events: list[str] = []
    holding = threading.Event()
    release = threading.Event()

    def first() -> None:
        with dbt_builds.build_lock(db_url):
            with dbt_builds.build_lock(db_url):  # a step of the same build takes it again: no self-deadlock
                events.append("first holds")
                holding.set()
                release.wait(10)
            events.append("first releases")

    def second() -> None:
        with dbt_builds.build_lock(db_url, on_wait=lambda: events.append("second waits")):
            events.append("second holds")

    a = threading.Thread(target=first)
    a.start()
    assert holding.wait(10)
    b = threading.Thread(target=second)
    b.start()
    time.sleep(0.5)
    assert events == ["first holds", "second waits"]

    monkeypatch.setenv(settings.BUILD_LOCK_TIMEOUT_ENV, "0.3")  # a third one gives up, saying why
    with pytest.raises(TimeoutError, match=settings.BUILD_LOCK_TIMEOUT_ENV), dbt_builds.build_lock(db_url):
        pass

    release.set()
    a.join(10)
    b.join(10)
    assert events == ["first holds", "second waits", "first releases", "second holds"]


@pytest.mark.slow
@pytest.mark.parametrize("backend_url", ["embedded"], indirect=True)  # one server is enough: dbt is the slow part
def test_two_full_refresh_builds_at_once_both_succeed(empty_db_url):
    from reportgen import parsed
    from warehouse import migrate
    from warehouse.staging import load_reports

    url = empty_db_url
    migrate.upgrade(url)
    load_reports(parsed.parsed_items(20, seed=7), "0.0.0-test", url=url)
    env = env_with(NIANBAO_DATABASE_URL=url)
    procs = [
        subprocess.Popen(
            nianbao_cmd("build", "--full-refresh"), env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(2)
    ]
    results = [(p.wait(timeout=600), *p.communicate()) for p in procs]
    assert [code for code, _, _ in results] == [0, 0], results
    assert sum("waiting" in err for _, _, err in results) == 1  # one waited for the other, then ran
    with psycopg.connect(url) as conn:
        assert conn.execute("select count(*) from audit.dbt_build where mode = 'full'").fetchone()[0] == 2


# --------------------------------------------------------------------------------------------- secrets


@pytest.mark.parametrize(
    ("shown", "redacted"),
    [
        ("postgresql://bob:s3cr%40t@db.example.org:5432/nianbao", "postgresql://bob:***@db.example.org:5432/nianbao"),
        ("postgresql+psycopg2://bob:x@localhost/db?host=/tmp", "postgresql+psycopg2://bob:***@localhost/db?host=/tmp"),
        ("postgresql://bob@h/db?password=s3cret&sslmode=require", "postgresql://bob@h/db?password=***&sslmode=require"),
        ("host=h user=bob password='a b\\'c' dbname=d", "host=h user=bob password=*** dbname=d"),
        ("failed: postgresql://bob:pw@h/db refused", "failed: postgresql://bob:***@h/db refused"),
        ("postgresql://bob@h:5432/db", "postgresql://bob@h:5432/db"),  # nothing to hide
        ("postgresql://postgres@/nianbao?host=/x/pg", "postgresql://postgres@/nianbao?host=/x/pg"),
    ],
)
def test_redact(shown, redacted):
    assert connection.redact(shown) == redacted


def test_without_password_keeps_everything_else():
    assert connection.without_password("postgresql://bob:s3cr%40t@h:5433/db?sslmode=require") == (
        "postgresql://bob@h:5433/db?sslmode=require",
        "s3cr@t",
    )
    assert connection.without_password("postgresql://bob@h/db?password=pw&application_name=x") == (
        "postgresql://bob@h/db?application_name=x",
        "pw",
    )
    bare, password = connection.without_password("host=h user=bob password=pw dbname=d")
    assert password == "pw" and "pw" not in bare and psycopg.conninfo.conninfo_to_dict(bare)["user"] == "bob"
    assert connection.without_password("postgresql://bob@h/db") == ("postgresql://bob@h/db", None)


def test_the_next_steps_printed_after_a_run_show_no_password(monkeypatch):
    from rich.console import Console

    from nianbao import cli

    screen = Console(file=io.StringIO(), width=300)
    monkeypatch.setattr(cli, "out", screen)
    cli._print_next_steps("postgresql://bob:pw-unique-1234@db.example.org/nianbao", "http://127.0.0.1:8080/")
    text = screen.file.getvalue()
    assert "pw-unique-1234" not in text and "postgresql://bob@db.example.org/nianbao" in text


@pytest.fixture
def password_role_db(backend_url):
    """A role with a password of its own and a database it owns, on the machine's PostgreSQL; its URL."""
    role, password = f"nianbao_secret_{uuid.uuid4().hex[:8]}", f"pw{uuid.uuid4().hex}"
    with psycopg.connect(backend_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("create role {} login superuser password {}").format(sql.Identifier(role), sql.Literal(password))
        )
        conn.execute(sql.SQL("create database {} owner {}").format(sql.Identifier(role), sql.Identifier(role)))
    admin = psycopg.conninfo.conninfo_to_dict(backend_url)
    url = f"postgresql://{role}:{password}@{admin.get('host', '127.0.0.1')}:{admin.get('port', 5432)}/{role}"
    try:
        yield url, password
    finally:
        with psycopg.connect(backend_url, autocommit=True) as conn:
            conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(role)))
            conn.execute(sql.SQL("drop role if exists {}").format(sql.Identifier(role)))


@pytest.mark.slow
@pytest.mark.external_pg
@pytest.mark.parametrize("backend_url", ["external"], indirect=True)  # skipped, with the reason, without one
def test_a_password_in_the_url_is_in_no_argv_and_no_output(password_role_db, tmp_path):
    """crawl (a Scrapy subprocess), build (dbt subprocesses) and the commands that print URLs, with a password
    nobody else uses: never in any process's command line while they run, never in what they print."""
    url, password = password_role_db
    env = env_with(NIANBAO_DATABASE_URL=url)
    outputs = []
    with watching_argv(password, markers=("crawlers.crawl", "dbt")) as watch:
        for args in (
            ("crawl", "--portal", "sample", "--no-throttle"),
            ("load",),
            ("build",),
            ("summary",),
            ("db", "url"),
            ("db", "start"),
        ):
            result = subprocess.run(
                nianbao_cmd(*args), env=env, capture_output=True, text=True, timeout=600, cwd=tmp_path, check=False
            )
            assert result.returncode == 0, (args, connection.redact(result.stderr[-3000:]))
            outputs.append(result.stdout + result.stderr)
    assert watch.leaks == []
    assert all(watch.markers.values()), watch.markers  # it did see the crawler and dbt running
    assert all(password not in text for text in outputs)
    assert "documents fetched" in outputs[3]
    shown = subprocess.run(
        nianbao_cmd("db", "url", "--show-password"), env=env, capture_output=True, text=True, check=False
    )
    assert password in shown.stdout  # only when asked for
