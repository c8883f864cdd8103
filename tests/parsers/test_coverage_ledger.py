"""Regression ledger: per shape, how many figures the parser reads and how many it leaves null.

Shapes are the real reports of ../shared/real-reports (their hand-read key figures, truth.csv) and every
reportgen shape (documents, text shapes, lossy shapes) of every era over a fixed set of seeds. For each:

- a figure that disagrees with the truth fails at once (a wrong number is never acceptable);
- a null count higher than the ledger's fails: coverage can only go up;
- a lower null count passes and says the ledger can be tightened. Rewrite it with
  `NIANBAO_UPDATE_LEDGER=1 .venv/bin/python -m pytest tests/parsers/test_coverage_ledger.py` and commit
  tests/fixtures/coverage_ledger.json with the parser change that earned it.
"""

from __future__ import annotations

import csv
import functools
import json
import os
import random
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import reportgen

LEDGER_PATH = Path(__file__).resolve().parents[1] / "fixtures" / "coverage_ledger.json"
REAL_DIR = Path(__file__).resolve().parents[3] / "shared" / "real-reports"
UPDATE = os.environ.get("NIANBAO_UPDATE_LEDGER") == "1"

ERAS = ("2019", "2021", "pre2019")
SEEDS = (0, 1, 2, 3)
SLOW_SEEDS = (0, 1)  # .docx rendering takes seconds per report
TABLES = ("applications", "review_litigation", "proactive")

DOCUMENTS = {
    "html": lambda r: (reportgen.render_html(r).encode("utf-8"), "report.html"),
    "html_bare": lambda r: (
        reportgen.render_html(r, chrome=False).encode("utf-8"),
        "report.html",
    ),
    "docx": lambda r: (reportgen.render_docx(r), "report.docx"),
    "pdf": lambda r: (reportgen.render_pdf(r), "report.pdf"),
}
for _shape in reportgen.TEXT_SHAPES:
    DOCUMENTS[_shape] = lambda r, s=_shape: (
        reportgen.render_text(r, s).encode("utf-8"),
        "report.txt",
    )
for _shape in reportgen.FLAT_SHAPES:
    _name = "report.txt" if _shape == "one_line" else "report.md"
    DOCUMENTS[_shape] = lambda r, s=_shape, n=_name: (
        reportgen.render_flat(r, s).encode("utf-8"),
        n,
    )

# truth.csv column → the figure it is, by era (README of real-reports; pre-2019 mapping: parsers/README.md)
REAL_COLUMNS = {
    "modern": {
        "new_apps_total": "applications.new_received.total",
        "carried_over": "applications.carried_over.total",
        "results_total": "applications.total_processed.total",
        "carried_forward": "applications.carried_forward.total",
        "granted_total": "applications.granted.total",
        "partial_total": "applications.partially_granted.total",
        "review_total": "review_litigation.review.total",
        "litigation_direct_total": "review_litigation.litigation_direct.total",
        "litigation_after_review_total": "review_litigation.litigation_after_review.total",
    },
    "pre2019": {
        "new_apps_total": "applications.new_received.total",
        "results_total": "applications.total_processed.total",
        "granted_total": "applications.granted.total",
        "partial_total": "applications.partially_granted.total",
        "review_total": "review_litigation.review.total",
        "litigation_total": "narrative.litigation_total",
    },
}


@dataclass
class Tally:
    figures: int = 0
    read: int = 0
    null: int = 0
    wrong: list[str] = field(default_factory=list)

    def add(self, key: str, truth, parsed) -> None:
        self.figures += 1
        if parsed is None:
            self.null += 1
        elif abs(float(parsed) - float(truth)) < 1e-9:
            self.read += 1
        else:
            self.wrong.append(f"{key}: parsed {parsed!r}, truth {truth!r}")

    def as_ledger(self) -> dict:
        return {
            "figures": self.figures,
            "read": self.read,
            "null": self.null,
            "wrong": len(self.wrong),
        }


def value_at(report: dict, key: str):
    """`applications.granted.total` / `narrative.litigation_total` in a parsed report (None if absent)."""
    node = report
    for part in key.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def _flat_cells(report: dict) -> dict[str, object]:
    out = {}
    for table in TABLES:
        for row, columns in (report.get(table) or {}).items():
            for col, value in (columns or {}).items():
                out[f"{table}.{row}.{col}"] = value
    for key, value in (report.get("narrative") or {}).items():
        out[f"narrative.{key}"] = value
    return out


def real_rows() -> dict[str, dict]:
    """`real/<file>` → its truth.csv row; the PDF of 14 shares the row of its text export."""
    if not (REAL_DIR / "truth.csv").is_file():
        return {}
    with open(REAL_DIR / "truth.csv", encoding="utf-8", newline="") as handle:
        rows = {row["file"]: row for row in csv.DictReader(handle)}
    for name in list(rows):
        pdf = Path(name).with_suffix(".pdf").name
        if name.endswith(".txt") and (REAL_DIR / pdf).is_file():
            rows[pdf] = rows[name]
    return {f"real/{name}": row for name, row in sorted(rows.items())}


