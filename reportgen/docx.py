"""Render a report as a Word document (.docx) with real tables and merged cells."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from reportgen.document import build_blocks
from reportgen.layout import Grid

FONT = "宋体"


def _use_chinese_font(document) -> None:
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(10.5)
    # Word picks the East Asian font from rFonts/@w:eastAsia, which python-docx does not set by itself.
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def _add_grid(document, grid: Grid) -> None:
    table = document.add_table(rows=len(grid.rows), cols=grid.width)
    table.style = "Table Grid"
    for r, row in enumerate(grid.matrix()):
        for c, (cell, is_origin) in enumerate(row):
            if cell is None or not is_origin:
                continue
            target = table.cell(r, c)
            if cell.rowspan > 1 or cell.colspan > 1:
                target = target.merge(table.cell(r + cell.rowspan - 1, c + cell.colspan - 1))
            target.text = cell.text
            if cell.is_number:
                target.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER


def render_docx(report: dict, prose: list[str] | None = None) -> bytes:
    document = Document()
    _use_chinese_font(document)
    for block in build_blocks(report, prose):
        if block.kind == "table":
            _add_grid(document, block.grid)
        elif block.kind in ("title", "meta"):
            paragraph = document.add_paragraph()
            run = paragraph.add_run(block.text)
            run.bold = block.kind == "title"
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        else:
            paragraph = document.add_paragraph()
            paragraph.add_run(block.text).bold = block.kind == "heading"
    # Fixed metadata and zip timestamps: the same report gives the same bytes on every build.
    stamp = dt.datetime(2000, 1, 1)
    document.core_properties.created = stamp
    document.core_properties.modified = stamp
    document.core_properties.last_modified_by = ""
    document.core_properties.author = report.get("organ") or ""
    document.core_properties.title = report.get("title") or ""
    buffer = io.BytesIO()
    document.save(buffer)
    return _with_fixed_timestamps(buffer.getvalue())


def _with_fixed_timestamps(data: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()
