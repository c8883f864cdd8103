"""reportgen: render a Report dict (the truth) into documents of every shape.

Used by the sample portal builder, the round-trip tests and benchmarks — never by the pipeline.

- `render_html(report, *, prose=None, chrome=True)`: a government-portal page, tables with rowspan/colspan.
- `render_text(report, shape, prose=None)`: text as exported by real tools; `TEXT_SHAPES` lists the shapes.
- `render_docx(report, prose=None)` / `render_pdf(report, prose=None)`: bytes of a .docx / .pdf.
- `random_report(era, rng, *, organ=None, year=None)`: a random Report that satisfies every rule.
"""

from reportgen.docx import render_docx
from reportgen.html import render_html
from reportgen.pdf import render_pdf
from reportgen.random_report import random_report
from reportgen.text import TEXT_SHAPES, render_text

__all__ = ["TEXT_SHAPES", "random_report", "render_docx", "render_html", "render_pdf", "render_text"]
