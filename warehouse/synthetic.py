"""Synthetic Reports with valid, random tables, for the warehouse's tests and benchmarks (never the pipeline).

The tables add up the way real ones must (row sums, outcome sums, the balance 一 + 二 = （七） + 四), so a
report made here passes the arithmetic checks. For realistic rendered documents use ``reportgen`` instead.
"""

from __future__ import annotations

import hashlib
import random

APPLICANT_COLS = ("natural_person", "commercial", "research", "social_org", "legal_service", "other_org")
OUTCOME_ROWS = (
    "granted",
    "partially_granted",
    "denied_state_secret",
    "denied_law_prohibited",
    "denied_security_stability",
    "denied_third_party",
    "denied_internal_affairs",
    "denied_process_info",
    "denied_enforcement_file",
    "denied_admin_query",
    "unavailable_not_held",
    "unavailable_needs_creation",
    "unavailable_unclear",
    "rejected_petition",
    "rejected_duplicate",
    "rejected_publication",
    "rejected_excessive",
    "rejected_confirmation",
    "other",
)
REVIEW_GROUPS = ("review", "litigation_direct", "litigation_after_review")
REVIEW_MEASURES = ("upheld", "corrected", "other", "pending")
PROACTIVE_2019 = {
    "rules": ("new_made", "new_published", "published_total"),
    "normative_documents": ("new_made", "new_published", "published_total"),
    "licensing": ("prev_year_items", "change"),
    "other_admin_services": ("prev_year_items", "change"),
    "penalties": ("prev_year_items", "change", "decisions"),
    "coercive_measures": ("prev_year_items", "change", "decisions"),
    "fees": ("prev_year_items", "change"),
    "procurement": ("procurement_items", "procurement_amount_10k_yuan"),
}


def document_sha256(index: int, salt: str = "") -> str:
    """A stable fake document hash for report number ``index``."""
    return hashlib.sha256(f"synthetic-report-{salt}-{index}".encode()).hexdigest()


def random_report(rng: random.Random, index: int = 0) -> dict:
    """A 2019-era Report with consistent applications, review_litigation, proactive and narrative figures."""
    provenance: dict[str, str] = {}
    applications: dict[str, dict] = {
        row: {} for row in ("new_received", "carried_over", *OUTCOME_ROWS, "total_processed", "carried_forward")
    }
    for col in APPLICANT_COLS:
        outcomes = {row: (rng.randint(0, 40) if rng.random() < 0.5 else 0) for row in OUTCOME_ROWS}
        processed = sum(outcomes.values())
        carried_forward = rng.randint(0, 5)
        carried_over = rng.randint(0, processed + carried_forward)
        column = {
            **outcomes,
            "total_processed": processed,
            "carried_forward": carried_forward,
            "carried_over": carried_over,
            "new_received": processed + carried_forward - carried_over,
        }
        for row, value in column.items():
            applications[row][col] = value
    for row, cells in applications.items():
        cells["total"] = sum(cells[col] for col in APPLICANT_COLS)
    for n, (row, cells) in enumerate(applications.items()):
        for m, col in enumerate(cells):
            provenance[f"applications.{row}.{col}"] = f"table 3, row {n + 4}, col {m + 2}"

    review_litigation = {}
    for group in REVIEW_GROUPS:
        cells = {measure: rng.randint(0, 9) for measure in REVIEW_MEASURES}
        cells["total"] = sum(cells.values())
        review_litigation[group] = cells
        for measure in cells:
            provenance[f"review_litigation.{group}.{measure}"] = f"table 4, {group}/{measure}"

    proactive, proactive_text = {}, {}
    for item, measures in PROACTIVE_2019.items():
        proactive[item] = {}
        for measure in measures:
            if measure == "procurement_amount_10k_yuan":
                value = round(rng.uniform(0, 500000), 4)
                proactive_text[f"{item}.{measure}"] = f"{value}万元"
            else:
                value = rng.randint(-20, 300) if measure == "change" else rng.randint(0, 300)
            proactive[item][measure] = value
            provenance[f"proactive.{item}.{measure}"] = f"table 2, {item}/{measure}"

    received = applications["new_received"]["total"]
    narrative = {"applications_received": received, "review_total": review_litigation["review"]["total"]}
    for key in narrative:
        provenance[f"narrative.{key}"] = f"text chars {100 + index % 50}-{106 + index % 50}"

    problems = []
    if rng.random() < 0.2:  # some reports had a blank 总计 the parser filled in
        problems.append(
            {
                "severity": "warning",
                "code": "derived_value",
                "message": "总计 was blank; sum of row",
                "field": "applications.granted.total",
            }
        )
        provenance.pop("applications.granted.total")
    checks = [
        {
            "rule": f"applications.balance.{col}",
            "ok": True,
            "severity": "error",
            "detail": f"{applications['new_received'][col]} + {applications['carried_over'][col]} = "
            f"{applications['total_processed'][col]} + {applications['carried_forward'][col]}",
        }
        for col in (*APPLICANT_COLS, "total")
    ]
    checks.append(
        {
            "rule": "narrative.applications_received",
            "ok": True,
            "severity": "warning",
            "detail": f"{received} = {received}",
            "field": "narrative.applications_received",
            "expected": received,
            "actual": received,
        }
    )
    year = 2019 + index % 6
    return {
        "source": {"path": f"synthetic/{index}.html", "sha256": None, "media_type": "text/html"},
        "organ": f"合成市{index % 300}区人民政府",
        "year": year,
        "era": "2019" if year < 2021 else "2021",
        "script": "simplified",
        "title": f"合成市{index % 300}区人民政府{year}年政府信息公开工作年度报告",
        "publication_date": f"{year + 1}-01-{1 + index % 28:02d}",
        "organ_original": None,
        "title_original": None,
        "parser_version": "synthetic",
        "applications": applications,
        "review_litigation": review_litigation,
        "proactive": proactive,
        "proactive_text": proactive_text,
        "narrative": narrative,
        "provenance": provenance,
        "checks": checks,
        "problems": problems,
    }


def random_items(count: int, seed: int = 0, salt: str = "") -> list[tuple[str, dict]]:
    """``count`` (document_sha256, report) pairs, reproducible from ``seed``."""
    rng = random.Random(seed)
    return [(document_sha256(i, salt), random_report(rng, i)) for i in range(count)]
