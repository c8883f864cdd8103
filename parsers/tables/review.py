"""Table 四 (administrative review and litigation): one data row of 15 numbers under a two-level header.

The reader finds the header (a cell 行政复议 followed by 结果维持 …), skips header text and empty header
cells, then takes the 15 cells of the data row. A row run together into one digit string is split with the
group sums (each 总计 = the four outcomes before it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..normalize import label_key
from ..report_types import Problem
from ..tokens import Token
from ..vocabulary import REVIEW_GROUP_CODES, REVIEW_MEASURE_CODES
from .blanks import SumRule, blank_cells_problem, prove_blanks
from .split import group_splits
from .values import parse_count

NCELLS = len(REVIEW_GROUP_CODES) * len(REVIEW_MEASURE_CODES)


@dataclass
class ReviewResult:
    groups: dict[str, dict[str, int | float | None]]
    provenance: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def _find_anchor(tokens: list[Token], start: int) -> int | None:
    for i in range(start, len(tokens)):
        tok = tokens[i]
        if tok.kind == "text" and label_key(tok.text) in ("行政复议", "行政复议行政诉讼"):
            window = "".join(t.text for t in tokens[i + 1 : i + 40] if t.kind == "text")
            if "维持" in window or "纠正" in window or "结果维" in window or "尚未审" in window:
                return i
    return None


def _find_heading(tokens: list[Token], start: int) -> int | None:
    """The section heading 四、…行政复议、行政诉讼情况, for a table whose header words were lost (数据1 … 数据15)."""
    for i in range(start, len(tokens)):
        tok = tokens[i]
        if tok.kind == "text" and "行政复议" in (key := label_key(tok.text)) and "行政诉讼" in key and len(key) < 40:
            return i
    return None


def read_review(tokens: list[Token], start: int = 0) -> ReviewResult | None:
    anchor = _find_anchor(tokens, start)
    if anchor is None and start:
        anchor = _find_anchor(tokens, 0)
    headerless = False
    if anchor is None:
        anchor = _find_heading(tokens, start)
        headerless = anchor is not None
    if anchor is None:
        return None
    cells: list[Token] = []
    started = False
    overflow = False
    pending: list[Token] = []  # blank cells just before the first number
    for tok in tokens[anchor + 1 : anchor + 400]:
        if len(cells) >= NCELLS:
            overflow = tok.kind == "num"  # a 16th number: not the layout we know
            break
        if tok.kind == "num":
            if not started:
                # HTML/docx: dash or empty cells opening the data row (行政复议 all "—") are its first cells
                row = _grid_row(tok.where)
                if row is not None:
                    cells.extend(t for t in pending if _grid_row(t.where) == row)
            started = True
            cells.append(tok)
        elif tok.kind == "blank":
            if started:
                cells.append(tok)
            else:
                pending.append(tok)
        elif started:
            break
        else:
            pending = []
    if headerless and len(cells) != NCELLS:
        return None  # a heading with prose (or some other table) under it: no table 四 here
    result = ReviewResult(groups={g: {m: None for m in REVIEW_MEASURE_CODES} for g in REVIEW_GROUP_CODES})
    slots = [(g, m) for g in REVIEW_GROUP_CODES for m in REVIEW_MEASURE_CODES]
    nums = [t for t in cells if t.kind == "num"]
    if overflow:
        result.problems.append(
            {
                "severity": "warning",
                "code": "unreadable_value",
                "field": "review_litigation",
                "message": f"table 四: more than {NCELLS} numbers in its data row",
            }
        )
    elif len(cells) == NCELLS:
        for (g, m), tok in zip(slots, cells):
            if tok.kind == "num":
                result.groups[g][m] = parse_count(tok.text)
                result.provenance[f"review_litigation.{g}.{m}"] = tok.where
    elif len(nums) == 1 and nums[0].text.isdigit() and len(nums[0].text) >= NCELLS:
        split_run(result, slots, nums[0])
    elif len(cells) == len(REVIEW_GROUP_CODES) == len(nums) and all(
        t.text.isdigit() and len(t.text) >= len(REVIEW_MEASURE_CODES) for t in nums
    ):
        # each group's five cells run together, the groups apart: 31015 20103 00011
        width = len(REVIEW_MEASURE_CODES)
        for k, tok in enumerate(nums):
            split_run(result, slots[k * width : (k + 1) * width], tok, groups=1)
    elif cells:
        result.problems.append(
            {
                "severity": "warning",
                "code": "unreadable_value",
                "message": f"table 四: {len(cells)} cells where {NCELLS} are printed",
                "field": "review_litigation",
            }
        )
    if headerless:
        keep_if_sums_hold(result)
    return result


def keep_if_sums_hold(result: ReviewResult) -> None:
    """Fifteen cells under no header words are placed by the official order only when every group's 总计
    is the sum of its four outcomes; else nothing is placed."""
    parts = [m for m in REVIEW_MEASURE_CODES if m != "total"]
    for group in result.groups.values():
        values = [v for m in parts if (v := group[m]) is not None]
        if len(values) < len(parts) or group["total"] is None or sum(values) != group["total"]:
            break
    else:
        return
    for group in result.groups.values():
        group.update(dict.fromkeys(group))
    result.provenance.clear()
    result.problems = [
        {
            "severity": "warning",
            "code": "unplaced_rows",
            "field": "review_litigation",
            "message": "table 四 without its header words: the cells do not satisfy the group sums "
            "in the official order; nothing placed",
        }
    ]


def _grid_row(where: str) -> tuple[str, str] | None:
    """(table, row) of a grid cell locator 'table 2, row 4, col 3'; None for text offsets."""
    parts = where.rsplit(", ", 2)
    if len(parts) != 3 or not parts[1].startswith("row "):
        return None
    return parts[0], parts[1]


def split_run(result: ReviewResult, slots, tok: Token, groups: int = len(REVIEW_GROUP_CODES)) -> None:
    options = group_splits(tok.text, groups)
    if not options:
        result.problems.append(
            {
                "severity": "warning",
                "code": "unreadable_value",
                "field": "review_litigation",
                "message": f"table 四: no split of {tok.text} satisfies the group sums",
            }
        )
        return
    for idx, (g, m) in enumerate(slots):
        vals = {o[idx] for o in options}
        fld = f"review_litigation.{g}.{m}"
        if len(vals) == 1:
            result.groups[g][m] = vals.pop()
            result.provenance[fld] = tok.where
        else:
            result.problems.append(
                {
                    "severity": "warning",
                    "code": "ambiguous_split",
                    "field": fld,
                    "message": f"{tok.text} splits in {len(options)} ways consistent with the table; cell left null",
                }
            )


def prove_review_blanks(result: ReviewResult, litigation_total: float | None = None) -> None:
    """Blank cells proven by the group sums (blanks.py) and, where the prose states how many lawsuits there
    were (行政诉讼 N 件 = 直接起诉总计 + 复议后起诉总计), by that sum too: a litigation group left blank is 0
    when the other group's printed total already reaches the prose figure."""
    unreadable = {p.get("field") for p in result.problems}
    cells: dict[str, int | float | None] = {}
    blank: set[str] = set()
    for g, row in result.groups.items():
        for m, value in row.items():
            key = f"review_litigation.{g}.{m}"
            cells[key] = value
            if value is None and key not in result.provenance and not {key, "review_litigation"} & unreadable:
                blank.add(key)
    parts = tuple(m for m in REVIEW_MEASURE_CODES if m != "total")
    rules = [
        SumRule(
            f"review_litigation.{g}_sum",
            f"review_litigation.{g}.total",
            tuple(f"review_litigation.{g}.{m}" for m in parts),
        )
        for g in result.groups
    ]
    if litigation_total is not None:
        cells["narrative.litigation_total"] = litigation_total
        rules.append(
            SumRule(
                "narrative.litigation_total",
                "narrative.litigation_total",
                ("review_litigation.litigation_direct.total", "review_litigation.litigation_after_review.total"),
            )
        )
    proven = prove_blanks(cells, rules, blank)
    for key, rule in proven.items():
        _, g, m = key.split(".")
        result.groups[g][m] = cells[key]
        result.problems.append(
            {
                "severity": "warning",
                "code": "derived_value",
                "field": key,
                "message": f"{g} {m} blank; {cells[key]} proven by {rule}",
            }
        )
    if blank - set(proven):
        result.problems.append(blank_cells_problem("review_litigation", sorted(blank - set(proven))))
