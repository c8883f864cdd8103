"""Figures read by OCR enter the Report only when the table's arithmetic proves the reading.

OCR misreads digits (64 → 04, 351 → 331) and drops cells, and nothing in a scan tells a misread from what
was printed. A government's own arithmetic error is reported for a text document; for a scan it cannot be
told from an OCR error, so the rule is the other way round: a table is kept only when every rule of its
format holds with the values read, and every cell sits in a rule that held.

- Table 三: no `applications.*` check false or unevaluable; the balance rule of the 总计 column evaluated and
  true, and the outcome-sum rule too when outcome rows were read; every row holding a value has its row
  sum evaluated and true (a blank 总计 derived from its row has none; its cells are still in the column
  rules). One misread digit breaks a row sum or a column rule, so a table that passes is read right
  (unless two misreads cancel each other out in every rule they take part in). Where the OCR readings of
  a cell disagreed, extract/ocr_layout.settle may have picked one by its row sum; the column rules (balance,
  outcome sums) are then what proves it.
- Table 四, independently: each group holding a value has its sum rule evaluated and true.
- Table 二 has no arithmetic: never kept.
- Prose figures: kept only where they equal a cell of a kept table (their `narrative.*` check, evaluated
  again against what was kept).

A table that is not proven keeps its rows with every cell null, plus an `ocr_unverified` problem naming
the rules that failed. The checks are evaluated again on what is kept, so a misread never shows up as a
government's arithmetic error.
"""

from __future__ import annotations

from typing import Literal

from .checks import application_checks, narrative_checks, review_checks
from .report_types import Check, Problem, Report
from .tables.applications import LEAF_ROWS_2019, OTHER_SUBROWS

SHOWN_FAILURES = 5


def _problem(message: str) -> Problem:
    return {"severity": "warning", "code": "ocr_unverified", "message": message}


def _derived_fields(report: Report) -> set[str]:
    return {p["field"] for p in report["problems"] if p.get("code") == "derived_value" and p.get("field")}


def _failure(check: Check) -> str:
    verdict = "false" if check["ok"] is False else "not evaluable"
    return f"{check['rule']} {verdict} ({check['detail']})"


def application_failures(apps: dict | None, checks: list[Check], derived: set[str]) -> list[str]:
    """Why table 三 as read is not proven; empty when it is."""
    if apps is None:
        return []
    mine = {c["rule"]: c for c in checks if c["rule"].startswith("applications.")}
    failures = [_failure(c) for c in mine.values() if c["ok"] is not True]
    required = ["applications.balance.total"]
    if any(r in apps for r in LEAF_ROWS_2019 + OTHER_SUBROWS):
        required.append("applications.outcomes_sum.total")
    for row, values in apps.items():
        has_value = any(v is not None for v in values.values())
        if has_value and f"applications.{row}.total" not in derived:
            required.append(f"applications.row_sum.{row}")
    failures += [f"{rule} not evaluated" for rule in required if rule not in mine]
    return failures


def review_failures(review: dict | None, checks: list[Check]) -> list[str]:
    """Why table 四 as read is not proven; empty when it is."""
    if review is None:
        return []
    mine = {c["rule"]: c for c in checks if c["rule"].startswith("review_litigation.")}
    failures = [_failure(c) for c in mine.values() if c["ok"] is not True]
    for group, values in review.items():
        rule = f"review_litigation.{group}_sum"
        if any(v is not None for v in values.values()) and rule not in mine:
            failures.append(f"{rule} not evaluated")
    return failures


def _null_table(report: Report, key: Literal["applications", "review_litigation", "proactive"]) -> None:
    table = report[key]
    if table is None:
        return
    report[key] = {row: dict.fromkeys(cells) for row, cells in table.items()}
    prefix = f"{key}."
    report["provenance"] = {k: v for k, v in report["provenance"].items() if not k.startswith(prefix)}
    # a derived 总计 of a cell no longer given says nothing
    report["problems"] = [
        p
        for p in report["problems"]
        if not (p.get("code") == "derived_value" and (p.get("field") or "").startswith(prefix))
    ]


def _describe(table: str, failures: list[str]) -> str:
    shown = "; ".join(failures[:SHOWN_FAILURES])
    more = f"; and {len(failures) - SHOWN_FAILURES} more" if len(failures) > SHOWN_FAILURES else ""
    return f"{table} read by OCR is not proven by its arithmetic, its cells are left null: {shown}{more}"


def verify_ocr_report(report: Report) -> Report:
    """The Report of an OCR'd document with only what its arithmetic proves (changed in place, returned)."""
    derived = _derived_fields(report)
    checks = report["checks"]
    unproven = []
    failures = application_failures(report["applications"], checks, derived)
    if failures:
        _null_table(report, "applications")
        unproven.append(_problem(_describe("table 三 (applications)", failures)))
    failures = review_failures(report["review_litigation"], checks)
    if failures:
        _null_table(report, "review_litigation")
        unproven.append(_problem(_describe("table 四 (review_litigation)", failures)))
    if report["proactive"] is not None:
        _null_table(report, "proactive")
        report["proactive_text"] = {}
        unproven.append(
            _problem("table 二 (proactive) read by OCR has no arithmetic to prove it; its cells are left null")
        )

    derived = _derived_fields(report)
    checks = application_checks(report["applications"], derived) + review_checks(report["review_litigation"], derived)
    prose = narrative_checks(report["narrative"], report["applications"], report["review_litigation"], True)
    proven = {c["rule"].split(".", 1)[1] for c in prose if c["ok"] is True}
    dropped = {k: v for k, v in report["narrative"].items() if k not in proven}
    if dropped:
        report["narrative"] = {k: v for k, v in report["narrative"].items() if k in proven}
        report["provenance"] = {
            k: v
            for k, v in report["provenance"].items()
            if not (k.startswith("narrative.") and k.split(".", 1)[1] in dropped)
        }
        listed = ", ".join(f"{k} {v}" for k, v in dropped.items())
        unproven.append(
            _problem(f"prose figures read by OCR that no proven table cell confirms are left out: {listed}")
        )
    report["checks"] = checks + [c for c in prose if c["ok"] is True]
    report["problems"].extend(unproven)
    report["source"]["ocr"] = True
    return report
