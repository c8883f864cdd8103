"""Unit tests of the pure discovery functions (no Scrapy, no network)."""

from __future__ import annotations

import pytest

from crawlers.cms.generic import count_pages
from crawlers.cms.hanweb import data_proxy_form, data_proxy_pages, is_data_proxy
from crawlers.cms.trs import create_page_html
from crawlers.discovery import (
    LinkKind,
    classify_link,
    is_annual_report_title,
    media_type,
    year_guess,
)
from crawlers.middlewares import detect_encoding

REPORTS = [
    "宿迁市2020年政府信息公开工作年度报告",
    "宿迁市政务服务管理办公室2017年度政府信息公开年度报告",
    "淮北市人民政府办公室（外事办公室）2020年政府信息公开工作年度报告",
    "江蘇省2020年政府信息公開工作年度報告",  # traditional
    "二〇二〇年政府信息公开工作年度报告",
    "沈阳市苏家屯区２０２０年政府信息公开年报",  # full-width digits, 年报
    "政府信息公开工作年度报告（2019年）",
]
NEAR_MISSES = [
    "关于做好2020年政府信息公开工作年度报告编制发布工作的通知",
    "2021年政务公开工作要点",
    "2020年法治政府建设年度报告",
    "图解：宿迁市2020年政府信息公开工作年度报告",
    "2019年政府信息公开工作年度报告编制培训会举行",
    "2020年度政务公开工作考核结果通报",
    "政府信息公开年报",  # the column, no year
    "政府信息公开指南",
    "2020年国民经济和社会发展统计公报",
]


@pytest.mark.parametrize("title", REPORTS)
def test_report_titles_are_recognised(title):
    assert is_annual_report_title(title)


@pytest.mark.parametrize("title", NEAR_MISSES)
def test_near_misses_are_not_reports(title):
    assert not is_annual_report_title(title)


def test_title_pattern_hint_replaces_the_rule():
    assert is_annual_report_title("信息公开年度报表2020", pattern=r"年度报表\d{4}")
    assert not is_annual_report_title("宿迁市2020年政府信息公开工作年度报告", pattern=r"年度报表\d{4}")


@pytest.mark.parametrize(
    "text, year",
    [
        ("宿迁市2020年政府信息公开工作年度报告", 2020),
        ("2017年度政府信息公开年度报告", 2017),
        ("二〇二一年政府信息公开工作年度报告", 2021),
        ("苏政办〔3215〕号 2019年报告", 2019),
        ("政府信息公开年报", None),
    ],
)
def test_year_guess(text, year):
    assert year_guess(text) == year


@pytest.mark.parametrize(
    "text, url, kind",
    [
        ("政务公开", "http://x.gov.cn/zwgk/", LinkKind.AREA),
        ("政府信息公开", "http://x.gov.cn/zfxxgk/", LinkKind.AREA),
        ("政府信息公开年报", "http://x.gov.cn/zfxxgknb/", LinkKind.COLUMN),
        ("年度报告", "http://x.gov.cn/ndbg/", LinkKind.COLUMN),
        ("下一页", "http://x.gov.cn/nb/index_1.html", LinkKind.PAGINATION),
        ("3", "http://x.gov.cn/nb/index_2.html", LinkKind.PAGINATION),
        ("2", "http://x.gov.cn/nb/list?page=2", LinkKind.PAGINATION),
        ("尾页", "http://x.gov.cn/nb/list.jsp?cur_page=9", LinkKind.PAGINATION),
        ("宿迁市2020年政府信息公开工作年度报告", "http://x.gov.cn/a.html", LinkKind.REPORT),
        ("附件1.docx", "http://x.gov.cn/W0202.docx", LinkKind.ATTACHMENT),
        ("新闻动态", "http://x.gov.cn/xwdt/", LinkKind.OTHER),
        ("12", "http://x.gov.cn/news/12.html", LinkKind.OTHER),
    ],
)
def test_classify_link(text, url, kind):
    assert classify_link(text, url) is kind


def test_hints_classify_list_and_pagination_urls():
    assert classify_link("更多", "http://x.gov.cn/col/col123/", list_page_pattern=r"/col/col123/") is LinkKind.COLUMN
    assert classify_link("›", "http://x.gov.cn/col/col123/?p=2") is LinkKind.PAGINATION
    assert classify_link("", "http://x.gov.cn/col?pn=2", pagination_pattern=r"pn=\d+") is LinkKind.PAGINATION


def test_script_pagination():
    pages = create_page_html('<script>createPageHTML(3, 0, "index", "html");</script>', "http://x/col/index.html")
    assert pages == ["http://x/col/index.html", "http://x/col/index_1.html", "http://x/col/index_2.html"]
    assert count_pages("var countPage = 2;", "http://x/col/") == [
        "http://x/col/index.html",
        "http://x/col/index_1.html",
    ]
    assert create_page_html("<p>no pages</p>", "http://x/col/") == count_pages("<p>no pages</p>", "http://x/col/") == []


