"""``nianbao crawl``: the command-line face of the crawler, with a live progress display.

The project CLI mounts ``crawl`` (``app.command("crawl")(crawlers.cli.crawl)``); it also runs on its
own as ``python -m crawlers``. Each portal is crawled in its own subprocess (``run_crawl``), several
portals in parallel.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.live import Live
from rich.table import Table

from crawlers import CrawlError, CrawlStats, run_crawl
from crawlers.profiles import ProfileError, list_profiles, load_profile

console = Console(stderr=True)


def _table(rows: dict[str, dict]) -> Table:
    table = Table(title="nianbao crawl")
    for col in ("portal", "status", "pages", "documents", "not modified", "errors", "MB"):
        table.add_column(col, justify="right" if col not in ("portal", "status") else "left")
    for portal, r in rows.items():
        table.add_row(portal, r.get("status", "running"), str(r.get("pages", 0)), str(r.get("documents", 0)),
                      str(r.get("not_modified", 0)), str(r.get("errors", 0)), f"{r.get('bytes', 0) / 1e6:.1f}")
    return table


def crawl(
    portal: list[str] = typer.Option([], "--portal", "-p", help="shipped profile name (repeatable)"),
    all_portals: bool = typer.Option(False, "--all", help="every shipped profile except 'sample'"),
    profile: list[Path] = typer.Option([], "--profile", help="a profile YAML file (repeatable)"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="write documents + manifest.jsonl here"),
    database_url: Optional[str] = typer.Option(None, "--database-url", help="warehouse URL (default: the project's)"),
    no_warehouse: bool = typer.Option(False, "--no-warehouse", help="with --output: do not write the warehouse"),
    years: Optional[str] = typer.Option(None, "--years", help="only these report years, e.g. 2020,2021"),
    no_throttle: bool = typer.Option(False, "--no-throttle", help="no delays (local test portals only)"),
    parallel: int = typer.Option(3, "--parallel", help="portals crawled at once"),
) -> None:
    """Find and fetch the annual reports of one or more portals."""
    targets: list[str] = list(portal) + [str(p) for p in profile]
    if all_portals:
        targets += [n for n in list_profiles() if n != "sample"]
    if not targets:
        raise typer.BadParameter("give --portal NAME, --profile FILE.yaml or --all")
    names: dict[str, str] = {}
    for t in targets:
        try:
            names[t] = load_profile(t).name
        except ProfileError as exc:
            raise typer.BadParameter(str(exc)) from exc
    if database_url is None and not (output is not None and no_warehouse):
        from warehouse.connection import database_url as default_url

        database_url = default_url()
    year_list = [int(y) for y in years.split(",")] if years else None

    rows = {names[t]: {"status": "waiting"} for t in targets}
    lock = threading.Lock()
    results: dict[str, CrawlStats | CrawlError] = {}

    def one(target: str) -> None:
        name = names[target]
        with lock:
            rows[name]["status"] = "running"

        def progress(p: dict) -> None:
            with lock:
                rows[name].update(p, status="running")

        try:
            stats = run_crawl(target, database_url=database_url, output_dir=output, years=year_list,
                              throttle=not no_throttle, on_progress=progress)
            with lock:
                rows[name].update(status="done", pages=stats.pages, documents=stats.documents_fetched,
                                  not_modified=stats.not_modified, errors=len(stats.errors), bytes=stats.bytes)
                results[name] = stats
        except CrawlError as exc:
            with lock:
                rows[name]["status"] = "failed"
                results[name] = exc

    from concurrent.futures import ThreadPoolExecutor

    with Live(_table(rows), console=console, refresh_per_second=4) as live:
        with ThreadPoolExecutor(max_workers=max(1, parallel)) as pool:
            futures = [pool.submit(one, t) for t in targets]
            while not all(f.done() for f in futures):
                with lock:
                    live.update(_table(rows))
                threading.Event().wait(0.25)
        live.update(_table(rows))

    failed = {n: r for n, r in results.items() if isinstance(r, CrawlError)}
    for name, result in results.items():
        if isinstance(result, CrawlStats):
            for url, err in list(result.errors.items())[:10]:
                console.print(f"[yellow]{name}[/]: {url}: {err}")
            if len(result.errors) > 10:
                console.print(f"[yellow]{name}[/]: … {len(result.errors) - 10} more faults")
    for name, exc in failed.items():
        console.print(f"[red]{name}: {exc}[/]")
    if failed:
        raise typer.Exit(code=2)


app = typer.Typer(add_completion=False, help=__doc__.splitlines()[0])
app.command("crawl")(crawl)


@app.command("profiles")
def profiles() -> None:
    """List the shipped portal profiles."""
    for name in list_profiles():
        try:
            p = load_profile(name)
            flag = "" if p.verified else "  (unverified)"
            console.print(f"{name:16} {p.organ}  {' '.join(p.start_urls)}{flag}")
        except ProfileError as exc:
            console.print(f"{name:16} [yellow]{exc}[/]")
