"""reportgen's lossy shapes and pre-2019 统计表 on their own: each render damages the tables the ways real
exports do (report-formats.md, "How the tables reach us"), and loses no figure that a careful reader could
recover."""

from __future__ import annotations

import random
import re

import pytest

import reportgen
from reportgen.layout import APPLICANT_COLUMNS, NEW_RECEIVED_LABEL, OUTCOMES_LABEL
from reportgen.one_line import ARCHIVE_RULE
from reportgen.pre2019 import statistics_violations

SEEDS = range(40)


def body_line(text: str) -> str:
    return text.split(ARCHIVE_RULE + "\n")[-1]


def renders(era: str, shape: str) -> list[tuple[dict, str]]:
    out = []
    for seed in SEEDS:
        report = reportgen.random_report(era, random.Random(seed))
        out.append((report, reportgen.render_flat(report, shape, seed=seed)))
    return out


@pytest.mark.parametrize("era", ["2019", "2021", "pre2019"])
def test_one_line_is_one_line_whose_rows_are_label_and_digit_run(era):
    spaced_runs = 0
    for report, text in renders(era, "one_line"):
        body = body_line(text)
        assert body.count("\n") == 1 and body.endswith("\n")
        compact = re.sub(r"\s", "", body)
        if era == "pre2019":
            for row in report["statistics_table"]:
                assert f"{row['label']}{row['unit']}{row['this_year']}{row['cumulative']}" in compact
            continue
        new = report["applications"]["new_received"]
        run = "".join(str(new[c]) for c in APPLICANT_COLUMNS)
        assert NEW_RECEIVED_LABEL + run in compact
        review = "".join(
            str(report["review_litigation"][g][m])
            for g in report["review_litigation"]
            for m in ("upheld", "corrected", "other", "pending", "total")
        )
        # table 四's fifteen cells as one run after its header words
        assert "尚未审结总计" + review in compact
        spaced_runs += bool(re.search(r"\d \d", body))
    if era != "pre2019":
        assert spaced_runs >= 5  # stray spaces inside digit runs in some renders


def test_one_line_repeats_the_row_header_and_breaks_labels_in_some_renders():
    texts = [body_line(text) for _, text in renders("2019", "one_line")]
    assert sum(OUTCOMES_LABEL + "（四）" in re.sub(r"\s", "", t) for t in texts) >= 5
    assert sum(re.sub(r"\s", "", t).count(OUTCOMES_LABEL) == 1 for t in texts) >= 5
    assert any(re.search(r"[\u4e00-\u9fff] [\u4e00-\u9fff]", t.split("（本列数据")[1]) for t in texts)
    assert sum(ARCHIVE_RULE in text for _, text in renders("2019", "one_line")) >= 5


@pytest.mark.parametrize("shape", ["pipe_labelled", "pipe_placeholder"])
def test_pipe_tables_damage(shape):
    texts = [text for _, text in renders("2021", shape)]
    header = "| 数据1 | 数据2 | 数据3 | 数据4 | 数据5 | 数据6 | 总计 |"
    if shape == "pipe_placeholder":
        assert all(header in t for t in texts)
        # a row whose labels are lost
        assert any(re.search(r"^\|  \|  \|  \| [\d-]", t, re.MULTILINE) for t in texts)
    else:
        assert not any(header in t for t in texts)
        assert all("自然人" in t and "商业企业" in t for t in texts)
    # a label broken over two lines
    assert any(re.search(r"^\| [^|\n]+\n[^|\n]+ \|", t, re.MULTILINE) for t in texts)
    assert any(re.search(r"\| - \|", t) for t in texts)  # `-` for zero
    assert not all(re.search(r"\| - \|", t) for t in texts)
    # a page footer inside table 三
    assert any(re.search(r"\|\n\n— \d —\n\n\|", t) for t in texts)
    assert any(t.count("|---|") > 6 for t in texts)  # one small table per row block


@pytest.mark.parametrize("shape", reportgen.FLAT_SHAPES)
def test_flat_renders_are_reproducible(shape):
    report = reportgen.random_report("2021", random.Random(3))
    assert reportgen.render_flat(report, shape, seed=9) == reportgen.render_flat(report, shape, seed=9)
    assert reportgen.render_text(report, shape) == reportgen.render_flat(report, shape)


def test_pre2019_statistics_table_obeys_its_rules_and_maps_to_the_contract():
    for seed in range(200):
        report = reportgen.random_report("pre2019", random.Random(seed))
        rows = {row["code"]: row for row in report["statistics_table"]}
        assert not statistics_violations(report["statistics_table"]), seed
        assert report["applications"]["new_received"]["total"] == rows["received"]["this_year"]
        assert report["applications"]["total_processed"]["total"] == rows["replied"]["this_year"]
        assert report["review_litigation"] == {"review": {"total": rows["review"]["this_year"]}}
        assert report["narrative"] == {
            "proactive_items_published": rows["proactive"]["this_year"],
            "litigation_total": rows["litigation"]["this_year"],
        }
        assert {
            "received_in_person",
            "received_online",
            "received_letter",
            "received_fax",
            "received_email",
            "appeal",
        } <= set(rows)
        labels = [row["label"] for row in report["statistics_table"]]
        # 主动公开, 受理, 答复 sub-items
        assert sum(label.startswith("其中：1") for label in labels) == 3


def test_statistics_violations_catch_a_broken_table():
    report = reportgen.random_report("pre2019", random.Random(1))
    rows = [dict(row) for row in report["statistics_table"]]
    rows[0]["this_year"] += 1  # 主动公开 no longer the sum of its sub-items
    assert any("proactive.this_year" in v for v in statistics_violations(rows))
    rows[0]["cumulative"] = rows[0]["this_year"] - 1
    assert any("本年度 > 历年累计" in v for v in statistics_violations(rows))
