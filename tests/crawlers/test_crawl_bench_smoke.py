"""The crawler benchmark, small: the full run (2,000 documents) is ``benchmarks/crawl_bench.py``."""

from __future__ import annotations

import importlib.util
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "crawl_bench.py"


def test_benchmark_runs_and_recrawl_is_cheap(capsys):
    spec = importlib.util.spec_from_file_location("crawl_bench", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.main(["--reports", "60", "--json"]) == 0
    out = capsys.readouterr().out
    assert '"ok": true' in out
