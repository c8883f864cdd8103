"""What a validation run returns: plain dataclasses, no GX objects, so callers (CLI, DAG, tests) need not know
GX. ``format_summary`` is the text the Airflow task log shows."""

from __future__ import annotations

import datetime as dt
import decimal
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

EXAMPLES_KEPT = 20  # example rows per failed rule kept in audit.validation_run.details and in messages


@dataclass
class RuleResult:
    rule: str
    suite: str
    kind: str  # "integrity" | "balance"
    table: str
    severity: str  # "error" | "warning"
    zh: str
    en: str
    success: bool
    failed_rows: int = 0  # rows the rule's query returned (a report may appear once per column)
    examples: list[dict[str, Any]] = field(default_factory=list)  # up to GX's cap, JSON-safe
    error: str | None = None  # the rule could not be evaluated (SQL error): counts as failed

    def as_json(self, examples: int = EXAMPLES_KEPT) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "table": self.table,
            "severity": self.severity,
            "kind": self.kind,
            "zh": self.zh,
            "en": self.en,
            "success": self.success,
            "failed_rows": self.failed_rows,
            "examples": self.examples[:examples],
            "error": self.error,
        }


@dataclass
class Scope:
    """Which rows a suite's scoped rules read (``catalog.Rule.scoped``: those that read every fact or check); its
    other rules read every row. Chosen by ``runner.scope_for``."""

    since: dt.datetime | None  # the rows of the reports loaded/rebuilt after this; None: every row
    covered_until: dt.datetime | None  # the newest staging.report.parsed_at when the run started: what it saw
    reason: str  # why this scope, in words
    rules: tuple[str, ...] = ()  # the scoped rules
    fingerprint: str = ""  # of the suite's rules (catalog.fingerprint): a scope builds on a pass of the same rules
    change: str = "loaded"  # how its reports are new: loaded (staging), rebuilt by dbt (marts)
    reports: int | None = None  # how many reports the scoped rules read (a scope since a time only)
    basis_run_id: str | None = None  # the passing run whose rows this one need not read again
    basis_run_at: dt.datetime | None = None

    @property
    def whole(self) -> bool:
        return self.since is None

    def describe(self) -> str:
        """One line for people: which rows were checked, and why not the others."""
        if self.whole:
            return f"every row (whole warehouse): {self.reason}"
        basis = f"run {self.basis_run_id} at {utc_text(self.basis_run_at)}" if self.basis_run_id else "an earlier run"
        count = "?" if self.reports is None else f"{self.reports:,}"
        return (
            f"rows of the {count} report(s) {self.change} since "
            f"{utc_text(self.since)} ({', '.join(self.rules)}); earlier ones passed in {basis}"
        )

    def as_json(self) -> dict[str, Any]:
        return json_safe(
            {
                "since": self.since,
                "covered_until": self.covered_until,
                "reason": self.reason,
                "rules": list(self.rules),
                "fingerprint": self.fingerprint,
                "change": self.change,
                "reports": self.reports,
                "basis_run_id": self.basis_run_id,
                "basis_run_at": self.basis_run_at,
                "text": self.describe(),
            }
        )


def utc_text(moment: dt.datetime | None) -> str:
    """A moment as people read it in the log: UTC, to the second."""
    return "?" if moment is None else f"{moment.astimezone(dt.timezone.utc):%Y-%m-%d %H:%M:%S} UTC"


@dataclass
class SuiteResult:
    suite: str
    kind: str
    table: str
    rules: list[RuleResult] = field(default_factory=list)
    skipped: str | None = None  # why the suite was not run (e.g. the marts are not built yet)
    scope: Scope | None = None  # the rows its scoped rules read (integrity suites); None: every rule read every row

    @property
    def evaluated(self) -> int:
        return len(self.rules)

    @property
    def failed(self) -> int:
        return sum(1 for r in self.rules if not r.success)

    @property
    def success(self) -> bool:
        return self.failed == 0


