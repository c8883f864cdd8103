"""The same report as an HTML page, a .docx with merged cells and a PDF text layer: the same numbers."""

from __future__ import annotations

import copy

from parser_builders import (
    LAYOUT_2019,
    applications_docx,
    applications_html,
    column_order_pdf,
    image_only_pdf,
    page_html,
    review_html,
    text_pdf,
)
from parser_expectations import COLS, SEED_000_APPLICATIONS, SEED_000_REVIEW, parse

TITLE = "宿迁市2020年政府信息公开工作年度报告"
PROSE = ["本报告所列数据的统计期限为2020年1月1日至2020年12月31日。", "三、收到和处理政府信息公开申请情况"]


def test_html_page_with_spans_and_chrome():
    html = page_html(
        TITLE, "宿迁市人民政府", PROSE, applications_html(SEED_000_APPLICATIONS) + review_html(SEED_000_REVIEW)
    )
    r = parse(html, "page.html")
    assert r["source"]["media_type"] == "text/html"
    assert (r["organ"], r["year"], r["era"], r["publication_date"]) == ("宿迁市人民政府", 2020, "2019", "2021-03-09")
    assert r["applications"] == SEED_000_APPLICATIONS
    assert r["review_litigation"] == SEED_000_REVIEW
    assert r["provenance"]["applications.new_received.natural_person"] == "table 1, row 4, col 4"
    assert r["provenance"]["applications.denied_state_secret.total"] == "table 1, row 8, col 10"
    assert not [c for c in r["checks"] if c["ok"] is False]


def test_html_blank_cells_are_null_and_blank_total_is_derived():
    apps = copy.deepcopy(SEED_000_APPLICATIONS)
    apps["granted"]["research"] = None  # printed as &nbsp;: not read, not guessed as 0
    apps["carried_over"]["total"] = None  # blank 总计 with its row printed: derived
    r = parse(page_html(TITLE, "", PROSE, applications_html(apps, blank="&nbsp;")), "p.html")
    assert r["applications"]["granted"]["research"] is None
    assert r["applications"]["granted"]["total"] == 504
    assert r["applications"]["carried_over"]["total"] == 11
    derived = [p for p in r["problems"] if p["code"] == "derived_value"]
    assert [p["field"] for p in derived] == ["applications.carried_over.total"]
    rules = {c["rule"]: c["ok"] for c in r["checks"]}
    assert rules["applications.row_sum.granted"] is None  # cannot be evaluated
    assert "applications.row_sum.carried_over" not in rules  # not held against the report


def test_html_government_error_is_reported_not_corrected():
    apps = copy.deepcopy(SEED_000_APPLICATIONS)
    apps["granted"]["total"] = 505  # the printed 总计 disagrees with its row
    r = parse(page_html(TITLE, "", PROSE, applications_html(apps)), "p.html")
    assert r["applications"]["granted"]["total"] == 505
    bad = {c["rule"]: c for c in r["checks"] if c["ok"] is False}
    assert bad["applications.row_sum.granted"]["expected"] == 504
    assert bad["applications.row_sum.granted"]["actual"] == 505
    assert bad["applications.row_sum.granted"]["severity"] == "error"
    assert "applications.outcomes_sum.total" in bad


def test_html_gbk_with_meta_charset():
    html = page_html(TITLE, "宿迁市人民政府", PROSE, applications_html(SEED_000_APPLICATIONS))
    data = html.replace('charset="utf-8"', 'charset="gbk"').encode("gbk")
    r = parse(data, "p.html")
    assert r["applications"] == SEED_000_APPLICATIONS
    assert "encoding_guessed" not in {p["code"] for p in r["problems"]}


def test_docx_with_merged_cells():
    data = applications_docx(SEED_000_APPLICATIONS, SEED_000_REVIEW, TITLE, ["宿迁市人民政府", *PROSE])
    r = parse(data, "report.docx")
    assert r["source"]["media_type"].endswith("wordprocessingml.document")
    assert (r["organ"], r["year"]) == ("宿迁市人民政府", 2020)
    assert r["applications"] == SEED_000_APPLICATIONS
    assert r["review_litigation"] == SEED_000_REVIEW
    assert r["provenance"]["applications.new_received.total"].startswith("docx table 1, row 4")


