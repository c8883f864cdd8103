"""Which `dbt build` the marts need now, and the log of the builds done (table audit.dbt_build).

A recurring (monthly) run has only new reports to add. It builds the marts incrementally and leaves out what
new reports cannot change: the seeds and the label dimensions made from them only, the views (their SQL is
the code's) and the dbt unit tests (they check SQL logic on mock rows); its data tests check the rows of the
reports parsed since the last successful build was planned (`test_new_reports_only`, dbt/macros/tests_scope.sql;
each build is logged with its plan time). The two selections are dbt's own YAML selectors (`dbt/selectors.yml`:
`full`, `monthly`), so the CLI's `dbt build` and the DAG's cosmos tasks name the same one.

That is right only while the code is the code the marts were built with. So every successful build is
logged with a fingerprint of the dbt project (every file dbt reads) and the parser version. When either
differs from the last build's (a new release, an edited seed or alias, a parser upgrade that may read a
document's organ or year differently), or nothing was built yet, the marts are rebuilt from scratch
(`--full-refresh`, every test on every row), and the next run is incremental again.

Builds take turns: two at once on one warehouse break each other (a full refresh drops a relation the other
is reading) and share dbt/target. Every dbt command nianbao runs (`run_dbt`) holds a PostgreSQL advisory lock
of the warehouse database (`build_lock`), so a second build waits for the first and then runs, on one machine or
across machines sharing an external server. Each dbt command is also bounded in wall-clock time.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import signal
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Literal

from nianbao.paths import DBT_PROJECT_DIR

log = logging.getLogger(__name__)

# Any constant, the same in every process; not the migrations' key (warehouse/migrations/env.py).
BUILD_LOCK_KEY = 727_101_2024
# Held per thread: a build that already holds the lock (`nianbao build`: plan, dbt build, record, dbt docs) does
# not queue behind itself when one of its steps takes the lock again.
_held = threading.local()

# What dbt reads of the project (dbt/target, dbt/logs and the seed generator script are not inputs).
PROJECT_INPUTS = ("dbt_project.yml", "selectors.yml", "models", "macros", "seeds", "tests")

# The profile and target of profiles.yml, named on every dbt command nianbao runs, as cosmos names them on the DAG's:
# dbt keeps its parse of the project (target/partial_parse.msgpack) for the next command only when that command has
# the same --profile, --target and --vars (and connection) as the one that wrote it; otherwise it parses the whole
# project again (~11 s of a build on a 2-core machine).
PROFILE_NAME = "nianbao"
TARGET_NAME = "warehouse"
PROFILE_FLAGS = ("--profile", PROFILE_NAME, "--target", TARGET_NAME)

# Flags of every build. --no-write-json: no manifest.json / run_results.json (about a second of a monthly run); the
# DAG renders from the manifest `nianbao dbt-parse` writes, `dbt docs generate` writes its own.
BUILD_FLAGS = ("--threads", "4", "--no-write-json")
# Added to a build whose resource types are narrowed (cosmos's producer: models, seeds, snapshots) so that it
# runs the data and unit tests of its selection as well.
TESTS_IN_THE_BUILD = ("--resource-type", "test", "--resource-type", "unit_test")
# The selectors of dbt/selectors.yml, and the vars of every build: a monthly build tests only the new reports' rows,
# a full refresh every row (dbt/macros/tests_scope.sql reads --full-refresh when a test runs, and the scope from
# audit.dbt_build). The same vars on every build, full or monthly, so dbt keeps its parse of the project from one
# build to the next (~2.3 s of a build at 100,000 reports): the month after a full build too.
SELECTORS = {"full": "full", "incremental": "monthly"}
BUILD_VARS = "{test_new_reports_only: true}"


@dataclasses.dataclass(frozen=True)
class BuildPlan:
    mode: Literal["full", "incremental"]
    reason: str
    project_fingerprint: str
    parser_version: str
    # the warehouse's clock when the plan was made, before dbt read anything (ISO text; None: not from a warehouse)
    planned_at: str | None = None

    @property
    def full_refresh(self) -> bool:
        return self.mode == "full"

    @property
    def selector(self) -> str:
        return SELECTORS[self.mode]

    @property
    def vars(self) -> str:
        return BUILD_VARS

    @property
    def dbt_flags(self) -> tuple[str, ...]:
        """What this build adds to `dbt build` (the DAG gives cosmos these, --full-refresh apart)."""
        return (*BUILD_FLAGS, "--selector", self.selector, "--vars", self.vars)

    @property
    def dbt_args(self) -> tuple[str, ...]:
        return ("build", *self.dbt_flags, *(("--full-refresh",) if self.full_refresh else ()))

    def as_dict(self) -> dict:
        """The plan as the DAG passes it between tasks (XCom): its fields and what dbt is given."""
        fields = {field.name: getattr(self, field.name) for field in dataclasses.fields(self)}
        return {**fields, "selector": self.selector, "vars": self.vars, "full_refresh": self.full_refresh}

    @classmethod
    def from_dict(cls, data: dict) -> BuildPlan:
        return cls(**{field.name: data.get(field.name) for field in dataclasses.fields(cls)})


# `dbt docs generate`'s flags (with the build's --vars): one page holding manifest and catalog, opens from disk; the
# models' source, not their compiled SQL (an incremental model's holds one month's watermark literal, and compiling
# every model ran its introspective queries again: 6.0 s against 2.9 s of a monthly run at 100,000 reports).
DOCS_FLAGS = ("--static", "--no-compile")
# What the docs' catalog reads of the warehouse (dbt-postgres's catalog: relations, their columns and types, comments
# and owner; no row counts), in one fixed order.
_CATALOG_SHAPE_SQL = """
    select n.nspname, c.relname, c.relkind, pg_get_userbyid(c.relowner), obj_description(c.oid, 'pg_class'),
           a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), col_description(c.oid, a.attnum)
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    left join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
    where c.relkind in ('r', 'p', 'v', 'm', 'f')
      and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'
    order by n.nspname, c.relname, a.attnum
