"""Crawl one portal: ``python -m crawlers.crawl --profile NAME_OR_FILE [options]``.

Runs in its own process (Scrapy's Twisted reactor cannot be restarted within one), which is how
``crawlers.run_crawl``, the CLI and Airflow call it. Progress goes to stderr as JSON lines; the
final stats go to stdout as one JSON object. Exit status: 0 when the crawl ran (faults on single
URLs are in the stats), 2 when no start URL could be fetched, 1 on a bad profile or arguments.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

EXIT_OK, EXIT_USAGE, EXIT_UNREACHABLE = 0, 1, 2


def build_settings(
    profile,
    *,
    database_url: str | None,
    output_dir: str | None,
    throttle: bool,
    state_dir: str | None,
    overrides: dict | None = None,
):
    from scrapy.settings import Settings

    from crawlers.settings import LOCKED_SETTINGS

    settings = Settings()
    settings.setmodule("crawlers.settings", priority="project")
    pipelines = dict(settings.getdict("ITEM_PIPELINES"))
    if database_url:
        pipelines["crawlers.pipelines.RawStorePipeline"] = 300
        settings.set("NIANBAO_DATABASE_URL", database_url, priority="cmdline")
    if output_dir:
        pipelines["crawlers.pipelines.OutputDirPipeline"] = 400
        settings.set("NIANBAO_OUTPUT_DIR", str(output_dir), priority="cmdline")
    settings.set("ITEM_PIPELINES", pipelines, priority="cmdline")
    if state_dir is None:
        if output_dir:
            state_dir = str(Path(output_dir) / ".crawl-state")
        else:
            try:
                from warehouse.settings import home

                state_dir = str(home() / "crawl-state")
            except ImportError:
                state_dir = str(Path.cwd() / ".nianbao" / "crawl-state")
    settings.set("NIANBAO_STATE_DIR", state_dir, priority="cmdline")
    # The portal's own politeness (only ever gentler than the defaults), then the caller's.
    for key, value in profile.politeness.scrapy_settings().items():
        settings.set(key, value, priority="spider")
    if not throttle:
        # Tests and benchmarks on local servers: no delays. Robots, domains and size limits stay.
        settings.set("AUTOTHROTTLE_ENABLED", False, priority="cmdline")
        settings.set("DOWNLOAD_DELAY", 0, priority="cmdline")
        settings.set("RETRY_BACKOFF_BASE", 0.2, priority="cmdline")
        settings.set("RETRY_BACKOFF_MAX", 1.0, priority="cmdline")
        settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", 8, priority="cmdline")
    locked = sorted(set(overrides or {}) & LOCKED_SETTINGS)
    if locked:
        raise ValueError(f"these settings are the crawler's rules and cannot be overridden: {', '.join(locked)}")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    from crawlers.shards import Shard

    if throttle and not Shard.parse(settings.get("NIANBAO_CRAWL_SHARD")).whole:
        # n processes at one site would each keep the site's politeness: n times the load
        raise ValueError("a portal is crawled by one process when throttled: shard only with --no-throttle")
    return settings


def _parse_set(values: list[str]) -> dict:
    out = {}
    for item in values:
        key, _, raw = item.partition("=")
        try:
            out[key] = json.loads(raw)
        except ValueError:
            out[key] = raw
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawlers.crawl", description=__doc__.splitlines()[0])
    parser.add_argument("--profile", required=True, help="shipped profile name or a YAML file")
    parser.add_argument(
        "--database-url",
        default=None,
        help="write to the warehouse raw store (password in PGPASSWORD: argv is visible to all)",
    )
    parser.add_argument("--output", default=None, help="write documents + manifest.jsonl + errors.jsonl here")
    parser.add_argument("--years", default=None, help="only reports for these years, e.g. 2020,2021")
    parser.add_argument("--no-throttle", action="store_true", help="no delays (local test portals only)")
    parser.add_argument("--state-dir", default=None, help="where the page cache for re-crawls lives")
    parser.add_argument(
        "--deep",
        action="store_true",
        help="walk every list page to its end, however recent the last such walk (NIANBAO_DEEP_CRAWL_AFTER_DAYS)",
    )
    parser.add_argument(
        "--include-disabled", action="store_true", help="crawl the profile even if it says `enabled: false`"
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a Scrapy setting (value parsed as JSON when it can be)",
    )
    args = parser.parse_args(argv)

    from crawlers.profiles import ProfileError, load_profile, require_enabled

    try:
        profile = load_profile(args.profile)
        if not args.include_disabled:
            require_enabled(profile)
    except ProfileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not args.database_url and not args.output:
        print("error: give --database-url and/or --output (nowhere to store documents)", file=sys.stderr)
        return EXIT_USAGE

    from scrapy.crawler import CrawlerProcess

    from crawlers.spiders.annual_reports import AnnualReportSpider, stats_summary

    try:
        settings = build_settings(
            profile,
            database_url=args.database_url,
            output_dir=args.output,
            throttle=not args.no_throttle,
            state_dir=args.state_dir,
            overrides=_parse_set(args.set),
        )
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(AnnualReportSpider)
    # The spider loads the profile itself (by path, so the subprocess sees what we validated).
    process.crawl(crawler, profile=profile.source_path or args.profile, years=args.years, deep=args.deep)
    process.start()

    spider = crawler.spider
    summary = stats_summary(spider, crawler.stats.get_stats())
    summary["output_dir"] = os.path.abspath(args.output) if args.output else None
    # Scrapy's own stats as well (what it dumps at INFO, which LOG_LEVEL hides here): the caller logs them
    summary["scrapy_stats"] = crawler.stats.get_stats()
    fatal = None
    if spider.start_successes == 0:
        failures = "; ".join(f"{u}: {e}" for u, e in spider.start_failures.items()) or "no response"
        fatal = f"portal {profile.name}: start URL unreachable ({failures})"
    summary["fatal"] = fatal
    print(json.dumps(summary, ensure_ascii=False, default=str))
    if fatal:
        print(f"error: {fatal}", file=sys.stderr)
        return EXIT_UNREACHABLE
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
