"""Random Reports as the parser hands them to the loader, for the warehouse's tests and benchmarks.

The figures are `random_report`'s (so they obey every rule); this adds what parsing adds: source, title,
narrative figures read from the tables, provenance for every figure, the parser's own checks
(parsers/checks.py) and now and then a derived 总计 with its problem.
"""

from __future__ import annotations

import hashlib
import random

from parsers import vocabulary
from parsers.checks import application_checks, narrative_checks, review_checks
from reportgen.numbers import format_amount
from reportgen.random_report import random_report

TABLE_NUMBERS = {"proactive": 2, "applications": 3, "review_litigation": 4}


def document_sha256(index: int, salt: str = "") -> str:
    """A stable fake document hash for report number ``index``."""
    return hashlib.sha256(f"synthetic-report-{salt}-{index}".encode()).hexdigest()


def parsed_report(rng: random.Random, index: int = 0) -> dict:
    """Report number ``index``: organ 合成市<index % 300>区人民政府, years 2019 … 2024 in turn."""
    year = 2019 + index % 6
    organ = f"合成市{index % 300}区人民政府"
    report = random_report(vocabulary.era_of_year(year), rng, organ=organ, year=year)
    apps, review = report["applications"], report["review_litigation"]
    report["narrative"] = {
        "applications_received": apps["new_received"]["total"],
        "review_total": review["review"]["total"],
    }
    provenance = {
        f"{table}.{row}.{col}": f"table {number}, {row}/{col}"
        for table, number in TABLE_NUMBERS.items()
        for row, cells in report[table].items()
        for col in cells
    }
    for n, key in enumerate(report["narrative"]):
        provenance[f"narrative.{key}"] = f"text chars {100 + 10 * n}-{106 + 10 * n}"
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
        del provenance["applications.granted.total"]
    derived = {p["field"] for p in problems}
    report.update(
        source={"path": f"synthetic/{index}.html", "sha256": None, "media_type": "text/html"},
        title=f"{organ}{year}年政府信息公开工作年度报告",
        organ_original=None,
        title_original=None,
        parser_version="synthetic",
        proactive_text={
            f"{item}.{measure}": format_amount(value)
            for item, cells in report["proactive"].items()
            for measure, value in cells.items()
            if measure.endswith("_10k_yuan")
        },
        provenance=provenance,
        checks=application_checks(apps, derived)
        + review_checks(review, derived)
        + narrative_checks(report["narrative"], apps, review, True),
        problems=problems,
    )
    return report


def parsed_items(count: int, seed: int = 0, salt: str = "") -> list[tuple[str, dict]]:
    """``count`` (document_sha256, report) pairs, reproducible from ``seed``: what ``load_reports`` takes."""
    rng = random.Random(seed)
    return [(document_sha256(i, salt), parsed_report(rng, i)) for i in range(count)]
