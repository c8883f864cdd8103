"""HTML of the sample portal's non-report pages: home, section pages, column list pages, plain articles.

The pages imitate a TRS/GB-style government portal (the CMS most Chinese government sites run on):
columns at /zwgk/zfxxgknb/, list pages index.html, index_1.html, …, detail pages
/zwgk/zfxxgknb/YYYYMM/tYYYYMMDD_NNN.html, attachments P0…pdf / W0…docx next to them.
"""

from __future__ import annotations

from html import escape

SITE_NAME = "示例市人民政府门户网站"
NAV = [
    ("首页", "/index.html"),
    ("政务公开", "/zwgk/index.html"),
    ("新闻动态", "/xwdt/index.html"),
    ("政务服务", "/zwfw/index.html"),
    ("互动交流", "/hdjl/index.html"),
]


def page(title: str, body: str, breadcrumb: list[tuple[str, str]] | None = None) -> str:
    nav = "".join(f'<li><a href="{href}">{escape(text)}</a></li>' for text, href in NAV)
    crumbs = ""
    if breadcrumb:
        crumbs = (
            '<div class="position">当前位置：'
            + " &gt; ".join(f'<a href="{href}">{escape(text)}</a>' for text, href in breadcrumb)
            + "</div>"
        )
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{escape(title)}_{SITE_NAME}</title>
</head>
<body>
<div class="header"><div class="site-name">{SITE_NAME}</div><ul class="nav">{nav}</ul></div>
{crumbs}
<div class="main">
{body}
</div>
<div class="footer">主办单位：示例市人民政府办公室　网站标识码：0000000000　<a href="/admin/index.html">后台管理</a></div>
</body>
</html>
"""


def link_list(items: list[tuple[str, str, str | None]]) -> str:
    """<ul> of (title, href, date or None), the way column lists print them."""
    rows = []
    for title, href, date in items:
        date_html = f"<span>{date}</span>" if date else ""
        rows.append(f'<li><a href="{href}" title="{escape(title)}" target="_blank">{escape(title)}</a>{date_html}</li>')
    return '<ul class="list">\n' + "\n".join(rows) + "\n</ul>"


def pager(index: int, count: int) -> str:
    """The pager under a list page: the CMS's createPageHTML call plus plain links (crawlers need those)."""

    def name(i: int) -> str:
        return "index.html" if i == 0 else f"index_{i}.html"

    links = [f'<a href="{name(0)}">首页</a>']
    if index > 0:
        links.append(f'<a href="{name(index - 1)}">上一页</a>')
    if index < count - 1:
        links.append(f'<a href="{name(index + 1)}">下一页</a>')
    links.append(f'<a href="{name(count - 1)}">尾页</a>')
    return (
        f'<div class="page"><script>createPageHTML({count}, {index}, "index", "html");</script>'
        f"共{count}页　{'　'.join(links)}</div>"
    )


def article(title: str, date: str, paragraphs: list[str], breadcrumb: list[tuple[str, str]]) -> str:
    body = (
        f'<h1>{escape(title)}</h1>\n<div class="info">发布日期：{date}</div>\n<div class="content">\n'
        + "\n".join(f'<p style="text-indent:2em">{escape(p)}</p>' for p in paragraphs)
        + "\n</div>"
    )
    return page(title, body, breadcrumb)
