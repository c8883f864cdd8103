"""The whole pipeline, end to end: a farm of local portals → the real DAG → marts, then a monthly run.

    .venv/bin/python benchmarks/pipeline.py                       # 100,000 reports on 1,000 portals
    .venv/bin/python benchmarks/pipeline.py --reports 2000 --executor inprocess
    .venv/bin/python benchmarks/pipeline.py --reports 10000 --save /tmp/p10k.json --compare /tmp/p1k.json

A farm of portals on 127.0.0.1 (benchmarks/portal_farm.py: one server process, each portal under its own path,
HTML, text pages, Word and PDF files of all three eras) publishes ``--reports`` reports; their bodies are made
before anything is timed and kept on disk under /tmp for the next run (portal_farm.build_corpus). The DAG harvests
it as the shipped ``sample`` profile (the one profile whose address is set at run time, NIANBAO_SAMPLE_PORTAL_URL),
throttling off (the DAG's ``throttle`` param: the crawler's ``--no-throttle``; robots.txt, fence and size cap stay)
into a throwaway database on --admin-url's server (default the machine's PostgreSQL; never the user's warehouse):

- ``--executor local`` (default): Airflow's servers on 127.0.0.1 in a temporary data directory, the run through the
  LocalExecutor at parallelism 2 (`airflow dags test --use-executor`, as `nianbao run` does);
- ``--executor inprocess``: `dag.test()` in this process (no servers; tasks one after another).

Then the farm publishes 1% more reports (late reports at the top of their columns) and the DAG runs again: the
monthly run. Printed for each run: wall time, the wall time of each stage (first task start to last task end:
crawl, parse + load, dbt, GX) and its CPU seconds (``Usage``: the run's processes and the warehouse's backends;
on a shared machine the wall time follows the load, the CPU seconds far less), reports/s; the peak memory of every
process of the run (psutil, sampled twice a second: this process and all its descendants, the farm server included,
PostgreSQL's server not); each figure with its target (issue 14) and the monthly run as a ratio of the full run, its
baseline in this process. The farm says how much CPU it spent serving the crawl (``/_farm/stats``): its share of the
crawl's wall time shows whether the farm, not the crawler, set the pace.

``--save FILE`` keeps the figures as JSON (``--show FILE`` prints them again); ``--compare FILE`` (a run of fewer
reports, same machine) fits each stage, in wall and in CPU seconds, as fixed cost + cost per report through the two
runs and extrapolates it to 100,000 reports — a projection, printed as one.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
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

from benchmarks import portal_farm

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


# --------------------------------------------------------------------------------------------- usage


class Usage:
    """Peak resident memory of this process and each of its descendants, and the CPU seconds they and the warehouse
    server's backends for ``database`` have spent so far, sampled every ``interval`` seconds.

    CPU: the live processes' own and reaped children's times (a finished task's CPU moves to its parent, so the sum
    never drops), plus each backend's last seen time (PostgreSQL's server is not our descendant, and dbt's and GX's
    work is mostly there). On a machine shared with other work the wall time of a stage depends on the load; its CPU
    seconds much less: CPU / cores is what the stage would take at best on idle cores."""

    def __init__(self, database: str | None = None, interval: float = 0.5):
        import psutil

        self.interval = interval
        self.database = database  # a warehouse URL: its backends' CPU counts too
        self.root = psutil.Process()
        self.peaks: dict[int, tuple[float, str]] = {}  # pid → (MiB, what it is)
        self.backends: dict[int, float] = {}  # backend pid → CPU seconds last seen
        self.timeline: list[tuple[float, float]] = []  # (unix time, CPU seconds so far)
        self.exclude: set[int] = set()  # pids whose CPU is not the pipeline's (the farm server's)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="usage", daemon=True)

    def __enter__(self) -> Usage:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        import psutil

        conn = None
        rounds = 0
        while not self._stop.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except psutil.Error:
                procs = [self.root]
            cpu = 0.0
            for proc in procs:
                try:
                    with proc.oneshot():
                        t = proc.cpu_times()
                        rss = proc.memory_info().rss / 2**20
                    if proc.pid not in self.exclude:
                        cpu += t.user + t.system + t.children_user + t.children_system
                    if rss > self.peaks.get(proc.pid, (0.0, ""))[0]:
                        self.peaks[proc.pid] = (rss, self.peaks.get(proc.pid, (0, ""))[1] or _describe(proc))
                except psutil.Error:
                    continue
            if self.database:
                if rounds % 4 == 0:  # new backends appear as tasks connect: look every 2 s
                    conn = self._find_backends(conn)
                for pid in list(self.backends):
                    try:
                        t = psutil.Process(pid).cpu_times()
                        self.backends[pid] = max(self.backends[pid], t.user + t.system)
                    except psutil.Error:
                        continue
                cpu += sum(self.backends.values())
            self.timeline.append((time.time(), cpu))
            rounds += 1
            self._stop.wait(self.interval)
        if conn is not None:
            conn.close()

    def _find_backends(self, conn):
        import psycopg

        try:
            if conn is None or conn.closed:
                conn = psycopg.connect(self.database, autocommit=True)
            rows = conn.execute(
                "select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()"
            ).fetchall()
            for (pid,) in rows:
                self.backends.setdefault(pid, 0.0)
        except psycopg.Error:
            conn = None
        return conn

    def cpu_between(self, start: float, end: float) -> float:
        """CPU seconds spent from ``start`` to ``end`` (unix times), from the samples nearest inside."""
        inside = [cpu for t, cpu in self.timeline if start <= t <= end + self.interval]
        return inside[-1] - inside[0] if len(inside) > 1 else 0.0

    def top(self, n: int = 8) -> list[tuple[float, str]]:
        return sorted(self.peaks.values(), reverse=True)[:n]


def _describe(proc) -> str:
    """What a process is, in a few words (its command line without paths)."""
    words = [Path(w).name if "/" in w else w for w in proc.cmdline()[:6]]
    return " ".join(words)[:80] or proc.name()


# --------------------------------------------------------------------------------------------- the farm


@contextmanager
def farm_server(reports: int, published: int, portals: int):
    """The farm server as a subprocess (its corpus made beforehand); yields its base URL. It stops when its stdin
    closes."""
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
        yield url, proc.pid
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


def farm_stats(farm_url: str) -> dict:
    """The farm's requests served, body bytes sent and CPU seconds so far."""
    import httpx

    return httpx.get(f"{farm_url}/_farm/stats", timeout=30, trust_env=False).raise_for_status().json()


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


