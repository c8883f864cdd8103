"""Organ, region, year, title and publication date from the title and the text (never the publication year)."""

from __future__ import annotations

import pytest
from parser_expectations import parse


@pytest.mark.parametrize(
    ("text", "organ", "year"),
    [
        ("宿迁市2020年政府信息公开工作年度报告\n宿迁市人民政府\n（2021年3月9日）", "宿迁市人民政府", 2020),
        ("淮北市人民政府办公室（外事办公室）\n2020年政府信息公开工作年度报告\n", "淮北市人民政府办公室", 2020),
        ("宿迁市政务服务管理办公室2017年度政府信息公开年度报告\n", "宿迁市政务服务管理办公室", 2017),
        ("沈阳市苏家屯区2020年政府信息公开工作年度报告\n沈阳市苏家屯区人民政府\n", "沈阳市苏家屯区人民政府", 2020),
    ],
)
def test_organ_and_year(text, organ, year):
    r = parse(text)
    assert (r["organ"], r["year"]) == (organ, year)


# A title naming only its region, with nothing else naming the issuer: the region is kept, and no organ is
# made up from it (these once gave 江苏省人民政府, 沈阳市苏家屯区人民政府 …, names the text never prints).
@pytest.mark.parametrize(
    ("text", "region", "year"),
    [
        ("江苏省2020年政府信息公开工作年度报告\n正文", "江苏省", 2020),
        ("沈阳市苏家屯区2020年政府信息公开工作年度报告\n", "沈阳市苏家屯区", 2020),
        ("2021年度某某县政府信息公开工作年度报告\n", "某某县", 2021),
        (
            "当前位置：首页 > 年报 > 宿迁市2020年政府信息公开工作年度报告\n宿迁市2020年政府信息公开工作年度报告\n",
            "宿迁市",
            2020,
        ),
        ("现发布《江苏省二〇二〇年政府信息公开工作年度报告》。", "江苏省", 2020),
    ],
)
def test_region_title_gives_region_and_no_made_up_organ(text, region, year):
    r = parse(text)
    assert (r["organ"], r["region"], r["year"]) == (None, region, year)
    assert "organ_not_found" in {p["code"] for p in r["problems"]}


def test_year_from_statistics_period_not_publication_date():
    r = parse("本报告所列数据统计期限从2020年1月1日到12月31日止。\n发布日期：2021-01-29\n")
    assert (r["year"], r["publication_date"]) == (2020, "2021-01-29")
    assert r["organ"] is None and "organ_not_found" in {p["code"] for p in r["problems"]}


def test_a_notice_about_reports_is_not_a_report_title():
    r = parse("关于做好2020年政府信息公开工作年度报告编制发布工作的通知\n各区县：\n")
    assert r["title"] is None and r["organ"] is None
