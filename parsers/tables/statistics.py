"""Pre-2019 统计表: rows 指标名称 | 计量单位 | 本年度 | 历年累计, mapped onto the conformed codes.

Only rows whose meaning is the same as a conformed code are mapped (formats doc, "Pre-2019 reports");
the value is the first number after the label (the 本年度 column; the unit cell in between is skipped).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..normalize import label_key
from ..report_types import Check, Problem
from ..tokens import Token
from ..vocabulary import check_severity
from .values import parse_count

# (target, pattern on the label key); target is "applications.<row>.total", "review.total" or "narrative.<key>"
STAT_ROWS: list[tuple[str, re.Pattern]] = [
    (t, re.compile(p))
    for t, p in [
        ("applications.partially_granted.total", r"^同意部分公开(?:答复)?数"),
        ("applications.granted.total", r"^同意公开(?:答复)?数"),
        ("applications.denied.total", r"^(?:否决|不予公开|不同意公开)(?:答复)?数|^否决"),
        ("applications.other.total", r"^其他(?:类型)?答复数"),
        ("applications.total_processed.total", r"^对申请的答复(?:总)?数|^(?:申请)?答复(?:总)?数"),
        (
            "applications.new_received.total",
            r"^受理(?:依申请|政府信息公开申请|申请)|^(?:收到|接收)(?:政府信息公开)?申请(?:总)?数|^(?:依申请公开信息|申请)总数",
        ),
        ("review.total", r"^(?:因政府信息公开)?(?:申请)?行政复议(?:案件)?数"),
        ("narrative.litigation_total", r"^(?:因政府信息公开)?(?:提起)?行政诉讼(?:案件)?数"),
        ("narrative.proactive_items_published", r"^主动公开(?:政府)?信息"),
        # fees collected (not 收费减免金额, the amount waived); converted to 元 by the unit cell
        (
            "narrative.fees_collected_yuan",
            r"^(?:依申请公开(?:政府)?信息)?收取(?:的)?费用|^(?:信息公开)?收费(?:金额|数额)",
        ),
    ]
]
_UNIT_RE = re.compile(r"^(?:条|件|个|次|项|万元|元|人次|份|宗)$")
_SUB_LIST_MARK = re.compile(r"^其中\d*")  # 其中：1.同意公开答复数


@dataclass
class StatisticsResult:
    values: dict[str, int | float]
    provenance: dict[str, str] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    flattened: bool = False  # rows run together with their labels: no cell of it is where a token reader looks


@lru_cache(maxsize=16384)
def _row_key(text: str) -> str:
    """A label's key without its sub-list mark (其中：1.同意公开答复数 → 同意公开答复数)."""
    return _SUB_LIST_MARK.sub("", label_key(text))


@lru_cache(maxsize=16384)
def _targets_matching(key: str) -> tuple[str, ...]:
    """The targets whose pattern finds `key`, in STAT_ROWS order (labels recur: cached)."""
    return tuple(target for target, pattern in STAT_ROWS if pattern.search(key))


def read_statistics(tokens: list[Token]) -> StatisticsResult | None:
    has_table = any(
        t.kind == "text" and ("指标名称" in (k := label_key(t.text)) or "计量单位" in k or "历年累计" in k)
        for t in tokens
    )
    if not has_table:
        return None
    has_cumulative = any(t.kind == "text" and "历年累计" in label_key(t.text) for t in tokens)
    out = StatisticsResult(values={})
    for i, tok in enumerate(tokens):
        if tok.kind != "text":
            continue
        key = _row_key(tok.text)  # 其中：1.同意公开答复数
        if len(key) > 30:
            continue
        previous = tokens[i - 1] if i else None
        if previous is not None and previous.kind == "text" and not _UNIT_RE.match(label_key(previous.text)):
            # a label wrapped over two cells or lines (同意公开 / 答复数): the whole label decides, and its
            # second half alone (答复数) is never taken for another row
            joined = _row_key(previous.text) + key
            if _targets_matching(joined):
                key = joined
        for target in _targets_matching(key):
            if target in out.values:
                continue
            unit = next((u for u in ("万元", "元") if key.endswith(u)), None)  # unit run into the label
            for nxt in tokens[i + 1 : i + 4]:
                if nxt.kind == "num" and nxt.glued and has_cumulative:
                    break  # 本年度 and 历年累计 run together: no rule tells where one ends
                if nxt.kind == "blank":
                    break  # 本年度 left empty: never take the 历年累计 cell after it
                if nxt.kind == "num":
                    value = parse_count(nxt.text)
                    if target == "narrative.fees_collected_yuan":
                        value = _yuan(value, unit, nxt.text)
                    if value is not None:
                        out.values[target] = value
                        out.provenance[target] = nxt.where
                    break
                if nxt.kind == "text" and not _UNIT_RE.match(label_key(nxt.text)):
                    break
                if nxt.kind == "text":
                    unit = label_key(nxt.text)
            break
    return out if out.values else None


