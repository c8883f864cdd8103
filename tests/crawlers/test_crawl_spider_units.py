"""Spider pieces that need no crawl: what the portal families find on a page, fault descriptions."""

from __future__ import annotations

from scrapy.http import HtmlResponse, Request

from crawlers import cms
from crawlers.cms.generic import embedded_files, script_redirect
from crawlers.spiders.annual_reports import AnnualReportSpider, describe_failure


def _spider(tmp_path):
    profile = tmp_path / "p.yaml"
    profile.write_text("name: p\nstart_urls: ['http://127.0.0.1/']\n", encoding="utf-8")
    return AnnualReportSpider(profile=str(profile))


def test_hanweb_datastore_links_are_found(tmp_path):
    html = """<html><body><div id="list"></div>
    <script type="text/xml"><datastore><recordset>
    <record><![CDATA[<li><a href="/art/2021/3/9/art_1_100.html" title="宿迁市2020年政府信息公开工作年度报告">宿迁市2020年…</a></li>]]></record>
    <record><![CDATA[<li><a href="/art/2020/3/1/art_1_90.html">宿迁市2019年政府信息公开工作年度报告</a></li>]]></record>
    </recordset></datastore></script></body></html>"""
    response = HtmlResponse(
        "http://127.0.0.1/col/col1/index.html",
        body=html.encode(),
        encoding="utf-8",
        request=Request("http://127.0.0.1/col/col1/index.html"),
    )
    links = cms.links(response)
    assert ("http://127.0.0.1/art/2021/3/9/art_1_100.html", "宿迁市2020年政府信息公开工作年度报告") in links
    assert ("http://127.0.0.1/art/2020/3/1/art_1_90.html", "宿迁市2019年政府信息公开工作年度报告") in links


def test_report_text_heuristic(tmp_path):
    spider = _spider(tmp_path)
    body = (
        "<html><body><h1>2020年政府信息公开工作年度报告</h1><p>一、总体情况</p>"
        + "<p>正文内容。</p>" * 100
        + "</body></html>"
    )
    wrapper = '<html><body><h1>2020年政府信息公开工作年度报告</h1><a href="a.pdf">附件</a></body></html>'
    assert spider._carries_report_text(HtmlResponse("http://x/a.html", body=body.encode(), encoding="utf-8"))
    assert not spider._carries_report_text(HtmlResponse("http://x/b.html", body=wrapper.encode(), encoding="utf-8"))


def test_fault_descriptions():
    from scrapy.exceptions import IgnoreRequest
    from twisted.python.failure import Failure

    assert describe_failure(Failure(IgnoreRequest("Forbidden by robots.txt")))[0] == "forbidden by robots.txt"
    assert "redirect" in describe_failure(Failure(IgnoreRequest("max redirections reached")))[0]


def test_files_shown_in_a_viewer_are_attachments():
    html = (
        '<html><body><iframe src="/pdfjs/web/viewer.html?file=%2Fuploads%2F2020nb.pdf"></iframe>'
        '<embed src="files/2019.pdf"></body></html>'
    )
    response = HtmlResponse("http://x.gov.cn/art/1.html", body=html.encode(), encoding="utf-8")
    urls = [u for u, _ in embedded_files(response)]
    assert urls == ["http://x.gov.cn/uploads/2020nb.pdf", "http://x.gov.cn/art/files/2019.pdf"]


def test_script_and_image_links_are_found(tmp_path):
    html = """<html><head><base href="http://127.0.0.1/zwgk/zfxxgk/"></head><body><ul>
    <li><a href="javascript:void(0)" data-url="zfxxgknb/t1.shtml">甲市2022年政府信息公开工作年度报告</a></li>
    <li><a href="javascript:;" onclick="window.open('../t2.shtml')">甲市2021年政府信息公开工作年度报告</a></li>
    <li onclick="location.href='/art/2023/1/31/art_1_3.html'"><span>甲市2020年政府信息公开工作年度报告</span></li>
    <li><a href="javascript:openUrl('/art/4.html')">甲市2019年政府信息公开工作年度报告</a></li>
    <li><a href="
       ./t5.shtml#">甲市2018年…</a></li>
    <li><a href="http://127.0.0.1/xxgk/"><img src="x.png" alt="政府信息公开"></a></li>
    <li><a href="#">回到顶部</a><a href="javascript:void(0)">打印</a></li>
    </ul></body></html>"""
    response = HtmlResponse("http://127.0.0.1/zwgk/index.html", body=html.encode(), encoding="utf-8")
    links = dict(cms.links(response))
    assert links["http://127.0.0.1/zwgk/zfxxgk/zfxxgknb/t1.shtml"] == "甲市2022年政府信息公开工作年度报告"
    assert links["http://127.0.0.1/zwgk/t2.shtml"] == "甲市2021年政府信息公开工作年度报告"
    assert links["http://127.0.0.1/art/2023/1/31/art_1_3.html"] == "甲市2020年政府信息公开工作年度报告"
    assert links["http://127.0.0.1/art/4.html"] == "甲市2019年政府信息公开工作年度报告"
    assert links["http://127.0.0.1/zwgk/zfxxgk/t5.shtml"] == "甲市2018年…"
    assert links["http://127.0.0.1/xxgk/"] == "政府信息公开"
    assert len(links) == 6


