"""Render a report as plain text in the shapes that real exports take (report-formats.md, "How the
tables reach us"). Prose is the same in every shape; only the tables differ:

- `cell_per_line`: one cell per line, each prefixed by a tab, a blank line between rows; a cell covered
  by a row-spanning cell above shows as an empty tab line (seeds 000 and 003).
- `pipes`: one row per line, cells separated by `|` (seed 002).
- `spaces`: one row per line, cells separated by two spaces.
- `broken_labels`: like `spaces` with single spaces, and every label broken by a space (商业 企业).
- `run_together`: one row per line, cells run together with no separator (`…申请数量640020470`).
- `pdf_layout`: column-aligned lines as a PDF text layer gives them: labels wrapped inside their column,
  the row header 三、本年度办理结果 one character per line, a `— N —` footer every page.

The lossy shapes (one-line web export, markdown pipe tables) are in flat.py; `render_text` renders them too.
"""

from __future__ import annotations

import unicodedata

from reportgen.document import Block, build_blocks
from reportgen.flat import FLAT_SHAPES, render_flat
from reportgen.layout import Cell, Grid

TEXT_SHAPES = ("cell_per_line", "pipes", "spaces", "broken_labels", "run_together", "pdf_layout")


# --- row-per-line shapes -----------------------------------------------------------------------------


def _origin_cells(grid: Grid) -> list[list[Cell]]:
    return [list(row) for row in grid.rows]


def _cell_per_line(grid: Grid) -> list[str]:
    lines: list[str] = []
    for row in grid.matrix():
        seen: set[int] = set()
        for cell, is_origin in row:
            if cell is None or id(cell) in seen:
                continue
            seen.add(id(cell))
            # A cell spanning down from an earlier row leaves an empty cell in this row's export.
            lines.append("\t" + (cell.text if is_origin else ""))
        lines.append("")
    return lines


def _break_label(text: str) -> str:
    """商业企业 → 商业 企业: a space in the middle of every label longer than three characters."""
    if len(text) <= 3:
        return text
    middle = len(text) // 2
    return text[:middle] + " " + text[middle:]


def _joined_rows(grid: Grid, shape: str) -> list[str]:
    lines = []
    for row in _origin_cells(grid):
        texts = [c.text for c in row]
        if shape == "pipes":
            lines.append(" | ".join(texts) + " |")
        elif shape == "spaces":
            lines.append("  ".join(t for t in texts if t))
        elif shape == "broken_labels":
            lines.append(" ".join(_break_label(c.text) if not c.is_number else c.text for c in row if c.text))
        elif shape == "run_together":
            lines.append("".join(texts))
    return lines


# --- pdf_layout --------------------------------------------------------------------------------------

# Column widths in display units (a Chinese character is 2) per grid width.
PDF_COLUMN_WIDTHS = {4: [22, 14, 14, 14], 10: [2, 8, 16, 6, 6, 6, 6, 6, 6, 6], 15: [6] * 15}
NO_LINE_START = set("、，。；：！？）」』”’》")
PAGE_LINES = 48


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def wrap_display(text: str, width: int) -> list[str]:
    """Wrap to `width` display units; closing punctuation never starts a line (it joins the line above)."""
    lines: list[str] = []
    current = ""
    for ch in text:
        if current and display_width(current + ch) > width and ch not in NO_LINE_START:
            lines.append(current)
            current = ch
        else:
            current += ch
    if current or not lines:
        lines.append(current)
    return lines


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * max(0, width - display_width(text))
    return gap + text if right else text + gap


def _pdf_table(grid: Grid) -> list[str]:
    widths = PDF_COLUMN_WIDTHS.get(grid.width) or [10] * grid.width
    matrix = grid.matrix()
    # Physical lines per row: what the row's own (single-row) cells need; a row-spanning cell flows its
    # lines down through the rows it spans, adding lines to the last one if it needs more.
    wrapped: dict[int, list[str]] = {}
    origin_at: dict[int, tuple[int, int]] = {}
    heights = [1] * len(matrix)
    for r, row in enumerate(matrix):
        for c, (cell, is_origin) in enumerate(row):
            if cell is None or not is_origin:
                continue
            span_width = sum(widths[c : c + cell.colspan]) + (cell.colspan - 1)
            wrapped[id(cell)] = wrap_display(cell.text, span_width)
            origin_at[id(cell)] = (r, c)
            if cell.rowspan == 1:
                heights[r] = max(heights[r], len(wrapped[id(cell)]))
    for r, row in enumerate(matrix):
        for cell, is_origin in row:
            if cell is not None and is_origin and cell.rowspan > 1:
                have = sum(heights[r : r + cell.rowspan])
                need = len(wrapped[id(cell)])
                if need > have:
                    heights[r + cell.rowspan - 1] += need - have
    starts = [sum(heights[:r]) for r in range(len(matrix))]
    out: list[str] = []
    for r, row in enumerate(matrix):
        for k in range(heights[r]):
            line_no = starts[r] + k
            parts = []
            c = 0
            while c < grid.width:
                cell, _ = row[c]
                if cell is None:
                    parts.append(" " * widths[c])
                    c += 1
                    continue
                orow, ocol = origin_at[id(cell)]
                span_width = sum(widths[ocol : ocol + cell.colspan]) + (cell.colspan - 1)
                index = line_no - starts[orow]
                lines = wrapped[id(cell)]
                text = lines[index] if 0 <= index < len(lines) else ""
                parts.append(_pad(text, span_width, right=cell.is_number))
                c = ocol + cell.colspan
            out.append(" ".join(parts).rstrip())
    return out


def _paginate(lines: list[str]) -> list[str]:
    """Insert a centred `— N —` page footer every PAGE_LINES lines, as PDF text layers show them."""
    out: list[str] = []
    page = 1
    for i, line in enumerate(lines, start=1):
        out.append(line)
        if i % PAGE_LINES == 0:
            out += ["", " " * 36 + f"— {page} —", ""]
            page += 1
    out += ["", " " * 36 + f"— {page} —"]
    return out


# --- all shapes --------------------------------------------------------------------------------------


def _prose_lines(block: Block, shape: str) -> list[str]:
    if shape != "pdf_layout":
        return [block.text, ""] if shape == "cell_per_line" else [block.text]
    if block.kind in ("title", "meta"):
        return [" " * max(0, (80 - display_width(block.text)) // 2) + block.text]
    indent = "　　" if block.kind == "para" else ""
    return wrap_display(indent + block.text, 80)


def render_text(report: dict, shape: str, prose: list[str] | None = None) -> str:
    """`shape` is one of `TEXT_SHAPES`, or of `FLAT_SHAPES` (flat.py; rendered with the report's own seed)."""
    if shape in FLAT_SHAPES:
        return render_flat(report, shape, prose=prose)
    if shape not in TEXT_SHAPES:
        raise ValueError(f"unknown text shape {shape!r}; expected one of {TEXT_SHAPES + FLAT_SHAPES}")
    lines: list[str] = []
    for block in build_blocks(report, prose):
        if block.kind != "table":
            lines += _prose_lines(block, shape)
        elif shape == "cell_per_line":
            lines += _cell_per_line(block.grid) + [""]
        elif shape == "pdf_layout":
            lines += _pdf_table(block.grid)
        else:
            lines += _joined_rows(block.grid, shape)
    if shape == "pdf_layout":
        lines = _paginate(lines)
    return "\n".join(lines) + "\n"