def generated_shapes() -> list[str]:
    return [f"generated/{shape}/{era}" for shape in DOCUMENTS for era in ERAS]


@functools.cache
def measure(shape: str) -> Tally:
    from parsers import parse_bytes, parse_file

    tally = Tally()
    if shape.startswith("real/"):
        row = real_rows()[shape]
        parsed = parse_file(REAL_DIR / shape.removeprefix("real/"))
        columns = REAL_COLUMNS["pre2019" if row["format_era"] == "pre2019" else "modern"]
        for column, key in columns.items():
            if row[column].strip():
                tally.add(key, float(row[column]), value_at(parsed, key))
        return tally
    _, kind, era = shape.split("/")
    for seed in SLOW_SEEDS if kind == "docx" else SEEDS:
        truth = reportgen.random_report(era, random.Random(seed))
        data, filename = DOCUMENTS[kind](truth)
        got = _flat_cells(parse_bytes(data, filename=filename))
        want = _flat_cells(truth)
        for key, value in want.items():
            tally.add(f"seed {seed} {key}", value, got.get(key))
        for key, value in got.items():
            if key not in want and value is not None and not key.startswith("narrative."):
                tally.wrong.append(f"seed {seed} {key}: parsed {value!r}, the source prints no such figure")
    return tally


def measured_shapes() -> list[str]:
    return list(real_rows()) + generated_shapes()


def load_ledger() -> dict:
    if not LEDGER_PATH.is_file():
        return {}
    return json.loads(LEDGER_PATH.read_text(encoding="utf-8"))


def ledger_json(ledger: dict) -> str:
    """One shape per line, so a diff of the ledger shows which shapes moved."""
    head = {k: v for k, v in ledger.items() if k != "shapes"}
    lines = [f" {json.dumps(k, ensure_ascii=False)}: {json.dumps(v, ensure_ascii=False)}," for k, v in head.items()]
    shapes = [f"  {json.dumps(k, ensure_ascii=False)}: {json.dumps(v)}" for k, v in ledger["shapes"].items()]
    return "{\n" + "\n".join(lines) + '\n "shapes": {\n' + ",\n".join(shapes) + "\n }\n}\n"


@pytest.mark.parametrize("shape", measured_shapes())
def test_no_wrong_figure_and_no_more_nulls_than_the_ledger(shape):
    tally = measure(shape)
    assert not tally.wrong, f"{shape}: {len(tally.wrong)} WRONG figures:\n" + "\n".join(tally.wrong[:30])
    if UPDATE:
        return  # test_ledger_is_complete rewrites the ledger
    recorded = load_ledger().get("shapes", {}).get(shape)
    assert recorded is not None, f"{shape} is not in the ledger: run with NIANBAO_UPDATE_LEDGER=1"
    assert tally.figures == recorded["figures"], (
        f"{shape}: {tally.figures} figures measured, the ledger has {recorded['figures']} "
        "(reportgen, the seeds or truth.csv changed): run with NIANBAO_UPDATE_LEDGER=1"
    )
    assert tally.null <= recorded["null"], (
        f"{shape}: {tally.null} of {tally.figures} figures null, the ledger allows {recorded['null']}: "
        "coverage went down"
    )
    if tally.null < recorded["null"]:
        message = (
            f"{shape}: {tally.null} null (ledger {recorded['null']}): the ledger can be tightened "
            "(NIANBAO_UPDATE_LEDGER=1)"
        )
        print(message)
        warnings.warn(message, stacklevel=1)


def test_ledger_is_complete():
    """The ledger lists every measured shape and nothing else; NIANBAO_UPDATE_LEDGER=1 rewrites it."""
    shapes = measured_shapes()
    if UPDATE:
        ledger = {
            "about": "figures read / null per shape; written by tests/parsers/test_coverage_ledger.py "
            "(NIANBAO_UPDATE_LEDGER=1). Null counts may only go down.",
            "seeds": list(SEEDS),
            "slow_seeds": list(SLOW_SEEDS),
            "shapes": {shape: measure(shape).as_ledger() for shape in shapes},
        }
        # without the shared folder, keep the real reports' entries measured where it is
        if not real_rows():
            old = load_ledger().get("shapes", {})
            ledger["shapes"].update({k: v for k, v in old.items() if k.startswith("real/")})
        LEDGER_PATH.write_text(ledger_json(ledger), encoding="utf-8")
        return
    ledger = load_ledger()
    assert ledger, f"{LEDGER_PATH} is missing: run with NIANBAO_UPDATE_LEDGER=1"
    assert (ledger.get("seeds"), ledger.get("slow_seeds")) == (
        list(SEEDS),
        list(SLOW_SEEDS),
    ), "the seeds changed: run with NIANBAO_UPDATE_LEDGER=1"
    recorded = set(ledger["shapes"])
    if not real_rows():  # without the shared folder the real reports are not measured
        recorded = {s for s in recorded if not s.startswith("real/")}
    assert recorded == set(shapes), (
        f"not measured any more: {sorted(recorded - set(shapes))}; not in the ledger: "
        f"{sorted(set(shapes) - recorded)}: run with NIANBAO_UPDATE_LEDGER=1"
    )
