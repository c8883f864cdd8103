"""Test portals for the crawler tests and the crawl benchmark, served by the one local server
(``sample_portal.server.LocalPortal``, 127.0.0.1 only, free port).

- ``build_county_portal()``: a hand-made county portal unlike the bundled sample portal: GBK pages
  (mislabelled UTF-8 or unlabelled), ``?page=`` pagination over three list pages, near-miss titles,
  a report that is only an attachment, a robots.txt that forbids a report-like page, and every
  fault the crawler must record.
- ``build_bulk_portal(n)``: many reports in TRS-style lists (``index_N.html``), for the benchmark.
- ``build_cms_portal()``: a city portal on several host names built like real ones (TRS WCM main
  site, Hanweb disclosure subdomain), crawled through the local server as an HTTP proxy.
- ``build_zhengyun_portal()``: a portal of a family the crawler does not know (fictional 政云 CMS),
  found only once its one family file (``tests/crawlers/new_family/crawlers/cms/zhengyun.py``) is added.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

from sample_portal.server import LocalPortal, Route

# --- page builders ------------------------------------------------------------------------------


def _html(title: str, body: str, *, charset_meta: str | None = None) -> str:
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={charset_meta}">' if charset_meta else ""
    return f"<!DOCTYPE html><html><head>{meta}<title>{title}</title></head><body>{body}</body></html>"


def report_text(organ: str, year: int, seed: int = 0, size: int = 3000) -> str:
    """Plausible report prose, enough for the crawler's 'carries the report's text' test."""
    parts = [
        f"<h1>{organ}{year}年政府信息公开工作年度报告</h1>",
        f"<p>本报告依据《中华人民共和国政府信息公开条例》编制，统计期限自{year}年1月1日至12月31日。</p>",
        "<h2>一、总体情况</h2>",
        f"<p>{year}年，{organ}坚持以公开为常态、不公开为例外，主动公开政府信息{1000 + seed}条。</p>",
        "<h2>二、主动公开政府信息情况</h2><table><tr><td>规章</td><td>0</td></tr></table>",
        "<h2>三、收到和处理政府信息公开申请情况</h2>",
    ]
    filler = f"<p>编号{seed}：依法依规做好政府信息公开申请办理工作，答复及时规范。</p>"
    text = "".join(parts)
    while len(text) < size:
        text += filler
    return text


def fake_pdf(label: str, size: int = 2000) -> bytes:
    head = f"%PDF-1.4\n% {label}\n".encode()
    return head + (b"0123456789abcdef" * (size // 16 + 1))[: max(0, size - len(head))] + b"\n%%EOF\n"


def fake_docx(label: str, size: int = 2000) -> bytes:
    head = b"PK\x03\x04" + label.encode("utf-8")
    return head + bytes(range(256)) * (size // 256 + 1)


@dataclass
class CountyPortal:
    portal: LocalPortal
    report_paths: set[str]  # paths of every report document the crawler must store
    near_miss_paths: set[str]  # report-like pages it must never fetch
    fault_paths: dict[str, str]  # path → a word the recorded error must contain
    forbidden_path: str


def build_county_portal() -> CountyPortal:
    """The 'differently built' portal of the crawler tests (see module docstring)."""
    organ = "青山县人民政府"
    gbk = "text/html"  # no charset parameter: the bytes are GBK, the label (if any) lies

    def page(title: str, body: str, meta: str | None = "utf-8") -> Route:
        # Mislabelled: a <meta charset=utf-8> on GBK bytes (or no label at all when meta is None).
        return Route(_html(title, body, charset_meta=meta).encode("gbk"), gbk)

    routes: dict[str, Route] = {}
    routes["/robots.txt"] = Route(b"User-agent: *\nDisallow: /private/\n", "text/plain")
    routes["/"] = page(
        f"{organ}门户网站",
        (
            '<div class="nav"><a href="/">首页</a> <a href="/news/">新闻动态</a> '
            '<a href="/zwgk/">政务公开</a> <a href="/bsfw/">办事服务</a></div>'
            '<ul><li><a href="/news/1.html">县领导调研春耕生产</a></li></ul>'
        ),
    )
    # The portal moved: the old home redirects to another host name.
    routes["/old-home"] = Route(status=301, behaviour="redirect", headers={"Location": "http://{other_host}/"})
    routes["/news/"] = page("新闻动态", '<a href="/news/1.html">县领导调研春耕生产</a>')
    routes["/news/1.html"] = page("县领导调研春耕生产", "<p>新闻</p>")
    routes["/bsfw/"] = page("办事服务", "<p>办事</p>")
    routes["/zwgk/"] = page(
        "政务公开",
        (
            '<ul><li><a href="/zwgk/zn.html">政府信息公开指南</a></li>'
            '<li><a href="/zwgk/zd.html">政府信息公开制度</a></li>'
            '<li><a href="/zwgk/nb/list?page=1">政府信息公开年报</a></li></ul>'
        ),
        meta=None,
    )
    routes["/zwgk/zn.html"] = page("政府信息公开指南", "<p>指南</p>")
    routes["/zwgk/zd.html"] = page("政府信息公开制度", "<p>制度</p>")

    report_paths: set[str] = set()
    near_miss: set[str] = set()
    # (path, link text, kind); kinds: html report, html+docx, html with only a pdf attachment.
    entries: list[list[tuple[str, str]]] = [[], [], []]
    years = [2023, 2022, 2021, 2020, 2019]
    for i, year in enumerate(years):
        path = f"/zwgk/nb/art/{year}/report_{year}.html"
        title = f"{organ}{year}年政府信息公开工作年度报告"
        if year == 2020:  # traditional script, and its body is only a .docx attachment
            title = f"青山縣人民政府{year}年政府信息公開工作年度報告"
            att = f"/uploads/{year}/nb{year}.docx"
            routes[att] = Route(fake_docx(title), "application/octet-stream")
            routes[path] = page(title, f'<h1>{title}</h1><p>附件：<a href="{att}">附件1.docx</a></p>')
            report_paths.add(att)
        else:
            routes[path] = page(title, report_text(organ, year, seed=i))
            report_paths.add(path)
        entries[i % 3].append((path, title))
    # A report that is only an attachment on the list page.
    pdf = "/uploads/2018/2018nb.pdf"
    routes[pdf] = Route(fake_pdf("2018"), "application/pdf")
    entries[2].append((pdf, f"{organ}2018年政府信息公开工作年度报告"))
    report_paths.add(pdf)
    # A link that moved: the list still points at the old address, which redirects (301).
    moved, target = "/zwgk/nb/art/2010/moved.html", "/zwgk/nb/art/2010/report_2010.html"
    routes[target] = page(f"{organ}2010年政府信息公开工作年度报告", report_text(organ, 2010, seed=10))
    routes[moved] = Route(status=301, behaviour="redirect", headers={"Location": target})
    entries[1].append((moved, f"{organ}2010年政府信息公开工作年度报告"))
    report_paths.add(moved)  # recorded under the link's address, final_url = the target
    # Entries cut short without a title attribute: the page's own title decides.
    cut_report = "/zwgk/nb/art/2009/report_2009.html"
    routes[cut_report] = page(
        f"{organ}2009年政府信息公开工作年度报告_{organ}",
        f"<h1>{organ}2009年政府信息公开工作年度报告</h1>" + report_text(organ, 2009, seed=9),
    )
    entries[2].append((cut_report, f"RAW:{organ}2009年政府信息公开工作…"))
    report_paths.add(cut_report)
    cut_other = "/zwgk/nb/art/2021/apply.html"
    routes[cut_other] = page(
        f"{organ}2021年政府信息公开申请办理情况", f"<h1>{organ}2021年政府信息公开申请办理情况</h1>"
    )
    entries[0].append((cut_other, f"RAW:{organ}2021年政府信息公开申请…"))
    # A mobile twin of the 2023 report: the same report, must not be fetched twice.
    entries[0].append(("/zwgk/nb/art/2023/report_2023_wap.html", f"{organ}2023年政府信息公开工作年度报告"))
    # Near misses: pages a careless crawler would take for reports.
    for j, t in enumerate(
        [
            "关于做好2022年政府信息公开工作年度报告编制工作的通知",
            f"{organ}2023年政务公开工作要点",
            f"{organ}2022年法治政府建设年度报告",
        ]
    ):
        p = f"/zwgk/nb/art/other_{j}.html"
        routes[p] = page(t, report_text(organ, 2022, seed=100 + j))
        near_miss.add(p)
        entries[j % 3].append((p, t))
    # Faults, each behind a report-titled link.
    fault_paths = {
        "/private/2017nb.html": "robots",
        "/zwgk/nb/art/2016/missing.html": "404",
        "/zwgk/nb/art/2015/broken.html": "500",
        "/zwgk/nb/art/2014/slow.html": "timeout",
        "/zwgk/nb/art/2013/loop.html": "redirect",
        "/uploads/2012/truncated.pdf": "truncated",
        "/uploads/2011/huge.pdf": "too large",
        "/zwgk/nb/art/2008/away.html": "offsite",
    }
    routes["/private/2017nb.html"] = page("2017", report_text(organ, 2017))
    routes["/zwgk/nb/art/2015/broken.html"] = Route(status=500, behaviour="error")
    routes["/zwgk/nb/art/2014/slow.html"] = Route(report_text(organ, 2014).encode("gbk"), delay=3.0)
    routes["/zwgk/nb/art/2013/loop.html"] = Route(
        status=302, behaviour="redirect", headers={"Location": "/zwgk/nb/art/2013/loop2.html"}
    )
    routes["/zwgk/nb/art/2013/loop2.html"] = Route(
        status=302, behaviour="redirect", headers={"Location": "/zwgk/nb/art/2013/loop.html"}
    )
    routes["/uploads/2012/truncated.pdf"] = Route(fake_pdf("2012", 5000), "application/pdf", behaviour="truncate")
    routes["/uploads/2011/huge.pdf"] = Route(b"", "application/pdf", behaviour="huge")
    routes["/zwgk/nb/art/2008/away.html"] = Route(
        status=302, behaviour="redirect", headers={"Location": "http://{other_host}/nb/2008.html"}
    )
    for k, (p, _) in enumerate(fault_paths.items()):
        year = int(p.split("/")[-2]) if p.split("/")[-2].isdigit() else 2017
        entries[k % 3].append((p, f"{organ}{year}年政府信息公开工作年度报告"))

    n = len(entries)
    for idx, items in enumerate(entries, start=1):
        lis = "".join(
            f'<li><a href="{p}">{t[4:]}</a></li>'
            if t.startswith("RAW:")
            else f'<li><a href="{p}" title="{t}">{t[:14]}…</a><span>2024-01-0{idx}</span></li>'
            for p, t in items
        )
        nav = " ".join(f'<a href="/zwgk/nb/list?page={k}">{k}</a>' for k in range(1, n + 1))
        if idx < n:
            nav += f' <a href="/zwgk/nb/list?page={idx + 1}">下一页</a>'
        routes[f"/zwgk/nb/list?page={idx}"] = page(
            "政府信息公开年报",
            f'<ul class="list">{lis}</ul><div class="page">{nav}</div>',
            meta=None if idx == 2 else "utf-8",
        )
    return CountyPortal(LocalPortal(routes), report_paths, near_miss, fault_paths, "/private/2017nb.html")


def build_bulk_portal(
    n_reports: int = 1000, per_page: int = 20, doc_size: int = 100_000, html_size: int = 30_000
) -> tuple[LocalPortal, int]:
    """A TRS-style portal with ``n_reports`` detail pages, each an HTML report with a PDF attachment.

    Returns (portal, number of report documents) — two per detail page. Pages are generated on
    request, so a big portal costs no memory up front.
    """
    organs = [
        "发展和改革委员会",
        "教育局",
        "公安局",
        "民政局",
        "财政局",
        "自然资源局",
        "生态环境局",
        "住房和城乡建设局",
    ]
    n_pages = (n_reports + per_page - 1) // per_page

    def list_page(k: int) -> Route:
        start = k * per_page
        items = "".join(
            f'<li><a href="/col/col1/art/{i}.html" title="{organs[i % len(organs)]}{2010 + i % 14}年政府信息公开工作年度报告">'
            f"{organs[i % len(organs)]}{2010 + i % 14}年政府信息公开工作年度报告</a></li>"
            for i in range(start, min(n_reports, start + per_page))
        )
        script = f'<script>createPageHTML({n_pages}, {k}, "index", "html");</script>'
        return Route(_html("政府信息公开年报", f"<ul>{items}</ul>{script}", charset_meta="utf-8").encode("utf-8"))

    def resolver(path: str) -> Route | None:
        if path == "/robots.txt":
            return Route(b"User-agent: *\nAllow: /\n", "text/plain")
        if path == "/":
            return Route(_html("门户", '<a href="/zwgk/">政务公开</a>').encode("utf-8"))
        if path == "/zwgk/":
            return Route(_html("政务公开", '<a href="/col/col1/index.html">政府信息公开年报</a>').encode("utf-8"))
        if path.startswith("/col/col1/index"):
            tail = path[len("/col/col1/index") :]
            k = 0 if tail == ".html" else int(tail[1:].split(".")[0]) if tail.startswith("_") else -1
            return list_page(k) if 0 <= k < n_pages else None
        if path.startswith("/col/col1/art/") and path.endswith(".html"):
            i = int(path.rsplit("/", 1)[1].split(".")[0])
            organ, year = organs[i % len(organs)], 2010 + i % 14
            body = (
                report_text(organ, year, seed=i, size=html_size // 3)
                + f'<p><a href="/files/{i}.pdf">附件：{year}年报.pdf</a></p>'
            )
            return Route(_html(f"{organ}{year}年政府信息公开工作年度报告", body, charset_meta="utf-8").encode("utf-8"))
        if path.startswith("/files/") and path.endswith(".pdf"):
            i = int(path.rsplit("/", 1)[1].split(".")[0])
            return Route(fake_pdf(f"report {i}", doc_size), "application/pdf")
        return None

    return LocalPortal(resolver=resolver), 2 * n_reports


# --- a city portal built like real ones: TRS WCM main site, Hanweb disclosure subdomain ----------


@dataclass
class CmsPortal:
    portal: LocalPortal  # serve() it, then crawl with proxy_env(url): every host is answered here
    start_url: str
    allowed_domain: str
    report_urls: set[str]  # every report document the crawler must store (absolute URLs)
    near_miss_urls: set[str]  # report-like pages and files it must never fetch
    titles: dict[str, str]  # report URL → the full title it must be stored under

    @staticmethod
    def proxy_env(url: str) -> dict[str, str]:
        """Environment for the crawl subprocess: every http request goes to the local server."""
        env = {k: v for k, v in os.environ.items() if k.lower() not in {"http_proxy", "https_proxy", "no_proxy"}}
        env["http_proxy"] = env["HTTP_PROXY"] = url
        return env


def build_cms_portal() -> CmsPortal:
    """Qinghe city (``*.qinghe.test``, a reserved TLD that never resolves), built like real portals.

    - ``www.qinghe.test``: a TRS WCM site. ``/`` only redirects by script to ``/index.shtml``, whose
      menu is written by ``document.write``. Home → 政务公开 → 信息公开年报 →
      ``/zwgk/zfxxgk/zfxxgknb/index.shtml``, paginated only by ``createPageHTML('page_div', 3, 0,
      "index", "shtml")``; detail pages ``./202301/t20230131_123456.shtml`` (one list page under a
      ``<base href>``), whose report is a ``./P0202301…pdf`` attachment; a 2021年度 sub-column shown
      in an iframe; "2019年度报告" leading to the report itself and a report-named link leading to a
      list of department reports; links through ``data-url``, ``onclick="window.open(…)"``, ``../``,
      https twins, ``#`` and ``?from=`` tails.
    - ``xxgk.qinghe.test``: a Hanweb disclosure platform reached from the home page's image link
      (alt 政府信息公开) → left menu 法定主动公开内容 → 政府信息公开年报 (``/col/col12345/``): records in
      ``<script type="text/xml"><datastore>`` (some clickable by ``onclick`` on the ``li``), the rest
      from ``/module/web/jpage/dataproxy.jsp`` by POST; one report only behind ``downfile.jsp?filename=….pdf``.
    - Titles cut with ``...`` (full title in @title), traditional, department reports; near misses.
    """
    www, xxgk = "http://www.qinghe.test", "http://xxgk.qinghe.test"
    city = "青河市"
    routes: dict[str, Route] = {}
    reports: set[str] = set()
    near: set[str] = set()
    titles: dict[str, str] = {}

    def html(title: str, body: str, head: str = "") -> Route:
        doc = (
            f'<!DOCTYPE html><html><head><meta charset="utf-8">{head}<title>{title}</title></head>'
            f"<body>{body}</body></html>"
        )
        return Route(doc.encode("utf-8"), "text/html; charset=utf-8")

    robots = Route(b"User-agent: *\nDisallow: /search/\n", "text/plain")
    routes[f"{www}/robots.txt"] = robots
    routes[f"{xxgk}/robots.txt"] = robots

    # The root only sends the browser on; the home page writes its menu from a script.
    routes[f"{www}/"] = html(city, "<script>window.location.href = './index.shtml';</script>")
    routes[f"{www}/index.shtml"] = html(
        f"{city}人民政府门户网站",
        (
            '<div class="nav"><script>document.write(\'<a href="/index.shtml">首页</a><a href="/xwzx/">新闻中心</a>'
            '<a href="/zwgk/">政务公开</a><a href="/hdjl/">互动交流</a>\');</script></div>'
            f'<div class="banner"><a href="{xxgk}/" target="_blank"><img src="/images/xxgk.png" alt="政府信息公开"></a></div>'
            '<ul><li><a href="/xwzx/t20230101_1.shtml">市长主持召开常务会议</a></li></ul>'
        ),
    )
    routes[f"{www}/xwzx/"] = html("新闻中心", '<a href="/xwzx/t20230101_1.shtml">市长主持召开常务会议</a>')
    routes[f"{www}/xwzx/t20230101_1.shtml"] = html("市长主持召开常务会议", "<p>新闻</p>")
    routes[f"{www}/hdjl/"] = html("互动交流", "<p>留言</p>")

    # --- www: TRS WCM ---
    nb = f"{www}/zwgk/zfxxgk/zfxxgknb/"
    routes[f"{www}/zwgk/"] = html(
        "政务公开",
        (
            '<ul class="menu"><li><a href="./zfxxgk/zn/">政府信息公开指南</a></li>'
            '<li><a href="./yjsgk/">预决算公开</a></li>'
            '<li><a href="./zfxxgk/zfxxgknb/index.shtml">信息公开年报</a></li>'
            '<li><a href="./gzyd/">2023年政务公开工作要点</a></li></ul>'
        ),
    )
    routes[f"{www}/zwgk/zfxxgk/zn/"] = html("政府信息公开指南", "<p>指南</p>")
    routes[f"{www}/zwgk/yjsgk/"] = html("预决算公开", '<a href="./t1.shtml">2022年部门预决算公开</a>')
    routes[f"{www}/zwgk/gzyd/"] = html("2023年政务公开工作要点", "<p>要点</p>")

    def trs_detail(rel_dir: str, stamp: str, n: int, title: str, *, pdf: bool) -> str:
        """A TRS detail page under the column; returns its absolute URL."""
        url = f"{nb}{rel_dir}/t{stamp}_{n}.shtml"
        head = f'<meta name="ArticleTitle" content="{title}">'
        if pdf:
            att = f"P0{stamp}{n:06d}.pdf"
            routes[f"{nb}{rel_dir}/{att}"] = Route(fake_pdf(title), "application/pdf")
            body = (
                f'<div class="detail"><h2>{title}</h2><div class="info">发布时间：2023-01-31</div>'
                f'<div class="TRS_Editor"><p>详见附件。</p></div>'
                f'<p>附件：<a href="./{att}" oldsrc="W0{stamp}.pdf">{att}</a></p></div>'
            )
            reports.add(f"{nb}{rel_dir}/{att}")
            titles[f"{nb}{rel_dir}/{att}"] = title
        else:
            body = f'<div class="detail">{report_text(title[: title.index("20")], int(stamp[:4]) - 1, seed=n)}</div>'
            reports.add(url)
            titles[url] = title
        routes[url] = html(title, body, head)
        return url

    r1 = trs_detail("202301", "20230131", 123456, f"{city}2022年政府信息公开工作年度报告", pdf=True)
    r2 = trs_detail("202301", "20230128", 123401, f"{city}教育局2022年政府信息公开工作年度报告", pdf=False)
    r3 = trs_detail("202201", "20220120", 111111, f"{city}2021年政府信息公开工作年度报告", pdf=True)
    r4 = trs_detail("202201", "20220125", 111122, f"{city}民政局2021年政府信息公開工作年度報告", pdf=False)
    r5 = trs_detail("202101", "20210129", 100001, f"{city}2020年政府信息公开工作年度报告", pdf=False)
    r6 = trs_detail("202101", "20210130", 100002, f"{city}财政局2020年政府信息公开工作年度报告", pdf=True)
    # "2019年度报告" (a year's words only) leads to the report itself.
    trs_detail("202001", "20200130", 100003, f"{city}2019年政府信息公开工作年度报告", pdf=False)
    # A link named like a report leads to the list of that year's department reports.
    bm = [
        trs_detail("2020bm/202101", "20210131", 100010 + k, f"{city}{d}2020年政府信息公开工作年度报告", pdf=k == 1)
        for k, d in enumerate(["审计局", "统计局"])
    ]
    routes[f"{nb}2020bm/index.shtml"] = html(
        f"{city}2020年度部门政府信息公开工作年度报告",
        "<ul>"
        + "".join(
            f'<li><a href="{u[len(nb) + 7 :]}" title="{t}">{t}</a></li>'
            for u, t in zip(
                bm, [f"{city}审计局2020年政府信息公开工作年度报告", f"{city}统计局2020年政府信息公开工作年度报告"]
            )
        )
        + "</ul>",
    )
    dag = trs_detail("bmnb/dag/202301", "20230116", 100021, f"{city}档案馆2022年政府信息公开工作年度报告", pdf=False)
    routes[f"{nb}bmnb/dag/index.shtml"] = html(
        "市档案馆", (f'<ul><li><a href="{dag[len(nb) + 9 :]}">{city}档案馆2022年政府信息公开工作年度报告</a></li></ul>')
    )
    trs_detail("bmnb/202301", "20230115", 100020, f"{city}林业局2022年政府信息公开工作年度报告", pdf=False)
    sub = trs_detail(
        "2021/202201", "20220126", 111133, f"{city}卫生健康委员会2021年政府信息公开工作年度报告", pdf=False
    )
    for j, (rel, t) in enumerate(
        [
            ("202212/t20221201_9001.shtml", "关于做好2022年政府信息公开工作年度报告编制发布工作的通知"),
            ("202302/t20230210_9002.shtml", f"{city}2022年度政府信息公开工作年度报告（解读）"),
            ("202302/t20230211_9003.shtml", f"{city}2022年度政府信息公开工作年度报告（图解）"),
            ("202303/t20230301_9004.shtml", f"{city}2022年法治政府建设年度报告"),
        ]
    ):
        # Its page repeats the report's own heading (解读 pages quote it): the title must decide.
        routes[nb + rel] = html(t, f"<h1>{t}</h1>" + report_text(city, 2022, seed=900 + j))
        if j != 2:  # the 图解 entry is cut without @title ("…（图..."): opened, read, never kept
            near.add(nb + rel)
    cut = f"{city}2022年度政府信息公开工作年度报告（解读）"
    trs_pages = [
        # page 0: relative ./ links, cut titles with @title, a data-url link, an https twin, a near miss
        (
            (
                f'<li><a href="./202301/t20230131_123456.shtml" target="_blank" title="{city}2022年政府信息公开工作年度报告">'
                f"{city}2022年政府信息公开工作...</a><span>2023-01-31</span></li>"
                f'<li><a href="javascript:void(0)" data-url="../zfxxgknb/202301/t20230128_123401.shtml" '
                f'title="{city}教育局2022年政府信息公开工作年度报告">{city}教育局2022年政府信息...</a></li>'
                f'<li><a href="https://www.qinghe.test/zwgk/zfxxgk/zfxxgknb/202301/t20230131_123456.shtml">'
                f"{city}2022年政府信息公开工作年度报告</a></li>"
                f'<li><a href="./202302/t20230210_9002.shtml" title="{cut}">{cut[:16]}...</a></li>'
                f'<li><a href="./202212/t20221201_9001.shtml">关于做好2022年政府信息公开工作年度报告编制发布工作的通知</a></li>'
                '<li><a href="./2021/index.shtml">2021年度</a></li>'
                f'<li><a href="./2020bm/index.shtml">{city}2020年度部门政府信息公开工作年度报告</a></li>'
            ),
            "",
        ),
        # page 1: under <base href>, onclick, #, ?from=, a near miss cut without @title
        (
            (
                f'<li><a href="javascript:;" onclick="window.open(\'zfxxgknb/202201/t20220120_111111.shtml\')">'
                f"{city}2021年政府信息公开工作年度报告</a></li>"
                f'<li><a href="zfxxgknb/202201/t20220125_111122.shtml#" title="{city}民政局2021年政府信息公開工作年度報告">'
                f"{city}民政局2021年政府...</a></li>"
                f'<li><a href="zfxxgknb/202302/t20230211_9003.shtml">{city}2022年度政府信息公开工作年度报告（图...</a></li>'
            ),
            f'<base href="{www}/zwgk/zfxxgk/">',
        ),
        # page 2: ?from= tracking, ../ path, a sibling column's near miss
        (
            (
                f'<li><a href="./202101/t20210129_100001.shtml?from=timeline">{city}2020年政府信息公开工作年度报告</a></li>'
                f'<li><a href="../zfxxgknb/202101/t20210130_100002.shtml" title="{city}财政局2020年政府信息公开工作年度报告">'
                f"{city}财政局2020年...</a></li>"
                f'<li><a href="./202303/t20230301_9004.shtml">{city}2022年法治政府建设年度报告</a></li>'
                '<li><a href="./202001/t20200130_100003.shtml">2019年度报告</a></li>'
                # Departments listed by name only: a sub-column, and a report page.
                '<li><a href="./bmnb/dag/index.shtml">市档案馆</a></li>'
                '<li><a href="./bmnb/202301/t20230115_100020.shtml">市林业局</a></li>'
            ),
            "",
        ),
    ]
    for k, (items, head) in enumerate(trs_pages):
        name = "index.shtml" if k == 0 else f"index_{k}.shtml"
        script = f'<script>createPageHTML(\'page_div\', 3, {k}, "index", "shtml", 18);</script>'
        routes[nb + name] = html(
            "信息公开年报", f'<ul class="list">{items}</ul><div id="page_div"></div>{script}', head
        )
    # The 2021年度 sub-column shows its list in an iframe.
    routes[f"{nb}2021/index.shtml"] = html("2021年度", '<iframe src="./list.shtml" frameborder="0"></iframe>')
    routes[f"{nb}2021/list.shtml"] = html(
        "2021年度",
        (
            f'<ul><li><a href="./202201/t20220126_111133.shtml" title="{city}卫生健康委员会2021年政府信息公开工作年度报告">'
            f"{city}卫生健康委员会2021年…</a></li></ul>"
        ),
    )
    assert {r1, r2, r3, r4, r5, r6, sub}

    # --- xxgk: Hanweb ---
    routes[f"{xxgk}/"] = html(f"{city}政府信息公开", _hanweb_menu(xxgk, level=0) + "<p>欢迎访问</p>")
    routes[f"{xxgk}/col/col100/index.html"] = html(
        "法定主动公开内容", _hanweb_menu(xxgk, level=1) + "<p>请选择栏目</p>"
    )
    for col, name in [(101, "政府信息公开指南"), (102, "政府信息公开制度"), (103, "机构职能")]:
        routes[f"{xxgk}/col/col{col}/index.html"] = html(name, _hanweb_menu(xxgk, level=1) + f"<p>{name}</p>")
    routes[f"{xxgk}/col/col12399/index.html"] = html(
        "政府信息公开工作年度报告专栏", (f'<a href="{xxgk}/col/col12345/index.html">进入专栏</a>')
    )
    records: list[str] = []
    departments = [
        "发展和改革委员会",
        "公安局",
        "司法局",
        "人力资源和社会保障局",
        "自然资源和规划局",
        "生态环境局",
        "住房和城乡建设局",
        "交通运输局",
        "水利局",
        "农业农村局",
        "商务局",
        "文化广电和旅游局",
    ]
    n = 0
    for year in (2022, 2021):
        for d in departments:
            n += 1
            title = f"{city}{d}{year}年政府信息公开工作年度报告"
            url = f"{xxgk}/art/{year + 1}/1/{n}/art_12345_{600 + n}.html"
            if n == 4:  # the report is a file behind Hanweb's download script; the page only links it
                down = f"{xxgk}/module/download/downfile.jsp?classid=0&filename=230104{n}.pdf"
                routes[down] = Route(fake_pdf(title), "application/octet-stream")
                routes[url] = html(
                    title,
                    f'<div class="article"><h1>{title}</h1><p>附件：'
                    f'<a href="/module/download/downfile.jsp?classid=0&amp;filename=230104{n}.pdf">'
                    "附件下载</a></p></div>",
                )
                url = down
            else:
                routes[url] = html(title, f'<div class="article">{report_text(city + d, year, seed=n)}</div>')
            reports.add(url)
            titles[url] = title
            if n % 3 == 0:  # onclick on the list item itself
                records.append(
                    f"<li onclick=\"window.open('/art/{year + 1}/1/{n}/art_12345_{600 + n}.html')\">"
                    f"<span>{title}</span></li>"
                )
            else:
                records.append(
                    f'<li><a href="/art/{year + 1}/1/{n}/art_12345_{600 + n}.html" title="{title}" '
                    f'target="_blank">{title[:15]}...</a><span>{year + 1}-01-{n:02d}</span></li>'
                )
    for j, t in enumerate(
        ["关于做好2022年政府信息公开工作年度报告编制发布工作的通知", f"{city}2022年度政府信息公开工作年度报告（图解）"]
    ):
        url = f"{xxgk}/art/2023/2/{j + 1}/art_12345_{900 + j}.html"
        routes[url] = html(t, f"<h1>{t}</h1>" + report_text(city, 2022, seed=950 + j))
        near.add(url)
        records.insert(
            5 + j, f'<li><a href="/art/2023/2/{j + 1}/art_12345_{900 + j}.html" title="{t}">{t[:15]}...</a></li>'
        )
    per_page, group = 5, 2
    in_page = per_page * group
    proxy = (
        "/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=3&path=/&columnid=12345&unitid=56789"
        "&webname=%E9%9D%92%E6%B2%B3&permissiontype=0"
    )

    def datastore(recs: list[str], *, with_total: bool) -> str:
        body = "".join(f"<record><![CDATA[\n{r}\n]]></record>" for r in recs)
        total = f"<totalrecord>{len(records)}</totalrecord>" if with_total else ""
        return (
            f'<datastore><nextgroup><![CDATA[<a href="{proxy}"></a>]]></nextgroup>'
            f"<recordset>{body}</recordset>{total}</datastore>"
        )

    routes[f"{xxgk}/col/col12345/index.html"] = html(
        "政府信息公开年报",
        (
            _hanweb_menu(xxgk, level=1) + '<div id="56789">'
            f'<script type="text/xml">{datastore(records[:in_page], with_total=True)}</script>'
            f"<script>$('#56789').jpage({{proxyUrl:'/module/web/jpage/dataproxy.jsp', perPage:{per_page}, "
            f"groupSize:{group}, totalRecord:{len(records)}, dataStore: dataStore}});</script></div>"
        ),
    )
    for start in range(in_page + 1, len(records) + 1, in_page):
        end = min(len(records), start + in_page - 1)
        q = (
            f"/module/web/jpage/dataproxy.jsp?appid=1&webid=3&path=%2F&columnid=12345&unitid=56789"
            f"&webname=%E9%9D%92%E6%B2%B3&permissiontype=0&startrecord={start}&endrecord={end}&perpage={per_page}"
        )
        routes[xxgk + q] = Route(
            f'<?xml version="1.0" encoding="utf-8"?>{datastore(records[start - 1 : end], with_total=True)}'.encode(),
            "text/xml; charset=utf-8",
            methods=("POST",),
        )
    return CmsPortal(LocalPortal(routes), f"{www}/", "qinghe.test", reports, near, titles)


def _hanweb_menu(xxgk: str, level: int) -> str:
    """The left-hand menu of the disclosure platform: 年报 only shows once 法定主动公开内容 is open."""
    items = [
        (f"{xxgk}/col/col101/index.html", "政府信息公开指南"),
        (f"{xxgk}/col/col102/index.html", "政府信息公开制度"),
        (f"{xxgk}/col/col100/index.html", "法定主动公开内容"),
    ]
    if level >= 1:
        items += [
            (f"{xxgk}/col/col103/index.html", "机构职能"),
            (f"{xxgk}/col/col12345/index.html", "政府信息公开年报"),
            (f"{xxgk}/col/col12399/index.html", "政府信息公开工作年度报告专栏"),
        ]
    return '<div class="left-menu"><ul>' + "".join(f'<li><a href="{u}">{t}</a></li>' for u, t in items) + "</ul></div>"


# --- a portal of a family the crawler does not know: the fictional 政云 (Zhengyun) CMS -----------------


@dataclass
class NewFamilyPortal:
    portal: LocalPortal
    report_paths: set[str]  # every report document the crawler must store, once the family is known
    titles: dict[str, str]  # report path → the full title it must be stored under


def build_zhengyun_portal() -> NewFamilyPortal:
    """A portal built with a site builder of its own (``tests/crawlers/new_family/crawlers/cms/zhengyun.py``):

    - the report column ``/zwgk/nb/`` holds no link at all: an empty ``<div data-zy-api="/zyapi/list?col=77">``
      and ``ZY.list({pages: 3})`` in a script, which fetch the list as JSON, page by page;
    - ``/zyapi/list?col=77&page=N`` answers ``{"items": [{"title": …, "href": …}]}``;
    - a detail page lists its files in ``<script type="application/json" id="zy-files">`` (name and a
      download address without extension), or carries the report's text itself.
    """
    city = "青河市"
    routes: dict[str, Route] = {
        "/robots.txt": Route(b"User-agent: *\nDisallow: /admin/\n", "text/plain"),
        "/": Route(_html(f"{city}人民政府", '<a href="/zwgk/">政务公开</a>', charset_meta="utf-8").encode()),
        "/zwgk/": Route(_html("政务公开", '<a href="/zwgk/nb/">政府信息公开年报</a>', charset_meta="utf-8").encode()),
    }
    column = '<div class="zy-list" data-zy-api="/zyapi/list?col=77"></div><script>ZY.list({pages: 3});</script>'
    routes["/zwgk/nb/"] = Route(_html("政府信息公开年报", column, charset_meta="utf-8").encode())
    reports: set[str] = set()
    titles: dict[str, str] = {}
    pages: list[list[dict[str, str]]] = [[], [], []]
    departments = ["", "教育局", "民政局", "财政局", "卫生健康委员会", "统计局"]
    for n, department in enumerate(departments):
        year = 2022 - n % 2
        title = f"{city}{department}{year}年政府信息公开工作年度报告"
        detail = f"/zy/art/{year + 1}/{n}.html"
        if n % 3 == 0:  # the report is the page itself
            body = report_text(city + department, year, seed=n)
            reports.add(detail)
            titles[detail] = title
        else:  # the report is a file the page lists in its data
            file = f"/zyfile/download?id={800 + n}"
            routes[file] = Route(fake_pdf(title), "application/octet-stream")
            files = json.dumps([{"name": "附件1.pdf", "path": file}], ensure_ascii=False)
            body = f'<h1>{title}</h1><p>详见附件。</p><script type="application/json" id="zy-files">{files}</script>'
            reports.add(file)
            titles[file] = title
        routes[detail] = Route(_html(title, body, charset_meta="utf-8").encode())
        pages[n % 3].append({"title": title, "href": detail})
    for k, items in enumerate(pages, start=1):
        answer = json.dumps({"page": k, "items": items}, ensure_ascii=False).encode()
        routes[f"/zyapi/list?col=77&page={k}"] = Route(answer, "application/json; charset=utf-8")
    return NewFamilyPortal(LocalPortal(routes), reports, titles)
