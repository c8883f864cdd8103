"""The `nianbao` command: one subcommand per pipeline step, and `run` for the whole pipeline.

Every subcommand calls `nianbao.steps` (the same functions the Airflow DAG calls). Heavy imports happen
inside the commands, so `nianbao --help` stays fast.

An error ends the command with one line on stderr that says what is wrong and what to do, and a non-zero exit
status (2 for a bad option or argument, 1 for anything else), never a traceback (`nianbao --debug ...` shows it).
A URL is never printed with its password.
"""

from __future__ import annotations

import json
import os
import re
import sys
from contextlib import ExitStack
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from crawlers import settings as crawl_settings  # constants only: no Scrapy at import


class _App(typer.Typer):
    """Typer whose errors end in one readable line instead of a traceback (unless ``--debug``) or a usage box."""

    def __call__(self, *args, **kwargs):
        try:
            # standalone_mode=False: click hands usage errors to us instead of printing its own box
            result = super().__call__(*args, standalone_mode=False, **kwargs)
        except typer.TyperException as exc:  # a bad option value, a missing argument, an unknown command
            if not exc.format_message():  # a group called bare: its help is printed already
                sys.exit(exc.exit_code)
            _fail(_usage_text(exc), exc.exit_code)
        except (typer.Abort, KeyboardInterrupt):  # Ctrl-C
            _fail("interrupted", 130)
        except Exception as exc:
            if type(exc).__name__ == "Abort":  # Ctrl-C, as typer's own copy of click reports it
                _fail("interrupted", 130)
            if _options["debug"]:
                raise
            _fail(_error_text(exc), 1)
        sys.exit(result if isinstance(result, int) else 0)


def _fail(message: str, code: int) -> None:
    print(f"error: {message}", file=sys.stderr, flush=True)
    sys.exit(code)


app = _App(
    help="nianbao: the open data warehouse of 政府信息公开工作年度报告 "
    "(government information disclosure annual reports).",
    no_args_is_help=True,
    add_completion=False,
    # a traceback's locals would show connection URLs, passwords included
    pretty_exceptions_show_locals=False,
)
db_app = typer.Typer(help="The warehouse database (embedded PostgreSQL by default).", no_args_is_help=True)
app.add_typer(db_app, name="db")
airflow_app = typer.Typer(
    help="Airflow on this machine: its UI, scheduler, dag-processor and triggerer, on 127.0.0.1.", no_args_is_help=True
)
app.add_typer(airflow_app, name="airflow")
app.add_typer(__import__("nianbao.bi", fromlist=["app"]).app, name="bi")  # `nianbao bi up|down|status` (Superset)

console = Console(stderr=True)
out = Console()

SAMPLE_PORTAL = "sample"
_options = {"debug": False}


@app.callback()
def _global_options(
    debug: bool = typer.Option(False, "--debug", help="On an error, show the whole traceback, not one line"),
) -> None:
    _options["debug"] = debug


def _error_text(exc: BaseException) -> str:
    """What went wrong, in one line: the warehouse's own explanation when it is about the warehouse (cannot
    connect, timed out: names the host and the limit) with what to check, else the error's first line; passwords
    redacted."""
    import psycopg

    from warehouse.connection import DATABASE_URL_ENV, explain, redact

    configured = os.environ.get(DATABASE_URL_ENV)
    if configured and isinstance(exc, psycopg.ProgrammingError) and "connection info" in str(exc):
        return (
            f"${DATABASE_URL_ENV} is not a PostgreSQL URL ({redact(str(exc).strip())}): set it like "
            f"postgresql://USER@HOST:5432/DATABASE, or unset it to use the embedded warehouse"
        )
    explained = explain(exc)
    if explained:
        if configured:
            return f"{explained} (check ${DATABASE_URL_ENV}, or unset it to use the embedded warehouse)"
        return f"{explained} (`nianbao db status` says how the embedded warehouse is)"
    lines = (str(exc).strip() or type(exc).__name__).splitlines()
    return f"{redact(lines[0])}{' …' if len(lines) > 1 else ''} (`nianbao --debug …` shows all of it)"


