"""Report dicts (shared/contract/report-json.md) for the dbt tests, and a loader into staging.

The figures of seeds 000 (宿迁市人民政府 2020), 003 (淮北市人民政府办公室 2020) and 004 (江苏省人民政府 2020, prose
only) are the true ones, read from tests/fixtures/seeds/*.expected.json; other reports are built from them.
Reports are loaded with the warehouse's own loader, so the tests see exactly what the pipeline writes.
"""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

from parsers import vocabulary
from parsers.checks import application_checks

SEEDS_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"
COLS = tuple(vocabulary.APPLICANT_COLUMN_CODES)  # the six applicant columns, then total
PARSER_VERSION = "test-1"


def seed_report(seed: str, *, media_type: str = "text/html") -> dict:
    """The Report of seed `seed` ('000' … '004') with the checks a correct parser gives it."""
    expected = json.loads((SEEDS_DIR / f"{seed}.expected.json").read_text(encoding="utf-8"))
    report = {
        "source": {"path": f"seed-{seed}", "sha256": None, "media_type": media_type},
        "organ": expected["organ"],
        "year": expected["year"],
        "era": expected["era"],
        "script": expected.get("script") or "simplified",
        "applications": copy.deepcopy(expected.get("applications")),
        "review_litigation": copy.deepcopy(expected.get("review_litigation")),
        "proactive": copy.deepcopy(expected.get("proactive")),
        "narrative": copy.deepcopy(expected.get("narrative") or {}),
        "checks": [],
        "problems": [],
    }
    report["checks"] = balance_checks(report)
    # the rules the seed is known to break (e.g. seed 003's prose contradicts its table)
    for rule in expected.get("expected_checks") or []:
        report["checks"].append(
            {"rule": rule, "ok": False, "severity": "warning", "detail": "the prose disagrees with the table"}
        )
    return report


def balance_checks(report: dict) -> list[dict]:
    """`applications.balance.<col>` as the parser evaluates it (parsers/checks.py), for every column the table
    fills (一 + 二 = （七） + 四)."""
    return [
        check
        for check in application_checks(report.get("applications"), set())
        if check["rule"].startswith("applications.balance.") and check["ok"] is not None
    ]


def variant(
    report: dict,
    *,
    organ: str | None = None,
    year: int | None = None,
    scale: int = 1,
    carried_over: int | None = None,
    carried_forward: int | None = None,
) -> dict:
    """A copy of `report` for another organ/year; table counts multiplied by `scale`, carry-overs replaced."""
    new = copy.deepcopy(report)
    new["organ"] = organ or report["organ"]
    new["year"] = year or report["year"]
    for table in ("applications", "review_litigation"):
        for cells in (new.get(table) or {}).values():
            for col, value in cells.items():
                if value is not None:
                    cells[col] = value * scale
    new["narrative"] = {k: v * scale for k, v in (new.get("narrative") or {}).items() if v is not None}
    apps = new.get("applications")
    if apps is not None:
        # keep the balance: move the difference into new_received
        if carried_over is not None:
            diff = carried_over - apps["carried_over"]["total"]
            apps["carried_over"] = {c: 0 for c in COLS} | {"natural_person": carried_over, "total": carried_over}
            apps["new_received"]["natural_person"] -= diff
            apps["new_received"]["total"] -= diff
        if carried_forward is not None:
            diff = carried_forward - apps["carried_forward"]["total"]
            apps["carried_forward"] = {c: 0 for c in COLS} | {
                "natural_person": carried_forward,
                "total": carried_forward,
            }
            apps["new_received"]["natural_person"] += diff
            apps["new_received"]["total"] += diff
    new["checks"] = balance_checks(new)
    return new


def sha(label: str) -> str:
    return hashlib.sha256(label.encode()).hexdigest()


def load(url: str, reports: dict[str, dict], parser_version: str = PARSER_VERSION) -> None:
    """Load {label: report} into staging (document sha256 = sha256 of the label), one transaction."""
    from warehouse.staging import load_reports

    load_reports([(sha(label), report) for label, report in reports.items()], parser_version, url)
