"""Crawler benchmark: a local portal of ≥ 2,000 report documents, throttling off.

Measures documents per second and the crawl process's peak memory, then re-crawls and checks that
the re-crawl transfers at most 1% of the first crawl's bytes (conditional requests + page cache) and
reports how many requests it sent: with the default freshness rule the unchanged list pages alone
(every report was checked moments ago); with ``--revalidate-after-days 0`` a conditional request per
report as well.

    .venv/bin/python benchmarks/crawl_bench.py [--reports 1000] [--doc-size 20000] [--revalidate-after-days N]
        [--database-url URL] [--json]

(``--reports N`` detail pages, each an HTML report with a PDF attachment: 2·N documents.) ``--database-url``
crawls into that warehouse (an empty, migrated one: the pipeline's way) instead of an output directory.
``first_cpu_ms_per_request``: the crawl process's CPU (user + system) per request of the first crawl.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawlers import run_crawl
from tests.crawlers.portals import build_bulk_portal


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1000, help="detail pages (documents = 2 × this)")
    # Real reports: HTML pages of tens of KB, PDFs of a few hundred KB to several MB; these
    # defaults are at the small end, which makes the re-crawl ratio harder, not easier.
    parser.add_argument("--doc-size", type=int, default=100_000, help="bytes per PDF")
    parser.add_argument("--html-size", type=int, default=30_000, help="bytes per HTML report page (about)")
    parser.add_argument(
        "--revalidate-after-days",
        type=int,
        default=None,
        help="the re-crawl's NIANBAO_REVALIDATE_AFTER_DAYS (default: the crawler's; 0: revalidate every report)",
    )
    parser.add_argument(
        "--database-url", default=None, help="crawl into this (empty, migrated) warehouse, not an output directory"
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)

    portal, n_docs = build_bulk_portal(args.reports, doc_size=args.doc_size, html_size=args.html_size)
    with tempfile.TemporaryDirectory(prefix="crawl-bench-") as tmp, portal.serve() as url:
        profile = Path(tmp) / "bulk.yaml"
        profile.write_text(f"name: bulk\nstart_urls: ['{url}/']\nallowed_domains: [127.0.0.1]\n", encoding="utf-8")
        if args.database_url:
            where = {"database_url": args.database_url, "state_dir": Path(tmp) / "state"}
        else:
            where = {"output_dir": Path(tmp) / "out"}

        cpu0 = _children_cpu_s()
        t0 = time.perf_counter()
        first = run_crawl(str(profile), throttle=False, **where)
        first_s = time.perf_counter() - t0
        first_cpu_s = _children_cpu_s() - cpu0
        # ru_maxrss of children: the largest crawl subprocess so far, in KiB on Linux.
        peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        server_first = portal.bytes_sent()

        portal.clear_log()
        t0 = time.perf_counter()
        days = args.revalidate_after_days
        recrawl_settings = None if days is None else {"NIANBAO_REVALIDATE_AFTER_DAYS": days}
        second = run_crawl(str(profile), throttle=False, settings=recrawl_settings, **where)
        second_s = time.perf_counter() - t0
        server_second = portal.bytes_sent()

    ratio = second.bytes / first.bytes if first.bytes else 0.0
    result = {
        "documents_expected": n_docs,
        "documents_fetched": first.documents_fetched,
        "first_crawl_s": round(first_s, 2),
        "documents_per_s": round(first.documents_fetched / first_s, 1),
        "first_requests_per_s": round(first.requests / first_s, 1),
        "first_cpu_s": round(first_cpu_s, 2),
        "first_cpu_ms_per_request": round(1000 * first_cpu_s / first.requests, 2) if first.requests else 0.0,
        "peak_rss_mib": round(peak_mib, 1),
        "first_bytes": first.bytes,
        "recrawl_bytes": second.bytes,
        "recrawl_ratio": round(ratio, 5),
        # Body bytes the server sent: what the conditional requests saved, headers aside.
        "server_body_bytes_first": server_first,
        "server_body_bytes_recrawl": server_second,
        "recrawl_body_ratio": round(server_second / server_first, 6) if server_first else 0.0,
        "recrawl_s": round(second_s, 2),
        "first_requests": first.requests,
        "recrawl_requests": second.requests,
        "recrawl_fresh_skipped": second.scrapy_stats.get("nianbao/document/fresh_skipped", 0),
        "recrawl_documents_fetched": second.documents_fetched,
        "recrawl_not_modified": second.not_modified,
        "errors": len(first.errors) + len(second.errors),
    }
    ok = first.documents_fetched >= n_docs and second.documents_fetched == 0 and ratio <= 0.01 and not first.errors
    result["ok"] = ok
    if args.json:
        print(json.dumps(result))
    else:
        for k, v in result.items():
            print(f"{k:28} {v}")
    return 0 if ok else 1


def _children_cpu_s() -> float:
    """CPU seconds (user + system) of the finished child processes: the crawls, not the portal's server."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    sys.exit(main())
