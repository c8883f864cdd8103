"""The spider's cheaper ways give the answers of the plain ones: report prose on a page decided from a prefix,
a page callback's outputs taken all at once."""

from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse

from crawlers.discovery import normalize_text
from crawlers.spiders.annual_reports import _REPORT_BODY, AnnualReportSpider, _all_at_once


def _plain(response: HtmlResponse) -> bool:
    """What ``_carries_report_text`` computed before it read a prefix first."""
    pieces = response.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]").getall()
    text = normalize_text("".join(pieces)[:6000])
    return len(text) > 300 and _REPORT_BODY.search(text) is not None


def _page(body: str) -> HtmlResponse:
    html = f"<html><head><title>t</title><style>总体情况</style></head><body>{body}</body></html>"
    return HtmlResponse("http://a.gov.cn/1.html", body=html.encode("utf-8"), encoding="utf-8")


PROSE = "依法依规做好政府信息公开申请办理工作，答复及时规范。" * 60


@pytest.mark.parametrize(
    "body",
    [
        f"<h1>二〇二〇年年度报告</h1><p>{PROSE}</p>",  # decided by the prefix
        f"<p>{PROSE}</p><h2>一、总体情况</h2>",  # keyword only after the prefix
        f"<p>{PROSE}</p><h2>一、總體情況</h2>",  # traditional, after the prefix
        f"<p>{'ａｂｃ ' * 400}</p><p>主动公开</p>",  # full-width, whitespace cuts
        "<p>总体情况</p><a href='/1.pdf'>附件</a>",  # too short
        f"<script>var s='{PROSE}总体情况';</script><p>短</p>",  # prose only in a script
        f"<p>{PROSE}</p>",  # long, no keyword
        "",
    ],
)
def test_report_prose_is_decided_as_before(body):
    response = _page(body)
    assert AnnualReportSpider._carries_report_text(response) is _plain(response)


def test_a_callback_taken_at_once_keeps_its_outputs_and_its_fault():
    calls = []

    @_all_at_once
    def callback(response):
        calls.append("started")
        yield 1
        yield 2
        raise ValueError("broken page")

    outputs = callback(None)
    assert calls == ["started"]  # ran when called, not when read
    got = []
    with pytest.raises(ValueError, match="broken page"):
        for x in outputs:
            got.append(x)
    assert got == [1, 2]

    @_all_at_once
    def fine(response):
        yield from (1, 2, 3)

    assert fine(None) == [1, 2, 3]
