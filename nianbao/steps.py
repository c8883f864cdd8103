"""The pipeline's steps, as plain functions.

The CLI (`nianbao.cli`) and the Airflow DAG (`dags/nianbao_harvest.py`) call these and nothing else, so the
two cannot drift apart. Each step is idempotent: run it twice, get the same warehouse. Each takes the
warehouse URL explicitly, so it can be rerun alone for one portal, one year or one document.
"""

from __future__ import annotations

import json
import logging
import math
import os
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from nianbao.paths import DBT_PROJECT_DIR

if TYPE_CHECKING:
    from nianbao.dbt_builds import BuildPlan
    from parsers.sandbox import Limits as ParseLimits
    from warehouse.raw_store import RawDocument

log = logging.getLogger(__name__)

# How many parsed reports go into one staging transaction.
LOAD_BATCH_SIZE = 200


# --------------------------------------------------------------------------------------------- warehouse


def warehouse_url() -> str:
    """The warehouse: `$NIANBAO_DATABASE_URL`, or the embedded PostgreSQL (started or reused)."""
    from warehouse.connection import database_url

    return database_url()


def prepare_warehouse(url: str | None = None) -> str:
    """Start (or reuse) the warehouse, migrate it to the latest schema and make sure the BI role exists."""
    from warehouse.migrate import upgrade
    from warehouse.roles import ensure_bi_reader

    url = url or warehouse_url()
    upgrade(url)
    ensure_bi_reader(url)
    return url


def warehouse_env(url: str | None = None) -> dict[str, str]:
    """The environment variables dbt's `profiles.yml` reads, for this warehouse."""
    from warehouse.connection import libpq_params

    params = libpq_params(url or warehouse_url())
    env = {
        "NIANBAO_DB_HOST": str(params.get("host") or "localhost"),
        "NIANBAO_DB_PORT": str(params.get("port") or 5432),
        "NIANBAO_DB_USER": str(params.get("user") or "postgres"),
        "NIANBAO_DB_NAME": str(params.get("dbname") or "nianbao"),
    }
    if params.get("password"):
        env["NIANBAO_DB_PASSWORD"] = str(params["password"])
    return env


# The Airflow connection the DAG's dbt tasks reach the warehouse through: cosmos maps it to dbt's profile.
WAREHOUSE_CONN_ID = "nianbao_warehouse"


def warehouse_connection_env(url: str | None = None) -> dict[str, str]:
    """``AIRFLOW_CONN_NIANBAO_WAREHOUSE``: this warehouse as an Airflow connection (JSON), for the environment of the
    Airflow processes that run the DAG (``nianbao.airflow_local`` sets it from ``warehouse_url()``; a deployment
    sets it beside ``NIANBAO_DATABASE_URL``). For the embedded server ``host`` is its socket directory."""
    from warehouse.connection import libpq_params

    params = libpq_params(url or warehouse_url())
    connection = {
        "conn_type": "postgres",
        "host": params["host"],
        "port": params["port"],
        "login": params["user"],
        "schema": params["dbname"],
    }
    if params["password"]:
        connection["password"] = params["password"]
    return {f"AIRFLOW_CONN_{WAREHOUSE_CONN_ID.upper()}": json.dumps(connection)}


def check_warehouse_connection(host: str | None, port: int | None, dbname: str | None, url: str | None = None) -> None:
    """Fail unless the Airflow connection (its host, port, database) is the warehouse the other steps use: dbt
    must build the marts of the warehouse the reports were loaded into."""
    from warehouse.connection import DEFAULT_PORT, libpq_params, where

    wanted = libpq_params(url or warehouse_url())
    if (host, port or DEFAULT_PORT, dbname) != (wanted["host"], wanted["port"], wanted["dbname"]):
        raise ValueError(
            f"Airflow connection {WAREHOUSE_CONN_ID!r} points at database {dbname!r} on {host}:{port}, but the "
            f"warehouse is {wanted['dbname']!r} at {where(url)}: set AIRFLOW_CONN_{WAREHOUSE_CONN_ID.upper()} to "
            "the warehouse of NIANBAO_DATABASE_URL"
        )


# --------------------------------------------------------------------------------------------- crawl


