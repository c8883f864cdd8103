"""Where nianbao keeps its local data, and how long anything may wait: every knob is an environment variable
read here, and nowhere else.

The limits are sized so that nothing legitimate ever hits them, and nothing stuck waits forever. The figures
they are measured against (README, "Benchmarks"): a full `dbt build` of 100,000 reports takes ~85 s, its
biggest single statement a fraction of that; a staging load is COPY in batches of 200 reports (< 1 s each);
parsing 100,000 PDF reports takes ~35 min on one core.

| variable | default | bounds |
|---|---|---|
| ``NIANBAO_CONNECT_TIMEOUT`` | 10 s | opening any warehouse connection (psycopg, SQLAlchemy, dbt) |
| ``NIANBAO_STATEMENT_TIMEOUT`` | 30 min | any one SQL statement nianbao itself sends (loads, migrations, GX, summary) |
| ``NIANBAO_DBT_TIMEOUT`` | 2 h | one dbt command, wall clock (the process group is killed) |
| ``NIANBAO_CRAWL_TIMEOUT`` | 4 h | one portal's crawl subprocess, wall clock (the process group is killed) |
| ``NIANBAO_TASK_TIMEOUT`` | 6 h | any Airflow task of the DAG (``execution_timeout``) |
| ``NIANBAO_BUILD_LOCK_TIMEOUT`` | 2 h | a dbt build waiting for another one to finish (they take turns) |

Values are seconds; ``0`` means "no limit" (not recommended: that is how things hang).
"""

from __future__ import annotations

import os
from pathlib import Path

# The repository root is the parent of this package's folder.
REPO_ROOT = Path(__file__).resolve().parent.parent

CONNECT_TIMEOUT_ENV = "NIANBAO_CONNECT_TIMEOUT"
STATEMENT_TIMEOUT_ENV = "NIANBAO_STATEMENT_TIMEOUT"
DBT_TIMEOUT_ENV = "NIANBAO_DBT_TIMEOUT"
CRAWL_TIMEOUT_ENV = "NIANBAO_CRAWL_TIMEOUT"
TASK_TIMEOUT_ENV = "NIANBAO_TASK_TIMEOUT"
BUILD_LOCK_TIMEOUT_ENV = "NIANBAO_BUILD_LOCK_TIMEOUT"

# Long enough for a server across a slow network to answer, short enough that a dead or silent one is reported
# while the person who ran the command is still looking.
DEFAULT_CONNECT_TIMEOUT = 10
# Minutes above any one statement nianbao sends at 100,000 reports (a COPY batch takes under a second; a whole
# full dbt build 85 s): a legitimate load never meets it, a statement stuck behind a lock is cut off within the hour.
# dbt's statements do not get it (dbt-postgres has no `options`); the dbt command's wall-clock limit bounds them.
DEFAULT_STATEMENT_TIMEOUT = 30 * 60
# ~80x a full build of 100,000 reports on a 2-core machine: room for a slower server and more data.
DEFAULT_DBT_TIMEOUT = 2 * 60 * 60
# A real portal, throttled (AutoThrottle, 2 requests at a time): a few thousand pages take about an hour.
DEFAULT_CRAWL_TIMEOUT = 4 * 60 * 60
# Above the crawl and dbt limits, so those fire first with their own clearer message; above the first parse of
# 100,000 reports.
DEFAULT_TASK_TIMEOUT = 6 * 60 * 60
# A waiting dbt build queues behind one build, which the dbt limit bounds.
DEFAULT_BUILD_LOCK_TIMEOUT = DEFAULT_DBT_TIMEOUT


def home() -> Path:
    """The data directory: ``$NIANBAO_HOME`` if set, else ``<repo root>/.nianbao``. Not created here."""
    configured = os.environ.get("NIANBAO_HOME")
    if configured:
        return Path(configured).expanduser().resolve()
    return REPO_ROOT / ".nianbao"


def _seconds(variable: str, default: float) -> float:
    """A duration in seconds from ``variable`` (``0`` = no limit); a bad value is an error naming the variable."""
    raw = os.environ.get(variable, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{variable}={raw!r}: expected a number of seconds (0 = no limit)") from None
    if value < 0:
        raise ValueError(f"{variable}={raw!r}: expected a number of seconds (0 = no limit)")
    return value


def connect_timeout() -> int:
    """Seconds to wait for a warehouse connection. Whole seconds, at least 2: libpq rounds anything less up to 2."""
    value = _seconds(CONNECT_TIMEOUT_ENV, DEFAULT_CONNECT_TIMEOUT)
    return 0 if value == 0 else max(2, round(value))


def statement_timeout() -> float:
    """Seconds any one SQL statement of nianbao's own may run (0 = no limit)."""
    return _seconds(STATEMENT_TIMEOUT_ENV, DEFAULT_STATEMENT_TIMEOUT)


def dbt_timeout() -> float | None:
    """Wall-clock seconds for one dbt command, or None for no limit."""
    return _seconds(DBT_TIMEOUT_ENV, DEFAULT_DBT_TIMEOUT) or None


def crawl_timeout() -> float | None:
    """Wall-clock seconds for one portal's crawl subprocess, or None for no limit."""
    return _seconds(CRAWL_TIMEOUT_ENV, DEFAULT_CRAWL_TIMEOUT) or None


def task_timeout() -> float | None:
    """Seconds any Airflow task of the DAG may run, or None for no limit."""
    return _seconds(TASK_TIMEOUT_ENV, DEFAULT_TASK_TIMEOUT) or None


def build_lock_timeout() -> float | None:
    """Seconds a dbt build waits for another one to finish, or None to wait for good."""
    return _seconds(BUILD_LOCK_TIMEOUT_ENV, DEFAULT_BUILD_LOCK_TIMEOUT) or None
