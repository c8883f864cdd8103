"""The label seeds are what parsers/vocabulary.py says (labels live in one place)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

# not `from conftest import DBT_DIR`: with several test folders in one run, `conftest` may be another's
DBT_DIR = Path(__file__).resolve().parents[2] / "dbt"


def load_exporter():
    spec = importlib.util.spec_from_file_location(
        "export_vocabulary_seeds", DBT_DIR / "scripts" / "export_vocabulary_seeds.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_seeds_match_the_vocabulary():
    exporter = load_exporter()
    for name, text in exporter.generate().items():
        assert (DBT_DIR / "seeds" / name).read_text(encoding="utf-8") == text, (
            f"dbt/seeds/{name} is out of date: run `python dbt/scripts/export_vocabulary_seeds.py`"
        )


def test_every_outcome_has_a_category_and_both_labels():
    exporter = load_exporter()
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(exporter.generate()["outcomes.csv"])))
    codes = {row["outcome_code"] for row in rows}
    assert {row["category_code"] for row in rows} <= codes
    assert all(row["label_zh"] and row["label_en"] for row in rows)
