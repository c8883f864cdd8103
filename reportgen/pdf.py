"""Render a report as a PDF whose text layer comes out column-aligned, like a WPS export.

reportlab's built-in CID font STSong-Light needs no font file (PDF viewers supply it), which keeps the
files tiny. Tables are drawn cell by cell with borders: labels wrap inside their column, so the narrow
first column of table 三 prints 三、本年度办理结果 one character per line, as real reports do.

`style="wps"` draws the page the way WPS 文字 exports it (the real 淮安 PDF is one): every cell's lines centred
in the cell both ways, so a row's numbers sit between the lines of its wrapped label and a vertical row header
runs down the middle of the rows it spans; table text placed character by character (one text object per
character, as WPS's positioned glyph runs read); headers spread across their cell (商 业 企); paragraphs
justified by character spacing; the page number drawn first, before the page's text; borders ruled last, one
line per cell edge.

`style="columns"` draws the tables column by column (every label, then each column of numbers top to bottom),
as some PDF printers order a table: the text layer's order is then not the reading order, and only the
characters' positions tell the rows apart.
"""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from reportgen.document import build_blocks
from reportgen.layout import Grid

STYLES = ("reportlab", "wps", "columns")
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
# WPS's table 三 as the real 淮安 report prints it: 三、本年度办理结果 one character per line, group labels
# wrapped in a narrow column (（六）其 / 他处理), item labels in a wide one.
WPS_COLUMN_WIDTHS = {**COLUMN_WIDTHS, 10: [14, 40, 180, 40, 40, 40, 40, 40, 40, 40]}


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
    def __init__(self, style: str = "reportlab") -> None:
        self.wps = style == "wps"
        self.by_column = style == "columns"
        self.buffer = io.BytesIO()
        self.canvas = canvas.Canvas(
            self.buffer, pagesize=A4, pageCompression=1, invariant=1
        )  # invariant: same bytes every build
        self.page = 1
        self.y = PAGE_HEIGHT - MARGIN_TOP

    def new_page(self) -> None:
        if not self.wps:
            self._footer()
        self.canvas.showPage()
        self.page += 1
        self.y = PAGE_HEIGHT - MARGIN_TOP
        if self.wps:  # WPS writes the page number before the page's text
            self._footer()

    def _footer(self) -> None:
        self.canvas.setFont(FONT, TEXT_SIZE)
        number = f"- {self.page} -" if self.wps else f"— {self.page} —"
        self.canvas.drawCentredString(PAGE_WIDTH / 2, MARGIN_BOTTOM / 2, number)

    def ensure(self, height: float) -> None:
        if self.y - height < MARGIN_BOTTOM:
            self.new_page()

    def text(self, text: str, *, size: float = TEXT_SIZE, centred: bool = False, indent: float = 0) -> None:
        width = PAGE_WIDTH - 2 * MARGIN_X
        lines = _wrap(text, width - (indent if not centred else 0), size)
        for i, line in enumerate(lines):
            self.ensure(size * LINE)
            self.y -= size * LINE
            self.canvas.setFont(FONT, size)
            x = MARGIN_X + (indent if i == 0 else 0)
            if centred:
                self.canvas.drawCentredString(PAGE_WIDTH / 2, self.y, line)
            elif self.wps and i < len(lines) - 1 and len(line) > 1:  # justified: spread to the right margin
                spare = MARGIN_X + width - x - pdfmetrics.stringWidth(line, FONT, size)
                self._spaced(line, x, self.y, size, max(spare, 0) / (len(line) - 1))
            else:
                self.canvas.drawString(x, self.y, line)

    def _spaced(self, line: str, x: float, y: float, size: float, spacing: float) -> None:
        """One line with `spacing` points added after each character (PDF character spacing, Tc)."""
        text = self.canvas.beginText(x, y)
        text.setFont(FONT, size)
        text.setCharSpace(spacing)
        text.textOut(line)
        self.canvas.drawText(text)

    def _glyphs(self, line: str, x: float, y: float, size: float, spacing: float = 0.0) -> None:
        """One line character by character, each its own text object at its own position."""
        for char in line:
            self.canvas.drawString(x, y, char)
            x += pdfmetrics.stringWidth(char, FONT, size) + spacing

    def table(self, grid: Grid) -> None:
        widths = (WPS_COLUMN_WIDTHS if self.wps else COLUMN_WIDTHS).get(grid.width) or [
            (PAGE_WIDTH - 2 * MARGIN_X) / grid.width
        ] * grid.width
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
        for r, c, cell, lines in sorted(origins, key=lambda o: (o[1], o[0])) if self.by_column else origins:
            x0, x1 = xs[c], xs[c + cell.colspan]
            y0, y1 = ys[r], ys[r + cell.rowspan]
            if not self.wps:
                c_.rect(x0, y1, x1 - x0, y0 - y1)
            c_.setFont(FONT, TABLE_SIZE)
            # WPS centres the cell's lines vertically; otherwise they start at the cell's top
            top = y0 - (y0 - y1 - len(lines) * TABLE_SIZE * LINE) / 2 + pad if self.wps else y0
            for i, line in enumerate(lines):
                baseline = top - pad - (i + 1) * TABLE_SIZE * LINE + TABLE_SIZE * 0.35
                if self.wps:
                    self._cell_line(line, x0, x1, baseline, pad, cell, len(lines))
                elif cell.is_number:
                    c_.drawCentredString((x0 + x1) / 2, baseline, line)
                else:
                    c_.drawString(x0 + pad, baseline, line)
        if self.wps:  # ruled last, one line per cell edge
            for r, c, cell, _lines in origins:
                x0, x1 = xs[c], xs[c + cell.colspan]
                y0, y1 = ys[r], ys[r + cell.rowspan]
                c_.lines([(x0, y0, x1, y0), (x0, y1, x1, y1), (x0, y0, x0, y1), (x1, y0, x1, y1)])
        self.y = ys[-1] - 8

    def _cell_line(self, line: str, x0: float, x1: float, baseline: float, pad: float, cell, count: int) -> None:
        """A cell's line as WPS places it: numbers and one-line headers centred, a header spread across the
        cell when it is its only line and fits loosely (商 业 企), labels from the left."""
        width = pdfmetrics.stringWidth(line, FONT, TABLE_SIZE)
        room = x1 - x0 - 2 * pad
        if cell.is_header and count == 1 and 1 < len(line) <= 4 and width < room * 0.8:
            spacing = min((room * 0.9 - width) / (len(line) - 1), TABLE_SIZE)
            spread = width + spacing * (len(line) - 1)
            self._glyphs(line, (x0 + x1 - spread) / 2, baseline, TABLE_SIZE, spacing)
        elif cell.is_number or cell.is_header:
            self._glyphs(line, (x0 + x1 - width) / 2, baseline, TABLE_SIZE)
        else:
            self._glyphs(line, x0 + pad, baseline, TABLE_SIZE)

    def finish(self) -> bytes:
        if not self.wps:
            self._footer()
        self.canvas.save()
        return self.buffer.getvalue()


def render_pdf(report: dict, prose: list[str] | None = None, *, style: str = "reportlab") -> bytes:
    """The report as PDF bytes in one of STYLES (see the module's doc)."""
    if style not in STYLES:
        raise ValueError(f"unknown PDF style {style!r}")
    writer = _Writer(style)
    if writer.wps:
        writer._footer()
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
