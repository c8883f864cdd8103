"""A report as a flat sequence of blocks (title, meta lines, paragraphs, tables) in reading order.

Every renderer walks the same blocks, so a report reads the same whatever the document type. Tables are
placed right after the paragraph that is their section heading (二、 三、 四、); a table whose heading the
prose lacks goes at the end, before nothing is lost.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from reportgen.layout import Grid, report_grids

SECTION_HEADINGS_2019 = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
]
SECTION_HEADINGS_PRE2019 = [
    "一、概述",
    "二、主动公开政府信息的情况",
    "三、依申请公开政府信息情况",
    "四、因政府信息公开申请行政复议、提起行政诉讼的情况",
    "五、存在的主要问题和改进措施",
    "附：政府信息公开情况统计表",
]


@dataclass
class Block:
    kind: str  # "title" | "meta" | "para" | "heading" | "table"
    text: str = ""
    grid: Grid | None = None


def report_title(report: dict) -> str:
    """The printed title: the report's own `title` if it has one, else built from organ and year."""
    if report.get("title"):
        return report["title"]
    organ = report.get("organ_original") or report.get("organ") or ""
    year = report.get("year")
    return f"{organ}{year}年政府信息公开工作年度报告"


def chinese_date(iso_date: str | None) -> str | None:
    """'2021-03-09' → '2021年3月9日' (how reports print their date under the title)."""
    if not iso_date:
        return None
    d = dt.date.fromisoformat(iso_date)
    return f"{d.year}年{d.month}月{d.day}日"


def default_prose(report: dict) -> list[str]:
    """Plain filler prose with the six section headings, for reports that come without prose.

    It states no figures except, for pre-2019 reports, the narrative ones (the only place they live).
    """
    year = report.get("year")
    organ = report.get("organ_original") or report.get("organ") or "本机关"
    intro = (
        f"根据《中华人民共和国政府信息公开条例》规定，现发布{organ}{year}年政府信息公开工作年度报告。"
        f"本报告所列数据的统计期限为{year}年1月1日至{year}年12月31日。"
    )
    if report.get("era") == "pre2019":
        narrative = report.get("narrative") or {}
        paras = [intro, SECTION_HEADINGS_PRE2019[0], f"{year}年，我单位认真贯彻落实政府信息公开各项工作要求。"]
        paras.append(SECTION_HEADINGS_PRE2019[1])
        if narrative.get("proactive_items_published") is not None:
            paras.append(f"全年主动公开政府信息{narrative['proactive_items_published']}条。")
        paras.append(SECTION_HEADINGS_PRE2019[2])
        if narrative.get("applications_received") is not None:
            paras.append(f"全年共收到政府信息公开申请{narrative['applications_received']}件。")
        paras.append(SECTION_HEADINGS_PRE2019[3])
        paras.append("本年度未发生需要说明的其他情况。")
        paras.append(SECTION_HEADINGS_PRE2019[4])
        paras.append("公开的及时性和规范性仍需进一步提高。")
        paras.append(SECTION_HEADINGS_PRE2019[5])
        return paras
    return [
        intro,
        SECTION_HEADINGS_2019[0],
        f"{year}年，{organ}认真贯彻落实政务公开工作部署，不断提升政府信息公开工作质量。",
        SECTION_HEADINGS_2019[1],
        SECTION_HEADINGS_2019[2],
        SECTION_HEADINGS_2019[3],
        SECTION_HEADINGS_2019[4],
        "政府信息公开工作仍存在公开内容不够全面、解读不够深入等问题，下一步将持续改进。",
        SECTION_HEADINGS_2019[5],
        "无。",
    ]


# A heading paragraph of sections 二/三/四 (the sections that own a table). Short lines only: a long
# paragraph that merely starts with "二、" is prose.
_HEADING = re.compile(r"^\s*([一二三四五六])、\S{2,40}$")
_TABLE_SECTION_HEADING = re.compile(r"^\s*(?:附[:：]\s*)?\S*统计表\s*$")


def build_blocks(report: dict, prose: list[str] | None = None) -> list[Block]:
    blocks = [Block("title", report_title(report))]
    if report.get("organ_original") or report.get("organ"):
        blocks.append(Block("meta", report.get("organ_original") or report["organ"]))
    date_text = chinese_date(report.get("publication_date"))
    if date_text:
        blocks.append(Block("meta", f"（{date_text}）"))
    grids = report_grids(report)
    for paragraph in prose if prose is not None else default_prose(report):
        match = _HEADING.match(paragraph)
        if match or _TABLE_SECTION_HEADING.match(paragraph):
            blocks.append(Block("heading", paragraph.strip()))
            key = match.group(1) if match else "统计表"
            if key in grids:
                blocks.append(Block("table", grid=grids.pop(key)))
        else:
            blocks.append(Block("para", paragraph))
    for grid in grids.values():  # tables whose heading the prose lacks
        blocks.append(Block("heading", grid.caption))
        blocks.append(Block("table", grid=grid))
    return blocks
