"""The `nianbao` command: one subcommand per pipeline step, and `run` for the whole pipeline.

Every subcommand calls `nianbao.steps` (the same functions the Airflow DAG calls). Heavy imports happen
inside the commands, so `nianbao --help` stays fast.

An error ends the command with one line on stderr and exit status 1, never a traceback (`nianbao --debug ...`
shows it). A URL is never printed with its password.
"""

from __future__ import annotations

import json
import sys
from contextlib import ExitStack
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table


class _App(typer.Typer):
    """Typer whose uncaught errors end in one readable line instead of a traceback (unless ``--debug``)."""

    def __call__(self, *args, **kwargs):
        try:
            return super().__call__(*args, **kwargs)
        except Exception as exc:
            if _options["debug"]:
                raise
            print(f"error: {_error_text(exc)}", file=sys.stderr, flush=True)
            sys.exit(1)


app = _App(
    help="nianbao: the open data warehouse of 政府信息公开工作年度报告 (government information disclosure annual reports).",
    no_args_is_help=True,
    add_completion=False,
    # a traceback's locals would show connection URLs, passwords included
    pretty_exceptions_show_locals=False,
)
db_app = typer.Typer(help="The warehouse database (embedded PostgreSQL by default).", no_args_is_help=True)
app.add_typer(db_app, name="db")

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
    """What went wrong, for the user: the warehouse's own explanation when it is about the warehouse (cannot
    connect, timed out: names the host and the limit), else the error's message; passwords redacted."""
    from warehouse.connection import explain, redact

    explained = explain(exc)
    if explained:
        return explained
    message = str(exc).strip() or type(exc).__name__
    return f"{redact(message)}\n(nianbao --debug … shows the traceback)"


def _shown(url: str) -> str:
    """``url`` as printed: without its password (libpq takes it from PGPASSWORD or ~/.pgpass)."""
    from warehouse.connection import without_password

    return without_password(url)[0]


def _years(years: str | None) -> list[int]:
    """Parse `--years 2019,2020` or `--years 2018-2021`."""
    if not years:
        return []
    result: list[int] = []
    for part in years.split(","):
        part = part.strip()
        if "-" in part:
            start, end = (int(x) for x in part.split("-", 1))
            result.extend(range(start, end + 1))
        elif part:
            result.append(int(part))
    return result


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


@app.command()
def crawl(
    portal: list[str] = typer.Option([], "--portal", "-p", help="A shipped profile (crawlers/profiles/NAME.yaml)"),
    profile: list[Path] = typer.Option([], "--profile", help="A portal profile YAML file anywhere"),
    all_portals: bool = typer.Option(False, "--all", help="Every shipped profile (except the sample portal)"),
    years: str | None = typer.Option(None, help="Only these report years, e.g. 2020,2021 or 2019-2021"),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Also write documents + manifest.jsonl here (works without a warehouse)"
    ),
    no_warehouse: bool = typer.Option(False, "--no-warehouse", help="Only write --output; do not touch the database"),
    throttle: bool = typer.Option(
        True, "--throttle/--no-throttle", help="Politeness delays (keep on for real portals)"
    ),
) -> None:
    """Find and fetch annual reports from government portals, politely and incrementally."""
    from crawlers.profiles import list_profiles
    from nianbao import steps

    targets: list[str] = [*portal, *(str(p) for p in profile)]
    if all_portals:
        targets += [p for p in list_profiles() if p != SAMPLE_PORTAL]
    if not targets:
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
                        years=_years(years),
                        output_dir=output,
                        throttle=throttle,
                        on_progress=on_progress,
                        use_warehouse=not no_warehouse,
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

    url = steps.prepare_warehouse()
    with _progress() as progress:
        bar = progress.add_task("parse + load", total=None)
        stats = steps.parse_and_load(
            url=url,
            portals=portal,
            years=_years(years),
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
        docs = steps.dbt_docs(url=url)
    console.print(f"dbt build ({built['mode']}: {built['reason']})")
    console.print(f"dbt docs: {docs}")


@app.command()
def validate() -> None:
    """Run the Great Expectations suites (integrity errors fail; balance-rule breaches are findings)."""
    from nianbao import steps

    url = steps.prepare_warehouse()
    with console.status("Great Expectations…"):
        summary = steps.validate(url=url)
    _print_dict("validation", summary)


@app.command("dbt-parse")
def dbt_parse() -> None:
    """Write dbt/target/manifest.json, from which the DAG renders one Airflow task per dbt model."""
    from nianbao import steps

    console.print(f"manifest: {steps.dbt_parse()}")


@app.command()
def export(
    format: str = typer.Option("csv", "--format", "-f", help="csv or parquet"),
    out_dir: Path = typer.Option(Path("export"), "--out", "-o", help="Directory to write one file per mart"),
) -> None:
    """Write every mart to CSV or Parquet files."""
    from nianbao import steps
    from warehouse.export import export_marts

    if format not in ("csv", "parquet"):
        raise typer.BadParameter("--format is csv or parquet")
    url = steps.prepare_warehouse()
    for path in export_marts(out_dir, fmt=format, url=url):
        out.print(str(path))


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
) -> None:
    """Run the whole pipeline through the real Airflow DAG (dag.test(), in this process) and summarize."""
    from nianbao import airflow_local

    airflow_local.configure()  # before anything imports airflow
    from nianbao import steps
    from nianbao.paths import DBT_MANIFEST

    if throttle is None:
        throttle = portal != [SAMPLE_PORTAL]
    conf = {"portals": portal, "years": _years(years), "throttle": throttle, "full_refresh": full_refresh}
    with ExitStack() as stack:
        if SAMPLE_PORTAL in portal:
            base = stack.enter_context(_sample_portal())
            console.print(f"sample portal: {base}")
        with console.status("starting the warehouse…"):
            url = steps.prepare_warehouse()
        with console.status("preparing Airflow (metadata database, DAG)…"):
            airflow_local.migrate_metadata_db()
            if not DBT_MANIFEST.exists():
                steps.dbt_parse()
        with console.status("running DAG nianbao_harvest (crawl → parse → load → dbt → GX)…"):
            dag_run = airflow_local.test_dag(conf)
        state = str(getattr(dag_run, "state", "unknown"))
    summary_data = steps.warehouse_summary(url)
    _print_summary(summary_data)
    _print_next_steps(url)
    if "success" not in state:
        console.print(f"[red]DAG run ended in state {state}[/red]")
        raise typer.Exit(code=1)


def _sample_portal():
    """Serve the bundled offline sample portal on 127.0.0.1 and tell the crawler profile where it is."""
    import contextlib
    import os

    from sample_portal import serve

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
) -> None:
    """Print the warehouse's connection URL (starts the embedded server if needed), without its password."""
    from nianbao import steps

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


def _print_next_steps(url: str) -> None:
    from expectations import data_docs_dir
    from nianbao.paths import DBT_PROJECT_DIR

    out.print("\n[bold]Where to look next[/bold]")
    out.print(f"  psql:             psql '{_shown(url)}'", soft_wrap=True)
    out.print("  analysts' table:  select * from marts.mart_report_summary;")
    out.print(
        f"  dbt docs:         {DBT_PROJECT_DIR / 'target' / 'index.html'}  (or: .venv/bin/dbt docs serve --project-dir dbt --profiles-dir dbt)"
    )
    out.print(f"  GX data docs:     {data_docs_dir() / 'index.html'}")
    out.print("  exports:          nianbao export --format parquet --out export/")


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
