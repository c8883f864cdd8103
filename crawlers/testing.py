"""Local portals for tests and benchmarks (127.0.0.1 only, free port).

``LocalPortal`` serves a dict of routes with ETag/Last-Modified and 304s, and can misbehave on
purpose (slow answers, truncated bodies, redirect loops, oversized files, 500s). Two builders:

- ``build_county_portal()``: a hand-made county portal unlike the bundled sample portal: GBK pages
  (mislabelled UTF-8 or unlabelled), ``?page=`` pagination over three list pages, near-miss titles,
  a report that is only an attachment, a robots.txt that forbids a report-like page, and every
  fault the crawler must record.
- ``build_bulk_portal(n)``: many reports in TRS-style lists (``index_N.html``), for the benchmark.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: bytes = b""
    content_type: str = "text/html"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    # Misbehaviour: "slow" (sleep before answering), "truncate" (promise more bytes than sent),
    # "huge" (announce a body above the size limit), "redirect" (Location header), "error" (status).
    behaviour: str | None = None
    delay: float = 0.0
    last_modified: float = 1_700_000_000.0  # fixed, so validators are stable across crawls


class LocalPortal:
    """A threaded HTTP server on 127.0.0.1 serving ``routes`` (path incl. query → Route)."""

    def __init__(self, routes: dict[str, Route] | None = None,
                 resolver: Callable[[str], Route | None] | None = None):
        self.routes: dict[str, Route] = routes or {}
        self.resolver = resolver
        self.log: list[tuple[str, int, int]] = []  # (path, status, body bytes sent)
        self._lock = threading.Lock()
        self.url = ""

    def route(self, path: str) -> Route | None:
        found = self.routes.get(path)
        if found is None and self.resolver is not None:
            found = self.resolver(path)
        return found

    def requests_for(self, path: str) -> list[int]:
        return [status for p, status, _ in self.log if p == path]

    def bytes_sent(self) -> int:
        return sum(n for _, _, n in self.log)

    def clear_log(self) -> None:
        with self._lock:
            self.log.clear()

    def _handler(self):
        portal = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _record(self, status: int, sent: int) -> None:
                with portal._lock:
                    portal.log.append((self.path, status, sent))

            def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                if "Content-Length" not in headers:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body:
                    self.wfile.write(body)
                self._record(status, len(body))

            def do_GET(self):
                try:
                    self._get()
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _get(self):
                r = portal.route(self.path)
                if r is None:
                    self._send(404, b"<html><body>404 Not Found</body></html>", {"Content-Type": "text/html"})
                    return
                if r.delay:
                    time.sleep(r.delay)
                if r.behaviour == "redirect":
                    # "{other_host}": the same server under another name (an offsite redirect).
                    port = self.server.server_address[1]
                    location = r.headers["Location"].replace("{other_host}", f"localhost:{port}")
                    self._send(r.status or 302, b"", {"Location": location})
                    return
                if r.behaviour == "error":
                    self._send(r.status, b"<html><body>error</body></html>", {"Content-Type": "text/html"})
                    return
                if r.behaviour == "huge":
                    # Announce 60 MB, send a little, then hang up: the crawler must refuse it unread.
                    self.send_response(200)
                    self.send_header("Content-Type", r.content_type)
                    self.send_header("Content-Length", str(60 * 1024 * 1024))
                    self.end_headers()
                    self.wfile.write(b"%PDF-1.4\n" + b"0" * 1000)
                    self._record(200, 1009)
                    self.close_connection = True
                    return
                if r.behaviour == "truncate":
                    self.send_response(200)
                    self.send_header("Content-Type", r.content_type)
                    self.send_header("Content-Length", str(len(r.body) * 2))
                    self.end_headers()
                    self.wfile.write(r.body)
                    self.wfile.flush()
                    self._record(200, len(r.body))
                    self.close_connection = True
                    return
                etag = '"' + hashlib.sha1(r.body).hexdigest()[:16] + '"'
                last_modified = formatdate(r.last_modified, usegmt=True)
                headers = {"Content-Type": r.content_type, "ETag": etag, "Last-Modified": last_modified, **r.headers}
                inm = self.headers.get("If-None-Match")
                if inm is not None and inm == etag:
                    self._send(304, b"", {"ETag": etag, "Last-Modified": last_modified, "Content-Length": "0"})
                    return
                self._send(r.status, r.body, headers)

        return Handler

    @contextmanager
    def serve(self) -> Iterator[str]:
        server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        self.url = f"http://127.0.0.1:{server.server_address[1]}"
        try:
            yield self.url
        finally:
            server.shutdown()
            server.server_close()


# --- page builders ------------------------------------------------------------------------------

def _html(title: str, body: str, *, charset_meta: str | None = None) -> str:
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={charset_meta}">' if charset_meta else ""
    return f"<!DOCTYPE html><html><head>{meta}<title>{title}</title></head><body>{body}</body></html>"


def report_text(organ: str, year: int, seed: int = 0, size: int = 3000) -> str:
    """Plausible report prose, enough for the crawler's 'carries the report's text' test."""
    parts = [f"<h1>{organ}{year}年政府信息公开工作年度报告</h1>",
             f"<p>本报告依据《中华人民共和国政府信息公开条例》编制，统计期限自{year}年1月1日至12月31日。</p>",
             "<h2>一、总体情况</h2>",
             f"<p>{year}年，{organ}坚持以公开为常态、不公开为例外，主动公开政府信息{1000 + seed}条。</p>",
             "<h2>二、主动公开政府信息情况</h2><table><tr><td>规章</td><td>0</td></tr></table>",
             "<h2>三、收到和处理政府信息公开申请情况</h2>"]
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
    routes["/"] = page(f"{organ}门户网站", (
        '<div class="nav"><a href="/">首页</a> <a href="/news/">新闻动态</a> '
        '<a href="/zwgk/">政务公开</a> <a href="/bsfw/">办事服务</a></div>'
        '<ul><li><a href="/news/1.html">县领导调研春耕生产</a></li></ul>'))
    # The portal moved: the old home redirects to another host name.
    routes["/old-home"] = Route(status=301, behaviour="redirect", headers={"Location": "http://{other_host}/"})
    routes["/news/"] = page("新闻动态", '<a href="/news/1.html">县领导调研春耕生产</a>')
    routes["/news/1.html"] = page("县领导调研春耕生产", "<p>新闻</p>")
    routes["/bsfw/"] = page("办事服务", "<p>办事</p>")
    routes["/zwgk/"] = page("政务公开", (
        '<ul><li><a href="/zwgk/zn.html">政府信息公开指南</a></li>'
        '<li><a href="/zwgk/zd.html">政府信息公开制度</a></li>'
        '<li><a href="/zwgk/nb/list?page=1">政府信息公开年报</a></li></ul>'), meta=None)
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
    routes[cut_report] = page(f"{organ}2009年政府信息公开工作年度报告_{organ}",
                              f"<h1>{organ}2009年政府信息公开工作年度报告</h1>" + report_text(organ, 2009, seed=9))
    entries[2].append((cut_report, f"RAW:{organ}2009年政府信息公开工作…"))
    report_paths.add(cut_report)
    cut_other = "/zwgk/nb/art/2021/apply.html"
    routes[cut_other] = page(f"{organ}2021年政府信息公开申请办理情况", f"<h1>{organ}2021年政府信息公开申请办理情况</h1>")
    entries[0].append((cut_other, f"RAW:{organ}2021年政府信息公开申请…"))
    # A mobile twin of the 2023 report: the same report, must not be fetched twice.
    entries[0].append(("/zwgk/nb/art/2023/report_2023_wap.html", f"{organ}2023年政府信息公开工作年度报告"))
    # Near misses: pages a careless crawler would take for reports.
    for j, t in enumerate(["关于做好2022年政府信息公开工作年度报告编制工作的通知",
                           f"{organ}2023年政务公开工作要点",
                           f"{organ}2022年法治政府建设年度报告"]):
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
    routes["/zwgk/nb/art/2013/loop.html"] = Route(status=302, behaviour="redirect",
                                                  headers={"Location": "/zwgk/nb/art/2013/loop2.html"})
    routes["/zwgk/nb/art/2013/loop2.html"] = Route(status=302, behaviour="redirect",
                                                   headers={"Location": "/zwgk/nb/art/2013/loop.html"})
    routes["/uploads/2012/truncated.pdf"] = Route(fake_pdf("2012", 5000), "application/pdf", behaviour="truncate")
    routes["/uploads/2011/huge.pdf"] = Route(b"", "application/pdf", behaviour="huge")
    routes["/zwgk/nb/art/2008/away.html"] = Route(status=302, behaviour="redirect",
                                                  headers={"Location": "http://{other_host}/nb/2008.html"})
    for k, (p, _) in enumerate(fault_paths.items()):
        year = int(p.split("/")[-2]) if p.split("/")[-2].isdigit() else 2017
        entries[k % 3].append((p, f"{organ}{year}年政府信息公开工作年度报告"))

    n = len(entries)
    for idx, items in enumerate(entries, start=1):
        lis = "".join(f'<li><a href="{p}">{t[4:]}</a></li>' if t.startswith("RAW:") else
                      f'<li><a href="{p}" title="{t}">{t[:14]}…</a><span>2024-01-0{idx}</span></li>'
                      for p, t in items)
        nav = " ".join(f'<a href="/zwgk/nb/list?page={k}">{k}</a>' for k in range(1, n + 1))
        if idx < n:
            nav += f' <a href="/zwgk/nb/list?page={idx + 1}">下一页</a>'
        routes[f"/zwgk/nb/list?page={idx}"] = page("政府信息公开年报", f'<ul class="list">{lis}</ul><div class="page">{nav}</div>',
                                                   meta=None if idx == 2 else "utf-8")
    return CountyPortal(LocalPortal(routes), report_paths, near_miss, fault_paths, "/private/2017nb.html")


def build_bulk_portal(n_reports: int = 1000, per_page: int = 20, doc_size: int = 100_000,
                      html_size: int = 30_000) -> tuple[LocalPortal, int]:
    """A TRS-style portal with ``n_reports`` detail pages, each an HTML report with a PDF attachment.

    Returns (portal, number of report documents) — two per detail page. Pages are generated on
    request, so a big portal costs no memory up front.
    """
    organs = ["发展和改革委员会", "教育局", "公安局", "民政局", "财政局", "自然资源局", "生态环境局", "住房和城乡建设局"]
    n_pages = (n_reports + per_page - 1) // per_page

    def list_page(k: int) -> Route:
        start = k * per_page
        items = "".join(
            f'<li><a href="/col/col1/art/{i}.html" title="{organs[i % len(organs)]}{2010 + i % 14}年政府信息公开工作年度报告">'
            f"{organs[i % len(organs)]}{2010 + i % 14}年政府信息公开工作年度报告</a></li>"
            for i in range(start, min(n_reports, start + per_page)))
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
            tail = path[len("/col/col1/index"):]
            k = 0 if tail == ".html" else int(tail[1:].split(".")[0]) if tail.startswith("_") else -1
            return list_page(k) if 0 <= k < n_pages else None
        if path.startswith("/col/col1/art/") and path.endswith(".html"):
            i = int(path.rsplit("/", 1)[1].split(".")[0])
            organ, year = organs[i % len(organs)], 2010 + i % 14
            body = report_text(organ, year, seed=i, size=html_size // 3) + f'<p><a href="/files/{i}.pdf">附件：{year}年报.pdf</a></p>'
            return Route(_html(f"{organ}{year}年政府信息公开工作年度报告", body, charset_meta="utf-8").encode("utf-8"))
        if path.startswith("/files/") and path.endswith(".pdf"):
            i = int(path.rsplit("/", 1)[1].split(".")[0])
            return Route(fake_pdf(f"report {i}", doc_size), "application/pdf")
        return None

    return LocalPortal(resolver=resolver), 2 * n_reports
