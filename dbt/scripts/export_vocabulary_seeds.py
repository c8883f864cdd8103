"""Write dbt's label seeds from parsers/vocabulary.py — the one place the project's labels live.

    python dbt/scripts/export_vocabulary_seeds.py           # (re)write dbt/seeds/<vocabulary seeds>.csv
    python dbt/scripts/export_vocabulary_seeds.py --check   # exit 1 if a seed differs from the vocabulary

Change a label in parsers/vocabulary.py, run this, commit both. tests/dbt/test_vocabulary_seeds.py fails
while they disagree. (organ_aliases.csv and regions.csv are not vocabulary: they are edited by hand.)
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from pathlib import Path

SEEDS_DIR = Path(__file__).resolve().parents[1] / "seeds"
REPO = Path(__file__).resolve().parents[2]

# table 三 rows that are outcomes (the rest are the flow: received, carried over, processed, carried forward)
OUTCOME_GROUPS = ("granted", "partially_granted", "denied", "unavailable", "rejected", "other")
UNITS = {"10k_yuan": "万元", "signed": "±", None: ""}


def _vocabulary():
    sys.path.insert(0, str(REPO))
    from parsers import vocabulary

    return vocabulary


def _without_numbering(label: str) -> str:
    """（三）不予公开 → 不予公开: a category's name without its place in the table."""
    return re.sub(r"^[（(][一二三四五六七八九十]+[）)]", "", label)


def _csv(header: list[str], rows: list[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["true" if v is True else "false" if v is False else "" if v is None else v for v in row])
    return out.getvalue()


def applicant_types(v) -> str:
    rows = []
    for col in v.APPLICANT_COLUMNS:
        if col.code == "total":
            group = ("total", col.zh, col.en)
        elif col.parent_zh:
            group = ("legal_person", col.parent_zh, col.parent_en)
        else:
            group = (col.code, col.zh, col.en)
        rows.append([col.code, col.zh, col.en, *group, col.code == "total", col.sort])
    return _csv(
        [
            "applicant_type_code",
            "label_zh",
            "label_en",
            "group_code",
            "group_label_zh",
            "group_label_en",
            "is_total",
            "sort_order",
        ],
        rows,
    )


def outcomes(v) -> str:
    by_code = {row.code: row for row in v.APPLICATION_ROWS}
    rows = []
    for row in sorted(v.APPLICATION_ROWS, key=lambda r: r.sort):
        if row.group not in OUTCOME_GROUPS:
            continue
        category = by_code[row.group]
        level = "category" if row.code == row.group else "reason"
        rows.append(
            [
                row.code,
                level,
                row.group,
                row.zh,
                row.en,
                _without_numbering(category.zh),
                category.en.replace(" (group total)", ""),
                "pre2019" in row.eras,
                "2019" in row.eras,
                "2021" in row.eras,
                row.sort,
            ]
        )
    return _csv(
        [
            "outcome_code",
            "outcome_level",
            "category_code",
            "label_zh",
            "label_en",
            "category_label_zh",
            "category_label_en",
            "in_pre2019",
            "in_2019",
            "in_2021",
            "sort_order",
        ],
        rows,
    )


def disclosure_items(v) -> str:
    rows: dict[tuple[str, str], list] = {}
    for item in v.PROACTIVE_ITEMS:
        for position, measure in enumerate(v.PROACTIVE_MEASURES):
            if item.block not in measure.blocks or measure.era not in item.eras:
                continue
            key = (item.code, measure.code)
            if key not in rows:  # a measure named differently per era keeps its first (2019) label
                rows[key] = [
                    item.code,
                    measure.code,
                    f"第二十条第{item.block}项",
                    item.zh,
                    item.en,
                    measure.zh,
                    measure.en,
                    UNITS.get(measure.unit, measure.unit),
                    False,
                    False,
                    item.sort * 100 + position,
                ]
            rows[key][8 if measure.era == "2019" else 9] = True
    return _csv(
        [
            "item_code",
            "measure_code",
            "block_zh",
            "item_label_zh",
            "item_label_en",
            "measure_label_zh",
            "measure_label_en",
            "unit",
            "in_2019",
            "in_2021",
            "sort_order",
        ],
        list(rows.values()),
    )


def review_litigation_measures(v) -> str:
    rows = [
        [
            group.code,
            measure.code,
            group.zh,
            group.en,
            measure.zh,
            measure.en,
            (group.sort - 1) * len(v.REVIEW_MEASURES) + measure.sort,
        ]
        for group in v.REVIEW_GROUPS
        for measure in v.REVIEW_MEASURES
    ]
    return _csv(
        [
            "group_code",
            "measure_code",
            "group_label_zh",
            "group_label_en",
            "measure_label_zh",
            "measure_label_en",
            "sort_order",
        ],
        rows,
    )


def generate() -> dict[str, str]:
    """{seed file name: CSV text} as the vocabulary says they should be."""
    v = _vocabulary()
    return {
        "applicant_types.csv": applicant_types(v),
        "outcomes.csv": outcomes(v),
        "disclosure_items.csv": disclosure_items(v),
        "review_litigation_measures.csv": review_litigation_measures(v),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 when a seed is out of date")
    args = parser.parse_args()
    stale = []
    for name, text in generate().items():
        path = SEEDS_DIR / name
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(name)
        if not args.check:
            path.write_text(text, encoding="utf-8")
    verb = "out of date" if args.check else "written"
    print(f"{verb}: {', '.join(stale)}" if stale else "seeds match parsers/vocabulary.py")
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    raise SystemExit(main())
