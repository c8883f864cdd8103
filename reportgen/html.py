"""Render a report as a government-portal page (or, with chrome=False, as the bare article)."""

from __future__ import annotations

from html import escape

from reportgen.document import Block, build_blocks, report_title
from reportgen.layout import Grid

DEFAULT_BREADCRUMB = [
    ("首页", "/"),
    ("政务公开", "/zwgk/"),
    ("政府信息公开", "/zwgk/zfxxgk/"),
    ("政府信息公开年报", "/zwgk/zfxxgknb/"),
]
NAV = [("首页", "/"), ("政务公开", "/zwgk/"), ("新闻动态", "/xwdt/"), ("政务服务", "/zwfw/"), ("互动交流", "/hdjl/")]


def grid_html(grid: Grid) -> str:
    lines = ['<table border="1" cellspacing="0" cellpadding="0" class="nb-table">', "<tbody>"]
    for row in grid.rows:
        cells = []
        for cell in row:
            attrs = ""
            if cell.rowspan > 1:
                attrs += f' rowspan="{cell.rowspan}"'
            if cell.colspan > 1:
                attrs += f' colspan="{cell.colspan}"'
            if cell.is_number:
                attrs += ' align="center"'
            # Real portals print an empty cell as &nbsp;
            text = escape(cell.text) if cell.text else "&nbsp;"
            cells.append(f"<td{attrs}>{text}</td>")
        lines.append("<tr>" + "".join(cells) + "</tr>")
    lines += ["</tbody>", "</table>"]
    return "\n".join(lines)


def _block_html(block: Block) -> str:
    if block.kind == "title":
        return f'<p class="nb-doc-title" style="text-align:center"><strong>{escape(block.text)}</strong></p>'
    if block.kind == "meta":
        return f'<p style="text-align:center">{escape(block.text)}</p>'
    if block.kind == "heading":
        return f"<p><strong>{escape(block.text)}</strong></p>"
    if block.kind == "table":
        return grid_html(block.grid)
    return f'<p style="text-indent:2em">{escape(block.text)}</p>'


def article_html(report: dict, prose: list[str] | None = None) -> str:
    """The report body: title, organ, date, paragraphs and tables."""
    return "\n".join(_block_html(b) for b in build_blocks(report, prose))


def render_html(
    report: dict,
    *,
    prose: list[str] | None = None,
    chrome: bool = True,
    site_name: str = "政府门户网站",
    breadcrumb: list[tuple[str, str]] | None = None,
    attachments: list[tuple[str, str]] | None = None,
    publication_date: str | None = None,
    source: str | None = None,
    page_title: str | None = None,
    nav: list[tuple[str, str]] | None = None,
) -> str:
    """A full HTML page. With chrome, it carries what real portals put around a report: navigation,
    the 当前位置 breadcrumb, a 发布日期 line, 附件下载 links and a footer.

    `page_title` is the portal's title for the page (<title>, <h1>) when it differs from the title
    printed in the report itself (e.g. a simplified page title over a traditional-script report)."""
    title = page_title or report_title(report)
    article = article_html(report, prose)
    if not chrome:
        return (
            '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
            f"<title>{escape(title)}</title></head>\n<body>\n{article}\n</body></html>\n"
        )
    date = publication_date or report.get("publication_date") or ""
    source = source or report.get("organ_original") or report.get("organ") or ""
    crumbs = " &gt; ".join(
        f'<a href="{escape(href)}">{escape(text)}</a>' for text, href in (breadcrumb or DEFAULT_BREADCRUMB)
    )
    nav_html = "".join(f'<li><a href="{escape(href)}">{escape(text)}</a></li>' for text, href in (nav or NAV))
    files = ""
    if attachments:
        links = "".join(f'<li><a href="{escape(href)}">{escape(name)}</a></li>' for name, href in attachments)
        files = f'<div class="nb-attachments"><p>附件下载：</p><ul>{links}</ul></div>'
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{escape(title)}_{escape(site_name)}</title>
<meta name="ArticleTitle" content="{escape(title)}">
<meta name="PubDate" content="{escape(date)}">
<meta name="ContentSource" content="{escape(source)}">
</head>
<body>
<div class="header"><div class="site-name">{escape(site_name)}</div><ul class="nav">{nav_html}</ul></div>
<div class="position">当前位置：{crumbs}</div>
<div class="article">
<h1>{escape(title)}</h1>
<div class="info">发布日期：{escape(date)}　来源：{escape(source)}　字号：[大 中 小]</div>
<div class="content">
{article}
</div>
{files}
<div class="share">分享到：微信 微博</div>
</div>
<div class="footer">主办单位：{escape(source)}　网站标识码：0000000000　<a href="/">返回首页</a></div>
</body>
</html>
"""
