"""The end-to-end benchmark, small: the full run (100,000 reports) is ``benchmarks/pipeline.py``.

It runs in its own process, as a user runs it: it points Airflow and the warehouse at a temporary data directory of
its own, which this test session's set-up must not share.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from nianbao.paths import REPO_ROOT

# two runs of the whole DAG in `dag.test()` (a hundred dbt model tasks each): minutes, more on a busy machine
pytestmark = [pytest.mark.slow, pytest.mark.long, pytest.mark.timeout(1800)]


def test_pipeline_benchmark_runs_the_dag_twice():
    env = {k: v for k, v in os.environ.items() if k not in ("AIRFLOW_HOME", "NIANBAO_HOME", "NIANBAO_DATABASE_URL")}
    cmd = [
        sys.executable,
        str(REPO_ROOT / "benchmarks" / "pipeline.py"),
        *("--reports", "40", "--portals", "4", "--executor", "inprocess", "--admin-url", "embedded", "--json"),
    ]
    result = subprocess.run(cmd, env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=1200, check=False)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    full, monthly = figures["full"], figures["monthly"]
    assert full["state"] == monthly["state"] == "success"
    # every report of the farm is parsed, then the monthly run parses the late one and only it
    assert full["new_reports"] == 40 and full["mart_reports"] == 40
    assert monthly["new_reports"] == 1 and monthly["mart_reports"] == 41
    assert set(full["stages_s"]) >= {"crawl", "parse + load", "dbt", "GX"}
    assert figures["peak_memory_mib"] and figures["checks"]["monthly_ratio"][0] > 0
