"""``python -m expectations [--url URL] [--suites staging,marts] [--no-docs] [--all]``: validate the warehouse and
print the readable summary. Exit status 1 when an integrity rule fails (findings alone exit 0)."""

from __future__ import annotations

import argparse
import logging
import sys

from expectations.results import IntegrityError, format_summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m expectations", description=__doc__)
    parser.add_argument("--url", help="warehouse URL (libpq or SQLAlchemy); default: the project's warehouse")
    parser.add_argument(
        "--suites", default="all", help="comma-separated: all, staging, marts, integrity, balance or suite names"
    )
    parser.add_argument("--no-docs", action="store_true", help="do not rebuild the static data docs")
    parser.add_argument(
        "--all",
        action="store_true",
        help="check every row (default: the integrity rules that read every fact or check read only the reports "
        "loaded or rebuilt since the last validation that passed)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")

    from expectations.runner import validate

    try:
        summary = validate(
            args.url, suites=args.suites.split(","), build_docs=not args.no_docs, log_results=False, whole=args.all
        )
    except IntegrityError as err:
        print(format_summary(err.summary))
        return 1
    print(format_summary(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
