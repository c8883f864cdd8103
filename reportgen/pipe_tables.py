"""A report as PDF-to-markdown converters and OCR tools write it: prose paragraphs and pipe tables.

What such tools do to the official tables (report-formats.md, "How the tables reach us"), each at random
per render:

- the header: the real column names (the merged header rows laid out cell by cell, or flattened to one
  row), or placeholders `| 数据1 | … | 数据6 | 总计 |` when the tool could not read the header
  (`pipe_placeholder`);
- merged cells: the text in the first row of the span, empty cells below and to the right;
- labels broken over two lines (`（三）不\\n予公开`), or lost entirely (`pipe_placeholder`);
- `-` printed for every zero;
- a page footer `— 3 —` in the middle of table 三, the rows after it a new table;
- one small table per row block (一, 二, each outcome group, （七）, 四) instead of one table.
"""

from __future__ import annotations

import random

from reportgen.document import build_blocks
from reportgen.layout import ORG_COLUMN_LABELS, OUTCOMES_LABEL, Grid

BREAK_LABEL_RATE = 0.2
LOSE_LABEL_RATE = 0.2

# label columns at the left of each table, by grid width: 三 has 3, 二 and the 统计表 1, 四 none
LABEL_COLUMNS = {10: 3, 4: 1, 15: 0}


def _matrix_texts(grid: Grid) -> list[list[str]]:
    """Each row as `width` texts: a merged cell's text in its first slot, empty slots elsewhere."""
    return [[cell.text if (cell is not None and is_origin) else "" for cell, is_origin in row] for row in grid.matrix()]


def _placeholder_header(grid: Grid) -> list[str]:
    labels = LABEL_COLUMNS.get(grid.width, 1)
    names = [f"数据{i}" for i in range(1, grid.width - labels + 1)]
    if grid.width == 10:
        names[-1] = "总计"  # the converter kept the one header word it could read
    return (["项目"] + [""] * (labels - 1) if labels else []) + names


def _flattened_header() -> list[str]:
    """Table 三's three merged header rows as one: 自然人 | 商业企业 | … | 其他 | 总计."""
    return ["项目", "", "", "自然人", *ORG_COLUMN_LABELS, "总计"]


def _line(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _separator(width: int) -> str:
    return "|" + "---|" * width


def _split_header(
    grid: Grid, texts: list[list[str]], rng: random.Random, placeholder: bool
) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """(the markdown header, [(grid row index, cells)] of the rows under it)."""
    indexed = list(enumerate(texts))
    if grid.width in (10, 15):  # tables 三 and 四 print three merged header rows
        if placeholder:
            return _placeholder_header(grid), indexed[3:]
        if grid.width == 10 and rng.random() < 0.5:
            return _flattened_header(), indexed[3:]
    # 二 and the 统计表: the tool adds its own header above the printed rows
    if placeholder:
        return _placeholder_header(grid), indexed
    return texts[0], indexed[1:]


def _row_blocks(grid: Grid, indices: list[int]) -> list[list[int]]:
    """Rows of table 三 grouped as printed: a data row whose label spans columns (一、, （一）, （七）, 四、)
    or that opens a group (a label spanning rows, other than 三、本年度办理结果) starts a block."""
    blocks: list[list[int]] = []
    for r in indices:
        labels = [c for c in grid.rows[r] if not c.is_number and not c.is_header]
        opens = any(c.colspan >= 2 or (c.rowspan > 1 and c.text != OUTCOMES_LABEL) for c in labels)
        if (opens and blocks and r >= 3) or not blocks:
            blocks.append([r])
        else:
            blocks[-1].append(r)
    return blocks


def _damaged(cells: list[str], r: int, grid: Grid, rng: random.Random, placeholder: bool) -> list[str]:
    labels = LABEL_COLUMNS.get(grid.width, 1)
    if grid.width == 10 and r >= 3 and placeholder and rng.random() < LOSE_LABEL_RATE:
        return [""] * labels + cells[labels:]
    if rng.random() < BREAK_LABEL_RATE:
        k = next((i for i in range(labels) if len(cells[i]) >= 4), None)
        if k is not None:
            at = rng.randint(1, len(cells[k]) - 1)
            return cells[:k] + [cells[k][:at] + "\n" + cells[k][at:]] + cells[k + 1 :]
    return cells


def _table_lines(
    grid: Grid,
    rng: random.Random,
    *,
    placeholder: bool,
    dash_zero: bool,
    per_block: bool,
) -> list[str]:
    texts = [["-" if dash_zero and c == "0" else c for c in row] for row in _matrix_texts(grid)]
    header, body = _split_header(grid, texts, rng, placeholder)
    line_of = {r: _line(_damaged(cells, r, grid, rng, placeholder)) for r, cells in body}
    indices = [r for r, _ in body]
    groups = _row_blocks(grid, indices) if grid.width == 10 and per_block else [indices]
    # a page break after one data row of table 三 (never the last): the rows after it are a new table
    data_rows = [r for r in indices if r >= 3]
    footer_after = rng.choice(data_rows[:-1]) if grid.width == 10 and len(data_rows) > 1 else None
    # each piece: the row lines of one markdown table, or a page footer line
    pieces: list[list[str] | str] = [[]]
    for group in groups:
        if pieces[-1]:
            pieces.append([])
        for r in group:
            pieces[-1].append(line_of[r])
            if r == footer_after:
                pieces += [f"— {rng.randint(2, 9)} —", []]
    out: list[str] = []
    for k, piece in enumerate(p for p in pieces if p):
        if isinstance(piece, str):
            out += [piece, ""]
            continue
        if k == 0:
            head = _line(header)
        elif placeholder:
            head = _line(_placeholder_header(grid))
        else:  # the tool took the first row it saw as the header of the new table
            head, piece = piece[0], piece[1:]
        out += [head, _separator(grid.width), *piece, ""]
    return out


def render_pipes(
    report: dict,
    rng: random.Random,
    prose: list[str] | None = None,
    *,
    placeholder: bool,
) -> str:
    dash_zero = rng.random() < 0.4
    per_block = rng.random() < 0.4
    # markdown headings (#, ##) as converters print the title and sections
    hashes = rng.random() < 0.5
    lines: list[str] = []
    for block in build_blocks(report, prose):
        if block.kind == "table":
            lines += _table_lines(
                block.grid,
                rng,
                placeholder=placeholder,
                dash_zero=dash_zero,
                per_block=per_block,
            ) + [""]
        elif block.kind == "title":
            lines += [("# " if hashes else "") + block.text, ""]
        elif block.kind == "heading":
            lines += [("## " if hashes else "") + block.text, ""]
        else:
            lines += [block.text, ""]
    return "\n".join(lines)