def _usage_text(exc: typer.TyperException) -> str:
    ctx = getattr(exc, "ctx", None)
    where = f" (see `{ctx.command_path} --help`)" if ctx is not None else ""
    return f"{exc.format_message()}{where}"


def _shown(url: str) -> str:
    """``url`` as printed: without its password (libpq takes it from PGPASSWORD or ~/.pgpass)."""
    from warehouse.connection import without_password

    return without_password(url)[0]


# Reports exist since 2008 (the disclosure regulations took effect that year).
FIRST_YEAR, LAST_YEAR = 2008, 2100
_YEAR_PART = re.compile(r"^(\d{4})(?:-(\d{4}))?$")


def _years(years: str | None) -> list[int]:
    """Parse `--years 2019,2020` or `--years 2018-2021` (or both: 2015,2018-2021); a bad value is a usage error."""
    if not years:
        return []
    result: list[int] = []
    for part in (p.strip() for p in years.split(",")):
        match = _YEAR_PART.match(part)
        start, end = (int(match[1]), int(match[2] or match[1])) if match else (0, 0)
        if not match or not FIRST_YEAR <= start <= end <= LAST_YEAR:
            raise typer.BadParameter(
                f"{part!r} is not a report year or a range of them: use e.g. 2020, 2019,2020 or 2018-2021 "
                f"(years from {FIRST_YEAR})",
                param_hint="--years",
            )
        result.extend(range(start, end + 1))
    return sorted(set(result))


# --------------------------------------------------------------------------------------------- parse


@app.command()
def parse(
    files: list[Path] = typer.Argument(
        ..., help="Report documents: .html .txt .md .docx .pdf .doc .wps .rtf .xls .xlsx .et, scans (.png .jpg .tif)"
    ),
    pretty: bool = typer.Option(False, "--pretty", help="Indented JSON for people instead of JSON Lines"),
) -> None:
    """Parse report documents into the contract's JSON, one object per file, in order.

    Exit status 0 when every file was read, even if a report breaks its own arithmetic (that is data);
    non-zero when a file could not be read at all (its object says why; the other files are still parsed).
    """
    from parsers.sandbox import parse_files
    from parsers.vocabulary import UNREADABLE_DOCUMENT_CODES

    unreadable = 0
    # each file in a sandboxed worker (memory and time limits): a bomb fails only its own object
    for report in parse_files(files):
        if any(p.get("code") in UNREADABLE_DOCUMENT_CODES for p in report.get("problems", [])):
            unreadable += 1
        out.print_json(data=report) if pretty else print(json.dumps(report, ensure_ascii=False), flush=True)
    raise typer.Exit(code=1 if unreadable else 0)


# --------------------------------------------------------------------------------------------- crawl

_REVALIDATE_HELP = (
    "Do not ask again for a known report checked less than this many days ago when only pages that listed it on the "
    f"last crawl lead to it; 0 asks again for every one [default: {crawl_settings.NIANBAO_REVALIDATE_AFTER_DAYS}]"
)
_DEEP_HELP = (
    "Walk every list page to its end; otherwise a list is walked until a page leads to nothing new, and to its end "
    f"once its last such walk is {crawl_settings.NIANBAO_DEEP_CRAWL_AFTER_DAYS} days old (the first crawl always)"
)


