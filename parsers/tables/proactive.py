"""Table 二 (proactive disclosure): blocks of 第二十条第（X）项, each a header row then item rows.

The header text read since the last 信息内容 cell names the block's measures in printed order (so 2019,
2021 and hybrid headers are all read as printed); each item row takes that many cells. Money is converted
to 万元 and its printed text kept; signed changes keep their sign.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from ..normalize import label_key
from ..report_types import Problem
from ..tokens import Token
from .blanks import blank_cells_problem
from .labels import DEFAULT_MEASURES_2019, DEFAULT_MEASURES_2021, classify_proactive_item, measures_in_header
from .values import parse_count, parse_money_10k

MONEY = {"procurement_amount_10k_yuan", "fee_amount_10k_yuan"}
# the measures each item may have in either format (a hybrid prints 2019 headers in a 2021 report)
ITEM_MEASURES = {
    item: set(DEFAULT_MEASURES_2019.get(item, [])) | set(DEFAULT_MEASURES_2021.get(item, []))
    for item in {*DEFAULT_MEASURES_2019, *DEFAULT_MEASURES_2021}
}


@dataclass
class ProactiveResult:
    items: dict[str, dict[str, int | float | None]]
    provenance: dict[str, str] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    measures_seen: set[str] = field(default_factory=set)


def read_proactive(tokens: list[Token], stop: int | None = None) -> ProactiveResult | None:
    start = next(
        (
            i
            for i, t in enumerate(tokens[:stop])
            if t.kind == "text" and _block_key(tokens, i).startswith(("第二十条第", "信息内容"))
        ),
        None,
    )
    if start is None:
        return None
    result = ProactiveResult(items={})
    header: list[str] = []
    header_money_unit = False
    in_header = False
    i = start
    gap = 0
    limit = stop if stop is not None else len(tokens)
    while i < limit:
        tok = tokens[i]
        i += 1
        if tok.kind != "text":
            gap += 1
            if gap > 80:
                break
            continue
        key = label_key(tok.text)
        if _wrapped_header(key) and i < limit and tokens[i].kind == "text":
            key = key + label_key(tokens[i].text)  # a header cell wrapped over two lines (信息 / 内容)
            i += 1
        if key.startswith("第二十条"):
            header, in_header, gap = [], True, 0
            continue
        if key.startswith("信息内容"):
            header, in_header, gap = [tok.text[4:]] if len(key) > 4 else [], True, 0
            continue
        item = classify_proactive_item(tok.text)
        if i < limit and tokens[i].kind == "text":  # an item label wrapped: 行政 / 强制, …服务事 / 项
            whole = classify_proactive_item(tok.text + tokens[i].text)
            if whole is not None and item in (None, whole):
                item = whole
                i += 1
        if item is None:
            if in_header:
                header.append(tok.text)
                header_money_unit = "万元" in tok.text or header_money_unit
            else:
                gap += 1
                if gap > 80 or (key.startswith("三") and "申请" in key):
                    break
            continue
        gap = 0
        in_header = False
        measures = measures_in_header("".join(header))
        if not measures:
            measures = DEFAULT_MEASURES_2019.get(item, [])
        if not set(measures) <= ITEM_MEASURES.get(item, set()):
            # the header read is not this item's (a block header the reader did not see): its cells are
            # not placed under another block's columns
            _all_null(
                result,
                result.items.setdefault(item, {}),
                item,
                DEFAULT_MEASURES_2019.get(item, []),
                "unreadable_value",
                f"the header read ({', '.join(measures)}) is not one of {item}'s; left null",
            )
            while i < limit and tokens[i].kind != "text":
                i += 1
            continue
        result.measures_seen.update(measures)
        cells: list[Token] = []
        while i < limit and len(cells) < len(measures):
            nxt = tokens[i]
            if nxt.kind == "text":
                break
            cells.append(nxt)
            i += 1
        row = result.items.setdefault(item, {})
        following = tokens[i] if i < len(tokens) else None
        if cells and (any(c.glued for c in cells) or (len(cells) == 1 < len(measures) and cells[0].kind == "num")):
            # cells run together: table 二 has no arithmetic to split them, so nothing is guessed
            _all_null(
                result,
                row,
                item,
                measures,
                "ambiguous_split",
                f"{cells[0].text}: cells run together, no rule to split them; left null",
            )
            continue
        if cells and (len(cells) < len(measures) or (following is not None and following.kind == "num")):
            # fewer or more cells than the header names: which column is which cannot be known
            _all_null(
                result,
                row,
                item,
                measures,
                "unreadable_value",
                f"{len(cells)} cells where the header names {len(measures)}; left null",
            )
            while i < limit and tokens[i].kind != "text":
                i += 1
            continue
        for measure, tok_v in zip(measures, cells):
            fld = f"proactive.{item}.{measure}"
            if tok_v.kind != "num":
                row[measure] = None
                continue
            if measure in MONEY:
                printed = tok_v.text
                if (
                    tok_v is cells[-1]
                    and following is not None
                    and following.kind == "text"
                    and label_key(following.text) in ("元", "万元", "亿元")
                    and printed[-1:] not in ("元",)
                ):
                    printed = printed + label_key(following.text)  # 251000 元: the unit printed apart
                value, missing = parse_money_10k(printed)
                row[measure] = value
                result.texts[f"{item}.{measure}"] = printed
                if missing and measure == "procurement_amount_10k_yuan" and not header_money_unit:
                    result.problems.append(
                        {
                            "severity": "warning",
                            "code": "bare_amount_unit",
                            "field": fld,
                            "message": f"{tok_v.text} printed without unit; taken as 万元",
                        }
                    )
            else:
                row[measure] = parse_count(tok_v.text)
            result.provenance[fld] = tok_v.where
        for measure in measures[len(cells) :]:
            row.setdefault(measure, None)
    blanks = sorted(
        f"proactive.{item}.{m}"
        for item, row in result.items.items()
        for m, v in row.items()
        if v is None and f"proactive.{item}.{m}" not in {p.get("field") for p in result.problems}
    )
    if blanks:
        result.problems.append(blank_cells_problem("proactive", blanks))
    return result if result.items else None


_HEADERS = ("第二十条第", "信息内容")


@lru_cache(maxsize=4096)  # asked of every label before the table: labels recur
def _wrapped_header(key: str) -> bool:
    """The first part of a block header cut by a line break (第二 / 十条第（一）项, 信息 / 内容)."""
    return any(h.startswith(key) and key != h for h in _HEADERS) or key == "第二十条第"


def _block_key(tokens: list[Token], i: int) -> str:
    key = label_key(tokens[i].text)
    if _wrapped_header(key) and i + 1 < len(tokens) and tokens[i + 1].kind == "text":
        return key + label_key(tokens[i + 1].text)
    return key


def _all_null(result: ProactiveResult, row: dict, item: str, measures: list[str], code: str, message: str) -> None:
    for measure in measures:
        row[measure] = None
        result.problems.append(
            {"severity": "warning", "code": code, "field": f"proactive.{item}.{measure}", "message": message}
        )
