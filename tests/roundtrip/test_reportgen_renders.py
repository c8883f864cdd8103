"""reportgen on its own: random reports obey the rules, and every render is a well-formed document."""

from __future__ import annotations

import io
import random

import docx
import lxml.html
import pdfplumber
import pytest
from roundtrip_compare import arithmetic_violations

import reportgen
from sample_portal.seeds import SEED_PAGES, page_report

ERAS = ["2019", "2021", "pre2019"]


@pytest.mark.parametrize("era", ERAS)
def test_random_reports_satisfy_every_rule(era):
    for seed in range(200):
        report = reportgen.random_report(era, random.Random(seed))
        assert report["era"] == era
        assert not arithmetic_violations(report), (seed, arithmetic_violations(report))
        assert all(v >= 0 for row in report["applications"].values() for v in row.values())


def test_random_report_is_reproducible_and_honours_organ_and_year():
    a = reportgen.random_report("2021", random.Random(7), organ="某市人民政府", year=2022)
    b = reportgen.random_report("2021", random.Random(7), organ="某市人民政府", year=2022)
    assert a == b and a["organ"] == "某市人民政府" and a["year"] == 2022
    assert set(a["applications"]) >= {"other_no_correction", "other_unpaid_fee", "other_misc", "other"}


@pytest.mark.parametrize("era", ["2019", "2021"])
def test_html_has_the_three_tables_with_spans(era):
    report = reportgen.random_report(era, random.Random(1))
    tree = lxml.html.fromstring(reportgen.render_html(report))
    tables = tree.cssselect("div.content table")
    assert len(tables) == 3
    applications = tables[1]
    spans = {(td.text_content(), td.get("rowspan"), td.get("colspan")) for td in applications.iter("td")}
    outcome_rows = 20 if era == "2019" else 22
    assert ("三、本年度办理结果", str(outcome_rows), None) in spans
    assert ("申请人情况", None, "7") in spans
    assert ("法人或其他组织", None, "5") in spans
    assert any(text.startswith("（本列数据的勾稽关系为") and rs == "3" and cs == "3" for text, rs, cs in spans)
    assert "当前位置" in tree.text_content() and "发布日期" in tree.text_content()
    bare = lxml.html.fromstring(reportgen.render_html(report, chrome=False))
    assert "当前位置" not in bare.text_content() and len(bare.cssselect("table")) == 3


def test_html_money_and_signed_changes_print_as_the_seed():
    html = reportgen.render_html(page_report(SEED_PAGES[0]))
    for printed in ("372718.4969万元", "+1036", "-653"):
        assert printed in html


@pytest.mark.parametrize("era", ["2019", "2021"])
def test_docx_opens_with_merged_tables(era):
    report = reportgen.random_report(era, random.Random(2))
    document = docx.Document(io.BytesIO(reportgen.render_docx(report)))
    assert document.paragraphs[0].text.endswith("政府信息公开工作年度报告")
    assert len(document.tables) == 3
    applications = document.tables[1]
    first_column = {applications.cell(r, 0).text for r in range(5, 10)}
    assert first_column == {"三、本年度办理结果"}  # one merged cell down the outcome rows


@pytest.mark.parametrize("era", ["2019", "2021"])
def test_pdf_text_layer_is_extractable(era):
    report = reportgen.random_report(era, random.Random(3))
    with pdfplumber.open(io.BytesIO(reportgen.render_pdf(report))) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    assert "政府信息公开工作年度报告" in text
    assert "本年新收政府信息公开申请数量" in text.replace("\n", "")
    assert str(report["applications"]["new_received"]["total"]) in text
    assert "— 1 —" in text


@pytest.mark.parametrize("shape", reportgen.TEXT_SHAPES)
def test_text_shapes(shape):
    report = reportgen.random_report("2019", random.Random(4))
    text = reportgen.render_text(report, shape)
    new = report["applications"]["new_received"]
    values = [
        str(new[c])
        for c in ("natural_person", "commercial", "research", "social_org", "legal_service", "other_org", "total")
    ]
    if shape == "cell_per_line":
        assert "\t一、本年新收政府信息公开申请数量\n" + "".join(f"\t{v}\n" for v in values) in text
    elif shape == "pipes":
        assert "一、本年新收政府信息公开申请数量 | " + " | ".join(values) + " |" in text
    elif shape == "spaces":
        assert "一、本年新收政府信息公开申请数量  " + "  ".join(values) in text
    elif shape == "broken_labels":
        assert "商业 企业" in text
    elif shape == "run_together":
        assert "一、本年新收政府信息公开申请数量" + "".join(values) in text
    elif shape == "pdf_layout":
        lines = text.splitlines()
        vertical = [line[:1] for line in lines if line[:1].strip()]
        assert "三、" in [line[:2] for line in lines]
        assert all(ch in vertical for ch in "本年度办理结果")
        assert "— 1 —" in text


def test_pre2019_renders_a_statistics_table():
    report = reportgen.random_report("pre2019", random.Random(5))
    tree = lxml.html.fromstring(reportgen.render_html(report))
    (table,) = tree.cssselect("div.content table")
    text = table.text_content()
    assert "指标名称" in text and "历年累计" in text
    assert str(report["applications"]["new_received"]["total"]) in text


@pytest.mark.parametrize("shape", reportgen.TEXT_SHAPES)
def test_pre2019_renders_in_every_shape(shape):
    report = reportgen.random_report("pre2019", random.Random(6))
    text = reportgen.render_text(report, shape)
    assert "受理依申请公开" in text.replace(" ", "")  # pdf_layout wraps the rest of the label
    assert docx.Document(io.BytesIO(reportgen.render_docx(report))).tables
    with pdfplumber.open(io.BytesIO(reportgen.render_pdf(report))) as pdf:
        assert "指标名称" in (pdf.pages[0].extract_text() or "") + (pdf.pages[-1].extract_text() or "")
