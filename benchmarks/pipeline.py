"""The whole pipeline, end to end: a farm of local portals → the real DAG → marts, then a monthly run.

    .venv/bin/python benchmarks/pipeline.py                       # 100,000 reports on 1,000 portals
    .venv/bin/python benchmarks/pipeline.py --reports 2000 --executor inprocess

A farm of portals on 127.0.0.1 (benchmarks/portal_farm.py: one server process, each portal under its own path,
HTML, text pages, Word and PDF files of all three eras) publishes ``--reports`` reports. The DAG harvests it as the
shipped ``sample`` profile (the one profile whose address is set at run time, NIANBAO_SAMPLE_PORTAL_URL), throttling
off (the DAG's ``throttle`` param: the crawler's ``--no-throttle``; robots.txt, fence and size cap stay) into a
throwaway database on --admin-url's server (default the machine's PostgreSQL; never the user's warehouse):

- ``--executor local`` (default): Airflow's servers on 127.0.0.1 in a temporary data directory, the run through the
  LocalExecutor at parallelism 2 (`airflow dags test --use-executor`, as `nianbao run` does);
- ``--executor inprocess``: `dag.test()` in this process (no servers; tasks one after another).

Then the farm publishes 1% more reports (late reports at the top of their columns) and the DAG runs again: the
monthly run. Printed for each run: wall time, the wall time of each stage (first task start to last task end:
crawl, parse + load, dbt, GX), reports/s; the peak memory of every process of the run (psutil, sampled twice a
second: this process and all its descendants, the farm server included, PostgreSQL's server not); each figure with
its target (issue 14) and the monthly run as a ratio of the full run, its baseline in this process.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

# Targets of issue 14 (2 cores, throttling off).
TARGET_FULL_S_PER_100K = 600.0  # 100,000 reports end to end in ≤ 10 minutes
TARGET_MONTHLY_RATIO = 0.05  # the monthly run ≤ 5% of the full run
TARGET_PEAK_MIB = 2048.0  # no process above 2 GB
PARALLELISM = 2

# The pipeline's stages, by the start of a task id (the DAG's public task names); the rest is bookkeeping.
STAGES = (
    ("crawl", ("choose_portals", "crawl_portal")),
    ("parse + load", ("plan_parse", "parse_batch")),
    ("dbt", ("plan_dbt_build", "dbt.", "record_dbt_build")),
    ("GX", ("validate",)),
)


def stage_of(task_id: str) -> str:
    for stage, prefixes in STAGES:
        if task_id.startswith(prefixes):
            return stage
    return "other"


# --------------------------------------------------------------------------------------------- memory


class PeakMemory:
    """Peak resident memory of this process and each of its descendants, sampled every ``interval`` seconds."""

    def __init__(self, interval: float = 0.5):
        import psutil

        self.interval = interval
        self.root = psutil.Process()
        self.peaks: dict[int, tuple[float, str]] = {}  # pid → (MiB, what it is)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="peak-memory", daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        import psutil

        while not self._stop.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except psutil.Error:
                procs = [self.root]
            for proc in procs:
                try:
                    rss = proc.memory_info().rss / 2**20
                    if rss > self.peaks.get(proc.pid, (0.0, ""))[0]:
                        self.peaks[proc.pid] = (rss, self.peaks.get(proc.pid, (0, ""))[1] or _describe(proc))
                except psutil.Error:
                    continue
            self._stop.wait(self.interval)

    def top(self, n: int = 8) -> list[tuple[float, str]]:
        return sorted(self.peaks.values(), reverse=True)[:n]


def _describe(proc) -> str:
    """What a process is, in a few words (its command line without paths)."""
    words = [Path(w).name if "/" in w else w for w in proc.cmdline()[:6]]
    return " ".join(words)[:80] or proc.name()


# --------------------------------------------------------------------------------------------- the farm


@contextmanager
def portal_farm(reports: int, published: int, portals: int):
    """The farm server as a subprocess; yields its base URL. It stops when its stdin closes."""
    cmd = [
        sys.executable,
        str(REPO / "benchmarks" / "portal_farm.py"),
        "--reports",
        str(reports),
        "--published",
        str(published),
        "--portals",
        str(portals),
    ]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=REPO)
    try:
        url = proc.stdout.readline().strip()
        if not url.startswith("http://127."):
            raise RuntimeError(f"the portal farm did not start (exit status {proc.poll()})")
        yield url
    finally:
        proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def publish(farm_url: str, count: int) -> None:
    import httpx

    httpx.get(f"{farm_url}/_farm/publish", params={"count": count}, timeout=30, trust_env=False).raise_for_status()


# --------------------------------------------------------------------------------------------- the warehouse


@contextmanager
def throwaway_database(admin_url: str | None, keep: bool):
    """A new database on ``admin_url``'s server, dropped afterwards; None: the embedded warehouse of the
    (temporary) data directory."""
    if admin_url is None:
        from nianbao import steps

        yield steps.warehouse_url()
        return
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    name = f"nianbao_pipeline_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'create database "{name}"')
    try:
        yield urlunsplit(urlsplit(admin_url)._replace(path=f"/{name}"))
    finally:
        if keep:
            print(f"kept database {name!r}", file=sys.stderr)
        else:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute("select pg_terminate_backend(pid) from pg_stat_activity where datname = %s", (name,))
                conn.execute(f'drop database if exists "{name}"')


def counts(url: str) -> dict:
    from warehouse.connection import connect

    with connect(url) as conn:
        one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "documents": one("select count(*) from raw.document"),
            "reports": one("select count(*) from staging.report where is_current"),
            "mart_reports": one("select count(*) from marts.mart_report_summary")
            if one("select to_regclass('marts.mart_report_summary')")
            else 0,
            # full or incremental: a monthly run builds incrementally unless dbt/ or the parser changed meanwhile
            "dbt_build": (
                conn.execute("select mode from audit.dbt_build order by build_id desc limit 1").fetchone() or [None]
            )[0]
            if one("select to_regclass('audit.dbt_build')")
            else None,
        }


# --------------------------------------------------------------------------------------------- the DAG


CONF = {"portals": ["sample"], "years": [], "throttle": False, "full_refresh": False}


def run_inprocess() -> tuple[str, list[dict]]:
    """`dag.test()` in this process: (state, task instances as dicts with datetimes)."""
    from nianbao import airflow_local

    with contextlib.redirect_stdout(sys.stderr):  # the tasks' logs; stdout is for the figures
        dag_run = airflow_local.test_dag(CONF)
    tis = [
        {"task_id": ti.task_id, "map_index": ti.map_index, "state": str(ti.state), "start": ti.start_date,
         "end": ti.end_date}
        for ti in dag_run.get_task_instances()
    ]  # fmt: skip
    return str(dag_run.state), tis


def run_local(farm_url: str) -> tuple[str, list[dict]]:
    """The run `nianbao run` makes (`airflow dags test --use-executor`: the LocalExecutor runs every task as a
    supervised process), with the servers up, at parallelism 2, its tasks crawling the farm."""
    from nianbao import airflow_local

    servers = airflow_local.up()
    logical_date = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    # airflow_local.run_dag gives its tasks the bundled sample portal's address; ours is the farm's
    env = {**airflow_local._server_env(farm_url), "AIRFLOW__CORE__PARALLELISM": str(PARALLELISM)}
    cmd = [
        str(Path(sys.executable).parent / "airflow"),
        *("dags", "test", airflow_local.DAG_ID, logical_date, "--use-executor", "--conf", json.dumps(CONF)),
    ]
    log = airflow_local.airflow_home() / "servers" / "benchmark-dags-test.log"
    with log.open("ab") as out:
        result = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=REPO, check=False)
    client = airflow_local.Client(servers.url)
    run_id = client.run_id(airflow_local.DAG_ID, logical_date)
    if run_id is None:
        raise RuntimeError(f"`airflow dags test` made no run (exit status {result.returncode}); see {log}")
    state = client.get(f"/dags/{airflow_local.DAG_ID}/dagRuns/{run_id}")["state"]
    tis = [
        {
            "task_id": ti["task_id"],
            "map_index": ti.get("map_index", -1),
            "state": ti["state"],
            "start": datetime.fromisoformat(ti["start_date"]) if ti.get("start_date") else None,
            "end": datetime.fromisoformat(ti["end_date"]) if ti.get("end_date") else None,
        }
        for ti in client.task_instances(airflow_local.DAG_ID, run_id)
    ]
    return state, tis


def stage_times(tis: list[dict]) -> dict[str, float]:
    """Wall seconds of each stage: from its first task's start to its last task's end."""
    spans: dict[str, list] = {}
    for ti in tis:
        if ti["start"] and ti["end"]:
            span = spans.setdefault(stage_of(ti["task_id"]), [ti["start"], ti["end"]])
            span[0], span[1] = min(span[0], ti["start"]), max(span[1], ti["end"])
    return {s: round((spans[s][1] - spans[s][0]).total_seconds(), 1) for s, _ in STAGES if s in spans}


def one_run(executor: str, farm_url: str, url: str) -> dict:
    before = counts(url)
    t0 = time.perf_counter()
    state, tis = run_inprocess() if executor == "inprocess" else run_local(farm_url)
    wall = time.perf_counter() - t0
    after = counts(url)
    new_reports = after["reports"] - before["reports"]
    stages = stage_times(tis)
    return {
        "state": state,
        "wall_s": round(wall, 1),
        "stages_s": stages,
        # what the four stages leave of the run: start-up, bookkeeping tasks, the executor's scheduling
        "outside_stages_s": round(wall - sum(stages.values()), 1),
        "tasks": len(tis),
        "failed_tasks": sorted({t["task_id"] for t in tis if t["state"] in ("failed", "upstream_failed")}),
        "new_documents": after["documents"] - before["documents"],
        "new_reports": new_reports,
        "mart_reports": after["mart_reports"],
        "dbt_build": after["dbt_build"],
        "reports_per_s": round(new_reports / wall, 1) if wall else 0.0,
    }


# --------------------------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=100_000, help="reports of the full run")
    parser.add_argument("--portals", type=int, default=1000, help="portals of the farm")
    parser.add_argument("--monthly", type=float, default=0.01, help="share of new reports in the monthly run")
    parser.add_argument("--executor", choices=("local", "inprocess"), default="local")
    parser.add_argument(
        "--admin-url",
        default="postgresql://postgres@127.0.0.1:5432/postgres",
        help="server of the throwaway warehouse database; 'embedded': the embedded PostgreSQL in a temporary folder",
    )
    parser.add_argument("--keep", action="store_true", help="keep the throwaway database and data directory")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)

    monthly = max(1, round(args.reports * args.monthly))
    home = Path(tempfile.mkdtemp(prefix="nianbao-pipeline-bench-"))
    os.chmod(home, 0o755)  # the embedded PostgreSQL of Airflow's metadata runs as its own user when we are root
    for variable in ("AIRFLOW_HOME", "NIANBAO_DATABASE_URL", "NIANBAO_SAMPLE_PORTAL_URL"):
        os.environ.pop(variable, None)
    os.environ["NIANBAO_HOME"] = str(home)
    os.environ["AIRFLOW__CORE__PARALLELISM"] = str(PARALLELISM)
    os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")

    from nianbao import airflow_local, steps
    from nianbao.paths import DBT_MANIFEST

    if not DBT_MANIFEST.exists():
        steps.dbt_parse()
    t_setup = time.perf_counter()
    results: dict = {"reports": args.reports, "portals": args.portals, "executor": args.executor}
    try:
        with (
            throwaway_database(None if args.admin_url == "embedded" else args.admin_url, args.keep) as url,
            portal_farm(args.reports + monthly, args.reports, args.portals) as farm_url,
            PeakMemory() as memory,
        ):
            results["setup_s"] = round(time.perf_counter() - t_setup, 1)
            os.environ["NIANBAO_DATABASE_URL"] = url
            os.environ["NIANBAO_SAMPLE_PORTAL_URL"] = farm_url
            steps.prepare_warehouse(url)
            # Airflow's start (its metadata database, its servers) is not part of a run
            if args.executor == "local":
                airflow_local.up()
            else:
                airflow_local.migrate_metadata_db()
            results["full"] = one_run(args.executor, farm_url, url)
            publish(farm_url, args.reports + monthly)
            results["monthly"] = one_run(args.executor, farm_url, url)
            results["peak_memory_mib"] = [(round(mib, 1), what) for mib, what in memory.top()]
    finally:
        if args.executor == "local":
            airflow_local.down()
        from warehouse import embedded

        embedded.stop()  # Airflow's metadata server in our data directory, if it was started
        if not args.keep:
            import shutil

            shutil.rmtree(home, ignore_errors=True)
    results["load_average"] = [round(x, 2) for x in os.getloadavg()]
    return report(results, args)


def report(results: dict, args) -> int:
    full, monthly = results["full"], results["monthly"]
    scale = args.reports / 100_000
    ratio = monthly["wall_s"] / full["wall_s"] if full["wall_s"] else 0.0
    peak = max((mib for mib, _ in results["peak_memory_mib"]), default=0.0)
    results["checks"] = {
        "full_run_s_per_100k": [round(full["wall_s"] / scale, 1), f"≤ {TARGET_FULL_S_PER_100K:.0f} s"],
        "monthly_ratio": [round(ratio, 3), f"≤ {TARGET_MONTHLY_RATIO}"],
        "peak_process_mib": [round(peak, 1), f"≤ {TARGET_PEAK_MIB:.0f}"],
    }
    ok = (
        full["state"] == "success"
        and monthly["state"] == "success"
        and full["new_reports"] >= args.reports
        and monthly["new_reports"] >= 1
    )
    results["ok"] = ok
    if args.json:
        print(json.dumps(results, ensure_ascii=False))
        return 0 if ok else 1
    print(f"pipeline end to end: {args.reports} reports on {args.portals} portals, executor {args.executor}")
    for name, run in (("full run", full), ("monthly run", monthly)):
        stages = ", ".join(f"{k} {v} s" for k, v in run["stages_s"].items())
        stages += f"; outside the four stages {run['outside_stages_s']} s"
        print(
            f"{name:12} {run['state']:8} {run['wall_s']:8.1f} s  {run['reports_per_s']:7.1f} reports/s  "
            f"({run['new_reports']} new reports, {run['new_documents']} new documents, dbt build {run['dbt_build']}; "
            f"{stages})"
        )
        if run["failed_tasks"]:
            print(f"{'':12} failed tasks: {', '.join(run['failed_tasks'])}")
    # below 100,000 reports the run's fixed costs (start-up, dbt, GX on small tables) weigh more: a projection
    projected = full["wall_s"] / scale
    print(
        f"full run     {full['wall_s']:.1f} s for {args.reports} reports (×{1 / scale:g} = {projected:.0f} s); "
        f"target: 100,000 reports ≤ {TARGET_FULL_S_PER_100K:.0f} s: {projected / TARGET_FULL_S_PER_100K:.2f}× target"
    )
    print(f"monthly run  {ratio:.1%} of the full run (the baseline, same process), target ≤ {TARGET_MONTHLY_RATIO:.0%}")
    if monthly["dbt_build"] != "incremental":
        print(
            "             (the monthly run's dbt build was not incremental: dbt/ or the parser changed during the run)"
        )
    print(f"peak memory  {peak:.0f} MiB (largest process), target ≤ {TARGET_PEAK_MIB:.0f} MiB; largest processes:")
    for mib, what in results["peak_memory_mib"]:
        print(f"  {mib:8.1f} MiB  {what}")
    print(f"setup (farm, PDFs) {results['setup_s']} s; load average {results['load_average']}; ok {ok}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
