"""Write dbt's vocabulary seeds and its `eras` var from parsers/vocabulary.py — the one place codes, eras and
labels live.

    python dbt/scripts/export_vocabulary_seeds.py           # (re)write the seeds and the var
    python dbt/scripts/export_vocabulary_seeds.py --check   # exit 1 if a seed or the var differs
    python dbt/scripts/export_vocabulary_seeds.py --project-dir DIR   # another copy of the dbt project

Change parsers/vocabulary.py, run this, commit both. tests/dbt/test_vocabulary_seeds.py fails while they
disagree. Seeds are long form: which era prints what is one row per (member, era) — `outcome_eras`,
`disclosure_item_eras` — so a new era is new rows, never a new column. (organ_aliases.csv and regions.csv are
not vocabulary: they are edited by hand.)
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
from pathlib import Path

DBT_DIR = Path(__file__).resolve().parents[1]
REPO = Path(__file__).resolve().parents[2]
# the line of dbt_project.yml that carries the Report's eras (for accepted_values tests)
ERAS_VAR = re.compile(r"^  eras: .*$", re.MULTILINE)
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


def eras(v) -> str:
    return _csv(
        ["era_code", "label_zh", "label_en", "first_year", "document_zh", "document_en", "sort_order"],
        [
            [e.code, e.zh, e.en, e.first_year, e.document_zh, e.document_en, position]
            for position, e in enumerate(v.ERA_RECORDS, start=1)
        ],
    )


def _outcome_rows(v) -> list:
    return [row for row in sorted(v.APPLICATION_ROWS, key=lambda r: r.sort) if row.group in v.OUTCOME_GROUPS]


def outcomes(v) -> str:
    by_code = {row.code: row for row in v.APPLICATION_ROWS}
    rows = []
    for row in _outcome_rows(v):
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
            "sort_order",
        ],
        rows,
    )


def outcome_eras(v) -> str:
    """One row per (outcome, era that prints it)."""
    return _csv(["outcome_code", "era_code"], [[row.code, era] for row in _outcome_rows(v) for era in row.eras])


def _disclosure_pairs(v) -> dict[tuple[str, str], list]:
    """{(item, measure): [(era, measure record), …]} over the eras that print the item and the measure."""
    pairs: dict[tuple[str, str], list] = {}
    for item in v.PROACTIVE_ITEMS:
        for era in item.eras:
            for measure in v.proactive_measures_of(era, item):
                pairs.setdefault((item.code, measure.code), []).append((era, measure))
    return pairs


def disclosure_items(v) -> str:
    items = {item.code: item for item in v.PROACTIVE_ITEMS}
    position: dict[str, int] = {}
    for n, measure in enumerate(v.PROACTIVE_MEASURES):
        position.setdefault(measure.code, n)
    rows = []
    for (item_code, _measure_code), printed in _disclosure_pairs(v).items():
        item, (_, measure) = items[item_code], printed[0]  # a measure named differently per era: its first label
        rows.append(
            [
                item.code,
                measure.code,
                f"第二十条第{item.block}项",
                item.zh,
                item.en,
                measure.zh,
                measure.en,
                UNITS.get(measure.unit, measure.unit),
                item.sort * 100 + position[measure.code],
            ]
        )
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
            "sort_order",
        ],
        sorted(rows, key=lambda r: r[-1]),
    )


def disclosure_item_eras(v) -> str:
    """One row per (item, measure, era that prints it), with the measure's label in that era."""
    rows = [
        [item_code, measure_code, era, measure.zh, measure.en]
        for (item_code, measure_code), printed in _disclosure_pairs(v).items()
        for era, measure in printed
    ]
    return _csv(["item_code", "measure_code", "era_code", "measure_label_zh", "measure_label_en"], rows)


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
        "eras.csv": eras(v),
        "applicant_types.csv": applicant_types(v),
        "outcomes.csv": outcomes(v),
        "outcome_eras.csv": outcome_eras(v),
        "disclosure_items.csv": disclosure_items(v),
        "disclosure_item_eras.csv": disclosure_item_eras(v),
        "review_litigation_measures.csv": review_litigation_measures(v),
    }


def project_file(current: str) -> str:
    """dbt_project.yml with its `eras` var as the vocabulary says (the Report's eras, `unknown` included)."""
    v = _vocabulary()
    line = f"  eras: {json.dumps(list(v.REPORT_ERAS))}"
    if not ERAS_VAR.search(current):
        raise SystemExit("dbt_project.yml has no `  eras: [...]` line under vars")
    return ERAS_VAR.sub(line, current, count=1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 when a seed is out of date")
    parser.add_argument("--project-dir", type=Path, default=DBT_DIR, help="the dbt project (default: %(default)s)")
    args = parser.parse_args()
    wanted = {Path("seeds") / name: text for name, text in generate().items()}
    project = args.project_dir / "dbt_project.yml"
    wanted[Path("dbt_project.yml")] = project_file(project.read_text(encoding="utf-8"))
    stale = []
    for name, text in wanted.items():
        path = args.project_dir / name
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(str(name))
        if not args.check:
            path.write_text(text, encoding="utf-8")
    verb = "out of date" if args.check else "written"
    print(f"{verb}: {', '.join(stale)}" if stale else "seeds and vars match parsers/vocabulary.py")
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    raise SystemExit(main())