def test_media_type_from_header_extension_or_magic():
    assert media_type("http://x/a.pdf", "application/octet-stream") == "application/pdf"
    assert media_type("http://x/download?id=1", None, b"%PDF-1.7") == "application/pdf"
    assert media_type("http://x/a", "text/html; charset=gbk") == "text/html"


def test_charset_detection_fixes_mislabelled_gbk():
    gbk = "<meta charset=utf-8><p>宿迁市2020年政府信息公开工作年度报告</p>".encode("gbk")
    assert detect_encoding(gbk, "utf-8") == "gb18030"
    assert detect_encoding(gbk, None) == "gb18030"
    assert detect_encoding("年度报告".encode(), "gbk") == "utf-8"  # valid UTF-8 wins over a wrong label
    assert detect_encoding(b"plain ascii", None) == "utf-8"
    assert detect_encoding(gbk, "utf-8", override="big5") == "big5"


# --- how real portals are built (TRS WCM, Hanweb, menus) -----------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        "青河市教育局2022年政府信息公开工作年度报告",  # a department's report on a city portal
        "青河市民政局2021年政府信息公開工作年度報告",
    ],
)
def test_department_and_traditional_reports(title):
    assert is_annual_report_title(title)


@pytest.mark.parametrize(
    "title",
    [
        "关于做好2022年政府信息公开工作年度报告编制发布工作的通知",
        "2023年政务公开工作要点",
        "2022年法治政府建设年度报告",
        "2022年度政府信息公开工作年度报告（解读）",
        "2022年度政府信息公开工作年度报告（图解）",
        "2022年度政府信息公开工作年度报告（一图读懂）",
        "政府信息公开工作年度报告专栏",
        "2022年政府信息公开工作年度报告专栏",
        "预决算公开",
    ],
)
def test_more_near_misses(title):
    assert not is_annual_report_title(title)


@pytest.mark.parametrize(
    "text, kind",
    [
        ("政府信息公开工作年度报告专栏", LinkKind.COLUMN),
        ("信息公开年报", LinkKind.COLUMN),
        ("法定主动公开内容", LinkKind.AREA),
        ("政府信息公开目录", LinkKind.AREA),
        ("政府資訊公開", LinkKind.AREA),
        ("2021年度", LinkKind.YEAR_COLUMN),
        ("2022年", LinkKind.YEAR_COLUMN),
        ("预决算公开", LinkKind.OTHER),
        ("2022年度政府信息公开工作年度报告（一图读懂）", LinkKind.OTHER),
        ("政府信息公开指南", LinkKind.OTHER),
        # Cut: the page decides (the cut may have eaten "解读"); a cut file link has to be taken as is.
        ("青河市2022年度政府信息公开工作年度报告（图...", LinkKind.MAYBE_REPORT),
    ],
)
def test_classify_menu_links(text, kind):
    assert classify_link(text, "http://x.gov.cn/col/col1/index.html") is kind


def test_cut_report_title_pointing_at_a_file_is_a_report():
    assert classify_link("2022年政府信息公开工作年度报告...", "http://x.gov.cn/P0202301.pdf") is LinkKind.REPORT


def test_trs_create_page_html_with_element_id():
    html = """<script>createPageHTML('page_div', 3, 1, "index", "shtml", 18);</script>"""
    assert create_page_html(html, "http://x/zfxxgknb/index_1.shtml") == [
        "http://x/zfxxgknb/index.shtml",
        "http://x/zfxxgknb/index_1.shtml",
        "http://x/zfxxgknb/index_2.shtml",
    ]


def test_hanweb_data_proxy_pages():
    records = "".join(f"<record><![CDATA[<li>{i}</li>]]></record>" for i in range(10))
    html = (
        '<script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?'
        'page=1&amp;appid=1&amp;webid=3&amp;path=/&amp;columnid=12345&amp;unitid=56789"></a>]]></nextgroup>'
        f"<recordset>{records}</recordset></datastore></script>"
        "<script>$('#56789').jpage({proxyUrl:'module/web/jpage/dataproxy.jsp', perPage:5, groupSize:2,"
        " totalRecord:26});</script>"
    )
    pages = data_proxy_pages(html, "http://x.gov.cn/col/col12345/index.html")
    assert [p.split("?")[1].split("&startrecord=")[1] for p in pages] == [
        "11&endrecord=20&perpage=5",
        "21&endrecord=26&perpage=5",
    ]
    assert all(is_data_proxy(p) for p in pages)
    assert data_proxy_form(pages[0]) == {
        "appid": "1",
        "webid": "3",
        "path": "/",
        "columnid": "12345",
        "unitid": "56789",
    }
    assert classify_link("", pages[0]) is LinkKind.PAGINATION
    assert data_proxy_pages(html, pages[0]) == []  # the proxy's own answer announces nothing more
    assert data_proxy_pages("<p>no datastore</p>", "http://x.gov.cn/") == []