@app.command()
def crawl(
    portal: list[str] = typer.Option([], "--portal", "-p", help="A shipped profile (crawlers/profiles/NAME.yaml)"),
    profile: list[Path] = typer.Option([], "--profile", help="A portal profile YAML file anywhere"),
    all_portals: bool = typer.Option(
        False, "--all", help="Every enabled shipped profile but the sample (--include-disabled: every one)"
    ),
    include_disabled: bool = typer.Option(
        False, "--include-disabled", help="Also crawl profiles that say `enabled: false` (e.g. to verify one)"
    ),
    years: str | None = typer.Option(None, help="Only these report years, e.g. 2020,2021 or 2019-2021"),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Also write documents + manifest.jsonl here (works without a warehouse)"
    ),
    no_warehouse: bool = typer.Option(False, "--no-warehouse", help="Only write --output; do not touch the database"),
    throttle: bool = typer.Option(
        True, "--throttle/--no-throttle", help="Politeness delays (keep on for real portals)"
    ),
    revalidate_after_days: int | None = typer.Option(
        None, "--revalidate-after-days", min=0, help=_REVALIDATE_HELP, show_default=False
    ),
    deep: bool = typer.Option(False, "--deep", help=_DEEP_HELP),
) -> None:
    """Find and fetch annual reports from government portals, politely and incrementally."""
    from crawlers.profiles import enabled_profiles, list_profiles
    from nianbao import steps

    wanted_years = _years(years)
    targets: list[str] = [*portal, *(str(p) for p in profile)]
    if all_portals:
        chosen = list_profiles() if include_disabled else enabled_profiles()
        targets += [p for p in chosen if p != SAMPLE_PORTAL]
    if not targets:
        if all_portals:
            raise typer.BadParameter("no shipped profile is enabled yet: see README, 'Crawling a province'")
        raise typer.BadParameter("name a --portal, a --profile or --all")
    if no_warehouse and not output:
        raise typer.BadParameter("--no-warehouse needs --output")
    url = None if no_warehouse else steps.prepare_warehouse()
    failures = 0
    with ExitStack() as stack:
        if SAMPLE_PORTAL in targets:
            stack.enter_context(_sample_portal())
        for target in targets:
            with _progress() as progress:
                bar = progress.add_task(f"crawl {target}", total=None)

                def on_progress(event: dict, bar=bar, progress=progress, target=target) -> None:
                    progress.update(bar, description=f"crawl {target}: {_describe(event)}")

                try:
                    stats = steps.crawl(
                        target,
                        url=url,
                        years=wanted_years,
                        output_dir=output,
                        throttle=throttle,
                        on_progress=on_progress,
                        use_warehouse=not no_warehouse,
                        include_disabled=include_disabled,
                        revalidate_after_days=revalidate_after_days,
                        deep=deep,
                    )
                except Exception as exc:  # noqa: BLE001 — one unreachable portal must not stop the others
                    from rich.markup import escape

                    from warehouse.connection import redact

                    failures += 1
                    console.print(f"[red]crawl {target} failed:[/red] {escape(redact(str(exc)))}")
                    continue
            _print_dict(f"crawl {target}", stats)
    raise typer.Exit(code=1 if failures else 0)


def _describe(event: dict) -> str:
    keys = ("pages", "documents", "not_modified", "errors")
    return " ".join(f"{k}={event[k]}" for k in keys if k in event) or event.get("url", "")


# --------------------------------------------------------------------------------------------- load / build / validate


@app.command()
def load(
    portal: list[str] = typer.Option([], "--portal", "-p", help="Only documents from these portals"),
    years: str | None = typer.Option(None, help="Only these report years"),
) -> None:
    """Parse the fetched documents not yet parsed by this parser version and load them into staging."""
    from nianbao import steps

    wanted_years = _years(years)
    url = steps.prepare_warehouse()
    with _progress() as progress:
        bar = progress.add_task("parse + load", total=None)
        stats = steps.parse_and_load(
            url=url,
            portals=portal,
            years=wanted_years,
            on_document=lambda name, report: progress.update(bar, advance=1, description=f"parsed {name[-60:]}"),
        )
    _print_dict("load", stats)