@dataclass
class ValidationSummary:
    run_id: str
    run_at: dt.datetime
    suites: list[SuiteResult] = field(default_factory=list)
    data_docs: Path | None = None  # index.html of the static data docs, when built
    derived_cells: int = 0  # cells the parser derived (e.g. a blank 总计 filled from its row): not breaches

    @property
    def success(self) -> bool:
        return all(s.success for s in self.suites)

    @property
    def integrity_failures(self) -> list[RuleResult]:
        return [r for s in self.suites if s.kind == "integrity" for r in s.rules if not r.success]

    @property
    def findings(self) -> list[RuleResult]:
        """Failed balance rules: findings about reports, never a reason to stop."""
        return [r for s in self.suites if s.kind == "balance" for r in s.rules if not r.success]

    def finding_rows(self) -> list[dict[str, Any]]:
        """One dict per breach (report × check), with the rule's severity and explanations attached."""
        rows = []
        for r in self.findings:
            for example in r.examples:
                rows.append({"family": r.rule, "severity": r.severity, "zh": r.zh, "en": r.en, **example})
        return rows

    def as_dict(self, examples: int = EXAMPLES_KEPT) -> dict[str, Any]:
        """JSON-safe, compact (``examples`` rows per failed rule): what a DAG task returns as XCom."""
        return {
            "run_id": self.run_id,
            "run_at": self.run_at.isoformat(),
            "success": self.success,
            "integrity_ok": not self.integrity_failures,
            "findings": sum(r.failed_rows for r in self.findings),
            "derived_cells": self.derived_cells,
            "data_docs": str(self.data_docs) if self.data_docs else None,
            "suites": [
                {
                    "suite": s.suite,
                    "kind": s.kind,
                    "table": s.table,
                    "success": s.success,
                    "evaluated": s.evaluated,
                    "failed": s.failed,
                    "skipped": s.skipped,
                    "scope": s.scope.as_json() if s.scope else None,
                    "failed_rules": [r.as_json(examples) for r in s.rules if not r.success],
                }
                for s in self.suites
            ],
        }

    # The same, under the name callers use for pydantic models (nianbao.steps turns results into dicts this way).
    model_dump = as_dict

    def suite(self, name: str) -> SuiteResult:
        return next(s for s in self.suites if s.suite == name)

    def rule(self, name: str) -> RuleResult:
        return next(r for s in self.suites for r in s.rules if r.rule == name)


class IntegrityError(RuntimeError):
    """An integrity suite failed: the warehouse is inconsistent and the pipeline must stop.

    The message names each failing table and rule with example rows; ``summary`` has everything."""

    def __init__(self, summary: ValidationSummary):
        self.summary = summary
        super().__init__(integrity_message(summary))


def integrity_message(summary: ValidationSummary, examples: int = 3) -> str:
    lines = ["Integrity validation failed (the pipeline stops here):"]
    for r in summary.integrity_failures:
        what = r.error or f"{r.failed_rows} row(s) break it"
        lines.append(f"- table {r.table}, rule {r.rule} ({r.en} / {r.zh}): {what}")
        for row in r.examples[:examples]:
            lines.append(f"    e.g. {_row_text(row)}")
    return "\n".join(lines)


def json_safe(value: Any) -> Any:
    """Values from the database as JSON: a whole Decimal or float → int, other Decimals → float, dates → ISO
    text (the catalog's queries return numbers as float8)."""
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return value


def _row_text(row: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in row.items())


def format_summary(summary: ValidationSummary, examples: int = 5) -> str:
    """A readable, log-friendly report of one run: suites, then each failed rule with example rows."""
    lines = [f"Validation run {summary.run_id} at {summary.run_at:%Y-%m-%d %H:%M:%S %Z}"]
    for s in summary.suites:
        if s.skipped:
            lines.append(f"  {s.suite:<18} SKIPPED: {s.skipped}")
            continue
        state = "ok" if s.success else ("FAILED" if s.kind == "integrity" else "findings")
        lines.append(f"  {s.suite:<18} {state:<8} {s.evaluated} rules evaluated, {s.failed} failed ({s.table})")
        if s.scope:
            lines.append(f"  {'':<18} checked: {s.scope.describe()}")
    if summary.derived_cells:
        lines.append(f"  {summary.derived_cells} cell(s) were derived by the parser (not breaches)")
    for s in summary.suites:
        for r in s.rules:
            if r.success:
                continue
            lines.append(
                f"[{r.severity}] {s.suite} / {r.rule} on {r.table}: {r.error or f'{r.failed_rows} failing row(s)'}"
            )
            lines.append(f"    {r.zh}")
            lines.append(f"    {r.en}")
            for row in r.examples[:examples]:
                lines.append(f"    - {_row_text(row)}")
            if r.failed_rows > examples and not r.error:
                lines.append(f"    … and {r.failed_rows - examples} more")
    if summary.data_docs:
        lines.append(f"Data docs: {summary.data_docs}")
    return "\n".join(lines)