"""


def docs_fingerprint(url: str, build_vars: str | None) -> str:
    """sha256 over what the docs page is made of: the dbt project (``project_fingerprint``), dbt's version, the
    docs' flags and vars, the warehouse (where, and the shape of its relations as the catalog reads it). A build that
    only adds rows (every monthly one) leaves it unchanged; a new column, model or comment changes it."""
    from importlib.metadata import version

    from warehouse.connection import connect, libpq_params

    digest = hashlib.sha256()
    where = sorted((k, v) for k, v in libpq_params(url).items() if k != "password")
    for part in (project_fingerprint(), version("dbt-core"), *DOCS_FLAGS, build_vars or "", repr(where)):
        digest.update(part.encode() + b"\0")
    with connect(url) as conn:
        for row in conn.execute(_CATALOG_SHAPE_SQL):
            digest.update(repr(row).encode() + b"\0")
    return digest.hexdigest()


# The DAG's task that plans the build (its XCom: BuildPlan.as_dict()), and what each dbt task renders from it.
PLAN_TASK_ID = "plan_dbt_build"
_plans_pulled: dict[tuple[str, str], dict] = {}


def planned_build(ti) -> dict:
    """The run's build plan, as the DAG's dbt tasks render their flags from it (the DAG's macro ``dbt_plan``):
    pulled once per task process, not once per templated field (three of them in each of a run's 25 dbt tasks)."""
    key = (ti.dag_id, ti.run_id)
    if key not in _plans_pulled:
        _plans_pulled[key] = ti.xcom_pull(task_ids=PLAN_TASK_ID)
    return _plans_pulled[key]


# the monthly build's arguments, for tests that build as a monthly run does
INCREMENTAL_BUILD_ARGS = BuildPlan("incremental", "", "", "").dbt_args


def project_fingerprint() -> str:
    """sha256 over the path and bytes of every file dbt reads, in a fixed order."""
    digest = hashlib.sha256()
    for top in PROJECT_INPUTS:
        root = DBT_PROJECT_DIR / top
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            digest.update(path.relative_to(DBT_PROJECT_DIR).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def last_build(url: str) -> tuple[tuple[str, str] | None, str]:
    """(project_fingerprint, parser_version) of the newest logged build, or None; and the warehouse's clock now."""
    from warehouse.connection import connect

    with connect(url) as conn:
        row = conn.execute(
            "select project_fingerprint, parser_version from audit.dbt_build order by build_id desc limit 1"
        ).fetchone()
        now = conn.execute("select now()::text").fetchone()[0]
    return ((row[0], row[1]) if row else None), now


def plan_build(url: str, *, full_refresh: bool = False) -> BuildPlan:
    """Incremental when the marts were last built by this very project and parser version; else full."""
    import parsers

    fingerprint, parser_version = project_fingerprint(), parsers.PARSER_VERSION
    previous, now = last_build(url)
    if full_refresh:
        mode, reason = "full", "a full refresh was asked for"
    elif previous is None:
        mode, reason = "full", "no build of the marts is logged in this warehouse"
    elif previous[1] != parser_version:
        mode, reason = "full", f"the parser changed since the last build ({previous[1]} -> {parser_version})"
    elif previous[0] != fingerprint:
        mode, reason = "full", "the dbt project changed since the last build"
    else:
        mode, reason = "incremental", "same dbt project and parser as the last build: new reports only"
    return BuildPlan(mode, reason, fingerprint, parser_version, planned_at=now)


def record_build(url: str, plan: BuildPlan) -> None:
    """Log a successful build (call it only after dbt succeeded)."""
    from warehouse.connection import connect

    with connect(url) as conn:
        conn.execute(
            "insert into audit.dbt_build (mode, project_fingerprint, parser_version, planned_at)"
            " values (%s, %s, %s, %s)",
            (plan.mode, plan.project_fingerprint, plan.parser_version, plan.planned_at),
        )


# --------------------------------------------------------------------------------------------- cosmos


def cosmos_profile_mapping(conn_id: str):
    """dbt's profile for the DAG's cosmos tasks, from the Airflow connection ``conn_id`` (cosmos's Postgres
    user/password mapping: the password reaches dbt through an environment variable, never a file)."""
    from cosmos.profiles import PostgresUserPasswordProfileMapping

    from warehouse.settings import connect_timeout

    class WarehouseProfileMapping(PostgresUserPasswordProfileMapping):
        """The embedded warehouse trusts its socket and has no password: dbt is then given an empty one (cosmos
        would refuse a connection without a password)."""

        def get_dbt_value(self, name: str):
            value = super().get_dbt_value(name)
            return "" if value is None and name == "password" else value

        @property
        def conn(self):
            """The connection as it is now. cosmos keeps the first one it reads, but this mapping lives as long as the
            DAG object, which a process running several DAG runs keeps (`nianbao.dag_cache`): a second run against
            another warehouse would build the first one's marts."""
            self._conn = None
            return super().conn

    return WarehouseProfileMapping(
        conn_id=conn_id,
        # the marts' schema and the connect timeout of every nianbao connection (dbt_project.yml and profiles.yml)
        profile_args={"schema": "marts", "connect_timeout": connect_timeout()},
    )


# --------------------------------------------------------------------------------------------- taking turns


@contextmanager
def build_lock(url: str, *, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the warehouse's dbt build lock while the block runs; wait for another holder first.

    A session-level advisory lock on its own connection: released when the block ends, and by the server when the
    holder dies (its session ends), so a killed build never leaves it stale. The wait is bounded by
    $NIANBAO_BUILD_LOCK_TIMEOUT; ``on_wait`` is called once if there is a wait, to tell the user why."""
    if getattr(_held, "depth", 0):
        _held.depth += 1
        try:
            yield
        finally:
            _held.depth -= 1
        return

    from warehouse.connection import connect

    with connect(url, autocommit=True) as conn:
        _acquire(conn, on_wait)
        _held.depth = 1
        try:
            yield
        finally:
            _held.depth = 0
            if not conn.closed:  # a dropped connection has released it already
                conn.execute("select pg_advisory_unlock(%s)", (BUILD_LOCK_KEY,))


def _acquire(conn, on_wait: Callable[[], None] | None) -> None:
    from psycopg import errors

    from warehouse import settings

    if conn.execute("select pg_try_advisory_lock(%s)", (BUILD_LOCK_KEY,)).fetchone()[0]:
        return
    log.info("another dbt build of this warehouse is running; waiting for it to finish")
    if on_wait is not None:
        on_wait()
    limit = settings.build_lock_timeout()
    # The wait is bounded by the lock setting, not by the statement timeout meant for real statements.
    conn.execute("select set_config('statement_timeout', '0', false)")
    conn.execute("select set_config('lock_timeout', %s, false)", (str(round((limit or 0) * 1000)),))
    try:
        conn.execute("select pg_advisory_lock(%s)", (BUILD_LOCK_KEY,))
    except errors.LockNotAvailable:
        raise TimeoutError(
            f"another dbt build of this warehouse has been running for over {limit:g} s "
            f"(${settings.BUILD_LOCK_TIMEOUT_ENV}); not starting a second one beside it"
        ) from None


def run_dbt(cmd: list[str], *, url: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run one dbt command in the project directory: under the build lock, within $NIANBAO_DBT_TIMEOUT.

    dbt gets the password through ``env`` (the profile reads it), never on its command line. On the time limit the
    whole process group is killed (dbt's worker threads hold connections; nothing of it may linger)."""
    from warehouse import settings

    limit = settings.dbt_timeout()
    with build_lock(url):
        proc = subprocess.Popen(
            cmd,
            env=env,
            cwd=DBT_PROJECT_DIR,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        try:
            stdout, stderr = proc.communicate(timeout=limit)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            raise TimeoutError(
                f"dbt {cmd[1]} did not finish within {limit:g} s (${settings.DBT_TIMEOUT_ENV}); stopped"
            ) from None
        except BaseException:  # Ctrl-C, an Airflow task timeout: dbt is in its own session, so stop it here
            _kill_group(proc)
            raise
    return subprocess.CompletedProcess(cmd, proc.returncode, stdout, stderr)


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()
