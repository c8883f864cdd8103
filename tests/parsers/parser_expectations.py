"""Shared helpers for the parser tests: schema validation, seed paths and expected seed tables (read from the seeds by hand)."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest

from parsers import parse_bytes, schema

SEEDS = Path("/work/shared/seeds")
COLS = ["natural_person", "commercial", "research", "social_org", "legal_service", "other_org", "total"]
_VALIDATOR = jsonschema.Draft202012Validator(schema())


def check_schema(report: dict) -> dict:
    """The report validates against parsers/report.schema.json and every number in it is traceable."""
    errors = sorted(_VALIDATOR.iter_errors(report), key=str)
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    assert_traceable(report)
    return report


def assert_traceable(report: dict) -> None:
    """Every number given was read (a provenance entry) or derived (a derived_value problem naming it)."""
    derived = {p.get("field") for p in report["problems"] if p["code"] == "derived_value"}
    for table in ("applications", "review_litigation", "proactive"):
        for row, cols in (report[table] or {}).items():
            for col, value in cols.items():
                field = f"{table}.{row}.{col}"
                if value is not None:
                    assert field in report["provenance"] or field in derived or f"{table}.{row}" in derived, field
    for key, value in report["narrative"].items():
        if value is not None:
            assert f"narrative.{key}" in report["provenance"], key


def parse(data: bytes | str, filename: str = "doc.txt", **kw) -> dict:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return check_schema(parse_bytes(data, filename=filename, **kw))


def seed_path(prefix: str) -> Path:
    return next(SEEDS.glob(f"{prefix}_*.txt"))


def rows(table: dict[str, list]) -> dict[str, dict]:
    """{'row': [np, com, res, soc, legal, other, total]} → {'row': {col: v}}."""
    return {row: dict(zip(COLS, values)) for row, values in table.items()}


Z = [0, 0, 0, 0, 0, 0, 0]

# Table 三 of seed 000 (宿迁市人民政府 2020), read cell by cell from the seed file.
SEED_000_APPLICATIONS = rows(
    {
        "new_received": [1016, 35, 5, 3, 1, 2, 1062],
        "carried_over": [11, 0, 0, 0, 0, 0, 11],
        "granted": [480, 15, 4, 3, 0, 2, 504],
        "partially_granted": [47, 1, 1, 0, 0, 0, 49],
        "denied_state_secret": [13, 0, 0, 0, 0, 0, 13],
        "denied_law_prohibited": [4, 0, 0, 0, 0, 0, 4],
        "denied_security_stability": Z,
        "denied_third_party": Z,
        "denied_internal_affairs": [7, 0, 0, 0, 0, 0, 7],
        "denied_process_info": [5, 0, 0, 0, 0, 0, 5],
        "denied_enforcement_file": [1, 0, 0, 0, 0, 0, 1],
        "denied_admin_query": [5, 1, 0, 0, 0, 0, 6],
        "unavailable_not_held": [314, 16, 0, 0, 0, 0, 330],
        "unavailable_needs_creation": [5, 0, 0, 0, 0, 0, 5],
        "unavailable_unclear": [4, 0, 0, 0, 0, 0, 4],
        "rejected_petition": [18, 0, 0, 0, 1, 0, 19],
        "rejected_duplicate": [11, 0, 0, 0, 0, 0, 11],
        "rejected_publication": Z,
        "rejected_excessive": Z,
        "rejected_confirmation": [1, 0, 0, 0, 0, 0, 1],
        "other": [101, 2, 0, 0, 0, 0, 103],
        "total_processed": [1016, 35, 5, 3, 1, 2, 1062],
        "carried_forward": [11, 0, 0, 0, 0, 0, 11],
    }
)
SEED_000_REVIEW = {
    "review": {"upheld": 9, "corrected": 10, "other": 11, "pending": 4, "total": 34},
    "litigation_direct": {"upheld": 3, "corrected": 5, "other": 7, "pending": 8, "total": 23},
    "litigation_after_review": {"upheld": 1, "corrected": 0, "other": 0, "pending": 0, "total": 1},
}
SEED_000_PROACTIVE = {
    "rules": {"new_made": 1, "new_published": 1, "published_total": 3},
    "normative_documents": {"new_made": 117, "new_published": 117, "published_total": 841},
    "licensing": {"prev_year_items": 4020, "change": 1036, "decisions": 474339},
    "other_admin_services": {"prev_year_items": 4241, "change": -653, "decisions": 747594},
    "penalties": {"prev_year_items": 28702, "change": 461, "decisions": 3286513},
    "coercive_measures": {"prev_year_items": 1485, "change": 14, "decisions": 25970},
    "fees": {"prev_year_items": 240, "change": 4},
    "procurement": {"procurement_items": 3611, "procurement_amount_10k_yuan": 372718.4969},
}


def single_column(values: dict[str, int]) -> dict[str, dict]:
    """Rows where only 自然人 and 总计 are non-zero (seeds 002, 003)."""
    return rows({row: [v, 0, 0, 0, 0, 0, v] for row, v in values.items()})


ALL_LEAVES = [
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
]
_002 = dict.fromkeys(ALL_LEAVES, 0) | {
    "new_received": 23,
    "carried_over": 2,
    "granted": 21,
    "denied_admin_query": 2,
    "total_processed": 23,
    "carried_forward": 2,
}
SEED_002_APPLICATIONS = single_column(_002)
_003 = dict.fromkeys(ALL_LEAVES, 0) | {
    "new_received": 36,
    "carried_over": 0,
    "granted": 10,
    "partially_granted": 1,
    "unavailable_not_held": 24,
    "other": 1,
    "total_processed": 36,
    "carried_forward": 0,
}
SEED_003_APPLICATIONS = single_column(_003)
ZERO_REVIEW = {
    g: dict.fromkeys(["upheld", "corrected", "other", "pending", "total"], 0)
    for g in ("review", "litigation_direct", "litigation_after_review")
}


@pytest.fixture
def seed_text():
    def read(prefix: str) -> str:
        return seed_path(prefix).read_text(encoding="utf-8")

    return read
