"""The `nianbao` command as a user runs it: a real subprocess, real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
NIANBAO = [sys.executable, "-m", "nianbao.cli"]


def run(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([*NIANBAO, *args], capture_output=True, text=True, timeout=300, check=False, **kwargs)


def test_help_lists_every_step():
    result = run("--help")
    assert result.returncode == 0
    for command in ("run", "crawl", "parse", "load", "build", "validate", "export", "db"):
        assert command in result.stdout


@pytest.mark.skipif(not SEEDS.exists(), reason="shared/seeds is not beside this checkout")
def test_parse_prints_json_lines_in_order():
    seeds = sorted(SEEDS.glob("*.txt"))
    result = run("parse", *map(str, seeds))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == len(seeds)
    reports = [json.loads(line) for line in lines]
    assert [Path(r["source"]["path"]).name for r in reports] == [s.name for s in seeds]
    assert reports[0]["organ"] == "宿迁市人民政府" and reports[0]["year"] == 2020


def test_parse_unreadable_file_is_reported_and_the_rest_still_parsed(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(
        "宿迁市2020年政府信息公开工作年度报告\n宿迁市人民政府\n本年新收政府信息公开申请数量 5 件。\n", encoding="utf-8"
    )
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n1 0 obj <<")  # a truncated PDF
    missing = tmp_path / "missing.docx"
    result = run("parse", str(broken), str(good), str(missing))
    assert result.returncode != 0
    reports = [json.loads(line) for line in result.stdout.strip().splitlines()]
    assert len(reports) == 3
    assert any(p["severity"] == "error" for p in reports[0]["problems"])
    assert "broken.pdf" in json.dumps(reports[0], ensure_ascii=False)
    assert reports[1]["year"] == 2020
    assert any(p["severity"] == "error" for p in reports[2]["problems"])


def test_parse_pretty_is_indented(tmp_path):
    good = tmp_path / "r.txt"
    good.write_text("宿迁市2020年政府信息公开工作年度报告\n", encoding="utf-8")
    result = run("parse", "--pretty", str(good))
    assert result.returncode == 0
    assert "\n  " in result.stdout
