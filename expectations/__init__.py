"""Data-quality validation of the nianbao warehouse with Great Expectations (GX Core 1.x).

The map:

- ``catalog.py``     every rule: name, suite, severity (error/warning), zh/en explanation, SQL. Start here.
- ``vocabulary.py``  the contract's codes, read from ``parsers.vocabulary`` (the one place they live).
- ``runner.py``      ``validate()``: builds the GX suites from the catalog, runs one checkpoint, stores each suite's
                     run in ``audit.validation_run`` and rebuilds the static data docs in
                     ``$NIANBAO_HOME/gx/data_docs``.
- ``gx_import.py``   GX imported without scipy.stats and altair, which only an expectation we never run needs.
- ``results.py``     the plain result objects, ``IntegrityError`` and the log text.
- ``findings_page.py`` ``data_docs/findings.html``: the failing reports with their numbers (GX shows counts only).
- ``__main__.py``    ``python -m expectations [--url URL] [--suites ...] [--no-docs] [--all]``.

Use::

    from expectations import validate, IntegrityError, log_summary
    summary = validate(database_url, suites="all")   # raises IntegrityError when an integrity rule fails
    log_summary(summary)                             # readable block for the Airflow task log

Importing this package is cheap: GX is imported only when ``validate()`` runs.
"""

from __future__ import annotations

from expectations.results import (
    IntegrityError,
    RuleResult,
    SuiteResult,
    ValidationSummary,
    format_summary,
)

__all__ = [
    "IntegrityError",
    "RuleResult",
    "SuiteResult",
    "ValidationSummary",
    "data_docs_dir",
    "format_summary",
    "log_summary",
    "recent_runs",
    "validate",
    "validate_and_log",
]


def validate(database_url: str | None = None, **kwargs):
    """See ``expectations.runner.validate``."""
    from expectations.runner import validate as _validate

    return _validate(database_url, **kwargs)


def validate_and_log(database_url: str | None = None, **kwargs):
    """See ``expectations.runner.validate_and_log``: what the DAG task calls."""
    from expectations.runner import validate_and_log as _validate_and_log

    return _validate_and_log(database_url, **kwargs)


def log_summary(summary: ValidationSummary, logger=None) -> str:
    """See ``expectations.runner.log_summary``."""
    from expectations.runner import log_summary as _log_summary

    return _log_summary(summary, logger)


def recent_runs(database_url: str | None = None, *, limit: int = 1) -> list[dict]:
    """See ``expectations.runner.recent_runs``: the last runs as stored in ``audit.validation_run``."""
    from expectations.runner import recent_runs as _recent_runs

    return _recent_runs(database_url, limit=limit)


def data_docs_dir(home=None):
    """The folder of the static data docs (``index.html``)."""
    from expectations.runner import data_docs_dir as _data_docs_dir

    return _data_docs_dir(home)
