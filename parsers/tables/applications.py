"""Table 三 (applications received and handled): rows × seven applicant columns.

Walks the token stream from the first 一、本年新收… label: each recognised row label starts a row, and the
numbers and empty cells that follow fill its seven columns (text in between, e.g. the rest of a wrapped label
or a vertical row header, is skipped). A row whose cells were run together is split with the table's
arithmetic (split.py), first by its own row sum, then by the column rules across rows.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..normalize import label_key, numbering
from ..report_types import Problem
from ..tokens import Token
from ..vocabulary import APPLICANT_COLUMN_CODES
from .blanks import SumRule, blank_cells_problem, prove_blanks
from .labels import classify_application_label
from .split import row_splits
from .values import parse_count

COLUMNS = APPLICANT_COLUMN_CODES  # natural_person … other_org, total
NCOL = len(COLUMNS)
LEAF_ROWS_2019 = [
    "granted",
    "partially_granted",
    "denied_state_secret",
    "denied_law_prohibited",
    "denied_security_stability",
    "denied_third_party",
    "denied_internal_affairs",
    "denied_process_info",
    "denied_enforcement_file",
    "denied_admin_query",
    "unavailable_not_held",
    "unavailable_needs_creation",
    "unavailable_unclear",
    "rejected_petition",
    "rejected_duplicate",
    "rejected_publication",
    "rejected_excessive",
    "rejected_confirmation",
]
OTHER_SUBROWS = ["other_no_correction", "other_unpaid_fee", "other_misc"]
GROUP_ROWS = {"_outcomes", "denied", "unavailable", "rejected"}
MAX_GAP = 60  # tokens without any label before the reader gives up


@dataclass
class ApplicationsResult:
    rows: dict[str, dict[str, int | float | None]]
    provenance: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    end_index: int = 0


def _problem(code: str, message: str, fld: str | None = None, severity: str = "warning") -> Problem:
    p: Problem = {"severity": severity, "code": code, "message": message}
    if fld:
        p["field"] = fld
    return p


def _find_start(tokens: list[Token]) -> int | None:
    for i, tok in enumerate(tokens):
        if tok.kind == "text" and classify_application_label(tok.text, False) == "new_received":
            # a real table has more row labels shortly after (prose mentioning the label does not)
            labels = 0
            for t in tokens[i + 1 : i + 120]:
                if t.kind == "text" and classify_application_label(t.text, True) not in (None, "new_received"):
                    labels += 1
            if labels >= 3:
                return i
    return None


_GRID_WHERE = re.compile(r"^(.*), row (\d+), col (\d+)$")


@lru_cache(maxsize=65536)
def _grid_row(where: str) -> tuple[str, int] | None:
    if where.startswith("text"):
        return None
    m = _GRID_WHERE.match(where)
    return (m.group(1), int(m.group(2))) if m else None


def _grid_table(where: str) -> str:
    """The table of a cell that comes from a grid (its `where` is a grid coordinate)."""
    at = _grid_row(where)
    assert at is not None, where
    return at[0]


@lru_cache(maxsize=65536)
def _grid_col(where: str) -> int:
    m = _GRID_WHERE.match(where)
    assert m is not None, where  # only asked of grid cells
    return int(m.group(3))


def _place_grid_cells(
    collected: dict, grid_cells: dict, width: int, overflow: set, problems: list | None = None
) -> None:
    """HTML/docx rows: take the cells in the value columns, known by coordinates.

    The value columns are the `width` columns that hold numbers anywhere in the table; empty filler cells
    between a label and its numbers (or after them) are then never taken for values. When the numbers sit
    in more columns than the layout has, no row can be read; when fewer (a column blank throughout), the
    cells are taken in order as in text.
    """
    by_table: dict[str, set[int]] = {}
    for cells in grid_cells.values():
        for tok in cells:
            if tok.kind == "num":
                by_table.setdefault(_grid_table(tok.where), set()).add(_grid_col(tok.where))
    columns_of = {table: sorted(cols) for table, cols in by_table.items()}
    verified: dict[str, set[tuple[int, ...]]] | None = None  # only asked for when a row shifted, below
    for code, cells in grid_cells.items():
        if not cells:
            continue
        table = _grid_table(cells[0].where)
        columns = columns_of.get(table, [])
        if len(columns) > width:
            # the table's numbers sit in more columns than the layout has (a row shifted by a mis-set
            # rowspan/colspan): a row is still read from its own cells after its label when they are exactly
            # the layout and either add up (总计 = Σ) or sit in the columns of rows that do
            own = _own_value_cells(cells)
            if verified is None:
                verified = _verified_columns(grid_cells, width)
            if (
                own is not None
                and len(own) == width
                and (_row_sum_holds(own, width) or tuple(_grid_col(t.where) for t in own) in verified.get(table, ()))
            ):
                collected[code] = own
                overflow.discard(code)
            else:
                overflow.add(code)
            continue
        if len(columns) < width:
            continue
        at: dict[int, Token] = {}
        split_cells = set()
        for t in cells:  # a cell "5 件" gives a number and a unit: the number is the cell's value
            col = _grid_col(t.where)
            if t.kind == "num" and col in at and at[col].kind == "num":
                split_cells.add(col)  # "1 04": two numbers in one cell; which is meant cannot be known
            if col not in at or (t.kind == "num" and at[col].kind != "num"):
                at[col] = t
        for col in split_cells:
            at[col] = Token("blank", "", at[col].where)
            if problems is not None:
                problems.append(
                    _problem(
                        "unreadable_value",
                        f"row {code}: cell {at[col].where} holds more than one number",
                        f"applications.{code}",
                    )
                )
        placed = [at.get(c) or Token("blank", "", cells[0].where) for c in columns]
        value_columns = by_table.get(table, set())
        if any(t.kind == "num" and _grid_col(t.where) not in value_columns for t in cells):
            overflow.add(code)
            continue
        collected[code] = placed
        overflow.discard(code)


def _verified_columns(grid_cells: dict, width: int) -> dict[str, set[tuple[int, ...]]]:
    """By table, the columns of rows whose own cells after the label are `width` numbers satisfying the row
    sum: known value columns (for reading a row a mis-set span shifted)."""
    verified: dict[str, set[tuple[int, ...]]] = {}
    for cells in grid_cells.values():
        own = _own_value_cells(cells) if cells else None
        if own is not None and len(own) == width and _row_sum_holds(own, width):
            verified.setdefault(_grid_table(cells[0].where), set()).add(tuple(_grid_col(t.where) for t in own))
    return verified


def _shift_past_fillers(code: str, collected: dict, more: list[Token], width: int, overflow: set) -> None:
    """A text row with more cells than the layout: the first `width` are its cells when no number follows
    them (the rest are empty cells of whatever comes next); else the row is read past leading empty filler
    cells (label | | | 98 | 3 …) when exactly one placement holds every number; else nothing is read."""
    if code in overflow:
        return
    row = collected[code] + more
    nums = [k for k, t in enumerate(row) if t.kind == "num"]
    if not nums or nums[-1] < width:
        return  # the first `width` cells hold every number: as before
    starts = [
        s
        for s in range(len(row) - width + 1)
        if s <= nums[0] and nums[-1] < s + width and all(t.kind == "blank" for t in row[:s])
    ]
    if len(starts) == 1:
        collected[code] = row[starts[0] : starts[0] + width]
    else:
        overflow.add(code)  # more numbers than columns, or empty cells that could sit on either side


def _row_sum_holds(cells: list[Token], width: int) -> bool:
    """All cells numbers and the last (总计) the sum of the applicant cells (a 小计 column, if any, skipped
    by requiring width == NCOL)."""
    if width != NCOL or any(t.kind != "num" for t in cells):
        return False
    values = [parse_count(t.text) for t in cells]
    return None not in values and sum(values[:-1]) == values[-1]  # type: ignore[arg-type]  # no None: checked


def _own_value_cells(cells: list[Token]) -> list[Token] | None:
    """The cells of one grid row after its last label cell, when they sit in consecutive columns."""
    last_text = max((k for k, t in enumerate(cells) if t.kind == "text"), default=-1)
    values = cells[last_text + 1 :]
    if any(t.kind == "text" for t in values):
        return None
    cols = [_grid_col(t.where) for t in values]
    if cols != list(range(cols[0], cols[0] + len(cols))) if cols else True:
        return None
    return values


_COLUMN_HEADER_KEYS = ("自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "申请人情况")


def _is_column_header(tokens: list[Token], i: int) -> bool:
    """True when the unnumbered 总计 just read (tokens[i-1]) is followed by column headers, not values."""
    if numbering(tokens[i - 1].text):
        return False
    for tok in tokens[i : i + 4]:
        if tok.kind != "text":
            return False
        if any(k in label_key(tok.text) for k in _COLUMN_HEADER_KEYS):
            return True
    return False


def _subtotal_column(tokens: list[Token], start: int) -> int | None:
    """Index of a 小计 (法人或其他组织 subtotal) column printed in the header, which the official layout
    does not have: after 其他 → 6, before 商业企业 → 1; None when absent or its place is unclear."""
    header = "".join(label_key(t.text) for t in tokens[max(0, start - 60) : start] if t.kind == "text")
    cut = header.rfind("勾稽关系")
    header = header[cut:] if cut >= 0 else header
    if "小计" not in header:
        return None
    at, other, first = header.rfind("小计"), header.rfind("其他"), header.find("商业企业")
    if other >= 0 and at > other:
        return 6
    if first >= 0 and at < first:
        return 1
    return None


def read_applications(tokens: list[Token]) -> ApplicationsResult | None:
    start = _find_start(tokens)
    if start is None:
        return None
    subtotal_at = _subtotal_column(tokens, start)
    width = NCOL + (subtotal_at is not None)
    collected: dict[str, list[Token]] = {}
    order: list[str] = []
    current: str | None = None
    after_other = False
    overflow: set[str] = set()
    grid_cells: dict[str, list[Token]] = {}  # HTML/docx: every cell of the label's table row
    label_rows: dict[str, tuple[str, int] | None] = {}
    extra: dict[str, list[Token]] = {}  # text rows: cells beyond the layout's width (filler cells?)
    gap = 0
    i = start
    end = start
    while i < len(tokens):
        tok = tokens[i]
        i += 1
        if tok.kind == "text":
            if current == "carried_forward" and len(collected[current]) >= width:
                break  # the last row is complete: what follows is not the table
            code = classify_application_label(tok.text, after_other)
            if code is None:
                key = label_key(tok.text)
                if key in ("行政复议", "行政复议行政诉讼") or ("行政复议" in key and key.endswith("情况")):
                    break  # table 四 begins
                gap += 1
                if gap > MAX_GAP:
                    break
                continue
            if code == "total_processed" and _is_column_header(tokens, i):
                continue  # a bare 总计 followed by 商业企业…: the column header repeated after a page break
            gap = 0
            if code == current:
                continue  # the rest of a wrapped label
            if code in collected and (code in GROUP_ROWS or (code == "other" and not collected[code])):
                current = code  # a group label printed again on each of its sub-rows (merged cells filled)
                continue
            if code in collected:  # the same label again: a second table or prose; stop here
                break
            if code in ("other", "other_no_correction", "other_unpaid_fee"):
                after_other = True
            current = code
            collected[code] = []
            grid_cells[code] = []
            label_rows[code] = _grid_row(tok.where)
            order.append(code)
            end = i
            continue
        if current is None or current in GROUP_ROWS:
            continue
        cells = collected[current]
        label_row = label_rows[current]
        if label_row is not None and _grid_row(tok.where) == label_row:
            grid_cells[current].append(tok)  # a cell of the label's own table row: placed by its column
            end = i
        if len(cells) < width:
            cells.append(tok)
            end = i
        elif label_row is None:
            more = extra.setdefault(current, [])
            if len(more) < 2 * width:
                more.append(tok)  # placed (or refused) once the row is complete
                end = i
            else:
                overflow.add(current)
        if current == "carried_forward" and len(cells) >= width:
            if label_row is None:
                row_all = cells + extra.get(current, [])
                first_num = next((k for k, t in enumerate(row_all) if t.kind == "num"), None)
                if first_num is not None and len(row_all) - first_num >= width:
                    break  # as many cells from its first number as the layout has
            elif _grid_row(tok.where) != label_row or i >= len(tokens) or _grid_row(tokens[i].where) != label_row:
                break
    for code, more in extra.items():
        _shift_past_fillers(code, collected, more, width, overflow)
    result = ApplicationsResult(rows={}, end_index=end)
    empty_rows = [c for c in order if c not in GROUP_ROWS and c != "other" and not collected[c]]
    if len(empty_rows) >= 5:
        # labels without their numbers (e.g. a PDF whose text layer lists the labels first, then the
        # numbers column by column): whatever follows the last label is not its row, so nothing is read
        result.rows = {c: dict.fromkeys(COLUMNS) for c in order if c not in GROUP_ROWS}
        result.problems.append(
            _problem(
                "unreadable_value",
                f"table 三: {len(empty_rows)} row labels without numbers; layout not understood",
                "applications",
            )
        )
        return result
    _place_grid_cells(collected, grid_cells, width, overflow, result.problems)
    runs: dict[str, str] = {}
    for code in order:
        if code in GROUP_ROWS:
            continue
        cells = collected[code]
        row: dict[str, int | float | None] = {c: None for c in COLUMNS}
        result.rows[code] = row
        nums = [t for t in cells if t.kind == "num"]
        if code in overflow:
            result.problems.append(
                _problem(
                    "unreadable_value",
                    f"row {code}: more than {NCOL} numbers; columns cannot be told apart",
                    f"applications.{code}",
                )
            )
            continue
        if subtotal_at is not None and len(cells) == width:
            cells = cells[:subtotal_at] + cells[subtotal_at + 1 :]  # no contract column for the subtotal
        if len(cells) == NCOL:
            for col, tok in zip(COLUMNS, cells):
                if tok.kind == "num":
                    value = parse_count(tok.text)
                    row[col] = value
                    result.provenance[f"applications.{code}.{col}"] = tok.where
            continue
        if (
            subtotal_at is None
            and len(nums) == 1
            and len(cells) <= 2
            and len(nums[0].text) >= NCOL
            and nums[0].text.isdigit()
        ):
            runs[code] = nums[0].text
            result.provenance.update({f"applications.{code}.{col}": nums[0].where for col in COLUMNS})
            continue
        if cells:  # fewer cells than columns: which one is missing cannot be known
            result.problems.append(
                _problem(
                    "unreadable_value",
                    f"row {code}: {len(cells)} cells where {NCOL} are printed",
                    f"applications.{code}",
                )
            )
    if runs:
        resolve_runs(result, runs)
    finish(result)
    return result


def finish(result: ApplicationsResult) -> None:
    """What every reading of table 三 ends with: proven blanks, and the 2021 （六） from its sub-rows."""
    _prove_blank_cells(result)
    _derive_other_2021(result)


def resolve_runs(result: ApplicationsResult, runs: dict[str, str]) -> None:
    """Split run-together rows: row sums first, then the column rules across rows; never pick."""
    candidates = {code: row_splits(digits) for code, digits in runs.items()}
    for code, cands in candidates.items():
        if not cands:
            result.problems.append(
                _problem(
                    "unreadable_value",
                    f"row {code}: no split of {runs[code]} satisfies the row sum",
                    f"applications.{code}",
                )
            )
    ambiguous = {c: v for c, v in candidates.items() if len(v) > 1}
    for code, cands in candidates.items():
        if len(cands) == 1:
            result.rows[code].update(dict(zip(COLUMNS, cands[0])))
    if not ambiguous:
        return
    codes = list(ambiguous)
    space = 1
    for c in codes:
        space *= len(ambiguous[c])
    surviving: list[tuple] = []
    if space <= 50000:
        outcome_rows = _outcome_rows_if_complete(result.rows)  # the same rows in every combination
        for combo in itertools.product(*(ambiguous[c] for c in codes)):
            rows = dict(result.rows)  # the rules only read: the rows not tried are shared, not copied
            for c, values in zip(codes, combo):
                rows[c] = dict(zip(COLUMNS, values))
            if _column_rules_hold(rows, outcome_rows):
                surviving.append(combo)
    for idx, code in enumerate(codes):
        options = {combo[idx] for combo in surviving} if surviving else set(ambiguous[code])
        for ci, col in enumerate(COLUMNS):
            vals = {opt[ci] for opt in options}
            if len(vals) == 1:
                result.rows[code][col] = vals.pop()
            else:
                result.rows[code][col] = None
                result.provenance.pop(f"applications.{code}.{col}", None)
                result.problems.append(
                    _problem(
                        "ambiguous_split",
                        f"{runs[code]} splits in {len(options)} ways consistent with the table; cell left null",
                        f"applications.{code}.{col}",
                    )
                )


def _outcome_rows_if_complete(rows: dict[str, dict]) -> list[str] | None:
    """The outcome rows whose sum is （七）总计, or None when not every one was printed: the outcome rule then
    does not apply (a partial sum proves nothing)."""
    if all(r in rows for r in OTHER_SUBROWS):
        outcome_rows = LEAF_ROWS_2019 + OTHER_SUBROWS
    else:
        outcome_rows = LEAF_ROWS_2019 + ["other"]
    return outcome_rows if all(r in rows for r in outcome_rows) else None


def _column_rules_hold(rows: dict[str, dict], outcome_rows: list[str] | None) -> bool:
    """Balance and outcome sums, for every column where all values are known (unknown: no constraint)."""
    for col in COLUMNS:
        a, b, t, f = (
            rows.get(r, {}).get(col) for r in ("new_received", "carried_over", "total_processed", "carried_forward")
        )
        if None not in (a, b, t, f) and a + b != t + f:  # type: ignore[operator]  # no None: checked
            return False
        if outcome_rows is not None and t is not None:
            outs = [rows[r].get(col) for r in outcome_rows]
            if None not in outs and sum(outs) != t:  # type: ignore[arg-type]  # no None: checked
                return False
    return True


def _prove_blank_cells(result: ApplicationsResult) -> None:
    """Blank cells the table's sums prove (blanks.py): row sums, outcome sums per column, 2021 （六）."""
    unreadable = {p.get("field") for p in result.problems}
    blank: set[str] = set()
    for code, row in result.rows.items():
        for col, value in row.items():
            if value is None:
                key = f"applications.{code}.{col}"
                if key not in result.provenance and not {key, f"applications.{code}", "applications"} & unreadable:
                    blank.add(key)
    if not blank:
        return  # every cell printed: nothing to prove
    cells = {f"applications.{code}.{col}": value for code, row in result.rows.items() for col, value in row.items()}
    rules = [
        SumRule(
            f"applications.row_sum.{code}",
            f"applications.{code}.total",
            tuple(f"applications.{code}.{c}" for c in COLUMNS[:-1]),
        )
        for code in result.rows
    ]
    has_subrows = any(r in result.rows for r in OTHER_SUBROWS)
    outcome_rows = LEAF_ROWS_2019 + (OTHER_SUBROWS if has_subrows else ["other"])
    if all(r in result.rows for r in outcome_rows):
        rules += [
            SumRule(
                f"applications.outcomes_sum.{col}",
                f"applications.total_processed.{col}",
                tuple(f"applications.{r}.{col}" for r in outcome_rows),
            )
            for col in COLUMNS
        ]
    proven = prove_blanks(cells, rules, blank)
    for key, rule in proven.items():
        _, code, col = key.split(".")
        result.rows[code][col] = cells[key]
        result.problems.append(_problem("derived_value", f"{code} {col} blank; {cells[key]} proven by {rule}", key))
    if blank - set(proven):
        result.problems.append(blank_cells_problem("applications", sorted(blank - set(proven))))


