"""Blank cells the printed arithmetic proves, and nothing else.

Portals print zero as an empty cell, but an empty cell also means "not filled in", so a blank is null
unless a rule of the table proves its value. Two proofs only, applied until nothing changes:

- **zeros**: the printed parts of a sum already reach its printed total, so every blank part is 0 (counts
  are never negative). E.g. 自然人 821 + 商业企业 35 + 法律服务机构 2 + 其他 1 = 总计 859: 科研机构 and
  社会公益组织 are 0.
- **a blank sum**: every part is known, so the sum is their sum (a 总计 column left blank).

A value proven from a value proven before is still proven. Each proven cell carries a `derived_value`
problem naming the rule. A cell that was printed but could not be read (its field has a problem) is never
filled: only true blanks are.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..report_types import Problem


@dataclass(frozen=True)
class SumRule:
    """`total` = Σ `parts`, as the rule named `name` says."""

    name: str
    total: str
    parts: tuple[str, ...]


def prove_blanks(cells: dict[str, int | float | None], rules: list[SumRule], blank: set[str]) -> dict[str, str]:
    """Fill the blank cells (keys in `blank` whose value is None) that the rules prove; returns
    {cell: rule name} for each cell filled. `cells` is changed in place."""
    proven: dict[str, str] = {}
    changed = True
    while changed:
        changed = False
        for rule in rules:
            if rule.total not in cells or any(p not in cells for p in rule.parts):
                continue
            total = cells[rule.total]
            parts = [cells[p] for p in rule.parts]
            missing = [p for p in rule.parts if cells[p] is None]
            if total is None and not missing and rule.total in blank:
                cells[rule.total] = sum(p for p in parts if p is not None)  # none is: `not missing`
                proven[rule.total] = rule.name
                changed = True
            elif (
                total is not None
                and missing
                and all(p in blank for p in missing)
                and sum(v for v in parts if v is not None) == total
            ):
                for p in missing:
                    cells[p] = 0
                    proven[p] = rule.name
                changed = True
        blank -= set(proven)
    return proven


def blank_cells_problem(table: str, cells: list[str]) -> Problem:
    """One problem for the blank cells of a table that no rule proves: they stay null, and this says why."""
    shown = ", ".join(c.split(".", 1)[1] for c in cells[:12]) + (" …" if len(cells) > 12 else "")
    return {
        "severity": "warning",
        "code": "blank_cell",
        "field": table,
        "message": f"{len(cells)} cells printed blank or '-', which no rule of the table proves: null ({shown})",
    }