def merged(cells: StatisticsResult | None, runs: StatisticsResult | None) -> StatisticsResult | None:
    """The token reading (cells read one by one) and the run reading (read_flat_statistics: runs split by
    the rules, with the sub-item checks) of one 统计表: every figure either read, the run reading's where
    both did; its problems only for figures still missing."""
    if cells is None or runs is None:
        return cells or runs
    if runs.flattened:
        return runs  # the token reading of a flattened table takes stray-space fragments for cells
    out = StatisticsResult(
        values={**cells.values, **runs.values}, provenance={**cells.provenance, **runs.provenance}, checks=runs.checks
    )
    out.problems = [p for p in runs.problems if _target_of_field(p.get("field")) not in out.values]
    return out


def _target_of_field(fld: str | None) -> str | None:
    return "review.total" if fld == "review_litigation.review.total" else fld


def _yuan(value, unit: str | None, printed: str):
    """A fee in 元: the unit cell (or a unit printed with the number) says 万元 or 元; none → not read."""
    unit = unit or ("万元" if printed.endswith("万元") else "元" if printed.endswith("元") else None)
    if value is None or unit not in ("万元", "元"):
        return None
    if unit == "元":
        return value
    from decimal import Decimal

    yuan = Decimal(str(value)) * 10000
    return int(yuan) if yuan == yuan.to_integral_value() else float(yuan)


# ---- the same 统计表 flattened into one run per row: 受理依申请公开信息总数条2121 = 本年度 21 | 历年累计 21 ----

_HEADER = re.compile(r"指标名称.{0,12}?计量单位(?:.{0,30}?历年累计|.{0,12}?(?:本年度|\d{4}年度?))")
_SPACES = re.compile(r"\s+")
_BORDERS = re.compile(r"[\t\n]+")  # tabs, lines (pipes become tabs): cell borders
_NUMBERED = re.compile(r"^\d{1,2}[.、]")
_EMPTY_MARKS = "-—–/无"
_FLAT_ROW = re.compile(r"^(?P<label>.+?)(?P<unit>人次|万元|条|件|个|次|项|元|份|宗)(?P<blank>[-—–/无]*)$")


@dataclass
class _FlatRow:
    label: str  # label key, numbering and 其中 removed
    digits: str
    where: str
    parent: int | None  # index of the item this sub-item belongs to (其中：1.… 2.…)
    start: int = 0  # the run's place in the document text
    end: int = 0
    separated: bool = False  # cells laid out apart (or one left empty): read as printed, never split
    spaced: bool = False  # a space between its unit and its numbers
    options: list[tuple[int, ...]] = field(default_factory=list)


