"""Documents that hide their content from a naive reader: Word-made HTML nested past libxml2's depth limit,
encodings declared wrong or not at all. Each input is made here from a real report's HTML."""

from __future__ import annotations

from pathlib import Path

import pytest

from parsers import parse_bytes
from parsers.normalize import to_simplified

REAL = Path(__file__).resolve().parents[3] / "shared" / "real-reports" / "07_shanghai_szfbgt_2019.html"
pytestmark = pytest.mark.skipif(not REAL.exists(), reason="../shared/real-reports is not beside the repo")


@pytest.fixture(scope="module")
def page() -> str:
    return REAL.read_text(encoding="utf-8")


def codes(report: dict) -> set[str]:
    return {p["code"] for p in report["problems"]}


def test_tables_inside_hundreds_of_unclosed_inline_tags_are_read(page):
    soup = "<font size=2><span style='x'>" * 300  # Word pastes: deeper than libxml2's 256 levels
    r = parse_bytes((soup + page).encode("utf-8"), filename="report.html")
    assert r["applications"]["new_received"]["total"] == 859
    assert r["review_litigation"]["review"]["total"] == 7
    assert "html_truncated" not in codes(r)


def test_structure_nested_past_any_limit_is_a_problem_not_silence(page):
    r = parse_bytes(("<div>" * 3000 + page).encode("utf-8"), filename="report.html")
    assert "html_truncated" in codes(r)


def test_big5_bytes_labelled_gbk_are_read_as_big5_and_flagged(page):
    import opencc

    traditional = opencc.OpenCC("s2t").convert(page) if hasattr(opencc, "OpenCC") else page
    html = '<html><head><meta charset="gbk"></head><body>' + traditional + "</body></html>"
    r = parse_bytes(html.encode("big5hkscs", errors="replace"), filename="report.html")
    assert "encoding_mismatch" in codes(r)
    assert r["applications"]["new_received"]["total"] == 859
    assert r["organ"] == to_simplified("上海市人民政府办公厅")


def test_gbk_labelled_gbk_is_not_flagged(page):
    html = '<html><head><meta charset="gbk"></head><body>' + page + "</body></html>"
    r = parse_bytes(html.encode("gb18030"), filename="report.html")
    assert not codes(r) & {"encoding_mismatch", "encoding_guessed"}
    assert r["applications"]["new_received"]["total"] == 859


def test_utf16_without_bom_is_read(page):
    r = parse_bytes(page.encode("utf-16-le"), filename="report.html")
    assert "unreadable_document" not in codes(r) and "encoding_guessed" in codes(r)
    assert r["applications"]["new_received"]["total"] == 859


def test_a_pdf_longer_than_the_page_limit_says_it_was_cut():
    import io

    from reportlab.pdfgen import canvas

    from parsers.extract.pdf import MAX_PAGES

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    for n in range(MAX_PAGES + 2):
        pdf.drawString(72, 720, f"page {n + 1} of a long annual report, with enough text to count as a text layer")
        pdf.showPage()
    pdf.save()
    r = parse_bytes(buffer.getvalue(), filename="long.pdf")
    cut = [p for p in r["problems"] if p["code"] == "pages_truncated"]
    assert cut and str(MAX_PAGES + 2) in cut[0]["message"]
