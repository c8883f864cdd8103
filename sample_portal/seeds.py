"""The five seed reports as the sample portal publishes them: page title, date, URL, attachments, and
the seed's own prose (the text outside its tables).

The numbers come from tests/fixtures/seeds/NNN.expected.json (a hand transcription, the truth); the prose
comes from the seed text, so each detail page reads like the original report.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXPECTED_DIR = REPO / "tests" / "fixtures" / "seeds"
DEFAULT_SEEDS_DIR = Path(os.environ.get("NIANBAO_SEEDS_DIR", "/work/shared/seeds"))


@dataclass(frozen=True)
class SeedPage:
    number: str
    title: str  # the portal page title (and the first line of any attachment)
    published: str  # 发布日期, ISO
    path: str  # GB-style URL path of the detail page
    attachments: tuple[str, ...] = ()  # "pdf" / "docx"
    skip_lines: int = 0  # leading lines of the seed that are title/organ/date (the page prints its own)
    organ_original: str | None = None  # the organ as printed, when the report is in traditional script
    title_original: str | None = None
    printed: dict = field(default_factory=dict)  # proactive_text: table 二 cells printed as in the seed


SEED_PAGES = [
    SeedPage(
        "000",
        "宿迁市2020年政府信息公开工作年度报告",
        "2021-03-09",
        "/zwgk/zfxxgknb/202103/t20210309_6120001.html",
        ("pdf",),
        skip_lines=3,
        printed={
            "licensing.change": "+1036",
            "other_admin_services.change": "-653",
            "penalties.change": "+461",
            "coercive_measures.change": "+14",
            "fees.change": "+4",
            "procurement.procurement_amount_10k_yuan": "372718.4969万元",
        },
    ),
    SeedPage(
        "001",
        "宿迁市政务服务管理办公室2017年度政府信息公开工作年度报告",
        "2018-01-26",
        "/zwgk/zfxxgknb/201801/t20180126_5120017.html",
    ),
    SeedPage(
        "002",
        "沈阳市苏家屯区2020年政府信息公开工作年度报告",
        "2021-01-29",
        "/zwgk/zfxxgknb/202101/t20210129_6120002.html",
        ("docx",),
        printed={
            "licensing.change": "43",
            "other_admin_services.change": "28",
            "penalties.change": "162",
            "coercive_measures.change": "3",
            "fees.change": "2",
            "procurement.procurement_amount_10k_yuan": "7004.69万元",
        },
    ),
    SeedPage(
        "003",
        "淮北市人民政府办公室2020年政府信息公开工作年度报告",
        "2021-01-27",
        "/zwgk/zfxxgknb/202101/t20210127_6120003.html",
        ("docx",),
        skip_lines=2,
        printed={"procurement.procurement_amount_10k_yuan": "299.8"},
    ),
    SeedPage(
        "004",
        "江苏省2020年政府信息公开工作年度报告",
        "2021-03-31",
        "/zwgk/zfxxgknb/202103/t20210331_6120004.html",
        ("pdf",),
        organ_original="江蘇省人民政府",
        title_original="江蘇省2020年政府信息公開工作年度報告",
    ),
]


def expected_report(number: str) -> dict:
    return json.loads((EXPECTED_DIR / f"{number}.expected.json").read_text(encoding="utf-8"))


def seed_text(number: str, seeds_dir: Path | None = None) -> str:
    directory = Path(seeds_dir or DEFAULT_SEEDS_DIR)
    (path,) = directory.glob(f"{number}_*.txt")
    return path.read_text(encoding="utf-8")


_FOOTER = re.compile(r"^\s*[—-]\s*\d+\s*[—-]\s*$")


def seed_prose(text: str, skip_lines: int = 0) -> list[str]:
    """The seed's paragraphs without its tables.

    Table lines start with a tab (one cell per line) or contain `|` (one row per line). A header cell
    wrapped over several lines leaves short fragments (公开数量, 维持, 计) right after a table line; those
    belong to the table too. Page footers (— 8 —) and Word bookmarks are dropped.
    """
    paragraphs: list[str] = []
    in_table = False
    nonblank_seen = 0
    for raw in text.splitlines():
        line = raw.replace("[bookmark: _GoBack]", "")
        if not line.strip():
            continue
        nonblank_seen += 1
        if nonblank_seen <= skip_lines:
            continue
        if line.startswith("\t") or "|" in line:
            in_table = True
            continue
        if in_table and len(line.strip()) <= 5 and not re.match(r"^[一二三四五六]、", line.strip()):
            continue  # a fragment of a wrapped header cell
        in_table = False
        if _FOOTER.match(line):
            continue
        paragraphs.append(line.strip())
    return paragraphs


def page_report(page: SeedPage) -> dict:
    """The Report a detail page and its attachments render: the expected numbers plus print details."""
    report = {
        k: v
        for k, v in expected_report(page.number).items()
        if k not in ("notes", "expected_checks", "narrative_optional", "seed_file", "organ_source")
    }
    report["title"] = page.title_original or page.title
    report["publication_date"] = page.published
    if page.organ_original:
        report["organ_original"] = page.organ_original
    if page.printed:
        report["proactive_text"] = dict(page.printed)
    return report