def read_flat_statistics(text: str) -> StatisticsResult | None:
    """A 统计表 whose rows are label + unit + digit run. With a 历年累计 column each run is 本年度 followed by
    历年累计, split only where the rules leave one reading: 本年度 ≤ 历年累计, and the sub-items of an item
    (其中：1.… 2.…, e.g. the channels of 受理) add up to it in both columns. A rule that no reading of the
    runs can satisfy is the government's error: a failed check, and the rows are split without it."""
    from .flat import compact, segments

    text = text.replace("|", "\t")  # pipe rows: their borders separate cells as tabs do (same offsets)
    comp, keep = compact(text)
    header = _HEADER.search(comp)
    if header is None:
        return None
    cumulative = comp[header.start() : header.end()].endswith("历年累计")
    body_start = keep[header.end() - 1] + 1
    rows = _flat_rows(text[body_start:], segments(text[body_start:]), body_start)
    if len(rows) < 2:
        return None
    width = 2 if cumulative else 1
    # Spaces are cell borders in a table laid out with them (most runs stand apart from their unit), but
    # only stray in a flattened one (most runs glued to their unit: 条2121, 件 2157 68 is 215|776… split
    # by the rules)
    laid_out = sum(r.spaced for r in rows) * 2 > len(rows)
    glued = sum(not r.spaced and not r.separated for r in rows if r.digits)
    for row in rows:
        row.separated |= laid_out and row.spaced
        cells = (_SPACES if laid_out else _BORDERS).split(text[row.start : row.end].strip()) if row.digits else []
        if row.separated or len(cells) > 1:
            complete = len(cells) == width and all(_no_leading_zero(_SPACES.sub("", c)) for c in cells)
            row.options = [tuple(int(_SPACES.sub("", c)) for c in cells)] if complete else []
        elif cumulative:
            row.options = _pairs(row.digits)
        else:
            row.options = [(int(row.digits),)] if _no_leading_zero(row.digits) else []
    out = StatisticsResult(values={}, flattened=glued * 2 > len(rows))
    chosen = _solve_groups(rows, width, out)
    if cumulative:
        _cumulative_checks(rows, out)
    for k, row in enumerate(rows):
        target = _target(row.label)
        value = choice[0] if (choice := chosen[k]) else None
        if target is None:
            continue
        if value is None:
            if row.separated or not row.options:
                out.problems.append(
                    {
                        "severity": "warning",
                        "code": "unreadable_value",
                        "field": _field(target),
                        "message": f"统计表 {row.label}: a cell is empty or the row is not 本年度|历年累计",
                    }
                )
            else:
                out.problems.append(
                    {
                        "severity": "warning",
                        "code": "ambiguous_split",
                        "field": _field(target),
                        "message": f"统计表 {row.label}: {row.digits} splits into 本年度|历年累计 in more than one way",
                    }
                )
            continue
        if target not in out.values:
            out.values[target] = value
            out.provenance[target] = row.where
    return out if rows else None


def _flat_rows(text: str, segs, base: int) -> list[_FlatRow]:
    """The 统计表's rows: label + unit, then the run after it. A row whose cells are laid out apart (tabs,
    lines, pipes between its label and its numbers) or that has an empty cell (`-`) is marked `separated`:
    its numbers are read as printed, never split."""
    rows: list[_FlatRow] = []
    parent: int | None = None
    in_sub_list = False
    label_end: int | None = None
    for seg in _split_blank_rows(segs):
        if seg.text:
            raw = seg.text
            if rows and rows[-1].digits and raw[0] in _EMPTY_MARKS:
                rows[-1].separated = True  # its 历年累计 cell is empty: the run is one cell, not two
            raw = raw.lstrip("-—–:")  # a markdown separator row (|---|---|) before the first label
            if raw.rstrip(":：").endswith("其中"):
                in_sub_list = True
                label_end = None
                continue
            m = _FLAT_ROW.match(raw)
            numbered = _NUMBERED.match(raw) is not None
            if m is not None and not numbered:
                in_sub_list = False  # an item of its own ends the list (the rest of a wrapped label does not)
            label_end = None
            if m is not None:
                label = _SUB_LIST_MARK.sub("", label_key(m.group("label")))
                is_sub = numbered and in_sub_list
                if not is_sub:
                    parent = len(rows)
                rows.append(_FlatRow(label, "", "", parent if is_sub else None, separated=bool(m.group("blank"))))
                label_end = seg.end
            continue
        if label_end is not None and rows and not rows[-1].digits:
            rows[-1].digits = seg.digits
            rows[-1].start, rows[-1].end = seg.start + base, seg.end + base
            rows[-1].where = f"text chars {seg.start + base}-{seg.end + base}"
            gap = text[label_end : seg.start]
            rows[-1].separated |= bool(_BORDERS.search(gap))  # tabs, lines, pipes: cell borders
            rows[-1].spaced = bool(_SPACES.search(gap))
        label_end = None
    return [r for r in rows if r.digits or r.separated]


_BLANK_ROW_END = re.compile(r"(?:人次|万元|条|件|个|次|项|元|份|宗)[-—–/无]+")