def _derive_other_2021(result: ApplicationsResult) -> None:
    """In the 2021 format （六）其他处理 has no numbers of its own: it is the sum of its three sub-rows."""
    subs = [result.rows.get(c) for c in OTHER_SUBROWS]
    if any(s is None for s in subs):
        return
    other = result.rows.get("other")
    if other is not None and any(v is not None for v in other.values()):
        return
    derived: dict[str, int | float | None] = {}
    for col in COLUMNS:
        vals = [s[col] for s in subs]  # type: ignore[index]  # no sub-row is None: returned above
        derived[col] = None if None in vals else sum(vals)  # type: ignore[arg-type]  # no None: checked
        if derived[col] is None:  # as unknown as the sub-row cell that makes it so
            why = {
                p["code"]
                for p in result.problems
                if p.get("field") in {f"applications.{c}.{col}" for c in OTHER_SUBROWS}
            }
            result.problems.append(
                _problem(
                    "ambiguous_split" if "ambiguous_split" in why else "unreadable_value",
                    f"（六）其他处理 {col}: a sub-row cell is null, so their sum is not known",
                    f"applications.other.{col}",
                )
            )
    result.rows["other"] = derived
    result.problems.append(
        _problem("derived_value", "（六）其他处理 (2021 format) is the sum of its three sub-rows", "applications.other")
    )
