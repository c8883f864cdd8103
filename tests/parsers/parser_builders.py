"""Small builders of the official table layout (2019 format) as HTML, .docx and .pdf, for parser tests.

Deliberately independent of reportgen: the parser tests must not depend on the renderer they are checked
against. Cells are given as strings so tests can print blanks, `&nbsp;`, signs and units exactly.
"""

from __future__ import annotations

import io

APPLICANT_HEADER = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
RULE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

# (group label or None, sub label, row code) in printed order, 2019 format
LAYOUT_2019 = [
    ("一、本年新收政府信息公开申请数量", None, "new_received"),
    ("二、上年结转政府信息公开申请数量", None, "carried_over"),
    ("三、本年度办理结果", "（一）予以公开", "granted"),
    (None, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "partially_granted"),
    ("（三）不予公开", "1.属于国家秘密", "denied_state_secret"),
    (None, "2.其他法律行政法规禁止公开", "denied_law_prohibited"),
    (None, "3.危及“三安全一稳定”", "denied_security_stability"),
    (None, "4.保护第三方合法权益", "denied_third_party"),
    (None, "5.属于三类内部事务信息", "denied_internal_affairs"),
    (None, "6.属于四类过程性信息", "denied_process_info"),
    (None, "7.属于行政执法案卷", "denied_enforcement_file"),
    (None, "8.属于行政查询事项", "denied_admin_query"),
    ("（四）无法提供", "1.本机关不掌握相关政府信息", "unavailable_not_held"),
    (None, "2.没有现成信息需要另行制作", "unavailable_needs_creation"),
    (None, "3.补正后申请内容仍不明确", "unavailable_unclear"),
    ("（五）不予处理", "1.信访举报投诉类申请", "rejected_petition"),
    (None, "2.重复申请", "rejected_duplicate"),
    (None, "3.要求提供公开出版物", "rejected_publication"),
    (None, "4.无正当理由大量反复申请", "rejected_excessive"),
    (None, "5.要求行政机关确认或重新出具已获取信息", "rejected_confirmation"),
    (None, "（六）其他处理", "other"),
    (None, "（七）总计", "total_processed"),
    ("四、结转下年度继续办理", None, "carried_forward"),
]
COLS = ["natural_person", "commercial", "research", "social_org", "legal_service", "other_org", "total"]
MEASURES = ["upheld", "corrected", "other", "pending", "total"]
GROUPS = ["review", "litigation_direct", "litigation_after_review"]


def cell_text(value) -> str:
    return "" if value is None else str(value)


def applications_html(apps: dict, blank: str = "") -> str:
    """Table 三 with the official rowspans/colspans; a None value prints `blank` (e.g. '&nbsp;')."""
    out = [
        "<table border='1'>",
        f"<tr><td rowspan='2' colspan='3'>{RULE}</td><td colspan='7'>申请人情况</td></tr>",
        "<tr><td rowspan='2'>自然人</td><td colspan='5'>法人或其他组织</td><td rowspan='2'>总计</td></tr>",
        "<tr><td colspan='3'></td>" + "".join(f"<td>{h}</td>" for h in APPLICANT_HEADER[1:6]) + "</tr>",
    ]
    spans = {"三、本年度办理结果": 20, "（三）不予公开": 8, "（四）无法提供": 3, "（五）不予处理": 5}
    for group, sub, code in LAYOUT_2019:
        values = "".join(f"<td>{cell_text(apps[code][c]) or blank}</td>" for c in COLS)
        if sub is None:
            out.append(f"<tr><td colspan='3'>{group}</td>{values}</tr>")
        elif group in spans:
            inner = f"<td rowspan='{spans[group]}'>{group}</td>"
            if group == "三、本年度办理结果":
                out.append(f"<tr>{inner}<td colspan='2'>{sub}</td>{values}</tr>")
            else:
                out.append(f"<tr>{inner}<td>{sub}</td>{values}</tr>")
        elif sub.startswith("（"):
            out.append(f"<tr><td colspan='2'>{sub}</td>{values}</tr>")
        else:
            out.append(f"<tr><td>{sub}</td>{values}</tr>")
    out.append("</table>")
    return "\n".join(out)


def review_html(review: dict) -> str:
    head = "".join(f"<td>{h}</td>" for h in ["结果<br>维持", "结果<br>纠正", "其他<br>结果", "尚未<br>审结", "总计"])
    values = "".join(f"<td>{cell_text(review[g][m])}</td>" for g in GROUPS for m in MEASURES)
    return (
        "<table border='1'><tr><td colspan='5' rowspan='2'>行政复议</td><td colspan='10'>行政诉讼</td></tr>"
        "<tr><td colspan='5'>未经复议直接起诉</td><td colspan='5'>复议后起诉</td></tr>"
        f"<tr>{head}{head}{head}</tr><tr>{values}</tr></table>"
    )