# the farm is one portal (one profile): its crawl is split over the two cores (crawlers.shards)
CONF = {"portals": ["sample"], "years": [], "throttle": False, "full_refresh": False, "crawl_shards": PARALLELISM}


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
    cmd = airflow_local.dags_test_command(airflow_local.DAG_ID, logical_date, CONF)
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


def stage_spans(tis: list[dict]) -> dict[str, tuple[datetime, datetime]]:
    """Each stage's span: from its first task's start to its last task's end."""
    spans: dict[str, list] = {}
    for ti in tis:
        if ti["start"] and ti["end"]:
            span = spans.setdefault(stage_of(ti["task_id"]), [ti["start"], ti["end"]])
            span[0], span[1] = min(span[0], ti["start"]), max(span[1], ti["end"])
    return {s: (spans[s][0], spans[s][1]) for s, _ in STAGES if s in spans}


def timeline(tis: list[dict]) -> list[list]:
    timed = sorted((t for t in tis if t["start"] and t["end"]), key=lambda t: t["start"])
    if not timed:
        return []
    first = timed[0]["start"]
    return [
        [
            t["task_id"],
            t["map_index"],
            round((t["start"] - first).total_seconds(), 2),
            round((t["end"] - t["start"]).total_seconds(), 2),
        ]
        for t in timed
    ]


