"""A report as public web archives export a page: the whole body on one line.

Every block (title, prose, headings, each table cell) is run together. A table row is its label cells
followed by its number cells with no separator (`一、本年新收政府信息公开申请数量230000023`); header words run
together the same way (`行政复议行政诉讼结果维持结果纠正…`) and table 四's fifteen cells are one run. What the
real exports add, and this renderer adds at random (report-formats.md, "How the tables reach us"):

- stray spaces inside digit runs that are not separators (`230 000023` = 23|0|0|0|0|0|23, `0 0 00 00 0`),
  and inside labels (`三、本年度办 理结果`, `社会公益 组织`);
- the row header 三、本年度办理结果 printed again before （四）无法提供 (a CMS that repeats merged cells
  after a page break);
- the archive's metadata header (标题/发布时间/发布机构 … `==== 正文 ====`) above the one line.
"""

from __future__ import annotations

import random

from reportgen.document import build_blocks, report_title
from reportgen.layout import OUTCOMES_LABEL, Grid

ARCHIVE_RULE = "==================== 正文 ===================="
RUN_SPACE_RATE = 0.3  # share of digit runs that get stray spaces
LABEL_SPACE_RATE = 0.12  # share of labels (4+ characters) broken by a space


def _spaced(text: str, rng: random.Random, *, inside_only: bool) -> str:
    """`text` with one or two spaces at random places; `inside_only` keeps them off both ends."""
    low, high = (1, len(text) - 1) if inside_only else (0, len(text))
    if high < low:
        return text
    for _ in range(rng.choice([1, 1, 2])):
        at = rng.randint(low, high)
        text = text[:at] + " " + text[at:]
        high += 1
    return text


def _label(text: str, rng: random.Random) -> str:
    if len(text) >= 4 and rng.random() < LABEL_SPACE_RATE:
        return _spaced(text, rng, inside_only=True)
    return text


def _run(digits: str, rng: random.Random) -> str:
    if digits and rng.random() < RUN_SPACE_RATE:
        return _spaced(digits, rng, inside_only=False)
    return digits


def flatten_grid(grid: Grid, rng: random.Random, *, repeat_outcome_header: bool = False) -> str:
    """One table as label text and digit runs, in the order a browser lays out its cells."""
    out: list[str] = []
    run = ""
    for row in grid.rows:
        for cell in row:
            if cell.is_number:
                run += cell.text
                continue
            out.append(_run(run, rng))
            run = ""
            if repeat_outcome_header and cell.text == "（四）无法提供":
                out.append(_label(OUTCOMES_LABEL, rng))
            out.append(_label(cell.text, rng))
        out.append(_run(run, rng))  # a row's run ends where the next row's label begins
        run = ""
    return "".join(out)


def archive_header(report: dict, rng: random.Random) -> str:
    date = report.get("publication_date") or ""
    # the archive often leaves it blank
    publisher = report.get("organ") if rng.random() < 0.5 else ""
    return (
        "\n".join(
            [
                f"标题: {report_title(report)}",
                f"发布时间: {date} {rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}".rstrip(),
                "文号: ",
                f"发布机构: {publisher or ''}",
                "栏目: 政府信息公开年报",
                f"原文链接: https://www.example.gov.cn/zwgk/zfxxgknb/{rng.randint(10000, 99999)}.htm",
                ARCHIVE_RULE,
            ]
        )
        + "\n"
    )


def render_one_line(report: dict, rng: random.Random, prose: list[str] | None = None) -> str:
    repeat = rng.random() < 0.5
    pieces: list[str] = []
    for block in build_blocks(report, prose):
        if block.kind == "table":
            piece = flatten_grid(block.grid, rng, repeat_outcome_header=repeat)
        elif block.kind == "heading":
            piece = _label(block.text, rng)
        else:
            piece = block.text
        # Title and meta lines were separate elements on the page: the export keeps a space after them.
        gap = " " if block.kind in ("title", "meta") else rng.choice(["", " "])
        pieces.append(piece + gap)
    body = "".join(pieces).rstrip()
    header = archive_header(report, rng) if rng.random() < 0.5 else ""
    return header + body + "\n"
