"""Build sample_portal/site/: an offline copy of a government portal publishing the five seed reports.

    python -m sample_portal.build [--seeds DIR] [--out DIR]

The site is committed (the pipeline and the tests use it as is); rebuild only when the seeds, the
expected JSON or reportgen change. Every seed gets a detail page with its full report (tables in the
official layout); 002 and 003 also attach a .docx, 000 and 004 a .pdf. The report column also lists
near-misses — pages whose titles look like annual reports but are not — to keep crawlers honest.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import reportgen
from sample_portal import pages
from sample_portal.seeds import SEED_PAGES, SeedPage, page_report, seed_prose, seed_text

SITE_DIR = Path(__file__).resolve().parent / "site"
COLUMN = "/zwgk/zfxxgknb/"
COLUMN_CRUMBS = [
    ("首页", "/index.html"),
    ("政务公开", "/zwgk/index.html"),
    ("政府信息公开", "/zwgk/zfxxgk/index.html"),
    ("政府信息公开年报", f"{COLUMN}index.html"),
]
ITEMS_PER_PAGE = 5

# Pages listed in the report column that are NOT annual reports (title, date, path, paragraphs).
NEAR_MISSES = [
    (
        "关于做好2020年政府信息公开工作年度报告编制发布工作的通知",
        "2021-01-05",
        "/zwgk/zfxxgknb/202101/t20210105_6110001.html",
        [
            "各县（区）人民政府，市各委办局：",
            (
                "为做好2020年政府信息公开工作年度报告编制发布工作，现将有关事项通知如下：各单位应于2021年1月31日前"
                "发布本单位年度报告，县（区）人民政府应于3月31日前发布。年度报告应严格按照国办公开办函〔2019〕60号"
                "规定的格式编制，确保数据准确、表述规范。"
            ),
            "特此通知。",
        ],
    ),
    (
        "2021年政务公开工作要点",
        "2021-05-20",
        "/zwgk/zfxxgknb/202105/t20210520_6110002.html",
        [
            "为深入贯彻落实党中央、国务院关于全面推进政务公开的决策部署，现提出2021年政务公开工作要点。",
            "一、围绕巩固拓展脱贫攻坚成果加强信息公开。二、围绕优化营商环境加强信息公开。三、扎实推进基层政务公开标准化规范化。",
        ],
    ),
    (
        "2020年法治政府建设年度报告",
        "2021-03-25",
        "/zwgk/zfxxgknb/202103/t20210325_6110003.html",
        [
            "2020年，我市深入学习贯彻习近平法治思想，全面推进法治政府建设，现将有关情况报告如下。",
            "一、依法全面履行政府职能。二、完善依法行政制度体系。三、推进行政决策科学化民主化法治化。",
        ],
    ),
    (
        "我市召开政务公开工作推进会",
        "2021-04-12",
        "/xwdt/202104/t20210412_6110004.html",
        [
            "4月12日，我市召开政务公开工作推进会，总结2020年政府信息公开工作，部署2021年重点任务。",
            "会议要求，各单位要按时发布政府信息公开工作年度报告，持续提升政务公开质量。",
        ],
    ),
    (
        "2019年政府信息公开工作年度报告编制培训会举行",
        "2020-01-10",
        "/xwdt/202001/t20200110_6110005.html",
        ["1月10日，市政务公开办举办年度报告编制培训会，解读新版年度报告格式。"],
    ),
    (
        "图解：宿迁市2020年政府信息公开工作年度报告",
        "2021-03-10",
        "/zwgk/zfxxgknb/202103/t20210310_6110006.html",
        ["一图读懂宿迁市2020年政府信息公开工作年度报告。"],
    ),
    (
        "2020年度政务公开工作考核结果通报",
        "2021-02-20",
        "/zwgk/zfxxgknb/202102/t20210220_6110007.html",
        ["根据《2020年政务公开考评方案》，现将各单位2020年度政务公开工作考核结果通报如下。"],
    ),
]
# Plain column items that are neither reports nor traps (so the column looks like a real one).
FILLER = [
    (
        "政府信息公开指南",
        "2020-06-01",
        "/zwgk/zfxxgk/202006/t20200601_6100001.html",
        ["本指南说明公民、法人和其他组织获取政府信息的方式和程序。"],
    ),
    (
        "政府信息公开申请表",
        "2020-06-01",
        "/zwgk/zfxxgk/202006/t20200601_6100002.html",
        ["申请人可下载填写政府信息公开申请表，通过当面、邮寄或网络方式提交。"],
    ),
]


def _attachment_path(page: SeedPage, kind: str) -> str:
    folder = page.path.rsplit("/", 1)[0]
    stamp = page.published.replace("-", "")
    prefix = "P0" if kind == "pdf" else "W0"
    return f"{folder}/{prefix}{stamp}{page.number}61200.{kind}"


def _write(site: Path, url_path: str, data: str | bytes) -> None:
    target = site / url_path.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        target.write_text(data, encoding="utf-8")
    else:
        target.write_bytes(data)


def build_seed_pages(site: Path, seeds_dir: Path | None) -> None:
    for page in SEED_PAGES:
        report = page_report(page)
        prose = seed_prose(seed_text(page.number, seeds_dir), page.skip_lines)
        attachments = []
        for kind in page.attachments:
            path = _attachment_path(page, kind)
            data = reportgen.render_pdf(report, prose) if kind == "pdf" else reportgen.render_docx(report, prose)
            _write(site, path, data)
            attachments.append((f"{page.title}.{kind}", path))
        # The page title is the portal's (simplified) title; the report body keeps its printed title.
        html = reportgen.render_html(
            report,
            prose=prose,
            chrome=True,
            site_name=pages.SITE_NAME,
            breadcrumb=COLUMN_CRUMBS,
            attachments=attachments,
            publication_date=page.published,
            page_title=page.title,
            nav=pages.NAV,
        )
        _write(site, page.path, html)


def build_column(site: Path) -> None:
    entries = [(p.title, p.path, p.published) for p in SEED_PAGES]
    entries += [(t, path, d) for t, d, path, _ in NEAR_MISSES + FILLER]
    entries.sort(key=lambda e: e[2], reverse=True)  # newest first, as columns list them
    chunks = [entries[i : i + ITEMS_PER_PAGE] for i in range(0, len(entries), ITEMS_PER_PAGE)]
    for index, chunk in enumerate(chunks):
        name = "index.html" if index == 0 else f"index_{index}.html"
        body = "<h2>政府信息公开年报</h2>\n" + pages.link_list(list(chunk)) + "\n" + pages.pager(index, len(chunks))
        _write(site, f"{COLUMN}{name}", pages.page("政府信息公开年报", body, COLUMN_CRUMBS))
    for title, date, path, paragraphs in NEAR_MISSES + FILLER:
        crumbs = (
            COLUMN_CRUMBS if path.startswith(COLUMN) else [("首页", "/index.html"), ("新闻动态", "/xwdt/index.html")]
        )
        _write(site, path, pages.article(title, date, paragraphs, crumbs))


def build_sections(site: Path) -> None:
    home_links = [
        ("政府信息公开年报", f"{COLUMN}index.html", None),
        ("我市召开政务公开工作推进会", "/xwdt/202104/t20210412_6110004.html", "2021-04-12"),
    ]
    _write(site, "/index.html", pages.page("首页", "<h2>要闻</h2>\n" + pages.link_list(home_links)))
    zwgk = [
        ("政府信息公开", "/zwgk/zfxxgk/index.html", None),
        ("政府信息公开年报", f"{COLUMN}index.html", None),
        ("政策文件", "/zwgk/zcwj/index.html", None),
    ]
    _write(
        site,
        "/zwgk/index.html",
        pages.page(
            "政务公开",
            "<h2>政务公开</h2>\n" + pages.link_list(zwgk),
            [("首页", "/index.html"), ("政务公开", "/zwgk/index.html")],
        ),
    )
    zfxxgk = [
        ("政府信息公开指南", "/zwgk/zfxxgk/202006/t20200601_6100001.html", "2020-06-01"),
        ("政府信息公开制度", "/zwgk/zcwj/index.html", None),
        ("法定主动公开内容", "/zwgk/zcwj/index.html", None),
        ("政府信息公开年报", f"{COLUMN}index.html", None),
    ]
    _write(
        site,
        "/zwgk/zfxxgk/index.html",
        pages.page("政府信息公开", "<h2>政府信息公开</h2>\n" + pages.link_list(zfxxgk), COLUMN_CRUMBS[:3]),
    )
    _write(
        site,
        "/zwgk/zcwj/index.html",
        pages.page(
            "政策文件", "<h2>政策文件</h2><p>暂无信息</p>", [("首页", "/index.html"), ("政务公开", "/zwgk/index.html")]
        ),
    )
    news = [(t, path, d) for t, d, path, _ in NEAR_MISSES if path.startswith("/xwdt/")]
    _write(
        site,
        "/xwdt/index.html",
        pages.page(
            "新闻动态",
            "<h2>新闻动态</h2>\n" + pages.link_list(news),
            [("首页", "/index.html"), ("新闻动态", "/xwdt/index.html")],
        ),
    )
    for slug, name in [("zwfw", "政务服务"), ("hdjl", "互动交流")]:
        _write(
            site, f"/{slug}/index.html", pages.page(name, f"<h2>{name}</h2><p>暂无信息</p>", [("首页", "/index.html")])
        )
    # Disallowed by robots.txt: a polite crawler never fetches it.
    _write(site, "/admin/index.html", pages.page("后台管理", "<h2>后台管理</h2><p>请登录。</p>"))
    _write(site, "/robots.txt", "User-agent: *\nDisallow: /admin/\n")


def build(out: Path = SITE_DIR, seeds_dir: Path | None = None) -> Path:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    build_sections(out)
    build_column(out)
    build_seed_pages(out, seeds_dir)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seeds", type=Path, default=None, help="folder of NNN_*.txt seeds (default /work/shared/seeds)"
    )
    parser.add_argument("--out", type=Path, default=SITE_DIR, help="where to write the site")
    args = parser.parse_args()
    site = build(args.out, args.seeds)
    files = [p for p in site.rglob("*") if p.is_file()]
    print(f"built {site}: {len(files)} files, {sum(p.stat().st_size for p in files)} bytes")


if __name__ == "__main__":
    main()
