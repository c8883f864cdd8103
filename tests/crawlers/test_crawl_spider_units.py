"""Spider pieces that need no crawl: link extraction, fault descriptions."""

from __future__ import annotations

from scrapy.http import HtmlResponse, Request

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
    response = HtmlResponse("http://127.0.0.1/col/col1/index.html", body=html.encode(), encoding="utf-8",
                            request=Request("http://127.0.0.1/col/col1/index.html"))
    links = _spider(tmp_path)._extract_links(response)
    assert ("http://127.0.0.1/art/2021/3/9/art_1_100.html", "宿迁市2020年政府信息公开工作年度报告") in links
    assert ("http://127.0.0.1/art/2020/3/1/art_1_90.html", "宿迁市2019年政府信息公开工作年度报告") in links


def test_report_text_heuristic(tmp_path):
    spider = _spider(tmp_path)
    body = "<html><body><h1>2020年政府信息公开工作年度报告</h1><p>一、总体情况</p>" + "<p>正文内容。</p>" * 100 + "</body></html>"
    wrapper = '<html><body><h1>2020年政府信息公开工作年度报告</h1><a href="a.pdf">附件</a></body></html>'
    assert spider._carries_report_text(HtmlResponse("http://x/a.html", body=body.encode(), encoding="utf-8"))
    assert not spider._carries_report_text(HtmlResponse("http://x/b.html", body=wrapper.encode(), encoding="utf-8"))


def test_fault_descriptions():
    from scrapy.exceptions import IgnoreRequest
    from twisted.python.failure import Failure

    assert describe_failure(Failure(IgnoreRequest("Forbidden by robots.txt")))[0] == "forbidden by robots.txt"
    assert "redirect" in describe_failure(Failure(IgnoreRequest("max redirections reached")))[0]


def test_files_shown_in_a_viewer_are_attachments():
    from crawlers.spiders.annual_reports import _embedded_files

    html = ('<html><body><iframe src="/pdfjs/web/viewer.html?file=%2Fuploads%2F2020nb.pdf"></iframe>'
            '<embed src="files/2019.pdf"></body></html>')
    response = HtmlResponse("http://x.gov.cn/art/1.html", body=html.encode(), encoding="utf-8")
    urls = [u for u, _ in _embedded_files(response)]
    assert urls == ["http://x.gov.cn/uploads/2020nb.pdf", "http://x.gov.cn/art/files/2019.pdf"]
