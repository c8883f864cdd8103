"""The pipeline's steps, as plain functions.

The CLI (`nianbao.cli`) and the Airflow DAG (`dags/nianbao_harvest.py`) call these and nothing else, so the
two cannot drift apart. Each step is idempotent: run it twice, get the same warehouse. Each takes the
warehouse URL explicitly, so it can be rerun alone for one portal, one year or one document.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from nianbao.paths import DBT_PROJECT_DIR

if TYPE_CHECKING:
    from parsers.sandbox import Limits as ParseLimits

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


def export_warehouse_env(*_args, **_kwargs) -> None:
    """Put the warehouse's connection settings into this process's environment.

    Used as an Airflow `on_execute_callback` on the dbt tasks: it runs in the worker process right before
    dbt does, so dbt finds the warehouse whether it is embedded or external, without credentials in the DAG.
    """
    os.environ.update(warehouse_env())


# --------------------------------------------------------------------------------------------- crawl


@dataclass
class CrawlSummary:
    portal: str
    pages: int = 0
    documents: int = 0
    not_modified: int = 0
    errors: int = 0
    bytes: int = 0
    error_urls: list[str] = field(default_factory=list)


def crawl(
    portal: str,
    *,
    url: str | None = None,
    years: Iterable[int] | None = None,
    output_dir: Path | None = None,
    throttle: bool = True,
    on_progress: Callable[[dict], None] | None = None,
    use_warehouse: bool = True,
) -> dict:
    """Crawl one portal (a shipped profile name or a YAML path) in a subprocess; returns its stats."""
    from crawlers import run_crawl

    stats = run_crawl(
        portal,
        database_url=(url or warehouse_url()) if use_warehouse else None,
        output_dir=output_dir,
        years=sorted(years) if years else None,
        throttle=throttle,
        on_progress=on_progress,
    )
    return stats if isinstance(stats, dict) else asdict(stats)


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
    from parsers.sandbox import Job, Limits, ParsePool
    from parsers.vocabulary import UNREADABLE_DOCUMENT_CODES
    from warehouse.staging import load_reports, pending_documents, record_parse_failure

    url = url or warehouse_url()
    version = parsers.PARSER_VERSION
    limits = limits or Limits.from_env()
    wanted_years = set(years or [])
    parsed = unreadable = 0
    facts = 0
    failures: list[str] = []
    batch: list[tuple[str, dict]] = []

    def flush() -> None:
        nonlocal facts
        if batch:
            facts += load_reports(batch, version, url=url).facts
            batch.clear()

    def jobs() -> Iterator[Job]:
        seen: set[str] = set()  # the same body listed under two portals is parsed once
        for portal in sorted(set(portals or [])) or [None]:
            for doc in pending_documents(version, url=url, portal=portal, max_bytes=MAX_BYTES):
                # a document whose year the crawler could not guess is parsed anyway: the parser reads the year
                if wanted_years and doc.year_guess is not None and doc.year_guess not in wanted_years:
                    continue
                if doc.sha256 in seen:
                    continue
                seen.add(doc.sha256)
                yield Job(
                    key=doc.sha256,
                    data=doc.content,
                    filename=doc.url or doc.sha256,
                    media_type=doc.media_type,
                    size=doc.size_bytes,
                    sha256=doc.sha256,
                )

    with ParsePool(limits) as pool:
        for outcome in pool.parse(jobs()):
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
            if len(batch) >= LOAD_BATCH_SIZE:
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


def dbt(*args: str, url: str | None = None, check: bool = True) -> subprocess.CompletedProcess:
    """Run a dbt command against the warehouse (its own process: dbt keeps global state)."""
    env = {**os.environ, **warehouse_env(url)}
    cmd = [dbt_executable(), *args, "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
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
    cmd = [dbt_executable(), "parse", "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
    result = subprocess.run(cmd, env=env, cwd=DBT_PROJECT_DIR, text=True, capture_output=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"dbt parse failed:\n{result.stdout[-4000:]}\n{result.stderr[-2000:]}")
    return DBT_MANIFEST


def dbt_build(*, url: str | None = None, full_refresh: bool = False) -> dict:
    """`dbt build` of the marts: incremental, or from scratch when the code changed (nianbao.dbt_builds)."""
    from nianbao import dbt_builds

    url = url or warehouse_url()
    plan = dbt_builds.plan_build(url, full_refresh=full_refresh)
    log.info("dbt build, %s: %s", plan.mode, plan.reason)
    result = dbt(*plan.dbt_args, url=url)
    dbt_builds.record_build(url, plan)
    return {"ok": result.returncode == 0, "mode": plan.mode, "reason": plan.reason, "log_tail": result.stdout[-2000:]}


def dbt_docs(*, url: str | None = None) -> Path:
    """Generate dbt's docs site (static files in dbt/target; `dbt docs serve` shows them)."""
    dbt("docs", "generate", url=url)
    return DBT_PROJECT_DIR / "target" / "index.html"


# --------------------------------------------------------------------------------------------- validate


def validate(*, url: str | None = None) -> dict:
    """Run the Great Expectations suites. Integrity failures raise; balance-rule breaches are findings."""
    from expectations import validate as run_validations

    summary = run_validations(url or warehouse_url())
    return summary if isinstance(summary, dict) else _as_dict(summary)


def _as_dict(obj) -> dict:
    if hasattr(obj, "model_dump"):
        return obj.model_dump()
    if hasattr(obj, "__dataclass_fields__"):
        return asdict(obj)
    return dict(vars(obj))


# --------------------------------------------------------------------------------------------- summary


def warehouse_summary(url: str | None = None) -> dict:
    """What is in the warehouse now: the figures `make run` prints."""
    from warehouse.connection import connect

    url = url or warehouse_url()
    out: dict = {}
    with connect(url) as conn:
        one = lambda sql: conn.execute(sql).fetchone()[0]
        out["documents_fetched"] = one("select count(*) from raw.document")
        out["fetch_errors"] = one("select count(*) from raw.fetch where error is not null")
        out["reports_parsed"] = one("select count(*) from staging.report where is_current")
        out["facts_loaded"] = one(
            "select count(*) from staging.fact f join staging.report r using (report_id) where r.is_current"
        )
        out["rules_passed"] = one(
            "select count(*) from staging.check_result c join staging.report r using (report_id)"
            " where r.is_current and c.ok"
        )
        out["rules_failed"] = one(
            "select count(*) from staging.check_result c join staging.report r using (report_id)"
            " where r.is_current and c.ok = false"
        )
        tables = conn.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
        ).fetchall()
        out["marts"] = {name: one(f'select count(*) from marts."{name}"') for (name,) in tables}
        has_runs = one(
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
