"""The `nianbao` command as a user runs it: a real subprocess, real files."""

from __future__ import annotations

import json
import os
import socket
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
    for command in ("run", "crawl", "parse", "load", "build", "validate", "export", "db", "airflow"):
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


# --------------------------------------------------------------------------------------------- errors a person can act on


def one_line_error(result: subprocess.CompletedProcess) -> str:
    """The command failed with exactly one line on stderr, no traceback; that line."""
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and "Traceback" not in result.stderr
    return lines[0]


@pytest.mark.parametrize("years", ["20x", "2019-20x", "1999", "2021-2019", "2020,,2021"])
def test_bad_years(years):
    result = run("crawl", "--portal", "sample", "--no-warehouse", "--output", "/nonexistent", "--years", years)
    line = one_line_error(result)
    assert result.returncode == 2
    assert "--years" in line and "2018-2021" in line  # what is wrong, and what a good value looks like


def test_export_into_a_file(tmp_path):
    a_file = tmp_path / "export.csv"
    a_file.write_text("x")
    line = one_line_error(run("export", "--out", str(a_file)))
    assert f"{a_file} is a file" in line and "directory" in line


@pytest.mark.parametrize(("option", "value"), [("--format", "docx"), ("--headers", "fr")])
def test_export_unknown_choice(option, value):
    line = one_line_error(run("export", option, value))
    assert option in line and repr(value) in line and "choose one of" in line


def test_malformed_warehouse_url():
    result = run("summary", env={**os.environ, "NIANBAO_DATABASE_URL": "not a url"})
    line = one_line_error(result)
    assert "NIANBAO_DATABASE_URL is not a PostgreSQL URL" in line and "postgresql://" in line


def test_unreachable_warehouse():
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"postgresql://nianbao:secret@127.0.0.1:{port}/nianbao"
    result = run("summary", env={**os.environ, "NIANBAO_DATABASE_URL": url})
    line = one_line_error(result)
    assert f"127.0.0.1:{port}" in line and "NIANBAO_DATABASE_URL" in line
    assert "secret" not in result.stderr + result.stdout


def test_unknown_command_and_option():
    assert "No such command" in one_line_error(run("nosuch"))
    assert "--bogus" in one_line_error(run("export", "--bogus"))


def test_debug_shows_the_traceback():
    env = {**os.environ, "NIANBAO_DATABASE_URL": "not a url"}
    result = run("--debug", "summary", env=env)
    assert result.returncode != 0
    assert "Traceback (most recent call last)" in result.stderr
