"""The real chain on the five seeds: parsers → warehouse.staging loader → expectations (no dbt here: the lead's
end-to-end test covers dbt). Skipped while the parsers or the loader are not importable."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from expectations import validate

SEEDS = sorted((Path(__file__).resolve().parents[3] / "shared" / "seeds").glob("*.txt"))


@pytest.fixture
def parsed_seeds():
    parsers = pytest.importorskip("parsers")
    if not SEEDS or not hasattr(parsers, "parse_file"):
        pytest.skip("no seeds or no parsers.parse_file")
    return parsers, [(hashlib.sha256(p.read_bytes()).hexdigest(), parsers.parse_file(p)) for p in SEEDS]


def test_seeds_through_the_real_parser_and_loader(wh, parsed_seeds, tmp_path):
    staging = pytest.importorskip("warehouse.staging")
    parsers, items = parsed_seeds
    staging.load_reports(items, parsers.PARSER_VERSION, url=wh.url)

    summary = validate(wh.url, suites="staging", home=tmp_path, build_docs=False)  # raises on integrity

    by_organ = {}
    for row in summary.finding_rows():
        by_organ.setdefault(row["organ"], []).append(row["rule"])
    assert "宿迁市人民政府" not in by_organ, "seed 000 passes every rule"
    assert sorted(by_organ.get("淮北市人民政府办公室", [])) == ["narrative.other", "narrative.unavailable"]
