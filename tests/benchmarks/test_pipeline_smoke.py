"""The end-to-end benchmark, small: the full run (100,000 reports) is ``benchmarks/pipeline.py``.

It runs in its own process, as a user runs it: it points Airflow and the warehouse at a temporary data directory of
its own, which this test session's set-up must not share.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from nianbao.paths import REPO_ROOT

# two runs of the whole DAG in `dag.test()` (a hundred dbt model tasks each): minutes, more on a busy machine (14
# minutes a run at a load of 12 on 2 cores)
RUN_TIMEOUT_S = 2700
pytestmark = [pytest.mark.slow, pytest.mark.long, pytest.mark.timeout(RUN_TIMEOUT_S + 300)]


def test_pipeline_benchmark_runs_the_dag_twice():
    env = {k: v for k, v in os.environ.items() if k not in ("AIRFLOW_HOME", "NIANBAO_HOME", "NIANBAO_DATABASE_URL")}
    cmd = [
        sys.executable,
        str(REPO_ROOT / "benchmarks" / "pipeline.py"),
        *("--reports", "40", "--portals", "4", "--executor", "inprocess", "--admin-url", "embedded", "--json"),
    ]
    proc = subprocess.Popen(cmd, env=env, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        stdout, stderr = proc.communicate(timeout=RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        # SIGTERM, not SIGKILL: the benchmark then stops its embedded PostgreSQL and removes its data directory
        proc.send_signal(signal.SIGTERM)
        stdout, stderr = proc.communicate(timeout=120)
        pytest.fail(f"the benchmark took over {RUN_TIMEOUT_S} s: {stderr[-4000:]}")
    assert proc.returncode == 0, stdout[-2000:] + stderr[-4000:]
    figures = json.loads(stdout.strip().splitlines()[-1])
    full, monthly = figures["full"], figures["monthly"]
    assert full["state"] == monthly["state"] == "success"
    # every report of the farm is parsed, then the monthly run parses the late one and only it
    assert full["new_reports"] == 40 and full["mart_reports"] == 40
    assert monthly["new_reports"] == 1 and monthly["mart_reports"] == 41
    assert set(full["stages_s"]) >= {"crawl", "parse + load", "dbt", "GX"}
    assert figures["peak_memory_mib"] and figures["checks"]["monthly_ratio"][0] > 0
