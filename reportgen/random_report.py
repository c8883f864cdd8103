"""Random Reports whose numbers satisfy every rule of report-formats.md.

Built from the inside out so the arithmetic holds by construction: outcome rows first, then
（七）总计 as their sum, then 一、新收 chosen so that 一 + 二 = （七） + 四 in every column; row totals are
the sum of the six applicant columns, table 四 totals the sum of their four results.
"""

from __future__ import annotations

import datetime as dt
import random

from reportgen.layout import (
    APPLICANT_COLUMNS,
    REVIEW_GROUPS,
    REVIEW_MEASURES,
    outcome_blocks,
)
from reportgen.pre2019 import contract_figures, random_statistics

PLACES = [
    "宿迁市",
    "淮北市",
    "沈阳市苏家屯区",
    "南通市",
    "常州市",
    "泰州市",
    "无锡市",
    "扬州市",
    "盐城市",
    "徐州市铜山区",
    "合肥市",
    "芜湖市",
    "大连市",
    "鞍山市",
    "苏州市吴江区",
    "镇江市",
]
BODIES = ["人民政府", "人民政府办公室", "财政局", "自然资源和规划局", "生态环境局", "市场监督管理局", "教育局"]
PERSON_COLUMNS = APPLICANT_COLUMNS[:-1]


def _small(rng: random.Random, column: str) -> int:
    """Applicant counts: mostly zero for organisations, larger for natural persons."""
    if column == "natural_person":
        return rng.choice([0, rng.randint(0, 9), rng.randint(0, 120), rng.randint(0, 1500)])
    return 0 if rng.random() < 0.6 else rng.randint(0, 30)


def _with_total(row: dict) -> dict:
    row["total"] = sum(row[c] for c in PERSON_COLUMNS)
    return row


def random_applications(era: str, rng: random.Random) -> dict:
    apps: dict[str, dict] = {}
    outcome_codes = []
    for _group, items in outcome_blocks(era):
        outcome_codes += [code for code, _ in items if code != "total_processed"]
    for code in outcome_codes:
        apps[code] = _with_total({c: _small(rng, c) for c in PERSON_COLUMNS})
    if era == "2021":
        parts = ["other_no_correction", "other_unpaid_fee", "other_misc"]
        apps["other"] = _with_total({c: sum(apps[p][c] for p in parts) for c in PERSON_COLUMNS})
        outcome_codes = [c for c in outcome_codes if c not in parts] + ["other"]
    processed = {c: sum(apps[code][c] for code in outcome_codes) for c in PERSON_COLUMNS}
    apps["total_processed"] = _with_total(dict(processed))
    forward = {
        c: (rng.randint(0, 20) if c == "natural_person" else rng.choice([0, 0, 0, 1, 2])) for c in PERSON_COLUMNS
    }
    over = {c: rng.randint(0, processed[c] + forward[c]) if rng.random() < 0.5 else 0 for c in PERSON_COLUMNS}
    apps["carried_forward"] = _with_total(forward)
    apps["carried_over"] = _with_total(over)
    apps["new_received"] = _with_total({c: processed[c] + forward[c] - over[c] for c in PERSON_COLUMNS})
    return apps


def random_review_litigation(rng: random.Random) -> dict:
    out = {}
    for group in REVIEW_GROUPS:
        values = {m: (0 if rng.random() < 0.5 else rng.randint(0, 40)) for m in REVIEW_MEASURES[:-1]}
        values["total"] = sum(values.values())
        out[group] = values
    return out


def _amount(rng: random.Random) -> float:
    """Money in 万元 with 0, 2 or 4 decimals, exactly representable as the printed decimal text."""
    decimals = rng.choice([0, 2, 4])
    units = rng.randint(0, 500_000 * 10**decimals)
    return float(f"{units / 10**decimals:.{decimals}f}")


def random_proactive(era: str, rng: random.Random) -> dict:
    n = rng.randint
    if era == "2021":
        return {
            "rules": {"issued": n(0, 5), "repealed": n(0, 3), "in_force": n(0, 60)},
            "normative_documents": {"issued": n(0, 150), "repealed": n(0, 40), "in_force": n(0, 900)},
            "licensing": {"decisions": n(0, 500_000)},
            "penalties": {"decisions": n(0, 100_000)},
            "coercive_measures": {"decisions": n(0, 5_000)},
            "fees": {"fee_amount_10k_yuan": _amount(rng)},
        }

    def items(decisions: int) -> dict:
        return {"prev_year_items": n(0, 5000), "change": n(-700, 1100), "decisions": n(0, decisions)}

    new_published = n(0, 150)
    return {
        "rules": {"new_made": n(0, 5), "new_published": n(0, 5), "published_total": n(5, 60)},
        "normative_documents": {
            "new_made": n(0, 150),
            "new_published": new_published,
            "published_total": new_published + n(0, 900),
        },
        "licensing": items(500_000),
        "other_admin_services": items(800_000),
        "penalties": items(3_000_000),
        "coercive_measures": items(30_000),
        "fees": {"prev_year_items": n(0, 300), "change": n(-20, 20)},
        "procurement": {"procurement_items": n(0, 4000), "procurement_amount_10k_yuan": _amount(rng)},
    }


def random_report(era: str, rng: random.Random, *, organ: str | None = None, year: int | None = None) -> dict:
    if era not in ("2019", "2021", "pre2019"):
        raise ValueError(f"era must be '2019', '2021' or 'pre2019', not {era!r}")
    if year is None:
        year = {"2019": rng.choice([2019, 2020]), "2021": rng.randint(2021, 2025), "pre2019": rng.randint(2009, 2018)}[
            era
        ]
    organ = organ or rng.choice(PLACES) + rng.choice(BODIES)
    published = dt.date(year + 1, rng.randint(1, 3), rng.randint(1, 28)).isoformat()
    report = {
        "organ": organ,
        "year": year,
        "era": era,
        "script": "simplified",
        "publication_date": published,
        "narrative": {},
    }
    if era == "pre2019":
        # a 统计表 (with 历年累计, channels and sub-items) whose mapped figures are the contract's truth
        header, rows = random_statistics(rng, year)
        apps, review, narrative = contract_figures(rows)
        report.update(
            applications=apps,
            review_litigation=review,
            proactive=None,
            narrative=narrative,
            statistics_header=header,
            statistics_table=rows,
        )
    else:
        report.update(
            applications=random_applications(era, rng),
            review_litigation=random_review_litigation(rng),
            proactive=random_proactive(era, rng),
        )
    return report
