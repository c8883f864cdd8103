"""Reports rendered in each of reportgen's PDF styles parse back to the same numbers: WPS 文字's layout (cells
centred both ways, vertical row headers, wrapped labels, page number first, glyph-by-glyph text) and tables
drawn column by column (text-layer order is not the reading order: only the characters' positions tell the
rows apart, so the parser's second reading, lines rebuilt from pdfium's character boxes, must carry them)."""

from __future__ import annotations

import random

import pytest
from roundtrip_compare import NUMBER_TABLES, check_differences, parser_api, table_differences

import reportgen

SEEDS = (1, 2, 3)


@pytest.mark.parametrize(
    ("style", "era"),
    [
        ("wps", "2019"),
        ("wps", "2021"),
        ("wps", "pre2019"),
        ("columns", "2019"),
        ("columns", "2021"),
        ("columns", "pre2019"),
    ],
)
def test_pdf_style_round_trip(style, era):
    for seed in SEEDS:
        truth = reportgen.random_report(era, random.Random(seed))
        data = reportgen.render_pdf(truth, style=style)
        parsed = parser_api().parse_bytes(data, filename="report.pdf", media_type="application/pdf")
        problems = [p for table in NUMBER_TABLES for p in table_differences(truth, parsed, table)]
        problems += check_differences([], parsed)  # the truth satisfies every rule
        assert (parsed["organ"], parsed["year"], parsed["era"]) == (truth["organ"], truth["year"], truth["era"])
        assert not problems, f"seed {seed}: " + "\n".join(problems[:20])


def test_unknown_pdf_style_is_refused():
    with pytest.raises(ValueError, match="unknown PDF style"):
        reportgen.render_pdf(reportgen.random_report("2019", random.Random(0)), style="word")