def page_html(title: str, organ_line: str, prose: list[str], tables: str, date: str = "2021-03-09") -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in prose)
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>
<meta name="PubDate" content="{date} 10:00"></head><body>
<div class="nav">当前位置：首页 &gt; 政府信息公开 &gt; 年报</div><div>微信 微博</div>
<div class="article"><h1>{title}</h1><p>{organ_line}</p>{paragraphs}{tables}</div>
<div>附件下载</div><script>var x = "一、本年新收政府信息公开申请数量 9 9 9";</script></body></html>"""


def applications_docx(apps: dict, review: dict, title: str, prose: list[str]) -> bytes:
    """A .docx with table 三 using real merged cells (vertical and horizontal)."""
    import docx

    document = docx.Document()
    document.add_paragraph(title)
    for p in prose:
        document.add_paragraph(p)
    document.add_paragraph("三、收到和处理政府信息公开申请情况")
    table = document.add_table(rows=3 + len(LAYOUT_2019), cols=10)
    table.cell(0, 0).merge(table.cell(2, 2)).text = RULE
    table.cell(0, 3).merge(table.cell(0, 9)).text = "申请人情况"
    table.cell(1, 3).merge(table.cell(2, 3)).text = "自然人"
    table.cell(1, 4).merge(table.cell(1, 8)).text = "法人或其他组织"
    table.cell(1, 9).merge(table.cell(2, 9)).text = "总计"
    for i, h in enumerate(APPLICANT_HEADER[1:6]):
        table.cell(2, 4 + i).text = h
    group_start: dict[str, int] = {}
    for r, (group, sub, code) in enumerate(LAYOUT_2019, start=3):
        if sub is None:
            table.cell(r, 0).merge(table.cell(r, 2)).text = group
        elif (sub.startswith("（") and group is None) or group == "三、本年度办理结果":
            table.cell(r, 1).merge(table.cell(r, 2)).text = sub
        else:
            table.cell(r, 2).text = sub
        if group:
            group_start[group] = r
        for c, col in enumerate(COLS):
            table.cell(r, 3 + c).text = cell_text(apps[code][col])
    rows_of = {
        "三、本年度办理结果": (3 + 2, 3 + 21),
        "（三）不予公开": (3 + 4, 3 + 11),
        "（四）无法提供": (3 + 12, 3 + 14),
        "（五）不予处理": (3 + 15, 3 + 19),
    }
    outer = table.cell(rows_of["三、本年度办理结果"][0], 0).merge(table.cell(rows_of["三、本年度办理结果"][1], 0))
    outer.text = "三、本年度办理结果"
    for group in ("（三）不予公开", "（四）无法提供", "（五）不予处理"):
        a, b = rows_of[group]
        table.cell(a, 1).merge(table.cell(b, 1)).text = group
    document.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    t4 = document.add_table(rows=4, cols=15)
    t4.cell(0, 0).merge(t4.cell(1, 4)).text = "行政复议"
    t4.cell(0, 5).merge(t4.cell(0, 14)).text = "行政诉讼"
    t4.cell(1, 5).merge(t4.cell(1, 9)).text = "未经复议直接起诉"
    t4.cell(1, 10).merge(t4.cell(1, 14)).text = "复议后起诉"
    for i in range(15):
        t4.cell(2, i).text = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"][i % 5]
        t4.cell(3, i).text = cell_text(review[GROUPS[i // 5]][MEASURES[i % 5]])
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def text_pdf(lines: list[str]) -> bytes:
    """A PDF whose text layer holds `lines` (Chinese through the built-in STSong-Light CID font)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    y = 800
    for line in lines:
        if y < 60:
            c.drawString(280, 30, "— 1 —")
            c.showPage()
            y = 800
        c.setFont("STSong-Light", 9)
        c.drawString(30, y, line)
        y -= 14
    c.save()
    return buf.getvalue()


def image_only_pdf() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.rect(100, 100, 300, 300, fill=1)
    c.showPage()
    c.save()
    return buf.getvalue()


def column_order_pdf(apps: dict, title: str) -> bytes:
    """Table 三 drawn labels first, then the numbers column by column: the text layer's order is not the
    reading order (as in some PDF producers); only positions tell the rows apart."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.setFont("STSong-Light", 8)
    c.drawString(30, 820, title)
    ys = [790 - 14 * i for i in range(len(LAYOUT_2019))]
    for (group, sub, _code), y in zip(LAYOUT_2019, ys):
        c.drawString(20, y, (sub or group)[:16])
    for j, col in enumerate(COLS):
        for (_g, _s, code), y in zip(LAYOUT_2019, ys):
            c.drawString(260 + 40 * j, y, cell_text(apps[code][col]))
    c.save()
    return buf.getvalue()