def one_run(executor: str, farm_url: str, url: str, usage: Usage) -> dict:
    before, farm_before = counts(url), farm_stats(farm_url)
    t0 = time.perf_counter()
    state, tis = run_inprocess() if executor == "inprocess" else run_local(farm_url)
    wall = time.perf_counter() - t0
    after, farm_after = counts(url), farm_stats(farm_url)
    new_reports = after["reports"] - before["reports"]
    spans = stage_spans(tis)
    stages = {s: round((end - start).total_seconds(), 1) for s, (start, end) in spans.items()}
    cpu = {s: round(usage.cpu_between(start.timestamp(), end.timestamp()), 1) for s, (start, end) in spans.items()}
    farm_cpu = farm_after["cpu_s"] - farm_before["cpu_s"]
    return {
        "state": state,
        "wall_s": round(wall, 1),
        "stages_s": stages,
        "stages_cpu_s": cpu,
        "cpu_s": round(usage.cpu_between(time.time() - wall, time.time()), 1),
        # what the four stages leave of the run: start-up, bookkeeping tasks, the executor's scheduling
        "outside_stages_s": round(wall - sum(stages.values()), 1),
        "tasks": len(tis),
        "failed_tasks": sorted({t["task_id"] for t in tis if t["state"] in ("failed", "upstream_failed")}),
        "new_documents": after["documents"] - before["documents"],
        "new_reports": new_reports,
        "mart_reports": after["mart_reports"],
        "dbt_build": after["dbt_build"],
        "reports_per_s": round(new_reports / wall, 1) if wall else 0.0,
        # each task: id, map index, start (seconds after the run's first task started), duration; for --show
        "timeline": timeline(tis),
        "farm": {
            "requests": farm_after["requests"] - farm_before["requests"],
            "mib_sent": round((farm_after["bytes"] - farm_before["bytes"]) / 2**20, 1),
            "cpu_s": round(farm_cpu, 1),
            # the server is one process (a GIL): at 1.0 of the crawl's wall time it would be what the crawl waits for
            "share_of_crawl": round(farm_cpu / stages["crawl"], 3) if stages.get("crawl") else None,
        },
    }


# --------------------------------------------------------------------------------------------- main


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
    parser.add_argument("--save", type=Path, help="also write the results as JSON to this file")
    parser.add_argument("--compare", type=Path, help="results (--save) of a smaller run: extrapolate to 100,000")
    parser.add_argument("--show", type=Path, help="print the figures of a saved run (--save) instead of running")
    args = parser.parse_args(argv)
    if args.show:
        results = json.loads(args.show.read_text(encoding="utf-8"))
        args.reports, args.portals, args.executor = results["reports"], results["portals"], results["executor"]
        return report(results, args)

    monthly = max(1, round(args.reports * args.monthly))
    # stopped (a test's timeout, `kill`): leave through the finally clauses, which stop the servers, the embedded
    # PostgreSQL and drop the throwaway database
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    home = Path(tempfile.mkdtemp(prefix="nianbao-pipeline-bench-"))
    os.chmod(home, 0o755)  # the embedded PostgreSQL of Airflow's metadata runs as its own user when we are root
    for variable in ("AIRFLOW_HOME", "NIANBAO_DATABASE_URL", "NIANBAO_SAMPLE_PORTAL_URL"):
        os.environ.pop(variable, None)
    os.environ["NIANBAO_HOME"] = str(home)
    os.environ["AIRFLOW__CORE__PARALLELISM"] = str(PARALLELISM)
    # not Airflow's default 8080, which another Airflow on the machine may hold: our tasks would then talk to its
    # api-server, and fail with "Invalid auth token"
    os.environ.setdefault("NIANBAO_AIRFLOW_PORT", str(free_port()))
    os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")

    from nianbao import airflow_local, steps
    from nianbao.paths import DBT_MANIFEST

    if not DBT_MANIFEST.exists():
        steps.dbt_parse()
    results: dict = {"reports": args.reports, "portals": args.portals, "executor": args.executor}
    # every body the farm will serve, made now (or found on disk from an earlier run): never inside a timed run
    results["corpus"] = portal_farm.build_corpus(args.reports + monthly, workers=PARALLELISM)
    t_setup = time.perf_counter()
    try:
        with (
            throwaway_database(None if args.admin_url == "embedded" else args.admin_url, args.keep) as url,
            farm_server(args.reports + monthly, args.reports, args.portals) as (farm_url, farm_pid),
            Usage(url) as usage,
        ):
            usage.exclude.add(farm_pid)
            os.environ["NIANBAO_DATABASE_URL"] = url
            os.environ["NIANBAO_SAMPLE_PORTAL_URL"] = farm_url
            steps.prepare_warehouse(url)
            # Airflow's start (its metadata database, its servers) is not part of a run
            if args.executor == "local":
                airflow_local.up()
                if not airflow_local.status().up:
                    raise RuntimeError(f"Airflow's servers did not all stay up: see {airflow_local.status().log_dir}")
            else:
                airflow_local.migrate_metadata_db()
            results["setup_s"] = round(time.perf_counter() - t_setup, 1)
            results["full"] = one_run(args.executor, farm_url, url, usage)
            # the full run's figures at once: a large run's monthly run may be cut short
            so_far = {**results["full"], "peak_memory_mib": usage.top()}
            print(f"full run: {json.dumps(so_far, ensure_ascii=False)}", file=sys.stderr, flush=True)
            publish(farm_url, args.reports + monthly)
            results["monthly"] = one_run(args.executor, farm_url, url, usage)
            results["peak_memory_mib"] = [(round(mib, 1), what) for mib, what in usage.top()]
    finally:
        if args.executor == "local":
            airflow_local.down()
        from warehouse import embedded

        embedded.stop()  # Airflow's metadata server in our data directory, if it was started
        if not args.keep:
            import shutil

            shutil.rmtree(home, ignore_errors=True)
    results["load_average"] = [round(x, 2) for x in os.getloadavg()]
    results["date"] = datetime.now(timezone.utc).isoformat(timespec="minutes")
    if args.save:
        args.save.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return report(results, args)


