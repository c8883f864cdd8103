"""Run the catalog's rules with Great Expectations, store the runs, build the data docs.

The flow of ``validate()``:

1. normalize the URL for GX (psycopg2 driver, socket dir in ``?host=``);
2. look at which tables exist: staging must (else IntegrityError), the marts may not yet (suite skipped); and
   choose each integrity suite's scope (``scope_for``): the rules that read every fact or check read only the
   reports loaded or rebuilt since the last run that passed, unless ``whole``;
3. a file-backed GX context under ``$NIANBAO_HOME/gx`` is (re)configured in code: one Postgres data source, one
   table asset + whole-table batch per suite, one ``ExpectationSuite`` of ``UnexpectedRowsExpectation`` per
   suite (from ``catalog``), one checkpoint running them all, then one build of the static data docs in
   ``$NIANBAO_HOME/gx/data_docs`` (``_update_data_docs``). Nothing in that folder is hand-edited; it is rewritten
   by every run;
4. each suite's result goes to ``audit.validation_run`` (one row per suite);
5. if an integrity rule failed, ``IntegrityError`` is raised *after* storing and documenting, so the failed run
   is kept and readable.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
import shutil
import uuid
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from expectations import catalog, gx_import
from expectations.catalog import Rule
from expectations.results import (
    EXAMPLES_KEPT,
    IntegrityError,
    RuleResult,
    Scope,
    SuiteResult,
    ValidationSummary,
    format_summary,
    json_safe,
    utc_text,
)

log = logging.getLogger(__name__)

ALL_SUITES: tuple[str, ...] = tuple(catalog.SUITES)
# Short names accepted by ``suites=``.
SUITE_ALIASES: dict[str, tuple[str, ...]] = {
    "all": ALL_SUITES,
    "staging": (catalog.STAGING_INTEGRITY, catalog.STAGING_BALANCE),
    "marts": (catalog.MARTS_INTEGRITY, catalog.MARTS_BALANCE),
    "integrity": (catalog.STAGING_INTEGRITY, catalog.MARTS_INTEGRITY),
    "balance": (catalog.STAGING_BALANCE, catalog.MARTS_BALANCE),
}

DATASOURCE = "nianbao_warehouse"
CHECKPOINT = "nianbao"
DOCS_SITE = "nianbao"
CONNECTION_ENV = "NIANBAO_GX_CONNECTION_STRING"
KEEP_RUNS = 30  # runs per suite kept in the GX folder and its data docs
# Settings of the sessions GX runs the rules in (its own engine, so nothing else is affected), each measured on a
# 100,000-report warehouse:
# - no JIT: PostgreSQL compiled each rule's query (run twice) for longer than it then ran, ~1.5 s of a 4 s rule
#   (the dbt models `set local jit = off` for the same reason);
# - parallel_tuple_cost a tenth of its default: a rule lists the rows breaking it, normally none, but PostgreSQL
#   cannot tell how few (a CASE, an OR of conditions) and, expecting millions, kept the listing of 12 M facts
#   and 3.5 M checks serial to spare moving them between processes: twice as slow as GX's count of the same rows,
#   which is planned in parallel.
GX_SESSION_OPTIONS = "-c jit=off -c parallel_tuple_cost=0.01"


# --------------------------------------------------------------------------------------------------------------
# where things are


def nianbao_home() -> Path:
    try:
        from warehouse.settings import home
    except ImportError:  # the warehouse package is optional for these paths
        configured = os.environ.get("NIANBAO_HOME")
        return (
            Path(configured).expanduser().resolve() if configured else Path(__file__).resolve().parents[1] / ".nianbao"
        )
    return home()


def gx_root(home: Path | None = None) -> Path:
    """The GX project folder: ``$NIANBAO_HOME/gx``."""
    return (home or nianbao_home()) / "gx"


def data_docs_dir(home: Path | None = None) -> Path:
    """Static HTML data docs; ``index.html`` is what ``make run`` points to."""
    return gx_root(home) / "data_docs"


def gx_url(database_url: str | None = None) -> str:
    """Any libpq or SQLAlchemy URL of the warehouse as the ``postgresql+psycopg2://`` URL GX needs.

    GX's Postgres data source validates the URL and needs a host part; the embedded server's socket directory
    goes in ``?host=`` (see ``warehouse.connection.sqlalchemy_url``)."""
    from warehouse.connection import database_url as default_url
    from warehouse.connection import sqlalchemy_url

    url = database_url or default_url()
    scheme, sep, rest = url.partition("://")
    # a SQLAlchemy URL: drop the driver, libpq reads the rest
    if (sep and "+" in scheme) or (sep and scheme == "postgres"):
        url = "postgresql://" + rest
    return sqlalchemy_url(url, driver="psycopg2")


def resolve_suites(suites: str | Iterable[str] | None) -> tuple[str, ...]:
    if suites is None:
        return ALL_SUITES
    if isinstance(suites, str):
        suites = [suites]
    chosen: list[str] = []
    for name in suites:
        for suite in SUITE_ALIASES.get(name, (name,)):
            if suite not in catalog.SUITES:
                raise ValueError(f"unknown suite {name!r}; known: {sorted(catalog.SUITES) + sorted(SUITE_ALIASES)}")
            if suite not in chosen:
                chosen.append(suite)
    return tuple(chosen)


# --------------------------------------------------------------------------------------------------------------
# the run


def validate(
    database_url: str | None = None,
    *,
    suites: str | Iterable[str] | None = None,
    home: Path | str | None = None,
    raise_on_integrity: bool = True,
    build_docs: bool = True,
    log_results: bool = True,
    whole: bool = False,
) -> ValidationSummary:
    """Validate the warehouse; returns the summary, raises ``IntegrityError`` when an integrity suite fails.

    ``suites``: names from ``catalog.SUITES`` or the aliases ``all`` (default), ``staging``, ``marts``,
    ``integrity``, ``balance``. Balance findings never raise. Every run is stored in ``audit.validation_run``
    and, with ``log_results``, logged readably (``log_summary``) so the Airflow task log shows it.
    ``whole``: the scoped integrity rules read every row, not only the reports new since the last pass.
    """
    chosen = resolve_suites(suites)
    home_path = Path(home).expanduser().resolve() if home else nianbao_home()
    url = gx_url(database_url)
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        summary = ValidationSummary(run_id=uuid.uuid4().hex, run_at=dt.datetime.now(dt.timezone.utc))
        with engine.connect() as conn:
            plan, missing_staging = _plan(conn, chosen)
            summary.derived_cells = _derived_cells(conn) if _table_exists(conn, "staging", "fact") else 0
            covered_until = None if missing_staging else _covered_until(conn)
            scopes = {
                suite: scope_for(conn, suite, rules, covered_until=covered_until, whole=whole)
                for suite, (rules, skipped) in plan.items()
                if any(r.scoped for r in rules) and not skipped and catalog.SUITES[suite][0] == catalog.INTEGRITY
            }
        # every scoped rule reads from its suite's time, or every row ('-infinity')
        to_run = {
            suite: [r.in_scope(scopes[suite].since if suite in scopes else None) for r in rules]
            for suite, (rules, skipped) in plan.items()
            if rules and not skipped
        }
        results = (
            _run_gx(
                url,
                home_path,
                to_run,
                scopes,
                build_docs=build_docs,
                run_id=summary.run_id,
                run_at=summary.run_at,
            )
            if to_run
            else {}
        )
        if missing_staging and any(catalog.SUITES[x][1] == "staging" for x in chosen):
            # nothing about staging can be checked: say so as the integrity failure it is
            results.setdefault(catalog.STAGING_INTEGRITY, []).insert(0, _missing_tables_result(missing_staging))
            if catalog.STAGING_INTEGRITY not in chosen:
                chosen = (catalog.STAGING_INTEGRITY, *chosen)
                plan[catalog.STAGING_INTEGRITY] = ([], None)
        for suite in chosen:
            kind, schema, table = catalog.SUITES[suite]
            _, skipped = plan[suite]
            summary.suites.append(
                SuiteResult(
                    suite=suite,
                    kind=kind,
                    table=f"{schema}.{table}",
                    skipped=skipped,
                    rules=results.get(suite, []),
                    scope=scopes.get(suite),
                )
            )
        if build_docs:
            from expectations import findings_page, offline_docs

            offline_docs.localize(data_docs_dir(home_path))  # GX's pages load their CSS and scripts from CDNs
            page = findings_page.write(summary, data_docs_dir(home_path))
            index = data_docs_dir(home_path) / "index.html"
            summary.data_docs = index if index.is_file() else page
        _store_runs(engine, summary)
    finally:
        engine.dispose()
    if log_results:
        log_summary(summary)
    if raise_on_integrity and summary.integrity_failures:
        raise IntegrityError(summary)
    return summary


def log_summary(summary: ValidationSummary, logger: logging.Logger | None = None) -> str:
    """Log the run readably (one block; integrity failures at ERROR, findings at WARNING) and return the text.

    ``validate()`` calls it (``log_results=True``), so the Airflow task log shows every run, failed or not."""
    logger = logger or log
    text = format_summary(summary)
    level = logging.ERROR if summary.integrity_failures else (logging.WARNING if summary.findings else logging.INFO)
    logger.log(level, "%s", text)
    return text


def validate_and_log(database_url: str | None = None, **kwargs: Any) -> ValidationSummary:
    """``validate()`` with its readable log (the default; kept as the explicit name for DAG code)."""
    kwargs["log_results"] = True
    return validate(database_url, **kwargs)


# --------------------------------------------------------------------------------------------------------------
# which rules can run


def _table_exists(conn: sa.Connection, schema: str, table: str) -> bool:
    return conn.execute(sa.text("SELECT to_regclass(:name) IS NOT NULL"), {"name": f"{schema}.{table}"}).scalar()


def _columns(conn: sa.Connection, schema: str, table: str) -> set[str]:
    rows = conn.execute(
        sa.text("SELECT column_name FROM information_schema.columns WHERE table_schema = :s AND table_name = :t"),
        {"s": schema, "t": table},
    )
    return {r[0] for r in rows}


def _plan(conn: sa.Connection, chosen: tuple[str, ...]) -> tuple[dict[str, tuple[list[Rule], str | None]], list[str]]:
    """For each chosen suite: its rules, or why it is skipped; and the staging tables that are missing."""
    plan: dict[str, tuple[list[Rule], str | None]] = {}
    staging = catalog.staging_rules()
    missing_staging = [
        t for t in ("report", "fact", "check_result", "problem") if not _table_exists(conn, "staging", t)
    ]

    def columns_if_exists(schema: str, table: str) -> frozenset[str] | None:
        return frozenset(_columns(conn, schema, table)) if _table_exists(conn, schema, table) else None

    mart_cols = columns_if_exists("marts", "mart_report_summary")
    for suite in chosen:
        schema = catalog.SUITES[suite][1]
        if schema == "staging":
            if missing_staging:
                # Not a skip: validating a warehouse without its staging tables is an integrity failure.
                plan[suite] = ([], None)
                continue
            plan[suite] = ([r for r in staging if r.suite == suite], None)
        elif mart_cols is None:
            plan[suite] = ([], "marts.mart_report_summary does not exist yet (dbt has not built the marts)")
        else:
            plan[suite] = ([r for r in catalog.marts_rules(mart_cols) if r.suite == suite], None)
    return plan, [f"staging.{t}" for t in missing_staging]


def _covered_until(conn: sa.Connection) -> dt.datetime | None:
    """What a run sees of staging, read before any rule runs: the newest parsed_at, or just before the start of the
    oldest other transaction open on the warehouse if earlier. A report's parsed_at is its load transaction's
    start (the column's default, now()), so a load still open now stamps its reports earlier than ones already
    visible: the next run's scope must start before them. (Only sessions this role may see are counted.)"""
    return conn.execute(
        sa.text("""
        SELECT least(
            (SELECT max(parsed_at) FROM staging.report),
            (SELECT min(xact_start) - interval '1 microsecond' FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'))""")
    ).scalar()


# --------------------------------------------------------------------------------------------------------------
# which rows the scoped rules read


# per integrity suite: how its reports are new, and the query counting them (loaded / rebuilt since :since)
_SCOPE_CHANGES: dict[str, tuple[str, str]] = {
    catalog.STAGING_INTEGRITY: ("loaded", "SELECT count(*) FROM staging.report WHERE parsed_at > :since"),
    catalog.MARTS_INTEGRITY: (
        "rebuilt by dbt",
        f"SELECT count(DISTINCT report_key) FROM {catalog.DOCUMENTS_TABLE} WHERE context_parsed_at > :since",
    ),
}


def scope_for(
    conn: sa.Connection,
    suite: str,
    rules: list[Rule],
    *,
    covered_until: dt.datetime | None,
    whole: bool = False,
) -> Scope:
    """The rows the suite's scoped rules read this run.

    Since what the suite's last run saw (``covered_until``) when that run passed with the same rules: its rows were
    checked then and have not changed since (staging rows are immutable; dbt rebuilds a mart's report only when its
    ``context_parsed_at`` moves past that time). Every row when ``whole``, when nothing is recorded, when the last
    run failed (what it read is not known to hold), when the rules changed, and for the marts when a full dbt
    build rebuilt every report after that run."""
    change, count_sql = _SCOPE_CHANGES[suite]
    every_row = {
        "since": None,
        "covered_until": covered_until,
        "rules": tuple(r.name for r in rules if r.scoped),
        "fingerprint": catalog.fingerprint(rules),
        "change": change,
    }
    if whole:
        return Scope(reason="every row was asked for", **every_row)
    last = _last_run(conn, suite)
    if last is None:
        return Scope(reason="no earlier run of this suite is recorded", **every_row)
    run = f"run {last['run_id']} at {utc_text(last['run_at'])}"
    if not last["success"]:
        return Scope(reason=f"the last {run} did not pass", **every_row)
    if last["fingerprint"] is None:
        return Scope(reason=f"the last {run} recorded no scope (it predates scopes)", **every_row)
    if last["fingerprint"] != every_row["fingerprint"]:
        return Scope(reason=f"the rules changed since the last {run}", **every_row)
    if not last["covered_until"]:
        return Scope(reason=f"the last {run} saw no report", **every_row)
    if suite == catalog.MARTS_INTEGRITY:
        rebuilt = _full_build_after(conn, last["run_at"])
        if rebuilt is not None:
            return Scope(
                reason=f"a full dbt build at {utc_text(rebuilt)} rebuilt the marts after the last {run}", **every_row
            )
    since = dt.datetime.fromisoformat(last["covered_until"])
    return Scope(
        **{**every_row, "since": since},
        reason=f"the rows before passed in the last {run}",
        reports=conn.execute(sa.text(count_sql), {"since": since}).scalar(),
        basis_run_id=last["run_id"],
        basis_run_at=last["run_at"],
    )


def _last_run(conn: sa.Connection, suite: str) -> dict[str, Any] | None:
    """The suite's newest run that was not skipped: its run_id, run_at, success, and the covered_until and rule
    fingerprint it recorded (None before scopes were recorded)."""
    if not _table_exists(conn, "audit", "validation_run"):
        return None
    row = (
        conn.execute(
            sa.text("""
            SELECT details->>'run_id' AS run_id, run_at, success, details->>'covered_until' AS covered_until,
                   details->>'catalog_fingerprint' AS fingerprint
            FROM audit.validation_run AS v
            WHERE suite = :suite AND details->>'skipped' IS NULL
            ORDER BY v.run_at DESC, v.run_id DESC
            LIMIT 1"""),
            {"suite": suite},
        )
        .mappings()
        .first()
    )
    return dict(row) if row else None


def _full_build_after(conn: sa.Connection, moment: dt.datetime) -> dt.datetime | None:
    """When a full dbt build (every report rebuilt) finished after ``moment``, if one did."""
    if not _table_exists(conn, "audit", "dbt_build"):
        return None
    return conn.execute(
        sa.text("SELECT max(finished_at) FROM audit.dbt_build WHERE mode = 'full' AND finished_at > :moment"),
        {"moment": moment},
    ).scalar()


def _missing_tables_result(missing: list[str]) -> RuleResult:
    """The staging tables are not there: an integrity failure in its own words (nothing else can run)."""
    return RuleResult(
        rule="staging.tables_exist",
        suite=catalog.STAGING_INTEGRITY,
        kind=catalog.INTEGRITY,
        table=", ".join(missing),
        severity="error",
        zh="暂存层的表必须存在（请先运行数据库迁移）",
        en="The staging tables exist (run warehouse.migrate.upgrade first)",
        success=False,
        failed_rows=len(missing),
        examples=[{"missing_table": t} for t in missing],
        error="missing table(s): " + ", ".join(missing),
    )


def _derived_cells(conn: sa.Connection) -> int:
    return (
        conn.execute(
            sa.text(
                "SELECT count(*) FROM staging.fact f"
                " JOIN staging.report r ON r.report_id = f.report_id AND r.is_current"
                " WHERE f.is_derived"
            )
        ).scalar()
        or 0
    )


# --------------------------------------------------------------------------------------------------------------
# GX


def _quiet_gx() -> None:
    """GX logs at length (some of its modules set their own loggers to INFO when imported) and prints progress
    bars; our summary is the readable part. Called before and after GX is imported."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("great_expectations."):
            logging.getLogger(name).setLevel(logging.ERROR)


def _context(root: Path):
    """A file-backed GX context under ``root/gx`` whose data docs site is ``gx/data_docs`` (configured here)."""
    _quiet_gx()
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    root.mkdir(parents=True, exist_ok=True)
    _quiet_gx()
    context = gx.get_context(mode="file", project_root_dir=str(root))
    _quiet_gx()
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    sites = context.get_config().data_docs_sites or {}
    for name in list(sites):
        if name != DOCS_SITE:  # the scaffolded local_site would duplicate the docs under uncommitted/
            context.delete_data_docs_site(name)
    if DOCS_SITE not in sites:
        context.add_data_docs_site(
            site_name=DOCS_SITE,
            site_config={
                "class_name": "SiteBuilder",
                "show_how_to_buttons": False,
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": "data_docs/"},
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            },
        )
    context.variables.save()
    return context


def _prune_history(root: Path, keep: int) -> None:
    """Keep the newest ``keep`` runs of each suite in GX's result store and in the data docs.

    GX keeps every validation result and lists them all in the data docs index, which would grow (and slow
    down) forever with a daily pipeline; ``audit.validation_run`` is the long-term record."""
    for base in (root / "uncommitted" / "validations", root / "data_docs" / "validations"):
        if not base.is_dir():
            continue
        for suite_dir in (d for d in base.iterdir() if d.is_dir()):
            runs = sorted((d for d in suite_dir.iterdir() if d.is_dir()), key=lambda d: d.stat().st_mtime)
            for old in runs[: max(0, len(runs) - keep)]:
                shutil.rmtree(old, ignore_errors=True)


def _expectation(rule: Rule, scope: Scope | None = None):
    import great_expectations as gx

    scoped = scope is not None and rule.name in scope.rules
    return gx.expectations.UnexpectedRowsExpectation(
        unexpected_rows_query=rule.sql.strip(),
        description=rule.description + (f" — checked: {scope.describe()}" if scoped else ""),
        severity="critical" if rule.severity == "error" else "warning",
        meta={
            "rule": rule.name,
            "suite": rule.suite,
            "table": rule.table,
            "severity": rule.severity,
            "zh": rule.zh,
            "en": rule.en,
        },
    )


def _run_gx(
    url: str,
    home: Path,
    to_run: dict[str, list[Rule]],
    scopes: dict[str, Scope],
    *,
    build_docs: bool,
    run_id: str,
    run_at: dt.datetime,
) -> dict[str, list[RuleResult]]:
    """Run the suites in one checkpoint; returns the rule results per suite."""
    _quiet_gx()  # before the first GX import
    gx_import.defer_unused_modules()
    root = gx_root(home)
    root.mkdir(parents=True, exist_ok=True)
    # One run at a time per GX folder: the file-backed context rewrites its config, suites and docs.
    with open(root / ".nianbao.lock", "w") as lock, warnings.catch_warnings():
        fcntl.flock(lock, fcntl.LOCK_EX)
        # GX deprecates a table asset's schema_name in favour of a schema in the URL, but our suites span
        # schemas (staging, marts); the warning would only clutter the task log.
        warnings.filterwarnings("ignore", category=DeprecationWarning, message=".*schema_name.*")
        _prune_history(root, keep=KEEP_RUNS - 1)
        # Validation definitions and the checkpoint are written anew below; one from an older catalog may name a
        # batch asset that is gone (a suite's table changed), which GX cannot even load: start from none.
        for folder in ("validation_definitions", "checkpoints"):
            shutil.rmtree(root / folder, ignore_errors=True)
        return _run_checkpoint(url, home, to_run, scopes, build_docs=build_docs, run_id=run_id, run_at=run_at)


def _datasource(context: Any, url: str) -> Any:
    """The warehouse as GX's Postgres data source, whose sessions have ``GX_SESSION_OPTIONS``.

    Recreated every run: the URL may differ (tests, another warehouse) and assets are cheap. The URL reaches GX
    through an environment variable, so a password never lands in great_expectations.yml; the session options
    ride in it, after the URL's own (nianbao's statement timeout), which a ``connect_args`` would replace."""
    parsed = sa.engine.make_url(url)
    options = " ".join(o for o in (parsed.query.get("options"), GX_SESSION_OPTIONS) if o)
    os.environ[CONNECTION_ENV] = parsed.update_query_dict({"options": options}).render_as_string(hide_password=False)
    return context.data_sources.add_or_update_postgres(DATASOURCE, connection_string="${" + CONNECTION_ENV + "}")


def _run_checkpoint(
    url: str,
    home: Path,
    to_run: dict[str, list[Rule]],
    scopes: dict[str, Scope],
    *,
    build_docs: bool,
    run_id: str,
    run_at: dt.datetime,
) -> dict[str, list[RuleResult]]:
    import great_expectations as gx
    from great_expectations.core.run_identifier import RunIdentifier

    context = _context(home)
    datasource = _datasource(context, url)
    rules_by_name: dict[str, Rule] = {}
    definitions = []
    for suite_name, rules in to_run.items():
        if not rules:
            continue
        _, schema, table = catalog.SUITES[suite_name]
        asset_name = f"{schema}.{table}"
        try:
            asset = datasource.get_asset(asset_name)
        except LookupError:
            asset = datasource.add_table_asset(asset_name, table_name=table, schema_name=schema)
        try:
            batch = asset.get_batch_definition("whole_table")
        except (LookupError, KeyError):
            batch = asset.add_batch_definition_whole_table("whole_table")
        suite = context.suites.add_or_update(
            gx.ExpectationSuite(
                name=suite_name,
                expectations=[_expectation(r, scopes.get(suite_name)) for r in rules],
                meta={"notes": _suite_notes(suite_name, scopes.get(suite_name))},
            )
        )
        rules_by_name.update({f"{suite_name}/{r.name}": r for r in rules})
        definitions.append(
            context.validation_definitions.add_or_update(
                gx.ValidationDefinition(name=suite_name, data=batch, suite=suite)
            )
        )
    checkpoint = context.checkpoints.add_or_update(
        gx.Checkpoint(
            name=CHECKPOINT,
            validation_definitions=definitions,
            actions=[],
            result_format={"result_format": "COMPLETE"},
        )
    )
    # The run is named by our run_id: the data docs pages and the audit.validation_run rows point at each other.
    outcome = checkpoint.run(run_id=RunIdentifier(run_name=run_id, run_time=run_at))
    if build_docs:
        _update_data_docs(context, outcome)

    results: dict[str, list[RuleResult]] = {}
    for suite_result in outcome.run_results.values():
        for er in suite_result.results:
            meta = er.expectation_config.meta or {}
            rule = rules_by_name[f"{meta['suite']}/{meta['rule']}"]
            results.setdefault(rule.suite, []).append(_rule_result(rule, er))
    # keep the catalog's order (GX may reorder)
    order = {name: i for i, name in enumerate(rules_by_name)}
    for rs in results.values():
        rs.sort(key=lambda r: order[f"{r.suite}/{r.rule}"])
    return results


def _update_data_docs(context: Any, outcome: Any) -> None:
    """The data docs pages of this run's results and suites, and the index, in one build: what GX's
    UpdateDataDocsAction renders, which builds the index again for each suite's result (four times a run, ~0.75 s
    each at 30 runs kept)."""
    from great_expectations.data_context.types.resource_identifiers import ExpectationSuiteIdentifier

    results = outcome.run_results
    suites = {result.suite_name for result in results.values()}
    context.build_data_docs(
        site_names=[DOCS_SITE],
        resource_identifiers=[*results, *(ExpectationSuiteIdentifier(name=name) for name in sorted(suites))],
        build_index=True,
    )


def _rule_result(rule: Rule, er: Any) -> RuleResult:
    result = er.result or {}
    error = None
    if er.exception_info and any((info or {}).get("raised_exception") for info in _exception_infos(er.exception_info)):
        messages = [
            str((info or {}).get("exception_message", "")).strip() for info in _exception_infos(er.exception_info)
        ]
        error = "could not evaluate: " + "; ".join(m.splitlines()[0] for m in messages if m)[:500]
    rows = (result.get("details") or {}).get("unexpected_rows") or []
    return RuleResult(
        rule=rule.name,
        suite=rule.suite,
        kind=rule.kind,
        table=rule.table,
        severity=rule.severity,
        zh=rule.zh,
        en=rule.en,
        success=bool(er.success) and error is None,
        failed_rows=int(result.get("observed_value") or len(rows) or 0),
        examples=[json_safe(dict(r)) for r in rows],
        error=error,
    )


def _exception_infos(info: Any) -> list[dict]:
    """GX gives either one exception dict or a dict of them keyed by metric id."""
    if not isinstance(info, dict):
        return []
    if "raised_exception" in info:
        return [info]
    return [v for v in info.values() if isinstance(v, dict)]


def _suite_notes(suite: str, scope: Scope | None = None) -> str:
    kind = catalog.SUITES[suite][0]
    if kind == catalog.INTEGRITY:
        return (
            "Integrity: every rule is an error; a failure stops the pipeline (IntegrityError). "
            "完整性：任何一条失败即中止流水线。"
        ) + (f" Checked: {scope.describe()}; every other rule: every row." if scope else "")
    return (
        "Balance rules: the breaches the parser (per report) and dbt (across reports) found, one rule per check "
        "family; findings about reports, never a reason to stop or to drop a report. "
        "Severity error = the tables contradict themselves; warning = prose or previous year disagree. "
        "勾稽关系：列出解析器（单份报告）与 dbt（跨报告）发现的违反；只记录为发现的问题，不中止流水线、不删除报告；"
        "error 为表内自相矛盾，warning 为正文或跨年度不一致。"
    )


# --------------------------------------------------------------------------------------------------------------
# audit.validation_run


def recent_runs(database_url: str | None = None, *, limit: int = 1) -> list[dict[str, Any]]:
    """The last ``limit`` validation runs as stored, one dict per suite (newest first): run_at, suite, success,
    evaluated, failed, run_id, failed_errors, failed_warnings, failed_rows, skipped. For summaries (``make run``)."""
    engine = sa.create_engine(gx_url(database_url), poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            if not _table_exists(conn, "audit", "validation_run"):
                return []
            rows = (
                conn.execute(
                    sa.text("""
                WITH runs AS (
                    SELECT details->>'run_id' AS run_id, max(run_at) AS run_at
                    FROM audit.validation_run GROUP BY details->>'run_id'
                    ORDER BY max(run_at) DESC LIMIT :limit)
                SELECT v.run_at, v.suite, v.success, v.evaluated, v.failed, v.details->>'run_id' AS run_id,
                       (v.details->>'failed_errors')::int AS failed_errors,
                       (v.details->>'failed_warnings')::int AS failed_warnings,
                       (v.details->>'failed_rows')::int AS failed_rows, v.details->>'skipped' AS skipped
                FROM audit.validation_run AS v JOIN runs ON runs.run_id = v.details->>'run_id'
                ORDER BY v.run_at DESC, v.suite"""),
                    {"limit": limit},
                )
                .mappings()
                .all()
            )
    finally:
        engine.dispose()
    return [json_safe(dict(r)) for r in rows]


def _store_runs(engine: sa.Engine, summary: ValidationSummary) -> None:
    """One row per suite in ``audit.validation_run`` (created by the warehouse migration)."""
    rows = []
    for s in summary.suites:
        details = {
            "run_id": summary.run_id,
            "table": s.table,
            "kind": s.kind,
            "skipped": s.skipped,
            "failed_errors": sum(1 for r in s.rules if not r.success and r.severity == "error"),
            "failed_warnings": sum(1 for r in s.rules if not r.success and r.severity == "warning"),
            "failed_rows": sum(r.failed_rows for r in s.rules if not r.success),
            "rules": [r.as_json(EXAMPLES_KEPT) for r in s.rules],
            "data_docs": str(summary.data_docs) if summary.data_docs else None,
        }
        if s.scope:
            # what the next run's scope_for reads: the rows this run saw, from when, under which rules
            details["covered_until"] = json_safe(s.scope.covered_until)
            details["scope_since"] = json_safe(s.scope.since)
            details["catalog_fingerprint"] = s.scope.fingerprint
            details["scope"] = s.scope.as_json()
        rows.append(
            {
                "run_at": summary.run_at,
                "suite": s.suite,
                "success": s.success,
                "evaluated": s.evaluated,
                "failed": s.failed,
                "details": json.dumps(details, ensure_ascii=False),
            }
        )
    with engine.begin() as conn:
        if not _table_exists(conn, "audit", "validation_run"):
            log.warning("audit.validation_run does not exist (run warehouse.migrate.upgrade); runs not stored")
            return
        conn.execute(
            sa.text(
                "INSERT INTO audit.validation_run (run_at, suite, success, evaluated, failed, details)"
                " VALUES (:run_at, :suite, :success, :evaluated, :failed, CAST(:details AS jsonb))"
            ),
            rows,
        )
