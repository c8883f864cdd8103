"""reportgen: render a Report dict (the truth) into documents of every shape.

Used by the sample portal builder, the round-trip tests and benchmarks — never by the pipeline.

- `render_html(report, *, prose=None, chrome=True)`: a government-portal page, tables with rowspan/colspan.
- `render_text(report, shape, prose=None)`: text as exported by real tools; `TEXT_SHAPES` lists the shapes.
- `render_flat(report, shape, *, seed=None, prose=None)`: the lossy exports of `FLAT_SHAPES` (a page as one
  line, markdown pipe tables from PDF converters), damaged at random but reproducibly.
- `render_docx(report, prose=None)` / `render_pdf(report, prose=None)`: bytes of a .docx / .pdf.
- `random_report(era, rng, *, organ=None, year=None)`: a random Report that satisfies every rule
  (pre-2019: a full 统计表 with 历年累计, `statistics_table`).
- `reportgen.parsed.parsed_items(count, seed)`: random Reports as the parser hands them to the loader.
"""

from reportgen.docx import render_docx
from reportgen.flat import FLAT_SHAPES, render_flat
from reportgen.html import render_html
from reportgen.pdf import render_pdf
from reportgen.random_report import random_report
from reportgen.text import TEXT_SHAPES, render_text

__all__ = [
    "FLAT_SHAPES",
    "TEXT_SHAPES",
    "random_report",
    "render_docx",
    "render_flat",
    "render_html",
    "render_pdf",
    "render_text",
]