def crawl(
    portal: str,
    *,
    url: str | None = None,
    years: Iterable[int] | None = None,
    output_dir: Path | None = None,
    throttle: bool = True,
    on_progress: Callable[[dict], None] | None = None,
    use_warehouse: bool = True,
    include_disabled: bool = False,
    revalidate_after_days: int | None = None,
    shard: str | None = None,
    deep: bool = False,
) -> dict:
    """Crawl one portal (a shipped profile name or a YAML path) in a subprocess; returns its stats.

    ``shard``: ``"i/n"``, this process's share of the portal's reports when n processes crawl it
    (``crawlers.shards``; unthrottled only); None: the whole portal.

    ``revalidate_after_days``: a report checked less than this many days ago is not asked again when only pages that
    listed it on the last crawl lead to it; 0 asks again for every known report; None: the crawler's default
    (``NIANBAO_REVALIDATE_AFTER_DAYS`` in ``crawlers.settings``).

    ``deep``: walk every list page to its end; else a list is walked until a page leads to nothing new, and to its
    end once the last such walk is older than ``NIANBAO_DEEP_CRAWL_AFTER_DAYS`` (the first crawl always).

    Scrapy's own stats (requests, response codes, retries, timings…) are logged at INFO, one per line as Scrapy
    dumps them: in an Airflow task's log, not in the returned summary (the task's XCom, the CLI's table).
    A profile that is not enabled is refused unless ``include_disabled`` (``crawlers.profiles.require_enabled``)."""
    from crawlers import run_crawl

    settings: dict[str, object] = {}
    if revalidate_after_days is not None:
        settings["NIANBAO_REVALIDATE_AFTER_DAYS"] = revalidate_after_days
    if shard is not None:
        settings["NIANBAO_CRAWL_SHARD"] = shard
    stats = run_crawl(
        portal,
        database_url=(url or warehouse_url()) if use_warehouse else None,
        output_dir=output_dir,
        years=sorted(years) if years else None,
        throttle=throttle,
        on_progress=on_progress,
        include_disabled=include_disabled,
        deep=deep,
        settings=settings or None,
    )
    summary = stats if isinstance(stats, dict) else asdict(stats)
    scrapy_stats = summary.pop("scrapy_stats", None) or {}
    log.info(
        "Scrapy stats of portal %s%s:\n%s",
        summary.get("portal", portal),
        f" (shard {shard})" if shard else "",
        "\n".join(f"  {key}: {value}" for key, value in sorted(scrapy_stats.items())),
    )
    return summary


# --------------------------------------------------------------------------------------------- parse + load


def parse_and_load(
    *,
    url: str | None = None,
    portals: Iterable[str] | None = None,
    years: Iterable[int] | None = None,
    on_document: Callable[[str, dict], None] | None = None,
    limits: ParseLimits | None = None,
) -> dict:
    """Parse every raw report document not yet parsed by this parser version, and load it into staging.

    Documents are parsed side by side in sandboxed worker processes (``parsers.sandbox``: a memory and a time
    limit per document, ``NIANBAO_PARSE_*``), so a hostile document can fail only itself. A document that breaks
    a limit is loaded as a Report whose ``resource_limit`` error names it and the limit, and is recorded in
    ``audit.parse_failure``: later loads skip it until the parser version changes. Any other document the
    parser cannot read still yields a Report with an error problem naming it; a body over the size limit is
    reported ``too_large`` without being read. A batch is one transaction, so a killed load loses nothing that
    a rerun does not complete.
    """
    import parsers
    from parsers.parse import MAX_BYTES
    from warehouse.staging import pending_documents

    url = url or warehouse_url()
    version = parsers.PARSER_VERSION
    wanted_years = set(years or [])

    def documents() -> Iterator[RawDocument]:
        seen: set[str] = set()  # the same body listed under two portals is parsed once
        for portal in sorted(set(portals or [])) or [None]:
            for doc in pending_documents(version, url=url, portal=portal, max_bytes=MAX_BYTES):
                # a document whose year the crawler could not guess is parsed anyway: the parser reads the year
                if wanted_years and doc.year_guess is not None and doc.year_guess not in wanted_years:
                    continue
                if doc.sha256 not in seen:
                    seen.add(doc.sha256)
                    yield doc

    return _parse_and_load(documents(), version, url, limits, on_document, load_batch_size=LOAD_BATCH_SIZE)


