"""``findings.html`` beside GX's data docs: the failing reports of the last run, with their numbers.

GX's own pages show, for an ``UnexpectedRowsExpectation``, how many rows failed but not which; this page lists
them (report, organ, year, the contract's check name and the figures compared) under each rule's severity and
zh/en explanation. GX's ``index.html`` gets a link to it. Plain HTML, no scripts, rewritten every run.
"""

from __future__ import annotations

import html
from pathlib import Path

from expectations.results import RuleResult, ValidationSummary

PAGE = "findings.html"
_LINK_MARK = "<!-- nianbao-findings-link -->"

_STYLE = """
body { font-family: system-ui, "Noto Sans CJK SC", sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; }
th { background: #f3f3f3; }
.error { color: #b00020; } .warning { color: #9a6700; } .ok { color: #1a7f37; }
.note { color: #555; }
"""


def _rows_table(rows: list[dict]) -> str:
    if not rows:
        return ""
    columns: list[str] = []
    for row in rows:
        columns += [c for c in row if c not in columns]
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>"
        + "".join(f"<td>{html.escape('' if row.get(c) is None else str(row.get(c)))}</td>" for c in columns)
        + "</tr>"
        for row in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _rule_section(r: RuleResult) -> str:
    shown = len(r.examples)
    more = f" (first {shown} shown)" if r.failed_rows > shown else ""
    what = html.escape(r.error) if r.error else f"{r.failed_rows} failing row(s){more}"
    return (
        f'<h3 class="{html.escape(r.severity)}">[{html.escape(r.severity)}] {html.escape(r.rule)}'
        f" <small>on {html.escape(r.table)}</small></h3>"
        f"<p>{html.escape(r.zh)}<br>{html.escape(r.en)}</p><p>{what}</p>{_rows_table(r.examples)}"
    )


def render(summary: ValidationSummary) -> str:
    parts = [
        "<!DOCTYPE html><html lang='zh'><head><meta charset='utf-8'>",
        f"<title>nianbao findings {html.escape(summary.run_id)}</title><style>{_STYLE}</style></head><body>",
        "<h1>nianbao — validation findings / 校验发现</h1>",
        (
            f"<p class='note'>Run {html.escape(summary.run_id)} at {summary.run_at:%Y-%m-%d %H:%M:%S} UTC. "
            "Integrity errors stop the pipeline; balance-rule findings never do, and never remove a report. "
            "完整性错误会中止流水线；勾稽关系问题只记录，不会删除报告。 <a href='index.html'>GX data docs</a></p>"
        ),
        "<table><tr><th>suite</th><th>state</th><th>rules evaluated</th><th>failed</th>"
        "<th>rows checked / 校验范围</th></tr>",
    ]
    for s in summary.suites:
        if s.skipped:
            state = f"skipped: {html.escape(s.skipped)}"
        else:
            state = "ok" if s.success else ("FAILED" if s.kind == "integrity" else "findings")
        css = "ok" if s.success else ("error" if s.kind == "integrity" else "warning")
        checked = html.escape(s.scope.describe()) if s.scope else "every row / 全部"
        parts.append(
            f"<tr><td>{s.suite}</td><td class='{css}'>{state}</td><td>{s.evaluated}</td><td>{s.failed}</td>"
            f"<td class='note'>{checked}</td></tr>"
        )
    parts.append("</table>")
    if any(s.scope and not s.scope.whole for s in summary.suites):
        parts.append(
            "<p class='note'>Staging rows never change once loaded and dbt rebuilds the marts report by report, so "
            "the integrity rules that read every fact or check read only the reports loaded or rebuilt since the "
            "last validation that passed (<code>--all</code>: every row); every other rule, and every breach listed "
            "below, is of the whole warehouse. "
            "暂存数据载入后不再改动，数据集市按报告重建：逐行读取数值或检查记录的完整性规则只校验上次通过校验以来"
            "载入或重建的报告（<code>--all</code> 校验全部）；其他规则及下列问题均针对整个数据仓库。</p>"
        )
    if summary.derived_cells:
        parts.append(
            f"<p class='note'>{summary.derived_cells} cell(s) were derived by the parser (e.g. a blank "
            "总计 filled from its row): shown as derived, not as breaches.</p>"
        )
    failed = [r for s in summary.suites for r in s.rules if not r.success]
    if not failed:
        parts.append("<p class='ok'>Every rule holds. 全部规则通过。</p>")
    parts += [_rule_section(r) for r in failed]
    parts.append("</body></html>")
    return "\n".join(parts)


def write(summary: ValidationSummary, docs_dir: Path) -> Path:
    """Write ``findings.html`` and link it from GX's ``index.html`` (when that exists)."""
    docs_dir.mkdir(parents=True, exist_ok=True)
    page = docs_dir / PAGE
    page.write_text(render(summary), encoding="utf-8")
    index = docs_dir / "index.html"
    if index.is_file():
        text = index.read_text(encoding="utf-8")
        if _LINK_MARK not in text and "<body" in text:
            at = text.index(">", text.index("<body")) + 1
            link = (
                f"{_LINK_MARK}<div style='padding:0.5em 1em;background:#fff8c5'>"
                f"<a href='{PAGE}'>Failing reports of the last run, with their numbers / "
                "最近一次校验发现的问题</a></div>"
            )
            index.write_text(text[:at] + link + text[at:], encoding="utf-8")
    return page
