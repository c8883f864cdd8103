"""A farm of local portals for the end-to-end benchmark (benchmarks/pipeline.py): many reports in every shape.

    .venv/bin/python benchmarks/portal_farm.py --reports 100000 --published 100000

One HTTP server on 127.0.0.1 (``sample_portal.server.LocalPortal``: ETag, Last-Modified, 304 on conditional
requests) answers for ``--portals`` portals, each under its own path: ``/`` leads to 政务公开 (``/zwgk/``), which
links each portal's 政府信息公开年报 column (``/pNNNN/nb/index.html``); a column lists its reports, newest first.
Report ``i`` is one organ's report for one year (organ ``i // YEARS``, year ``FIRST_YEAR + i % YEARS``, the era
that year's format belongs to), with figures from ``reportgen.random_report`` (every rule holds), in one shape:

- ``html``: the report as a portal page (``reportgen.render_html``);
- ``text``: a page whose article is the report as a text export (``reportgen.render_text``), no HTML tables;
- ``docx``: a Word attachment; one is rendered per era and the organ and year are rewritten in its XML (python-docx
  takes seconds per document);
- ``pdf``: a PDF attachment (``reportgen.render_pdf``).

Every report's body is made once, before the farm serves (``build_corpus``, in worker processes), and kept on disk in
a corpus folder under /tmp named after the code that makes the bodies (reportgen, this file): a rerun, or a larger
farm, reuses what is there and makes only what is missing. The server reads a body from its file on request (a
large farm costs little memory, and the server little CPU: it is not what the benchmark measures — ``/_farm/stats``
says how busy it was). The farm publishes the first ``--published`` reports; ``/_farm/publish?count=M`` publishes
the first M (the benchmark's monthly run: late reports appear at the top of their portals' columns). The first line
on stdout is the base URL.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import random
import re
import sys
import threading
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import reportgen
from reportgen.document import report_title
from sample_portal.server import CONTENT_TYPES, LocalPortal, Route

FIRST_YEAR, YEARS = 2009, 17  # 2009 … 2025: the three eras of report-formats.md
# Share of each shape, by the report's index (every 20 reports): 11 pages, 4 text pages, 3 PDFs, 2 Word files.
SHAPES = ("html",) * 11 + ("text",) * 4 + ("pdf",) * 3 + ("docx",) * 2
TEXT_SHAPES = ("spaces", "pdf_layout", "pipes", "cell_per_line")
CITIES = ("宿迁市", "淮北市", "南通市", "常州市", "泰州市", "无锡市", "扬州市", "盐城市", "合肥市", "芜湖市", "大连市")
COUNTIES = (
    "",
    "沭阳县",
    "泗洪县",
    "泗阳县",
    "濉溪县",
    "如东县",
    "溧阳市",
    "兴化市",
    "江阴市",
    "宝应县",
    "东台市",
    "无为市",
    "庄河市",
    "瓦房店市",
    "海安市",
)
BODIES = (
    "人民政府",
    "人民政府办公室",
    "发展和改革局",
    "教育局",
    "公安局",
    "民政局",
    "司法局",
    "财政局",
    "自然资源和规划局",
    "生态环境局",
    "住房和城乡建设局",
    "交通运输局",
    "水利局",
    "农业农村局",
    "商务局",
    "文化广电和旅游局",
    "卫生健康委员会",
    "应急管理局",
    "审计局",
    "市场监督管理局",
    "统计局",
    "医疗保障局",
    "人力资源和社会保障局",
    "退役军人事务局",
)


def organ_name(k: int) -> str:
    """The k-th organ: a body of a city or of one of its counties (11 × 15 × 24 = 3,960 organs)."""
    body = BODIES[k % len(BODIES)]
    rest = k // len(BODIES)
    county = COUNTIES[rest % len(COUNTIES)]
    city = CITIES[(rest // len(COUNTIES)) % len(CITIES)]
    cycle = rest // (len(COUNTIES) * len(CITIES))
    # beyond 3,960 organs, numbered offices keep names distinct (a farm of more than 67,000 reports)
    return f"{city}{county}{body}" + (f"第{cycle}办事处" if cycle else "")


def era_of(year: int) -> str:
    return "pre2019" if year < 2019 else "2019" if year < 2021 else "2021"


def report_of(i: int) -> dict:
    """Report i's truth: its organ, year and figures (reproducible)."""
    year = FIRST_YEAR + i % YEARS
    return reportgen.random_report(era_of(year), random.Random(i), organ=organ_name(i // YEARS), year=year)


def shape_of(i: int) -> str:
    return SHAPES[i % len(SHAPES)]


def _pdf(i: int) -> bytes:
    return reportgen.render_pdf(report_of(i))


def _page_of(i: int) -> bytes:
    report = report_of(i)
    page = reportgen.render_html(report) if shape_of(i) == "html" else _text_page(report, i)
    return page.encode("utf-8")


# The Word templates: one per era, rewritten per report (organ and years in the XML, same figures).
TEMPLATE_ORGAN = "模板市模板局"
TEMPLATE_YEARS = {"pre2019": 2015, "2019": 2020, "2021": 2023}


@cache
def _docx_template(era: str) -> tuple[dict[str, bytes], str]:
    year = TEMPLATE_YEARS[era]
    data = reportgen.render_docx(reportgen.random_report(era, random.Random(year), organ=TEMPLATE_ORGAN, year=year))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    return parts, parts.pop("word/document.xml").decode("utf-8")


def _docx(i: int) -> bytes:
    report = report_of(i)
    parts, xml = _docx_template(report["era"])
    year = TEMPLATE_YEARS[report["era"]]
    swap = {TEMPLATE_ORGAN: report["organ"], str(year): str(report["year"]), str(year + 1): str(report["year"] + 1)}
    xml = re.sub("|".join(map(re.escape, swap)), lambda m: swap[m.group(0)], xml)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in [*parts.items(), ("word/document.xml", xml.encode("utf-8"))]:
            z.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), body, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _text_page(report: dict, i: int) -> str:
    text = reportgen.render_text(report, TEXT_SHAPES[i % len(TEXT_SHAPES)])
    title = report_title(report)
    body = "".join(f"<p>{line}</p>" for line in text.splitlines() if line.strip())
    return f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head><body>{body}</body></html>'


# --------------------------------------------------------------------------------------------- the corpus

CORPUS_ROOT = Path("/tmp/nianbao-portal-farm")
SUFFIX = {"html": "html", "text": "html", "pdf": "pdf", "docx": "docx"}
MAKE = {"html": _page_of, "text": _page_of, "pdf": _pdf, "docx": _docx}


def corpus_dir() -> Path:
    """The corpus folder of the code that makes the bodies now: a change to reportgen or to this file starts a new
    one (old ones stay until /tmp is cleared)."""
    digest = hashlib.sha256()
    for path in sorted((REPO / "reportgen").rglob("*.py")) + [Path(__file__).resolve()]:
        digest.update(path.read_bytes())
    return CORPUS_ROOT / digest.hexdigest()[:16]


def body_path(corpus: Path, i: int) -> Path:
    return corpus / f"{i // 1000:03d}" / f"{i}.{SUFFIX[shape_of(i)]}"


def _make_bodies(corpus: Path, ids: list[int]) -> int:
    """Write the bodies of reports ``ids`` (a worker's chunk); each file appears whole or not at all."""
    for i in ids:
        path = body_path(corpus, i)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        tmp.write_bytes(MAKE[shape_of(i)](i))
        tmp.replace(path)
    return len(ids)


def build_corpus(reports: int, workers: int = 2) -> dict:
    """Make the bodies of reports 0 … reports-1 that the corpus folder lacks; returns what it did."""
    corpus = corpus_dir()
    t0 = time.perf_counter()
    missing = [i for i in range(reports) if not body_path(corpus, i).exists()]
    if missing:
        chunks = [missing[n : n + 200] for n in range(0, len(missing), 200)]
        with ProcessPoolExecutor(max_workers=max(1, workers)) as pool:
            for _ in pool.map(_make_bodies, [corpus] * len(chunks), chunks):
                pass
    return {
        "corpus": str(corpus),
        "made": len(missing),
        "reused": reports - len(missing),
        "seconds": round(time.perf_counter() - t0, 1),
    }


# --------------------------------------------------------------------------------------------- the server


class Farm:
    def __init__(self, reports: int, published: int, portals: int, corpus: Path):
        self.reports = reports
        self.published = min(published, reports)
        self.portals = max(1, min(portals, reports))
        self.corpus = corpus
        self.lock = threading.Lock()
        self.portal: LocalPortal | None = None  # the server, for /_farm/stats

    def portal_of(self, i: int) -> int:
        # an organ's reports stay on one portal (its government's), organs spread over the portals
        return (i // YEARS) % self.portals

    def resolve(self, path: str) -> Route | None:
        parts = urlsplit(path)
        p = parts.path
        if p == "/robots.txt":
            return Route(b"User-agent: *\nDisallow: /_farm/\n", "text/plain")
        if p == "/_farm/publish":
            with self.lock:
                self.published = min(self.reports, int(parse_qs(parts.query)["count"][0]))
            return Route(f"{self.published}\n".encode(), "text/plain", methods=("GET", "POST"))
        if p == "/_farm/stats":
            # what the server has done so far: the benchmark compares its CPU time with the crawl's wall time
            cpu = os.times()
            log = self.portal.log if self.portal else []
            stats = {"requests": len(log), "bytes": sum(n for _, _, n in log), "cpu_s": cpu.user + cpu.system}
            return Route(json.dumps(stats).encode(), "application/json")
        if p in ("/", "/index.html"):
            return _page("门户网站", '<a href="/zwgk/">政务公开</a>')
        if p == "/zwgk/":
            links = "".join(
                f'<li><a href="/p{k:04d}/nb/index.html">{organ_name(k)}政府信息公开年报</a></li>'
                for k in range(self.portals)
            )
            return _page("政务公开", f"<ul>{links}</ul>")
        match = re.fullmatch(r"/p(\d{4})/(nb/index\.html|art/(\d+)\.html|files/(\d+)\.(pdf|docx))", p)
        if not match:
            return None
        k = int(match.group(1))
        if match.group(2) == "nb/index.html":
            return self.column(k)
        i = int(match.group(3) or match.group(4))
        if i >= self.published or self.portal_of(i) != k:
            return None
        shape = shape_of(i)
        asked = "page" if match.group(3) else match.group(5)  # a page's address for a page, a file's for a file
        if asked == ("page" if shape in ("html", "text") else shape):
            return Route(body_path(self.corpus, i).read_bytes(), CONTENT_TYPES["." + SUFFIX[shape]])
        return None

    def column(self, k: int) -> Route | None:
        if k >= self.portals:
            return None
        organs = range(k, -(-self.published // YEARS), self.portals)
        mine = [o * YEARS + y for o in organs for y in range(YEARS) if o * YEARS + y < self.published]
        items = []
        for i in sorted(mine, key=lambda i: (FIRST_YEAR + i % YEARS, i), reverse=True):  # newest first
            organ, year = organ_name(i // YEARS), FIRST_YEAR + i % YEARS
            href = {"pdf": f"files/{i}.pdf", "docx": f"files/{i}.docx"}.get(shape_of(i), f"art/{i}.html")
            items.append(f'<li><a href="/p{k:04d}/{href}">{organ}{year}年政府信息公开工作年度报告</a></li>')
        return _page(f"{organ_name(k)}政府信息公开年报", f"<ul>{''.join(items)}</ul>")


def _page(title: str, body: str) -> Route:
    html = f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head><body>{body}</body></html>'
    return Route(html.encode("utf-8"), "text/html; charset=utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, required=True, help="reports the farm holds")
    parser.add_argument("--published", type=int, default=None, help="reports published at start (default: all)")
    parser.add_argument("--portals", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2, help="processes making missing bodies at start")
    args = parser.parse_args(argv)

    built = build_corpus(args.reports, args.workers)
    print(f"portal farm corpus: {json.dumps(built)}", file=sys.stderr)
    published = args.reports if args.published is None else args.published
    farm = Farm(args.reports, published, args.portals, Path(built["corpus"]))
    # the columns are cached by the crawler's validators, not here: a column is a few ms at 100 reports
    farm.portal = LocalPortal(resolver=farm.resolve)
    with farm.portal.serve() as url:
        print(url, flush=True)
        try:
            sys.stdin.read()  # until the benchmark closes our stdin (or dies)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
