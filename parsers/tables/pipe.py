"""Table 三 as markdown pipe rows whose labels were lost (PDF converters, OCR tools).

`| | | 5 | - | - | - | - | - | 5 |` under a header `| 数据1 | … | 数据6 | 总计 |`: the cells are there, the row
label is not (or only its wrapped second half is). Such rows are placed by the official row order of the
format — only when the number of rows is exactly the format's, every row whose label survives sits at its
official place, and then every rule of the table holds with the values placed (balance and outcome sums in
the 总计 column at least, every row sum). Otherwise nothing is placed: the cells stay null with an
`unplaced_rows` problem. The applicant columns are taken in the official order, which no rule can check.
"""

from __future__ import annotations

import re

from ..tokens import NUM_RE
from .applications import COLUMNS, LEAF_ROWS_2019, OTHER_SUBROWS, ApplicationsResult, _problem, finish
from .labels import classify_application_label
from .values import parse_count

ORDER_2019 = ["new_received", "carried_over", *LEAF_ROWS_2019, "other", "total_processed", "carried_forward"]
ORDER_2021 = ["new_received", "carried_over", *LEAF_ROWS_2019, *OTHER_SUBROWS, "total_processed", "carried_forward"]
_EMPTY = {"", "-", "—", "–", "/", "无"}


def _value_rows(text: str) -> list[tuple[str | None, list[str], str]] | None:
    """(label code or None, the seven value cells, locator) of every pipe row of table 三, or None."""
    start = re.search(r"本年新收|申请人情况|数据1", text)
    if start is None:
        return None
    end = re.search(r"行政复议", text[start.start() :])
    region_start = text.rfind("\n", 0, start.start()) + 1
    region = text[region_start : start.start() + end.start() if end else len(text)]
    rows = []
    after_other = False
    offset = region_start
    for line in region.split("\n"):
        here = offset
        offset += len(line) + 1
        if line.count("|") < len(COLUMNS):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        values = cells[-len(COLUMNS) :]
        if len(cells) < len(COLUMNS) or not all(c in _EMPTY or NUM_RE.fullmatch(c) for c in values):
            continue  # a header, a separator line or prose
        labels = [c for c in cells[: -len(COLUMNS)] if c]
        code = None
        for candidate in (labels[-1:], labels):
            if candidate:
                code = classify_application_label("".join(candidate), after_other)
                if code in ("_outcomes", "denied", "unavailable", "rejected"):
                    code = None
                if code:
                    break
        after_other = after_other or code in ("other", *OTHER_SUBROWS)
        rows.append((code, values, f"text chars {here}-{here + len(line)}"))
    return rows


def read_pipe_applications(text: str) -> ApplicationsResult | None:
    rows = _value_rows(text)
    if not rows or all(code is not None for code, _, _ in rows):
        return None  # nothing lost: the token reader reads labelled rows
    order = next((o for o in (ORDER_2019, ORDER_2021) if len(o) == len(rows)), None)
    result = ApplicationsResult(rows={})
    if order is None or any(code is not None and code != order[k] for k, (code, _, _) in enumerate(rows)):
        result.problems.append(
            _problem(
                "unplaced_rows",
                f"table 三: {len(rows)} rows, some without labels, do not "
                "line up with the format's rows; nothing placed",
                "applications",
            )
        )
        return result
    for code, (_, values, where) in zip(order, rows):
        result.rows[code] = {}
        for col, cell in zip(COLUMNS, values):
            value = None if cell in _EMPTY else parse_count(cell)
            result.rows[code][col] = value
            if value is not None:
                result.provenance[f"applications.{code}.{col}"] = where
    finish(result)
    if not _rules_hold(result.rows, order):
        for row in result.rows.values():
            row.update(dict.fromkeys(COLUMNS))
        result.provenance.clear()
        result.problems = [
            _problem(
                "unplaced_rows",
                "table 三: rows without labels placed by the official order break the table's rules; nothing placed",
                "applications",
            )
        ]
    return result


def _rules_hold(rows: dict[str, dict], order: list[str]) -> bool:
    outcomes = [r for r in order if r not in ("new_received", "carried_over", "total_processed", "carried_forward")]
    total = [rows[r]["total"] for r in ("new_received", "carried_over", "total_processed", "carried_forward")]
    if None in total or total[0] + total[1] != total[2] + total[3]:
        return False
    if any(rows[r]["total"] is None for r in outcomes) or sum(rows[r]["total"] for r in outcomes) != total[2]:
        return False
    for values in rows.values():
        parts = [values[c] for c in COLUMNS[:-1]]
        if None not in parts and sum(parts) != values["total"]:
            return False
    return True


def read_pipe_review(text: str):
    """Table 四 as one pipe row of fifteen cells under placeholder headers (数据1 … 数据15) after its section
    heading: placed in the official order only when, blanks proven, every group's 总计 is the sum of its four
    outcomes."""
    from .review import (
        NCELLS,
        REVIEW_GROUP_CODES,
        REVIEW_MEASURE_CODES,
        ReviewResult,
        keep_if_sums_hold,
        prove_review_blanks,
    )

    heading = re.search(r"行政复议[^\n]{0,30}行政诉讼", text)
    if heading is None:
        return None
    offset = heading.end()
    for line in text[offset:].split("\n")[:12]:
        here = offset
        offset += len(line) + 1
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.count("|") < NCELLS or len(cells) != NCELLS:
            continue
        if not all(c in _EMPTY or NUM_RE.fullmatch(c) for c in cells):
            continue
        result = ReviewResult(groups={g: dict.fromkeys(REVIEW_MEASURE_CODES) for g in REVIEW_GROUP_CODES})
        slots = [(g, m) for g in REVIEW_GROUP_CODES for m in REVIEW_MEASURE_CODES]
        for (g, m), cell in zip(slots, cells):
            if cell not in _EMPTY:
                result.groups[g][m] = parse_count(cell)
                result.provenance[f"review_litigation.{g}.{m}"] = f"text chars {here}-{here + len(line)}"
        prove_review_blanks(result)
        keep_if_sums_hold(result)
        return result
    return None