TARGET_REPORTS_PER_S = 100_000 / TARGET_FULL_S_PER_100K  # the same target as a rate: 166.7 reports/s


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
        # every report the farm published for the monthly run (each a new document) is in staging after it
        and monthly["new_reports"] >= monthly["new_documents"] >= max(1, round(args.reports * args.monthly))
    )
    results["ok"] = ok
    if args.json:
        print(json.dumps(results, ensure_ascii=False))
        return 0 if ok else 1
    corpus = results["corpus"]
    print(
        f"pipeline end to end: {args.reports} reports on {args.portals} portals, executor {args.executor} "
        f"(parallelism {PARALLELISM}), throttling off; {results['date']}, load average {results['load_average']}"
    )
    print(
        f"corpus       {corpus['made']} bodies made, {corpus['reused']} reused from {corpus['corpus']} "
        f"({corpus['seconds']} s, not timed); farm and Airflow start-up {results['setup_s']} s (not timed)"
    )
    for name, run in (("full run", full), ("monthly run", monthly)):
        stages = ", ".join(f"{k} {v} s (CPU {run['stages_cpu_s'].get(k, 0.0)} s)" for k, v in run["stages_s"].items())
        stages += f"; outside the four stages {run['outside_stages_s']} s; CPU of the whole run {run['cpu_s']} s"
        print(
            f"{name:12} {run['state']:8} {run['wall_s']:8.1f} s  {run['reports_per_s']:7.1f} reports/s  "
            f"({run['new_reports']} new reports, {run['new_documents']} new documents, dbt build {run['dbt_build']}; "
            f"{stages})"
        )
        if run["failed_tasks"]:
            print(f"{'':12} failed tasks: {', '.join(run['failed_tasks'])}")
        farm = run["farm"]
        share = f"{farm['share_of_crawl']:.0%}" if farm["share_of_crawl"] is not None else "–"
        print(
            f"{'':12} farm: {farm['requests']} requests, {farm['mib_sent']} MiB, {farm['cpu_s']} s CPU = {share} of "
            "the crawl's wall time (one process: near 100 % it would be the bottleneck)"
        )
    if full["new_reports"] < args.reports:
        print(f"             only {full['new_reports']} of {args.reports} reports reached staging: see failed tasks")
    # below 100,000 reports the run's fixed costs (start-up, dbt, GX on small tables) weigh more: a projection
    projected = full["wall_s"] / scale
    print(
        f"full run     {full['reports_per_s']:.1f} reports/s, target ≥ {TARGET_REPORTS_PER_S:.1f} (100,000 in "
        f"{TARGET_FULL_S_PER_100K:.0f} s): {full['reports_per_s'] / TARGET_REPORTS_PER_S:.2f}× the target rate; "
        f"{full['wall_s']:.1f} s × {1 / scale:g} = {projected:.0f} s for 100,000 at this rate"
    )
    print(f"monthly run  {ratio:.1%} of the full run (the baseline, same process), target ≤ {TARGET_MONTHLY_RATIO:.0%}")
    if monthly["dbt_build"] != "incremental":
        print(
            "             (the monthly run's dbt build was not incremental: dbt/ or the parser changed during the run)"
        )
    print(f"peak memory  {peak:.0f} MiB (largest process), target ≤ {TARGET_PEAK_MIB:.0f} MiB; largest processes:")
    for mib, what in results["peak_memory_mib"]:
        print(f"  {mib:8.1f} MiB  {what}")
    if args.compare:
        extrapolate(json.loads(args.compare.read_text(encoding="utf-8")), results)
    print(f"ok {ok} (both runs succeeded, every report reached staging)")
    return 0 if ok else 1