@app.command()
def build(full_refresh: bool = typer.Option(False, "--full-refresh", help="Rebuild incremental marts")) -> None:
    """Build the marts with dbt (`dbt build`: models, seeds and tests) and generate dbt's docs.

    Builds of one warehouse take turns: this one waits while another runs (nianbao.dbt_builds.build_lock)."""
    from nianbao import dbt_builds, steps

    url = steps.prepare_warehouse()

    def waiting() -> None:
        console.print("another dbt build of this warehouse is running; waiting for it…")

    # one turn for the plan, the build, its log entry and the docs: they describe the same marts
    with console.status("dbt build…"), dbt_builds.build_lock(url, on_wait=waiting):
        built = steps.dbt_build(url=url, full_refresh=full_refresh)
        docs = steps.dbt_docs(url=url, build_vars=built["vars"])
    console.print(f"dbt build ({built['mode']}: {built['reason']})")
    console.print(f"dbt docs: {docs}")


@app.command()
def validate(
    all_rows: bool = typer.Option(
        False,
        "--all",
        help="Check every row (default: the integrity rules that read every fact or check read only the reports "
        "loaded or rebuilt since the last validation that passed)",
    ),
) -> None:
    """Run the Great Expectations suites (integrity errors fail; balance-rule breaches are findings)."""
    from nianbao import steps

    url = steps.prepare_warehouse()
    with console.status("Great Expectations…"):
        summary = steps.validate(url=url, whole=all_rows)
    _print_dict("validation", summary)


@app.command("dbt-parse")
def dbt_parse() -> None:
    """Write dbt/target/manifest.json, from which the DAG renders one Airflow task per dbt model."""
    from nianbao import steps

    console.print(f"manifest: {steps.dbt_parse()}")


@app.command()
def export(
    format: str = typer.Option("csv", "--format", "-f", help="csv (UTF-8 with BOM, for Excel), xlsx or parquet"),
    out_dir: Path = typer.Option(Path("export"), "--out", "-o", help="Directory to write one file per mart into"),
    headers: str = typer.Option("name", "--headers", help="Column headers: name (as in SQL), zh or en labels"),
    bom: bool = typer.Option(True, "--bom/--no-bom", help="CSV: start with a UTF-8 byte-order mark (Excel needs it)"),
) -> None:
    """Write every mart to files, and data_dictionary (every column in Chinese and English) beside them."""
    from nianbao import steps
    from warehouse.export import FORMATS, HEADERS, export_marts

    if format not in FORMATS:
        raise typer.BadParameter(f"{format!r}: choose one of {', '.join(FORMATS)}", param_hint="--format")
    if headers not in HEADERS:
        raise typer.BadParameter(f"{headers!r}: choose one of {', '.join(HEADERS)}", param_hint="--headers")
    if out_dir.exists() and not out_dir.is_dir():
        raise typer.BadParameter(
            f"{out_dir} is a file: name a directory (it is created if missing)", param_hint="--out"
        )
    url = steps.prepare_warehouse()
    for path in export_marts(out_dir, fmt=format, url=url, headers=headers, bom=bom):
        out.print(str(path), soft_wrap=True)


@app.command()
def summary() -> None:
    """What the warehouse holds now."""
    from nianbao import steps

    _print_summary(steps.warehouse_summary(steps.prepare_warehouse()))


# --------------------------------------------------------------------------------------------- run


