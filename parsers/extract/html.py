"""HTML pages → pieces: running text, and each outermost <table> as a Grid with rowspan/colspan honoured.

Only innermost tables become grids: portals often lay the whole page out in a table, whose cells are read
as blocks. Walks the tree iteratively (pages nested thousands of levels deep must not hit Python's recursion limit).
Block elements and <br> start new lines; script/style/comments are dropped. Grid coordinates account for
cells covered by spans from earlier rows, so "table 2, row 5, col 3" is the cell a reader sees on screen.
Page metadata (title, publication date in <meta>) is returned for the metadata reader.
"""

from __future__ import annotations

import re

from lxml import etree

from ..document import Grid

_BLOCK = {
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "section",
    "article",
    "header",
    "footer",
    "table",
    "blockquote",
    "pre",
    "dd",
    "dt",
    "dl",
    "center",
    "title",
    "form",
    "hr",
    "td",
    "th",
}
_DROP = {
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "iframe",
    "object",
    "select",
    "option",
}
_DATE_META = (
    "pubdate",
    "publishdate",
    "firstpublishedtime",
    "publishtime",
    "og:release_date",
    "article:published_time",
)


_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>")
_TAG_RE = re.compile(r"<[^>]*>")
_SPACES_RE = re.compile(r"[ \t\r\f\v]+")


def _cell_text(cell) -> str:
    if len(cell) == 0:  # no child elements: the common case
        text = cell.text
        if not text:
            return ""
        if "  " in text or "\t" in text or "\r" in text or "\f" in text or "\v" in text:
            text = _SPACES_RE.sub(" ", text)
        return text.strip()
    parts: list[str] = []
    for node in cell.iter():
        tag = node.tag
        if not isinstance(tag, str) or tag in _DROP:
            continue
        if node is not cell and tag in ("br", "p", "div"):
            parts.append("\n")
        text = node.text
        if text:
            parts.append(text)
        if node is not cell:
            tail = node.tail
            if tail:
                parts.append(tail)
    return _SPACES_RE.sub(" ", "".join(parts)).strip()


def _grid(table, label: str) -> Grid:
    occupied: dict[tuple[int, int], bool] = {}
    cells: list[tuple[int, int, str]] = []
    for r, tr in enumerate(table.iter("tr"), start=1):  # only tables without nested tables become grids
        c = 1
        for cell in tr.iterchildren("td", "th"):  # not comments or other elements: by lxml, without proxies
            if occupied:
                while occupied.get((r, c)):
                    c += 1
            rowspan, colspan = cell.get("rowspan"), cell.get("colspan")
            rowspan = 1 if rowspan is None else _span(rowspan)
            colspan = 1 if colspan is None else _span(colspan)
            cells.append((r, c, _cell_text(cell)))
            if rowspan > 1:
                for dr in range(1, rowspan):  # this row is covered by advancing c; later rows must skip
                    for dc in range(colspan):
                        occupied[(r + dr, c + dc)] = True
            c += colspan
    return Grid(cells=cells, label=label)


def _span(value) -> int:
    if value is None:
        return 1
    try:
        return max(1, min(int(str(value).strip() or 1), 200))
    except ValueError:
        return 1


# Inline formatting tags carry no structure. Pages pasted from Word nest hundreds of them unclosed
# (<font><span><font>…), deeper than libxml2 follows (256 levels, 2048 with huge_tree), which silently
# drops everything below. They are removed before parsing; their text stays.
# font span b i u s em strong small big sup sub ins del strike tt o:p st1:* w:*, grouped by first letter (the
# regex engine tries alternatives one by one at every `<` of the page)
_INLINE_TAG_RE = re.compile(
    r"</?(?i:f(?:ont)|s(?:pan|mall|trong|trike|up|ub|t1:[a-z]+)?|b(?:ig)?|i(?:ns)?|u|em|tt|del|o:p|w:[a-z]+)"
    r"(?:\s[^>]*)?/?>"
)


def extract_html(text: str) -> tuple[list, dict, list[dict]]:
    """(pieces, page metadata, problems): a problem when the parser could not follow the page whole."""
    # etree's HTML parser, not lxml.html's: its element classes are looked up in Python for every node
    parser = etree.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True)
    text = _XML_DECL_RE.sub("", text, count=1)  # lxml refuses str input that declares an encoding
    text = _INLINE_TAG_RE.sub("", text)
    try:
        root = etree.fromstring(text, parser=parser)
    except (etree.LxmlError, ValueError):
        root = None
    if root is None:
        return [_TAG_RE.sub(" ", text)], {}, []
    problems = [
        {
            "severity": "warning",
            "code": "html_truncated",
            "message": f"the HTML parser stopped: {e.message} (line {e.line}); content past that point is not read",
        }
        for e in parser.error_log
        if e.level_name == "FATAL"
    ][:1]
    meta = _page_meta(root)
    body = root.find("body")
    start = body if body is not None else root
    pieces: list = []
    buffer: list[str] = []
    table_count = 0
    walker = etree.iterwalk(start, events=("start", "end"))
    for event, node in walker:
        tag = node.tag  # lxml builds the string anew at every access: read once
        if not isinstance(tag, str):
            tag = None
        if event == "start":
            if tag is None or tag in _DROP:
                if tag in _DROP:
                    walker.skip_subtree()
                continue
            if tag == "table" and node.find(".//table") is None:
                # a data table; a table holding other tables is page layout, read as blocks
                table_count += 1
                if buffer:
                    pieces.append("".join(buffer))
                    buffer = []
                pieces.append(_grid(node, f"table {table_count}"))
                walker.skip_subtree()
                continue
            if tag in _BLOCK:
                buffer.append("\n")
            text = node.text
            if text:
                buffer.append(text)
        else:
            if tag in _BLOCK:
                buffer.append("\n")
            if node is not start:
                tail = node.tail
                if tail:
                    buffer.append(tail)
    if buffer:
        pieces.append("".join(buffer))
    return [_tidy(p) if isinstance(p, str) else p for p in pieces], meta, problems


def _tidy(text: str) -> str:
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    return re.sub(r"\n\s*\n+", "\n", text)


def _page_meta(root) -> dict:
    meta: dict = {}
    title = root.find(".//title")
    if title is not None and title.text:
        meta["title"] = title.text.strip()
    for m in root.iter("meta"):
        name = (m.get("name") or m.get("property") or "").strip().lower()
        content = (m.get("content") or "").strip()
        if name in ("articletitle", "title") and content:
            meta["title"] = content
        if name in ("contentsource", "source", "author") and content and "organ" not in meta:
            meta["organ"] = content  # TRS/gov.cn pages: the publishing organ; used only when no title names one
        if name in _DATE_META and content:
            d = re.match(r"((?:19|20)\d{2})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})", content)
            if d:
                y, mo, da = (int(g) for g in d.groups())
                meta["publication_date"] = f"{y:04d}-{mo:02d}-{da:02d}"
    return meta