# The DAG's parse: batches spread over the workers (dynamic task mapping). A batch holds at most this many documents
# (its reports wait in memory for its one load transaction: ~100 MB a task at 2,000, so ~200 MB at 4,000; each
# batch also costs ~0.7 s of task and pool start, 26 s of a 100,000-report run at 2,000), and even a few documents
# are split over this many batches (at most; fewer where the executor runs fewer tasks at once: the DAG says how many),
# so that every worker gets some. The count is a multiple of it: equal batches then end in full rounds (10,000
# documents in 5 batches at 2 a time would leave one worker idle through the last; a monthly run's 1,000 in 4
# batches at 2 a time took two rounds of ~3 s, in 2 batches one of ~4.5 s).
PARSE_BATCH_MAX = 4000
PARSE_FAN_OUT = 4


def plan_parse_batches(
    *,
    url: str | None = None,
    portals: Iterable[str] | None = None,
    years: Iterable[int] | None = None,
    slots: int | None = None,
) -> list[int]:
    """How many documents each of the DAG's parse batches claims, for the documents pending now: as even as can
    be, each ≤ PARSE_BATCH_MAX, a multiple of PARSE_FAN_OUT batches (or of ``slots``, the tasks the executor runs at
    once, when fewer) while there are that many documents; one batch at least, so the step runs (and reports nothing
    parsed)."""
    import parsers
    from warehouse.claims import count_pending

    pending = count_pending(parsers.PARSER_VERSION, portals=portals, years=years, url=url or warehouse_url())
    return parse_batch_sizes(pending, fan_out=min(PARSE_FAN_OUT, slots or PARSE_FAN_OUT))