@app.command()
def run(
    portal: list[str] = typer.Option(
        [SAMPLE_PORTAL], "--portal", "-p", help="Portals to harvest (default: the bundled sample portal)"
    ),
    years: str | None = typer.Option(None, help="Only these report years"),
    throttle: bool | None = typer.Option(
        None, "--throttle/--no-throttle", help="Politeness delays (default: off for the local sample portal only)"
    ),
    full_refresh: bool = typer.Option(False, "--full-refresh", help="Rebuild incremental marts"),
    revalidate_after_days: int | None = typer.Option(
        None, "--revalidate-after-days", min=0, help=_REVALIDATE_HELP, show_default=False
    ),
    deep: bool = typer.Option(False, "--deep", help=_DEEP_HELP),
) -> None:
    """Run the whole pipeline through the real Airflow DAG and summarize.

    Starts Airflow's servers on 127.0.0.1 if they are not up (`nianbao airflow up`) and runs the DAG through its
    LocalExecutor, so the run and every task's log are in the Airflow UI afterwards; the servers stay up."""
    from crawlers.profiles import enabled_profiles
    from nianbao import airflow_local

    off = sorted(set(portal) - set(enabled_profiles()))
    if off:  # a real portal is harvested only once a user has checked and enabled its profile
        raise typer.BadParameter(
            f"not an enabled shipped profile: {', '.join(off)}. Check one with `nianbao crawl --portal NAME "
            "--include-disabled --no-warehouse --output DIR`, then set `enabled: true` in crawlers/profiles/NAME.yaml",
            param_hint="--portal",
        )

    from concurrent.futures import ThreadPoolExecutor

    from nianbao import steps
    from nianbao.paths import DBT_MANIFEST
    from warehouse.connection import connect

    if throttle is None:
        throttle = portal != [SAMPLE_PORTAL]
    conf = {
        "portals": portal,
        "years": _years(years),
        "throttle": throttle,
        "full_refresh": full_refresh,
        "deep_crawl": deep,
    }
    if revalidate_after_days is not None:  # else the DAG's param default
        conf["revalidate_after_days"] = revalidate_after_days
    airflow_local.configure()
    with console.status("starting the warehouse…") as status:
        url = steps.warehouse_url()  # the embedded server started (or reused)
        with connect(url):  # a warehouse that cannot be reached fails here, before Airflow starts for it
            pass
        if not DBT_MANIFEST.exists():
            steps.dbt_parse()
        # The warehouse's migrations and Airflow's start (its own migrations, four servers) wait on different
        # things: side by side they take the longer of the two, not their sum.
        with ThreadPoolExecutor(max_workers=1) as pool:
            migrated = pool.submit(steps.prepare_warehouse, url)
            status.update("starting Airflow…")
            # the execution API is built while the run starts (run_dag)
            airflow_local.up(on_step=lambda step: status.update(f"{step}…"), warm=False)
            migrated.result()
    with _progress() as progress:
        bar = progress.add_task("starting the run", total=None)

        def on_progress(tis: list[dict]) -> None:
            done = sum(ti["state"] in _DONE for ti in tis)
            running = [ti for ti in tis if ti["state"] in ("running", "deferred", "queued")]
            stage = _stage(running[0]["task_id"]) if running else ("done" if done == len(tis) else "scheduling")
            name = airflow_local.task_name(running[0]) if running else ""
            progress.update(bar, description=f"{stage} · task {done} of {len(tis)} · {name}", total=len(tis))
            progress.update(bar, completed=done)

        result = airflow_local.run_dag(conf, on_progress=on_progress)
    console.print(
        f"DAG {airflow_local.DAG_ID}: run [bold]{result.state}[/bold] ({result.run_id}); every task's log is in the "
        f"Airflow UI and in {_here(result.log_dir)}",
        soft_wrap=True,
        highlight=False,
    )
    for name in result.failed[:5]:
        console.print(f"[red]  failed: {name}[/red]", highlight=False)
    _print_summary(steps.warehouse_summary(url))
    _print_next_steps(url, result.url)
    if result.state != "success":
        raise typer.Exit(code=1)


# Task states that count as done in the progress display.
_DONE = {"success", "failed", "skipped", "upstream_failed", "removed"}
# The stage of the pipeline a task belongs to, by the start of its id (the DAG's task ids).
_STAGES = (
    ("prepare_warehouse", "warehouse"),
    ("choose_portals", "crawl"),
    ("crawl", "crawl"),
    ("plan_parse", "parse + load"),
    ("parse", "parse + load"),
    ("plan_dbt_build", "dbt build"),
    ("dbt.", "dbt build"),
    ("record_dbt_build", "dbt build"),
    ("validate", "Great Expectations"),
    ("dbt_docs", "dbt docs"),
    ("summarize", "summary"),
)


def _stage(task_id: str) -> str:
    return next((stage for prefix, stage in _STAGES if task_id.startswith(prefix)), task_id)


