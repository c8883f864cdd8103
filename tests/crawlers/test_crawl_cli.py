"""The crawl command (mounted by the project CLI as ``nianbao crawl``)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from crawlers.cli import app
from sample_portal import serve


def test_crawl_command_writes_a_manifest(tmp_path, monkeypatch):
    with serve() as url:
        monkeypatch.setenv("NIANBAO_SAMPLE_PORTAL_URL", url)
        result = CliRunner().invoke(app, ["crawl", "--portal", "sample", "--output", str(tmp_path),
                                          "--no-warehouse", "--no-throttle"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in (tmp_path / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 5


def test_unknown_portal_is_a_usage_error():
    result = CliRunner().invoke(app, ["crawl", "--portal", "nowhere", "--output", "/tmp/x", "--no-warehouse"])
    assert result.exit_code != 0
