"""Render a report as a PDF whose text layer comes out column-aligned, like a WPS export.

reportlab's built-in CID font STSong-Light needs no font file (PDF viewers supply it), which keeps the
files tiny. Tables are drawn cell by cell with borders: labels wrap inside their column, so the narrow
first column of table 三 prints 三、本年度办理结果 one character per line, as real reports do.
"""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from reportgen.document import build_blocks
from reportgen.layout import Grid

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 50, 60, 70
TEXT_SIZE, TABLE_SIZE = 10.5, 8
LINE = 1.45  # line height as a multiple of the font size

# Column widths (points) per table width; the grids are 4, 10 or 15 columns wide.
COLUMN_WIDTHS = {
    4: [150, 115, 115, 115],
    10: [22, 70, 142, 40, 40, 40, 40, 40, 40, 40],  # a narrow first column: 三、本年度办理结果 runs down it
    15: [33] * 15,
}


# Closing punctuation never starts a line (typesetters' kinsoku rule): it hangs at the end of the line above.
NO_LINE_START = set("、，。；：！？）」』”’》")


def _wrap(text: str, width: float, size: float) -> list[str]:
    """Break text into lines no wider than `width` (character by character: Chinese has no spaces)."""
    lines, current = [], ""
    for char in text:
        if current and pdfmetrics.stringWidth(current + char, FONT, size) > width and char not in NO_LINE_START:
            lines.append(current)
            current = char
        else:
            current += char
    return lines + [current] if current or not lines else lines


class _Writer:
    def __init__(self) -> None:
        self.buffer = io.BytesIO()
        self.canvas = canvas.Canvas(
            self.buffer, pagesize=A4, pageCompression=1, invariant=1
        )  # invariant: same bytes every build
        self.page = 1
        self.y = PAGE_HEIGHT - MARGIN_TOP

    def new_page(self) -> None:
        self._footer()
        self.canvas.showPage()
        self.page += 1
        self.y = PAGE_HEIGHT - MARGIN_TOP

    def _footer(self) -> None:
        self.canvas.setFont(FONT, TEXT_SIZE)
        self.canvas.drawCentredString(PAGE_WIDTH / 2, MARGIN_BOTTOM / 2, f"— {self.page} —")

    def ensure(self, height: float) -> None:
        if self.y - height < MARGIN_BOTTOM:
            self.new_page()

    def text(self, text: str, *, size: float = TEXT_SIZE, centred: bool = False, indent: float = 0) -> None:
        width = PAGE_WIDTH - 2 * MARGIN_X
        for i, line in enumerate(_wrap(text, width - (indent if not centred else 0), size)):
            self.ensure(size * LINE)
            self.y -= size * LINE
            self.canvas.setFont(FONT, size)
            if centred:
                self.canvas.drawCentredString(PAGE_WIDTH / 2, self.y, line)
            else:
                self.canvas.drawString(MARGIN_X + (indent if i == 0 else 0), self.y, line)

    def table(self, grid: Grid) -> None:
        widths = COLUMN_WIDTHS.get(grid.width) or [(PAGE_WIDTH - 2 * MARGIN_X) / grid.width] * grid.width
        xs = [MARGIN_X]
        for w in widths:
            xs.append(xs[-1] + w)
        matrix = grid.matrix()
        pad = 2
        # Height of each row: the tallest single-row cell it holds; a row-spanning cell that needs more
        # room than its rows give stretches its last row.
        heights = [TABLE_SIZE * LINE + 2 * pad] * len(matrix)
        origins = []
        for r, row in enumerate(matrix):
            for c, (cell, is_origin) in enumerate(row):
                if cell is None or not is_origin:
                    continue
                lines = _wrap(cell.text, xs[c + cell.colspan] - xs[c] - 2 * pad, TABLE_SIZE)
                origins.append((r, c, cell, lines))
                need = len(lines) * TABLE_SIZE * LINE + 2 * pad
                if cell.rowspan == 1:
                    heights[r] = max(heights[r], need)
        for r, _c, cell, lines in origins:
            need = len(lines) * TABLE_SIZE * LINE + 2 * pad
            have = sum(heights[r : r + cell.rowspan])
            if need > have:
                heights[r + cell.rowspan - 1] += need - have
        if sum(heights) > self.y - MARGIN_BOTTOM:
            self.new_page()
        top = self.y - 4
        ys = [top]
        for h in heights:
            ys.append(ys[-1] - h)
        c_ = self.canvas
        c_.setLineWidth(0.5)
        for r, c, cell, lines in origins:
            x0, x1 = xs[c], xs[c + cell.colspan]
            y0, y1 = ys[r], ys[r + cell.rowspan]
            c_.rect(x0, y1, x1 - x0, y0 - y1)
            c_.setFont(FONT, TABLE_SIZE)
            for i, line in enumerate(lines):
                baseline = y0 - pad - (i + 1) * TABLE_SIZE * LINE + TABLE_SIZE * 0.35
                if cell.is_number:
                    c_.drawCentredString((x0 + x1) / 2, baseline, line)
                else:
                    c_.drawString(x0 + pad, baseline, line)
        self.y = ys[-1] - 8

    def finish(self) -> bytes:
        self._footer()
        self.canvas.save()
        return self.buffer.getvalue()


def render_pdf(report: dict, prose: list[str] | None = None) -> bytes:
    writer = _Writer()
    for block in build_blocks(report, prose):
        if block.kind == "title":
            writer.text(block.text, size=16, centred=True)
            writer.y -= 6
        elif block.kind == "meta":
            writer.text(block.text, centred=True)
        elif block.kind == "table":
            writer.table(block.grid)
        elif block.kind == "heading":
            writer.text(block.text)
        else:
            writer.text(block.text, indent=2 * TEXT_SIZE)
    return writer.finish()