def _layout_lines(apps, review) -> list[str]:
    lines = [TITLE, "宿迁市人民政府", *PROSE]
    for group, sub, code in LAYOUT_2019:
        label = " ".join(x for x in (group, sub) if x)
        lines.append(label + "  " + "  ".join(str(apps[code][c]) for c in COLS))
    lines += [
        "四、政府信息公开行政复议、行政诉讼情况",
        "行政复议  行政诉讼",
        "结果维持 结果纠正 其他结果 尚未审结 总计 未经复议直接起诉 复议后起诉",
        " ".join(str(review[g][m]) for g in review for m in review[g]),
    ]
    return lines


def test_pdf_text_layer():
    r = parse(text_pdf(_layout_lines(SEED_000_APPLICATIONS, SEED_000_REVIEW)), "report.pdf")
    assert r["source"]["media_type"] == "application/pdf"
    assert (r["organ"], r["year"]) == ("宿迁市人民政府", 2020)
    assert r["applications"] == SEED_000_APPLICATIONS
    assert r["review_litigation"] == SEED_000_REVIEW


def test_pdf_whose_text_order_is_not_reading_order():
    # the text layer lists all labels, then the numbers column by column: read by position instead
    r = parse(column_order_pdf(SEED_000_APPLICATIONS, TITLE), "columns.pdf")
    assert r["applications"] == SEED_000_APPLICATIONS


def test_pdf_without_text_layer_needs_ocr_when_tesseract_is_missing(monkeypatch):
    import shutil

    monkeypatch.setattr(shutil, "which", lambda name: None)  # no tesseract: the scan is not read at all
    r = parse(image_only_pdf(), "scan.pdf")
    assert [p["code"] for p in r["problems"]] == ["needs_ocr"]
    assert r["applications"] is None and r["problems"][0]["severity"] == "error"


def test_doc_without_libreoffice_is_unsupported(monkeypatch):
    import shutil

    monkeypatch.setattr(shutil, "which", lambda name: None)
    r = parse(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "old.doc")
    assert [p["code"] for p in r["problems"]] == ["unsupported_format"]


def test_page_laid_out_in_a_table_reads_the_inner_table():
    inner = applications_html(SEED_000_APPLICATIONS)
    html = page_html(
        TITLE, "宿迁市人民政府", [], f"<table><tr><td>导航</td><td>{''.join(PROSE)}{inner}</td></tr></table>"
    )
    r = parse(html, "layout.html")
    assert r["applications"] == SEED_000_APPLICATIONS


def test_dash_cells_are_empty_not_skipped():
    apps = copy.deepcopy(SEED_000_APPLICATIONS)
    html = applications_html(apps).replace("<td>13</td>", "<td>—</td>", 1)  # denied_state_secret 自然人
    r = parse(page_html(TITLE, "", PROSE, html), "p.html")
    assert r["applications"]["denied_state_secret"]["natural_person"] is None
    assert r["applications"]["denied_state_secret"]["total"] == 13
    assert r["applications"]["denied_law_prohibited"] == apps["denied_law_prohibited"]


def test_more_numbers_than_columns_is_unreadable_not_shifted():
    text = (
        "三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量 5 1 0 0 0 0 1 6\n"
        "二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0\n（一）予以公开 5 1 0 0 0 0 6\n（七）总计 5 1 0 0 0 0 6\n"
    )
    r = parse(text)
    assert set(r["applications"]["new_received"].values()) == {None}
    assert r["applications"]["granted"]["total"] == 6
    assert "unreadable_value" in {p["code"] for p in r["problems"]}


def test_html_filler_cells_between_label_and_numbers():
    # some portals print empty cells instead of colspans: values are placed by their columns
    html = applications_html(SEED_000_APPLICATIONS).replace(
        "<td colspan='3'>一、本年新收政府信息公开申请数量</td>",
        "<td>一、本年新收政府信息公开申请数量</td><td></td><td></td>",
    )
    r = parse(page_html(TITLE, "", PROSE, html), "p.html")
    assert r["applications"] == SEED_000_APPLICATIONS
    assert r["provenance"]["applications.new_received.natural_person"] == "table 1, row 4, col 4"
