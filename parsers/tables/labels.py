"""Recognising row and column labels, tolerant of the typos and breaks real reports contain.

Labels are compared by their key (normalize.label_key: no numbering, spaces or punctuation) against short
distinctive patterns rather than the full official wording, so 危机“三安全一稳定”, 属于行政法案卷, 无法提 供,
本年新收到… and labels wrapped over two lines (whose first part carries the pattern) still match.
A token longer than MAX_LABEL characters is prose, never a label.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..normalize import label_key, numbering
from ..vocabulary import APPLICATION_ROWS

MAX_LABEL = 42

# (code, pattern on the label key): each row's pattern lives with the row in the vocabulary. Group rows
# （三）（四）（五） and 三、本年度办理结果 carry no numbers in the modern formats; they are recognised so that
# they end the previous row.
APPLICATION_PATTERNS: list[tuple[str, re.Pattern]] = [("_outcomes", re.compile(r"^本年度?办理结果"))] + [
    (row.code, re.compile(row.pattern)) for row in APPLICATION_ROWS if row.pattern
]


def _official_keys() -> list[tuple[str, str, str]]:
    """(code, key, numbering) of every official row label, for matching the first part of a wrapped label."""
    out = []
    for row in APPLICATION_ROWS:
        label = re.sub(r"^（[一二三四五六七]）(?=\d)", "", row.zh)
        label = label.replace("（", "(").replace("）", ")")
        out.append((row.code, label_key(label), numbering(label)))
    return out


_OFFICIAL = _official_keys()


def _by_prefix(key: str, num: str) -> str | None:
    if len(key) < 4:
        return None
    hits = [(code, n) for code, official, n in _OFFICIAL if official.startswith(key)]
    if len(hits) > 1 and num:
        hits = [(code, n) for code, n in hits if n == num]
    return hits[0][0] if len(hits) == 1 else None


@lru_cache(maxsize=65536)
def classify_application_label(text: str, after_other: bool) -> str | None:
    """Row code of a table 三 label, '_outcomes' for the group heading, or None.

    `after_other` says the reader has passed （六）其他处理 (so a bare 3.其他 is its 2021 sub-row).
    """
    key = label_key(text)
    if not key or len(key) > MAX_LABEL:
        return None
    num = numbering(text)
    if key in ("总计", "合计") and (num in ("(七)", "七.") or after_other):
        return "total_processed"  # unnumbered 总计 only once past （六）: before that it is a column header
    if key in ("其他", "其它") and after_other and num in ("3.", "3、"):
        return "other_misc"
    for code, pattern in APPLICATION_PATTERNS:
        if pattern.search(key):
            return code
    return _by_prefix(key, num)


PROACTIVE_ITEM_PATTERNS: list[tuple[str, re.Pattern]] = [
    (code, re.compile(p))
    for code, p in [
        ("rules", r"^规章$"),
        ("normative_documents", r"^(?:行政)?规范性文件$"),
        ("licensing", r"^行政许可$"),
        ("other_admin_services", r"^其他对外管理服务事项$|^其他对外管理服务"),
        ("penalties", r"^行政处罚$"),
        ("coercive_measures", r"^行政强制$"),
        ("fees", r"^行政事业性收费$"),
        ("procurement", r"^政府集中采购$"),
    ]
]


@lru_cache(maxsize=65536)
def classify_proactive_item(text: str) -> str | None:
    key = label_key(text)
    if not key or len(key) > 16:
        return None
    for code, pattern in PROACTIVE_ITEM_PATTERNS:
        if pattern.search(key):
            return code
    return None


# Column headers of table 二, in the order they are searched for within a block's header text.
PROACTIVE_MEASURE_PATTERNS: list[tuple[str, re.Pattern]] = [
    (code, re.compile(p))
    for code, p in [
        ("new_made", r"新制作"),
        ("new_published", r"新公开"),
        ("published_total", r"公开总数|总数量"),
        ("issued", r"制发"),
        ("repealed", r"废止"),
        ("in_force", r"现行有效"),
        ("prev_year_items", r"上一?年(?:度)?项目"),
        ("change", r"增/减|增减|增/减"),
        ("decisions", r"处理决定"),
        ("fee_amount_10k_yuan", r"收费金额"),
        ("procurement_items", r"采购项目"),
        ("procurement_amount_10k_yuan", r"采购总金额|总金额"),
    ]
]

# When a block's header cannot be read, the official columns of each item (2019 format).
DEFAULT_MEASURES_2019 = {
    "rules": ["new_made", "new_published", "published_total"],
    "normative_documents": ["new_made", "new_published", "published_total"],
    "licensing": ["prev_year_items", "change", "decisions"],
    "other_admin_services": ["prev_year_items", "change", "decisions"],
    "penalties": ["prev_year_items", "change", "decisions"],
    "coercive_measures": ["prev_year_items", "change", "decisions"],
    "fees": ["prev_year_items", "change"],
    "procurement": ["procurement_items", "procurement_amount_10k_yuan"],
}
DEFAULT_MEASURES_2021 = {
    "rules": ["issued", "repealed", "in_force"],
    "normative_documents": ["issued", "repealed", "in_force"],
    "licensing": ["decisions"],
    "penalties": ["decisions"],
    "coercive_measures": ["decisions"],
    "fees": ["fee_amount_10k_yuan"],
}


def measures_in_header(header: str) -> list[str]:
    """Measures named in a block's header text, in printed order."""
    key = label_key(header)
    found: list[tuple[int, str]] = []
    for code, pattern in PROACTIVE_MEASURE_PATTERNS:
        m = pattern.search(key)
        if m and code not in {c for _, c in found}:
            found.append((m.start(), code))
    # 采购总金额 also matches 总数量? no; but 对外公开总数量 must not be read as 采购总金额
    return [code for _, code in sorted(found)]
