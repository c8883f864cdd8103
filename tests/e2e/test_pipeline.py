"""End to end: the real DAG (`dag.test()`) harvests the bundled sample portal over HTTP on 127.0.0.1 into a
real PostgreSQL — the embedded default, then the machine's own server through NIANBAO_DATABASE_URL — and the
marts hold the five seed reports with the figures their governments printed.

One module, one process: `dag.test()` costs seconds of start-up per process, then is fast.
"""

from __future__ import annotations

import os
import socket
import uuid
from contextlib import closing
from pathlib import Path

import psycopg
import pytest

from nianbao import airflow_local, steps
from warehouse.connection import connect

pytestmark = pytest.mark.slow

# The five seeds, as their governments printed them (read from shared/seeds by hand).
TRUTH = {
    ("宿迁市人民政府", 2020): {
        "applications_received": 1062,
        "applications_processed": 1062,
        "granted": 504,
        "passes": True,
    },
    ("宿迁市政务服务管理办公室", 2017): {"applications_received": 1},
    ("沈阳市苏家屯区人民政府", 2020): {
        "applications_received": 23,
        "applications_processed": 23,
        "granted": 21,
        "passes": True,
    },
    # its prose swaps two of its table's figures: a finding, the report stays
    ("淮北市人民政府办公室", 2020): {
        "applications_received": 36,
        "applications_processed": 36,
        "granted": 10,
        "passes": False,
    },
    # traditional characters, no tables: the figures come from the prose
    ("江苏省人民政府", 2020): {"applications_received": 30513},
}


@pytest.fixture(scope="module")
def sample_portal():
    from sample_portal import serve

    with serve() as base:
        os.environ["NIANBAO_SAMPLE_PORTAL_URL"] = base
        yield base
    os.environ.pop("NIANBAO_SAMPLE_PORTAL_URL", None)


def run_dag() -> str:
    dag_run = airflow_local.test_dag({"portals": ["sample"], "years": [], "throttle": False, "full_refresh": False})
    return str(dag_run.state)


def mart_rows(url: str) -> dict[tuple[str, int], dict]:
    with connect(url) as conn:
        cur = conn.execute(
            "select organ_name, report_year, era, applications_received, applications_processed, granted,"
            " passes_balance_rules from marts.mart_report_summary"
        )
        return {
            (r[0], r[1]): {
                "era": r[2],
                "applications_received": r[3],
                "applications_processed": r[4],
                "granted": r[5],
                "passes": r[6],
            }
            for r in cur.fetchall()
        }


def assert_true_figures(rows: dict) -> None:
    assert set(rows) == set(TRUTH), f"reports in the mart: {sorted(rows)}"
    for key, expected in TRUTH.items():
        row = rows[key]
        for column in ("applications_received", "applications_processed", "granted"):
            if column in expected:
                assert row[column] == expected[column], (key, column, row)
        if "passes" in expected:
            assert row["passes"] is expected["passes"], (key, row)


def assert_everything_loaded(summary: dict) -> None:
    assert summary["documents_fetched"] >= 5
    assert summary["reports_parsed"] >= 5
    assert summary["facts_loaded"] > 100
    assert summary["rules_failed"] >= 1  # 淮北's prose against its table
    assert summary["marts"]["mart_report_summary"] == 5


def test_embedded_warehouse_end_to_end(sample_portal, tmp_path):
    assert "NIANBAO_DATABASE_URL" not in os.environ
    assert "success" in run_dag()
    url = steps.warehouse_url()
    assert "host=" in url or "%2F" in url  # the embedded server: a socket, no TCP port
    assert_true_figures(mart_rows(url))
    first = steps.warehouse_summary(url)
    assert_everything_loaded(first)

    # a second run reuses everything and changes no counts (conditional requests; nothing re-parsed)
    assert "success" in run_dag()
    second = steps.warehouse_summary(url)
    assert {k: v for k, v in second.items() if k != "last_validation"} == {
        k: v for k, v in first.items() if k != "last_validation"
    }
    assert_true_figures(mart_rows(url))
    # the warehouse's first build was from scratch, this second run (same code) incremental: all logged (the
    # session's warehouse may hold builds of earlier tests' runs too)
    with connect(url) as conn:
        modes = [m for (m,) in conn.execute("select mode from audit.dbt_build order by build_id")]
    assert modes[0] == "full" and modes[-1] == "incremental" and len(modes) >= 2
    assert_readme_sql_runs_as_bi_reader(url)
    assert_readme_commands_run(tmp_path)
    assert_nothing_listens_beyond_loopback()
    assert_marts_export(tmp_path)