def extrapolate(small: dict, large: dict) -> None:
    """Each stage (and the rest of each run) as fixed cost + cost per report through two measured runs, at 100,000
    reports, in wall seconds and in CPU seconds: a projection — it assumes costs stay linear in the number of reports,
    which a larger run may belie. CPU / 2 is the least wall time 2 idle cores could take."""
    n1, n2 = small["reports"], large["reports"]
    if n1 >= n2:
        print(f"extrapolation: --compare needs a smaller run ({n1} ≥ {n2} reports)")
        return

    def at_100k(t1: float, t2: float) -> tuple[float, float]:
        """(seconds per 1,000 reports, seconds at 100,000 reports)"""
        per_report = (t2 - t1) / (n2 - n1)
        if per_report < 0:  # the smaller run was slower: another load, not an economy of scale; a fixed cost
            return 0.0, max(t1, t2)
        return per_report * 1000, t1 + per_report * (100_000 - n1)

    def parts(run: dict, key: str) -> dict[str, float]:
        stages = run[f"stages{key}"]
        rest = run["wall_s" if key == "_s" else "cpu_s"] - sum(stages.values())
        return {**{s: stages.get(s, 0.0) for s, _ in STAGES}, "outside the stages": rest}

    print(f"extrapolated to 100,000 reports (linear through the runs of {n1} and {n2} reports; a projection):")
    totals: dict[str, list[float]] = {}
    for run in ("full", "monthly"):
        a, b = small[run], large[run]
        if a["state"] != "success" or b["state"] != "success":
            print(f"  {run:8} not extrapolated: a run that failed is no measure of its cost")
            continue
        wall1, wall2, cpu1, cpu2 = parts(a, "_s"), parts(b, "_s"), parts(a, "_cpu_s"), parts(b, "_cpu_s")
        totals[run] = [0.0, 0.0]
        for part in wall1:
            wall_per_1000, wall = at_100k(wall1[part], wall2[part])
            cpu_per_1000, cpu = at_100k(cpu1[part], cpu2[part])
            totals[run][0] += wall
            totals[run][1] += cpu
            print(
                f"  {run:8} {part:19} wall {wall1[part]:7.1f} → {wall2[part]:7.1f} s, {wall_per_1000:6.2f} s per "
                f"1,000: {wall:6.0f} s;  CPU {cpu1[part]:7.1f} → {cpu2[part]:7.1f} s, {cpu_per_1000:6.2f} s per 1,000: "
                f"{cpu:6.0f} s"
            )
        print(
            f"  {run:8} {'whole run':19} wall {totals[run][0]:.0f} s, CPU {totals[run][1]:.0f} s (at best "
            f"{totals[run][1] / PARALLELISM:.0f} s on {PARALLELISM} idle cores)"
        )
    if "full" not in totals:
        return
    full_wall, full_cpu = totals["full"]
    best = full_cpu / PARALLELISM
    print(
        f"  full run {full_wall:.0f} s at this load, target ≤ {TARGET_FULL_S_PER_100K:.0f} s "
        f"({full_wall / TARGET_FULL_S_PER_100K:.2f}× the target); on {PARALLELISM} idle cores at best {best:.0f} s "
        f"({best / TARGET_FULL_S_PER_100K:.2f}× the target) (projected)"
    )
    if "monthly" in totals:
        monthly_wall, monthly_cpu = totals["monthly"]
        print(
            f"  monthly run {monthly_wall / full_wall:.1%} of the full run's wall, {monthly_cpu / full_cpu:.1%} of its "
            f"CPU, target ≤ {TARGET_MONTHLY_RATIO:.0%} (projected)"
        )


if __name__ == "__main__":
    sys.exit(main())