def _split_blank_rows(segs):
    """A label segment holding whole rows whose cells are all empty (`…答复数件--行政复议数件`) cut after each."""
    from .flat import Segment

    for seg in segs:
        cuts = [m.end() for m in _BLANK_ROW_END.finditer(seg.text)] if seg.text else []
        if not cuts or cuts == [len(seg.text)]:
            yield seg
            continue
        for a, b in zip([0, *cuts], [*cuts, len(seg.text)]):
            if a < b:
                yield Segment(seg.text[a:b], "", seg.start, seg.end)


def _no_leading_zero(digits: str) -> bool:
    return len(digits) == 1 or digits[0] != "0"


def _pairs(digits: str) -> list[tuple[int, ...]]:
    """本年度 | 历年累计 readings of a run: two numbers without leading zeros, the first not above the second."""
    out: list[tuple[int, ...]] = []
    for cut in range(1, len(digits)):
        a, b = digits[:cut], digits[cut:]
        if _no_leading_zero(a) and _no_leading_zero(b) and int(a) <= int(b):
            out.append((int(a), int(b)))
    return out


def _solve_groups(rows: list[_FlatRow], width: int, out: StatisticsResult) -> list[tuple[int, ...] | None]:
    """Each row's reading where only one survives the rules (else None); failed rules become checks."""
    chosen: list[tuple[int, ...] | None] = [r.options[0] if len(r.options) == 1 else None for r in rows]
    groups: dict[int, list[int]] = {}
    for k, row in enumerate(rows):
        if row.parent is not None and row.parent != k:
            groups.setdefault(row.parent, []).append(k)
    for parent, subs in groups.items():
        members = [parent, *subs]
        name = _rule_name(rows[parent].label, parent)
        if any(not rows[k].options for k in members):
            continue
        combos = 1
        for k in members:
            combos *= len(rows[k].options)
        if combos > 200_000:
            continue
        solutions = [
            c
            for c in itertools.product(*(rows[k].options for k in members))
            if all(sum(c[i][col] for i in range(1, len(c))) == c[0][col] for col in range(width))
        ]
        if not solutions:
            if all(len(rows[k].options) == 1 for k in members):
                detail = " + ".join(str(rows[k].options[0]) for k in subs) + f" != {rows[parent].options[0]}"
            else:
                detail = f"no reading of the printed runs makes its {len(subs)} sub-items add up to it"
            out.checks.append(
                _check(f"statistics.subitems_sum.{name}", False, f"统计表 {rows[parent].label}: {detail}")
            )
            continue
        for i, k in enumerate(members):
            readings = {s[i] for s in solutions}
            chosen[k] = readings.pop() if len(readings) == 1 else None
        if len(solutions) == 1 or all(chosen[k] is not None for k in members):
            out.checks.append(
                _check(
                    f"statistics.subitems_sum.{name}",
                    True,
                    f"统计表 {rows[parent].label}: sub-items add up in every column",
                )
            )
    return chosen


def _cumulative_checks(rows: list[_FlatRow], out: StatisticsResult) -> None:
    """本年度 ≤ 历年累计 for each row printed in two cells (a run glued together is split by that rule, so it
    cannot break it)."""
    for k, row in enumerate(rows):
        if row.separated and len(row.options) == 1:
            this_year, cumulative = row.options[0]
            out.checks.append(
                _check(
                    f"statistics.cumulative.{_rule_name(row.label, k)}",
                    this_year <= cumulative,
                    f"统计表 {row.label}: 本年度 {this_year}, 历年累计 {cumulative}",
                )
            )


def _check(rule: str, ok: bool, detail: str) -> Check:
    return {"rule": rule, "ok": ok, "severity": check_severity(rule), "detail": detail}


def _rule_name(label: str, index: int) -> str:
    target = _target(label)
    return (
        target.split(".")[1]
        if target and target.startswith("applications.")
        else (target.split(".", 1)[1].split(".")[0] if target else f"row{index + 1}")
    )


@lru_cache(maxsize=4096)
def _target(label: str) -> str | None:
    """The row a label means; a label whose last character (数) wrapped past the numbers still counts."""
    return next((t for t, p in STAT_ROWS if p.search(label)), None) or (
        next((t for t, p in STAT_ROWS if p.search(label + "数")), None) if not label.endswith("数") else None
    )


def _field(target: str) -> str:
    return target.replace("review.total", "review_litigation.review.total")