def parse_batch_sizes(pending: int, *, fan_out: int = PARSE_FAN_OUT) -> list[int]:
    """``pending`` documents split as `plan_parse_batches` says, over multiples of ``fan_out`` batches."""
    fan_out = max(1, fan_out)
    count = max(1, min(pending, fan_out * math.ceil(pending / (PARSE_BATCH_MAX * fan_out))))
    return [pending // count + (1 if i < pending % count else 0) for i in range(count)]


def parse_batch(
    claimant: str,
    size: int,
    *,
    url: str | None = None,
    portals: Iterable[str] | None = None,
    years: Iterable[int] | None = None,
    limits: ParseLimits | None = None,
) -> dict:
    """One of the DAG's parse batches: claim up to ``size`` pending documents that no other batch holds
    (``warehouse.claims``), parse them as ``parse_and_load`` does, load their reports in one transaction and
    release the claims. ``claimant`` names the batch; the same name again (a retry) takes its claims back."""
    import parsers
    from parsers.parse import MAX_BYTES
    from warehouse import claims, settings
    from warehouse.raw_store import RawStore

    url = url or warehouse_url()
    version = parsers.PARSER_VERSION
    # a claim outlives its batch only if the batch's worker died; its task cannot run longer than the task limit
    lease = settings.task_timeout() or claims.DEFAULT_LEASE_S
    claimed = claims.claim(version, claimant, size, lease_s=lease, portals=portals, years=years, url=url)
    try:
        with RawStore(url) as store:
            documents = store.documents(sha256s=claimed, not_parsed_by=version, max_bytes=MAX_BYTES)
            summary = _parse_and_load(documents if claimed else iter(()), version, url, limits)
    finally:
        claims.release(claimant, url=url)
    return {**summary, "claimant": claimant, "claimed": len(claimed)}


def _parse_and_load(
    documents: Iterable[RawDocument],
    version: str,
    url: str,
    limits: ParseLimits | None = None,
    on_document: Callable[[str, dict], None] | None = None,
    *,
    load_batch_size: int | None = None,
) -> dict:
    """Parse ``documents`` in the sandbox and load their reports: one transaction per ``load_batch_size`` reports,
    or one for all of them (None)."""
    from parsers.sandbox import Job, Limits, ParsePool
    from parsers.vocabulary import UNREADABLE_DOCUMENT_CODES
    from warehouse.staging import load_reports, record_parse_failure

    limits = limits or Limits.from_env()
    parsed = unreadable = facts = 0
    failures: list[str] = []
    batch: list[tuple[str, dict]] = []

    def flush() -> None:
        nonlocal facts
        if batch:
            facts += load_reports(batch, version, url=url, batch_size=len(batch)).facts
            batch.clear()

    jobs = (
        Job(
            key=doc.sha256,
            data=doc.content,
            filename=doc.url or doc.sha256,
            media_type=doc.media_type,
            size=doc.size_bytes,
            sha256=doc.sha256,
        )
        for doc in documents
    )
    with ParsePool(limits) as pool:
        for outcome in pool.parse(jobs):
            report = outcome.report
            report["source"]["path"] = outcome.filename
            if outcome.failure:
                failure = outcome.failure
                record_parse_failure(
                    outcome.key,
                    version,
                    reason=failure.reason,
                    limit=failure.limit,
                    message=failure.message,
                    source_url=outcome.filename,
                    url=url,
                )
                failures.append(failure.message)
            errors = [p for p in report["problems"] if p.get("code") in UNREADABLE_DOCUMENT_CODES]
            if errors:
                unreadable += 1
                log.warning("could not read %s: %s", outcome.filename, "; ".join(p["message"] for p in errors))
            parsed += 1
            if on_document:
                on_document(outcome.filename, report)
            batch.append((outcome.key, report))
            if load_batch_size and len(batch) >= load_batch_size:
                flush()
        flush()
    return {
        "parsed": parsed,
        "unreadable": unreadable,
        "limit_failures": len(failures),
        "failures": failures,
        "facts_loaded": facts,
        "parser_version": version,
        "parse_workers": limits.worker_count,
    }


# --------------------------------------------------------------------------------------------- dbt


def dbt_executable() -> str:
    """dbt from the same environment as this Python (the project's venv)."""
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else "dbt"


def _dbt_command(*args: str) -> list[str]:
    """`dbt <args>` on the project, with its profiles.yml and the profile and target cosmos names too."""
    from nianbao.dbt_builds import PROFILE_FLAGS

    return [
        dbt_executable(),
        *args,
        *PROFILE_FLAGS,
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
    ]


def dbt(*args: str, url: str | None = None, check: bool = True) -> subprocess.CompletedProcess:
    """Run a dbt command against the warehouse (its own process: dbt keeps global state)."""
    env = {**os.environ, **warehouse_env(url)}
    cmd = _dbt_command(*args)
    log.info("running %s", " ".join(cmd))
    from nianbao.dbt_builds import run_dbt  # builds take turns (advisory lock) and are time-bounded

    result = run_dbt(cmd, url=url or warehouse_url(), env=env)
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{result.stdout[-4000:]}\n{result.stderr[-2000:]}")
    return result


def dbt_parse() -> Path:
    """Write `dbt/target/manifest.json`, which the DAG renders its dbt tasks from (no `dbt ls` at parse time)."""
    from nianbao.paths import DBT_MANIFEST

    env = {**os.environ}
    for key, default in (("NIANBAO_DB_HOST", "localhost"), ("NIANBAO_DB_NAME", "nianbao")):
        env.setdefault(key, default)
    result = subprocess.run(
        _dbt_command("parse"), env=env, cwd=DBT_PROJECT_DIR, text=True, capture_output=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"dbt parse failed:\n{result.stdout[-4000:]}\n{result.stderr[-2000:]}")
    return DBT_MANIFEST


def plan_dbt_build(*, url: str | None = None, full_refresh: bool = False) -> BuildPlan:
    """Which `dbt build` the marts need now: incremental (dbt selector `monthly`), or from scratch (`full`,
    --full-refresh) when asked or when the dbt project or the parser changed since the last logged build."""
    from nianbao import dbt_builds

    plan = dbt_builds.plan_build(url or warehouse_url(), full_refresh=full_refresh)
    log.info("dbt build, %s: %s", plan.mode, plan.reason)
    return plan


def record_dbt_build(plan: BuildPlan, *, url: str | None = None) -> None:
    """Log a successful build in audit.dbt_build: the next run knows what the marts were built with."""
    from nianbao import dbt_builds

    dbt_builds.record_build(url or warehouse_url(), plan)


def dbt_build(*, url: str | None = None, full_refresh: bool = False) -> dict:
    """`dbt build` of the marts as planned (``plan_dbt_build``), then recorded (``record_dbt_build``)."""
    url = url or warehouse_url()
    plan = plan_dbt_build(url=url, full_refresh=full_refresh)
    result = dbt(*plan.dbt_args, url=url)
    record_dbt_build(plan, url=url)
    return {"mode": plan.mode, "reason": plan.reason, "vars": plan.vars, "log_tail": result.stdout[-2000:]}


def dbt_docs(*, url: str | None = None, build_vars: str | None = None) -> Path:
    """Generate dbt's docs site as one self-contained page (`--static`: manifest and catalog inside it, so it opens
    from disk, offline), dbt/target/static_index.html; `dbt docs serve` still shows the usual site.

    ``build_vars``: the --vars of the build just made (``BuildPlan.vars``, the same for every build). The docs are the
    same with them, and the parse dbt keeps from this, the last command, then serves the next build instead of a parse
    of the whole project (``dbt_builds.PROFILE_FLAGS``).

    The page is made again only when what it shows changed (``dbt_builds.docs_fingerprint``: the project, the
    warehouse's relations and columns): a monthly build only adds rows, and its docs were 2.7 s of dbt's start-up,
    parse and catalog queries beside the validation (100,000 reports)."""
    from nianbao import dbt_builds
    from nianbao.paths import DBT_DOCS_PAGE, DBT_DOCS_STAMP

    url = url or warehouse_url()
    fingerprint = dbt_builds.docs_fingerprint(url, build_vars)
    if DBT_DOCS_PAGE.exists() and DBT_DOCS_STAMP.exists() and DBT_DOCS_STAMP.read_text() == fingerprint:
        log.info("dbt docs: unchanged since %s was made", DBT_DOCS_PAGE)
        return DBT_DOCS_PAGE
    DBT_DOCS_STAMP.unlink(missing_ok=True)  # the page is being replaced: the old stamp is no longer its own
    dbt("docs", "generate", *dbt_builds.DOCS_FLAGS, *(("--vars", build_vars) if build_vars else ()), url=url)
    DBT_DOCS_STAMP.write_text(fingerprint)
    return DBT_DOCS_PAGE


# --------------------------------------------------------------------------------------------- validate


def validate(*, url: str | None = None, whole: bool = False) -> dict:
    """Run the Great Expectations suites. Integrity failures raise; balance-rule breaches are findings.
    ``whole``: every row, not only the reports new since the last validation that passed."""
    from expectations import validate as run_validations

    summary = run_validations(url or warehouse_url(), whole=whole)
    return summary if isinstance(summary, dict) else _as_dict(summary)


def _as_dict(obj) -> dict:
    if hasattr(obj, "model_dump"):
        return obj.model_dump()
    if hasattr(obj, "__dataclass_fields__"):
        return asdict(obj)
    return dict(vars(obj))


# --------------------------------------------------------------------------------------------- summary


def warehouse_summary(url: str | None = None, *, validation: bool = True) -> dict:
    """What is in the warehouse now: the figures `make run` prints. ``validation``: with the outcome of the last
    validation (the DAG's summary counts beside the run's validation, whose outcome is its own result)."""
    from warehouse.connection import connect

    url = url or warehouse_url()
    out: dict = {}
    with connect(url) as conn:

        def one(sql: str):
            return conn.execute(sql).fetchone()[0]

        out["documents_fetched"] = one("select count(*) from raw.document")
        out["fetch_errors"] = one("select count(*) from raw.fetch where error is not null")
        out["reports_parsed"] = one("select count(*) from staging.report where is_current")
        # The current reports' facts and checks are all of them less the superseded reports' (earlier parser
        # versions' output: usually few, found through their index): a scan of the table alone, not joined to the
        # reports (0.77 s -> 0.43 s for the 12 M facts of 100,000 reports).
        out["facts_loaded"] = one(
            "select (select count(*) from staging.fact) - (select count(*) from staging.fact f"
            " join staging.report r using (report_id) where not r.is_current)"
        )
        out["rules_passed"], out["rules_failed"] = conn.execute(  # one scan of the checks for both
            "with every_check as ("
            "  select count(*) filter (where ok) as passed, count(*) filter (where not ok) as failed"
            "  from staging.check_result),"
            " superseded as ("
            "  select count(*) filter (where c.ok) as passed, count(*) filter (where not c.ok) as failed"
            "  from staging.check_result c join staging.report r using (report_id) where not r.is_current)"
            " select every_check.passed - superseded.passed, every_check.failed - superseded.failed"
            " from every_check, superseded"
        ).fetchone()
        tables = conn.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
        ).fetchall()
        out["marts"] = {name: one(f'select count(*) from marts."{name}"') for (name,) in tables}
        has_runs = validation and one(
            "select count(*) from information_schema.tables"
            " where table_schema = 'audit' and table_name = 'validation_run'"
        )
        if has_runs:
            row = conn.execute(
                "select count(*), count(*) filter (where not success) from audit.validation_run"
                " where run_at = (select max(run_at) from audit.validation_run)"
            ).fetchone()
            out["last_validation"] = {"suites": row[0], "failed_suites": row[1]}
    return out
