"""`make run`'s wall time, before and after issue 11, on a fresh data directory each time (embedded PostgreSQL
initdb, Airflow's metadata, the first crawl of the sample portal, a full dbt build):

- before (the baseline): the DAG in this benchmark's child process with `dag.test()` — no servers, dbt's output
  on the terminal, no task logs in any UI;
- after: `nianbao run`, what `make run` runs now: Airflow's servers started on 127.0.0.1, the run through the
  LocalExecutor (`airflow dags test --use-executor`), every task a supervised process with its log in the UI;
- scheduler (--scheduler): the same servers, the run triggered through the real scheduler, the DAG unpaused for
  it (benchmark only: `nianbao run` never unpauses the DAG).

    .venv/bin/python benchmarks/make_run.py [--rounds 1] [--scheduler]

Each round runs the modes one after the other, each in its own child process and data directory, so the machine's
load falls on all of them alike. Target: a run through the servers at most 30 s over `dag.test()`.

For the run through the servers it also prints where the time beyond the tasks' own work goes, from the run's task
logs: until the first task starts (the warehouse, Airflow's migrations, the servers, `airflow dags test` starting),
the DAG parses every task process makes at its start (Airflow's own "Worker startup parse" timing), and what
follows the last task.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
NIANBAO = [sys.executable, "-m", "nianbao.cli"]
CONF = {"portals": ["sample"], "years": [], "throttle": False, "full_refresh": False}
TARGET_EXTRA_S = 30

BEFORE = """
import os, sys
sys.path.insert(0, {repo!r})
from nianbao import airflow_local, steps
from sample_portal import serve
airflow_local.configure()
with serve() as base:
    os.environ["NIANBAO_SAMPLE_PORTAL_URL"] = base
    steps.prepare_warehouse()
    run = airflow_local.test_dag({conf!r})
    summary = steps.warehouse_summary()
print("STATE", run.state)
"""

SCHEDULER = """
import sys, time
sys.path.insert(0, {repo!r})
from nianbao import airflow_local, steps
airflow_local.configure()
steps.prepare_warehouse()
servers = airflow_local.up()
client = airflow_local.Client(servers.url)
dag_id = airflow_local.DAG_ID
while client.http.get(f"/dags/{{dag_id}}").status_code != 200:  # the dag-processor has not parsed it yet
    time.sleep(0.5)
# run_after long past: the scheduler starts this run before the catch-up run unpausing creates
run = client.http.post(f"/dags/{{dag_id}}/dagRuns",
                       json={{"logical_date": None, "run_after": "2000-01-01T00:00:00Z", "conf": {conf!r}}}).json()
client.http.patch(f"/dags/{{dag_id}}", json={{"is_paused": False}})
while (state := client.get(f"/dags/{{dag_id}}/dagRuns/{{run['dag_run_id']}}")["state"]) not in ("success", "failed"):
    time.sleep(1)
client.http.patch(f"/dags/{{dag_id}}", json={{"is_paused": True}})
print("STATE", state)
"""


def timed(command: list[str], env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    result = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True, check=False, timeout=7200)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(
            f"{command[:4]} failed ({result.returncode}):\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
        )
    return seconds, result.stdout


def where_the_time_goes(home: Path, started: float, ended: float) -> str:
    """From the task logs of a run through the servers in data directory ``home`` (wall-clock times)."""
    first = last = None
    parses_ms = []
    for path in (home / "airflow" / "logs").glob("dag_id=*/run_id=*/**/attempt=*.log"):
        for line in path.open(encoding="utf-8"):
            try:
                event = json.loads(line)
                at = datetime.fromisoformat(event["timestamp"].replace("Z", "+00:00")).timestamp()
            except (ValueError, KeyError, TypeError):
                continue
            first, last = min(first or at, at), max(last or at, at)
            if event.get("event") == "Worker startup parse complete":
                parses_ms.append(event["dag_file_parse_ms"])
    if first is None:
        return "no task logs"
    return (
        f"first task after {first - started:.0f} s; {len(parses_ms)} task processes parsed the DAG at their start, "
        f"{sum(parses_ms) / 1000:.0f} s in all (at most {max(parses_ms, default=0) / 1000:.1f} s one); "
        f"tasks from first to last {last - first:.0f} s; after the last task {ended - last:.0f} s"
    )


def fresh_env(root: Path, name: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("AIRFLOW_HOME", "NIANBAO_DATABASE_URL")}
    env["NIANBAO_HOME"] = str(root / name)
    return env


def stop(env: dict[str, str]) -> None:
    for command in (("airflow", "down"), ("db", "stop")):
        subprocess.run([*NIANBAO, *command], env=env, cwd=REPO, capture_output=True, check=False, timeout=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--scheduler", action="store_true", help="also time a run through the real scheduler")
    args = parser.parse_args()
    modes = {
        "before: dag.test() in one process": lambda: [sys.executable, "-c", BEFORE.format(repo=str(REPO), conf=CONF)],
        "after: nianbao run (servers + LocalExecutor)": lambda: [*NIANBAO, "run"],
    }
    if args.scheduler:
        modes["scheduler: triggered through the scheduler"] = lambda: [
            sys.executable,
            "-c",
            SCHEDULER.format(repo=str(REPO), conf=CONF),
        ]
    times: dict[str, list[float]] = {mode: [] for mode in modes}
    with tempfile.TemporaryDirectory(prefix="nianbao-make-run-") as tmp:
        for round_ in range(args.rounds):
            for i, (mode, command) in enumerate(modes.items()):
                env = fresh_env(Path(tmp), f"r{round_}m{i}")
                started = time.time()
                try:
                    seconds, _ = timed(command(), env)
                    detail = (
                        ""
                        if mode.startswith("before")
                        else f" ({where_the_time_goes(Path(env['NIANBAO_HOME']), started, started + seconds)})"
                    )
                finally:
                    stop(env)
                times[mode].append(seconds)
                print(f"round {round_ + 1}: {mode}: {seconds:.1f} s{detail}", flush=True)
    baseline = min(times["before: dag.test() in one process"])
    print(json.dumps({mode: [round(t, 1) for t in values] for mode, values in times.items()}, ensure_ascii=False))
    for mode, values in times.items():
        best = min(values)
        print(f"{mode}: {best:.1f} s  ({best - baseline:+.1f} s, {best / baseline:.2f}x the baseline)")
    print(f"target: a run through the servers at most {TARGET_EXTRA_S} s over dag.test()")


if __name__ == "__main__":
    main()