def _sample_portal():
    """Serve the bundled offline sample portal on 127.0.0.1 and tell the crawler profile where it is."""
    import contextlib
    import os

    from nianbao.paths import REPO_ROOT

    # The sample portal is dev machinery of the repository checkout (the demo of `make run`), not in the wheel.
    if (REPO_ROOT / "sample_portal").is_dir() and str(REPO_ROOT) not in sys.path:
        sys.path.append(str(REPO_ROOT))
    try:
        from sample_portal import serve
    except ImportError:
        console.print("[red]the sample portal is served from a checkout of the repository only (make run)[/red]")
        raise typer.Exit(code=2) from None

    @contextlib.contextmanager
    def served():
        with serve() as base:
            previous = os.environ.get("NIANBAO_SAMPLE_PORTAL_URL")
            os.environ["NIANBAO_SAMPLE_PORTAL_URL"] = base
            try:
                yield base
            finally:
                if previous is None:
                    os.environ.pop("NIANBAO_SAMPLE_PORTAL_URL", None)
                else:
                    os.environ["NIANBAO_SAMPLE_PORTAL_URL"] = previous

    return served()


# --------------------------------------------------------------------------------------------- db


@db_app.command("url")
def db_url(
    show_password: bool = typer.Option(False, "--show-password", help="Include the URL's password, if it has one"),
    bi: bool = typer.Option(False, "--bi", help="bi_reader's URL over TCP, for BI tools (DBeaver, Excel…)"),
) -> None:
    """Print the warehouse's connection URL (starts the embedded server if needed), without its password."""
    from nianbao import steps

    if bi:  # the password is in a 0600 pgpass file; printed only when asked for
        from warehouse import roles

        steps.prepare_warehouse()
        url, password = roles.reader_url(), roles.reader_password()
        out.print(url.replace("@", f":{password}@", 1) if show_password else url, soft_wrap=True)
        pgpass = roles.password_file()
        console.print(f"password: in {pgpass}  (PGPASSFILE={pgpass} psql '{url}')", soft_wrap=True)
        return
    url = steps.warehouse_url()
    out.print(url if show_password else _shown(url), soft_wrap=True)


@db_app.command("start")
def db_start() -> None:
    """Start (or reuse) the embedded PostgreSQL and migrate it."""
    from nianbao import steps

    out.print(_shown(steps.prepare_warehouse()), soft_wrap=True)


@db_app.command("stop")
def db_stop() -> None:
    """Stop the embedded PostgreSQL (an external one is never touched)."""
    from warehouse import embedded

    embedded.stop()
    console.print("embedded warehouse stopped")


@db_app.command("status")
def db_status() -> None:
    from warehouse import embedded

    out.print(embedded.status())


@db_app.command("migrate")
def db_migrate() -> None:
    """Upgrade the warehouse schema to the latest migration."""
    from nianbao import steps

    steps.prepare_warehouse()
    console.print("warehouse schema up to date")


# --------------------------------------------------------------------------------------------- airflow


@airflow_app.command("up")
def airflow_up() -> None:
    """Start Airflow's servers (those not running) and print the UI's address and how to log in."""
    from nianbao import airflow_local, steps
    from nianbao.paths import DBT_MANIFEST

    airflow_local.configure()
    with console.status("starting the warehouse…"):
        steps.prepare_warehouse()
        if not DBT_MANIFEST.exists():
            steps.dbt_parse()
    with console.status("starting Airflow…") as status:
        servers = airflow_local.up(on_step=lambda step: status.update(f"{step}…"))
    _print_airflow(servers)


@airflow_app.command("down")
def airflow_down() -> None:
    """Stop the servers `nianbao airflow up` (or `nianbao run`) started."""
    from nianbao import airflow_local

    stopped = airflow_local.down()
    console.print(f"stopped: {', '.join(stopped)}" if stopped else "Airflow was not running")