def test_cut_entry_is_judged_by_the_heading_it_begins(tmp_path):
    spider = _spider(tmp_path)
    html = (
        "<html><head><title>甲市2022年政府信息公开工作年度报告</title></head><body>"
        "<h1>甲市2022年度政府信息公开工作年度报告（解读）</h1><h2>甲市2022年政府信息公开工作年度报告</h2></body></html>"
    )
    response = HtmlResponse("http://x/a.html", body=html.encode(), encoding="utf-8")
    assert spider._report_title_on_page(response, "甲市2022年度政府信息公开工作年度报告（解...") is None
    assert spider._report_title_on_page(response, "甲市2022年政府信息公开工...") == "甲市2022年政府信息公开工作年度报告"


def test_script_menus_and_script_redirects(tmp_path):
    html = """<html><body><script>document.write('<li><a href="/zwgk/">政务公开</a></li>');
    var menu = "<a href=\\"\\/xxgk\\/\\">政府信息公开<\\/a>";</script></body></html>"""
    response = HtmlResponse("http://127.0.0.1/", body=html.encode(), encoding="utf-8")
    links = dict(cms.links(response))
    assert links["http://127.0.0.1/zwgk/"] == "政务公开"
    assert links["http://127.0.0.1/xxgk/"] == "政府信息公开"
    shell = HtmlResponse(
        "http://127.0.0.1/",
        encoding="utf-8",
        body=b"<html><script>window.location.href = './index.shtml';</script></html>",
    )
    assert script_redirect(shell, []) == [("http://127.0.0.1/index.shtml", cms.SAME_PAGE)]
    assert ("http://127.0.0.1/index.shtml", cms.SAME_PAGE) in cms.links(shell)
    assert script_redirect(response, [("a", "b")] * 5) == []


def test_families_are_registered_generic_first():
    names = [family.name for family in cms.families()]
    assert names[0] == "generic" and {"hanweb", "trs"} <= set(names)
    assert cms.form("http://x.gov.cn/module/web/jpage/dataproxy.jsp?columnid=1&startrecord=16") == {"columnid": "1"}
    assert cms.form("http://x.gov.cn/col/col1/index.html") is None


def test_a_report_link_that_leads_to_a_list_walks_every_familys_pages(tmp_path):
    """A "2022年…年度报告" link that opens a list of department reports: the list's further pages are taken
    from every family, as on any list page (TRS script pages and Hanweb data-proxy groups alike)."""
    from scrapy.http import FormRequest

    spider = _spider(tmp_path)
    spider.max_nav_depth, spider.max_list_pages, spider.max_nav_pages = 4, 500, 300
    records = "".join(
        f'<record><![CDATA[<li><a href="/art/{i}.html">甲市{d}2022年政府信息公开工作年度报告</a></li>]]></record>'
        for i, d in enumerate(["教育局", "民政局"])
    )
    html = (
        '<html><body><script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/jpage/'
        f'dataproxy.jsp?page=1&amp;columnid=9"></a>]]></nextgroup><recordset>{records}</recordset></datastore>'
        "</script><script>$('#1').jpage({perPage:1, groupSize:1, totalRecord:4});"
        'createPageHTML(2, 0, "index", "html");</script></body></html>'
    )
    url = "http://127.0.0.1/col/col9/index.html"
    nb = {"role": "detail", "title": "甲市2022年政府信息公开工作年度报告", "depth": 2}
    response = HtmlResponse(url, body=html.encode(), encoding="utf-8", request=Request(url, meta={"nb": nb}))
    requests = [r for r in spider.parse_detail(response) if isinstance(r, Request)]
    proxies = [r for r in requests if "dataproxy.jsp" in r.url]
    assert len(proxies) == 2 and all(isinstance(r, FormRequest) for r in proxies)
    assert "http://127.0.0.1/col/col9/index_1.html" in {r.url for r in requests}
    assert {"http://127.0.0.1/art/0.html", "http://127.0.0.1/art/1.html"} <= {r.url for r in requests}