def assert_readme_sql_runs_as_bi_reader(url: str) -> None:
    """The README's analytical SQL works for a BI user, who can read the marts and nothing else."""
    import re

    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    from nianbao.paths import REPO_ROOT

    params = {k: v for k, v in conninfo_to_dict(url).items() if v}
    params["user"] = "bi_reader"
    params.pop("password", None)
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sql\n(.*?)```", readme, re.DOTALL)
    statements = [q.strip() for block in blocks for q in block.split(";") if "select" in q]
    assert len(statements) >= 3
    with psycopg.connect(make_conninfo(**params), autocommit=True) as conn:
        for statement in statements:
            # every example answers something on the sample, not just runs
            assert conn.execute(statement).fetchall(), f"no rows on the sample:\n{statement}"
        for private in ("raw.document", "staging.report", "audit.validation_run"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(f"select 1 from {private} limit 1")


# README commands that run here, on the sample (the rest crawl real portals or start and stop servers).
README_COMMANDS = ("db url", "parse", "export", "summary", "airflow status")


def assert_readme_commands_run(out_dir) -> None:
    """The README's `.venv/bin/nianbao …` and `psql …` lines run as written (on this warehouse, exports into a
    temporary folder)."""
    import re
    import shutil
    import subprocess
    import sys

    from nianbao.paths import REPO_ROOT

    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    lines = [line for block in re.findall(r"```sh\n(.*?)```", readme, re.DOTALL) for line in block.splitlines()]
    nianbao = f"{sys.executable} -m nianbao.cli"
    ran = []
    for line in lines:
        command = re.sub(r"\s+#.*$", "", line).strip()
        words = command.replace(".venv/bin/nianbao", "").split()
        subcommand = " ".join(words[:2]) if words[:1] in (["db"], ["airflow"]) else " ".join(words[:1])
        ours = command.startswith(".venv/bin/nianbao") and subcommand in README_COMMANDS
        if not (ours or (command.startswith("psql ") and shutil.which("psql"))):
            continue
        command = command.replace(".venv/bin/nianbao", nianbao).replace("--out export/", f"--out {out_dir}/readme")
        result = subprocess.run(
            command, shell=True, cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, check=False
        )
        assert result.returncode == 0, f"{line}\n{result.stderr[-2000:]}"
        ran.append(command)
    assert any("parse examples/" in c for c in ran) and any(" export " in c for c in ran), ran


def assert_nothing_listens_beyond_loopback() -> None:
    """Every listening socket this process holds (the sample portal, anything Airflow or dbt opened) is bound
    to 127.0.0.1 or ::1."""
    inodes = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    loopback = {"0100007F", "00000000000000000000000001000000"}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == "0A" and inode in inodes:  # 0A = LISTEN
                assert local.split(":")[0] in loopback, f"listening beyond loopback: {local}"


def assert_marts_export(out_dir) -> None:
    """`nianbao export` writes every mart (a user's command, in its own process)."""
    import subprocess
    import sys

    import pyarrow.parquet as pq

    result = subprocess.run(
        [sys.executable, "-m", "nianbao.cli", "export", "--format", "parquet", "--out", str(out_dir)],
        capture_output=True,
        check=False,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    summary = pq.read_table(out_dir / "mart_report_summary.parquet")
    assert summary.num_rows == 5


def _external_server_up() -> bool:
    with closing(socket.socket()) as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", 5432)) == 0


@pytest.mark.external_pg
@pytest.mark.skipif(not _external_server_up(), reason="no PostgreSQL service at 127.0.0.1:5432 on this machine")
def test_external_postgres_end_to_end(sample_portal, monkeypatch):
    database = f"nianbao_e2e_{uuid.uuid4().hex[:8]}"
    admin = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'create database "{database}"')
    try:
        url = f"postgresql://postgres@127.0.0.1:5432/{database}"
        monkeypatch.setenv("NIANBAO_DATABASE_URL", url)
        assert "success" in run_dag()
        assert steps.warehouse_url() == url
        assert_true_figures(mart_rows(url))
        assert_everything_loaded(steps.warehouse_summary(url))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute("select pg_terminate_backend(pid) from pg_stat_activity where datname = %s", (database,))
            conn.execute(f'drop database if exists "{database}"')