@airflow_app.command("status")
def airflow_status() -> None:
    """Which servers run, and where the UI is."""
    from nianbao import airflow_local

    servers = airflow_local.status()
    for component in airflow_local.COMPONENTS:
        pid = servers.running.get(component)
        out.print(f"{component:<14} {'running, pid ' + str(pid) if pid else 'stopped'}", highlight=False)
    _print_airflow(servers)


@airflow_app.command("password")
def airflow_password() -> None:
    """Print the Airflow UI password of user admin (generated once, kept in a file only its owner can read)."""
    from nianbao import airflow_local

    airflow_local.configure()
    out.print(airflow_local.password(), highlight=False)


def _print_airflow(servers) -> None:
    from nianbao import airflow_local

    nianbao = _here(Path(sys.executable).parent / "nianbao")
    state = "up" if servers.up else "not running (start it: nianbao airflow up)"
    out.print(f"Airflow UI  {servers.url}  {state}", highlight=False, soft_wrap=True)
    out.print(
        f"  log in as {airflow_local.USER}; password: {nianbao} airflow password"
        f" (in {_here(airflow_local.passwords_file())})",
        highlight=False,
        soft_wrap=True,
    )
    out.print(f"  server logs: {_here(servers.log_dir)}", highlight=False, soft_wrap=True)


# --------------------------------------------------------------------------------------------- output helpers


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


def _print_dict(title: str, data: dict) -> None:
    table = Table(title=title, show_header=False)
    for key, value in data.items():
        if isinstance(value, (list, dict)):
            value = json.dumps(value, ensure_ascii=False)[:200]
        table.add_row(str(key), str(value))
    out.print(table)


def _print_summary(data: dict) -> None:
    table = Table(title="nianbao warehouse", show_header=False)
    labels = {
        "documents_fetched": "documents fetched",
        "fetch_errors": "fetch errors (recorded per URL)",
        "reports_parsed": "reports parsed",
        "facts_loaded": "facts loaded",
        "rules_passed": "rules passed",
        "rules_failed": "rules failed (findings)",
    }
    for key, label in labels.items():
        if key in data:
            table.add_row(label, str(data[key]))
    if "last_validation" in data:
        v = data["last_validation"]
        table.add_row("GX suites (last run)", f"{v['suites']} run, {v['failed_suites']} with failures")
    for name, count in sorted(data.get("marts", {}).items()):
        table.add_row(f"marts.{name}", f"{count} rows")
    out.print(table)


def _print_next_steps(url: str, airflow_url: str) -> None:
    """Where to look next: every pointer opens as printed (files as file:// URLs, commands with their path)."""
    from expectations import data_docs_dir
    from nianbao.paths import DBT_DOCS_PAGE

    nianbao = _here(Path(sys.executable).parent / "nianbao")
    docs = data_docs_dir()
    rows = [
        ("Airflow UI", f"{airflow_url}  (user admin; password: {nianbao} airflow password)"),
        ("findings", f"{(docs / 'findings.html').as_uri()}  (reports that break their own arithmetic; offline)"),
        ("dbt docs", f"{DBT_DOCS_PAGE.as_uri()}  (one file, offline)"),
        ("GX data docs", f"{(docs / 'index.html').as_uri()}  (styled from CDNs: online only)"),
        ("dashboards", f"{nianbao} bi up  (Superset on 127.0.0.1)"),
        ("psql", f"psql '{_shown(url)}' -c 'select * from marts.mart_report_summary'"),
        ("BI tools (TCP)", f"{nianbao} db url --bi  (DBeaver, Excel, …: the read-only bi_reader)"),
    ]
    rows += [
        ("exports", f"{nianbao} export --format xlsx --headers zh --out export/"),
        ("stop it all", f"{nianbao} airflow down && {nianbao} db stop"),
    ]
    out.print("\n[bold]Where to look next[/bold]")
    for label, pointer in rows:
        out.print(f"  {label:<15} {pointer}", soft_wrap=True, highlight=False)


def _here(path: Path) -> str:
    """``path`` as short as it can be printed and still work from here: relative below the working directory."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
