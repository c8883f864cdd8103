"""The vocabulary seeds and the `eras` var are what parsers/vocabulary.py says (codes, eras and labels live in
one place)."""

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


def test_the_eras_var_matches_the_vocabulary():
    exporter = load_exporter()
    project = (DBT_DIR / "dbt_project.yml").read_text(encoding="utf-8")
    assert exporter.project_file(project) == project, (
        "dbt/dbt_project.yml's `eras` var is out of date: run `python dbt/scripts/export_vocabulary_seeds.py`"
    )


def test_a_stale_seed_or_var_fails_the_check(tmp_path):
    import shutil
    import subprocess
    import sys

    copy = tmp_path / "dbt"
    shutil.copytree(DBT_DIR, copy, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages"))
    script = [sys.executable, str(DBT_DIR / "scripts" / "export_vocabulary_seeds.py"), "--project-dir", str(copy)]
    assert subprocess.run([*script, "--check"], check=False, capture_output=True, timeout=120).returncode == 0
    (copy / "seeds" / "outcome_eras.csv").write_text("outcome_code,era_code\ngranted,2019\n", encoding="utf-8")
    project = copy / "dbt_project.yml"
    project.write_text(project.read_text(encoding="utf-8").replace('"unknown"]', '"2027", "unknown"]'))
    check = subprocess.run([*script, "--check"], check=False, capture_output=True, text=True, timeout=120)
    assert check.returncode == 1
    assert "seeds/outcome_eras.csv" in check.stdout and "dbt_project.yml" in check.stdout
    assert subprocess.run(script, check=False, capture_output=True, timeout=120).returncode == 0
    assert subprocess.run([*script, "--check"], check=False, capture_output=True, timeout=120).returncode == 0


def test_which_era_prints_what_is_long_form():
    """One row per (member, era): a new era is new rows, never a new column."""
    import csv
    import io

    seeds = load_exporter().generate()
    for name in seeds:
        header = next(csv.reader(io.StringIO(seeds[name])))
        assert not [column for column in header if column.startswith("in_")], (name, header)
    eras = [row["era_code"] for row in csv.DictReader(io.StringIO(seeds["eras.csv"]))]
    assert eras == ["pre2019", "2019", "2021"]
    printed = {(r["outcome_code"], r["era_code"]) for r in csv.DictReader(io.StringIO(seeds["outcome_eras.csv"]))}
    assert ("other_misc", "2021") in printed and ("other_misc", "2019") not in printed
    assert {("denied", era) for era in eras} <= printed
    labels = {
        (r["item_code"], r["measure_code"], r["era_code"]): r["measure_label_zh"]
        for r in csv.DictReader(io.StringIO(seeds["disclosure_item_eras.csv"]))
    }
    assert labels[("licensing", "decisions", "2019")] == "处理决定数量"
    assert labels[("licensing", "decisions", "2021")] == "本年处理决定数量"
    assert not [key for key in labels if key[0] == "procurement" and key[2] == "2021"]


def test_every_outcome_has_a_category_and_both_labels():
    exporter = load_exporter()
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(exporter.generate()["outcomes.csv"])))
    codes = {row["outcome_code"] for row in rows}
    assert {row["category_code"] for row in rows} <= codes
    assert all(row["label_zh"] and row["label_en"] for row in rows)
