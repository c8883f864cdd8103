"""Every arithmetic rule of the formats doc, evaluated on what was printed (never corrected).

Rule names are stable: applications.balance.<col>, applications.row_sum.<row>, applications.outcomes_sum.<col>,
applications.other_sum.<col>, review_litigation.<group>_sum, narrative.<key>. A rule whose values are missing
gives ok = null. Derived values (a blank 总计 filled from its row) are not held against the report: a rule
that would only compare a derived value with the numbers it was derived from is skipped.
"""

from __future__ import annotations

from .report_types import Check
from .tables.applications import COLUMNS, LEAF_ROWS_2019, OTHER_SUBROWS
from .vocabulary import REVIEW_GROUP_CODES, application_row, check_severity, outcome_rows_printed


def _entry(rule: str, ok: bool | None, detail: str, expected=None, actual=None, fld: str | None = None) -> Check:
    e: Check = {"rule": rule, "ok": ok, "severity": check_severity(rule), "detail": detail}
    if expected is not None:
        e["expected"] = expected
    if actual is not None:
        e["actual"] = actual
    if fld:
        e["field"] = fld
    return e


def _sum(values):
    return None if None in values else sum(values)


def _fmt(v):
    return "null" if v is None else (str(round(v, 6)) if isinstance(v, float) else str(v))


def application_checks(apps: dict | None, derived: set[str]) -> list[Check]:
    if not apps:
        return []
    out: list[Check] = []

    def cell(row, col):
        return (apps.get(row) or {}).get(col)

    modern = "new_received" in apps and "total_processed" in apps
    if modern and "carried_over" in apps:
        for col in COLUMNS:
            a, b = cell("new_received", col), cell("carried_over", col)
            t, f = cell("total_processed", col), cell("carried_forward", col)
            left, right = _sum([a, b]), _sum([t, f])
            ok = None if left is None or right is None else left == right
            out.append(
                _entry(
                    f"applications.balance.{col}",
                    ok,
                    f"一 {_fmt(a)} + 二 {_fmt(b)} = {_fmt(left)}; (七) {_fmt(t)} + 四 {_fmt(f)} = {_fmt(right)}",
                    left,
                    right,
                    f"applications.total_processed.{col}",
                )
            )
    for row, values in apps.items():
        if (
            row in ("denied", "unavailable", "rejected")
            and values.get("total") is not None
            and all(values.get(c) is None for c in COLUMNS[:-1])
        ):
            continue
        parts = [values.get(c) for c in COLUMNS[:-1]]
        total = values.get("total")
        if f"applications.{row}.total" in derived:
            continue
        if all(p is None for p in parts) and total is not None:
            continue  # only a total printed (pre-2019 统计表, prose): nothing to compare
        s = _sum(parts)
        ok = None if s is None or total is None else s == total
        out.append(
            _entry(
                f"applications.row_sum.{row}",
                ok,
                f"总计 {_fmt(total)}; sum of applicant columns {_fmt(s)}",
                s,
                total,
                f"applications.{row}.total",
            )
        )
    if "total_processed" in apps and any(r in apps for r in LEAF_ROWS_2019):
        # by the rows printed, not the era: hybrids print a 2019 table 三 in a 2021 report
        has_subrows = any(r in apps for r in OTHER_SUBROWS)
        outcome_rows = outcome_rows_printed(apps)  # the printed format's, from the vocabulary
        for col in COLUMNS:
            parts = [cell(r, col) for r in outcome_rows]
            s = _sum(parts)
            t = cell("total_processed", col)
            ok = None if s is None or t is None else s == t
            out.append(
                _entry(
                    f"applications.outcomes_sum.{col}",
                    ok,
                    f"(七)总计 {_fmt(t)}; sum of outcome rows {_fmt(s)}",
                    s,
                    t,
                    f"applications.total_processed.{col}",
                )
            )
        if has_subrows and "applications.other" not in derived:
            for col in COLUMNS:
                s = _sum([cell(r, col) for r in OTHER_SUBROWS])
                o = cell("other", col)
                ok = None if s is None or o is None else s == o
                out.append(
                    _entry(
                        f"applications.other_sum.{col}",
                        ok,
                        f"(六) {_fmt(o)}; sum of its sub-rows {_fmt(s)}",
                        s,
                        o,
                        f"applications.other.{col}",
                    )
                )
    return out


def review_checks(review: dict | None, derived: set[str]) -> list[Check]:
    if not review:
        return []
    out = []
    for group in REVIEW_GROUP_CODES:
        g = review.get(group) or {}
        if f"review_litigation.{group}.total" in derived:
            continue
        parts = [g.get(m) for m in ("upheld", "corrected", "other", "pending")]
        total = g.get("total")
        if all(p is None for p in parts):
            continue
        s = _sum(parts)
        ok = None if s is None or total is None else s == total
        out.append(
            _entry(
                f"review_litigation.{group}_sum",
                ok,
                f"总计 {_fmt(total)}; 维持+纠正+其他+尚未审结 {_fmt(s)}",
                s,
                total,
                f"review_litigation.{group}.total",
            )
        )
    return out


def narrative_checks(
    narrative: dict, apps: dict | None, review: dict | None, from_tables: bool, statistics: dict | None = None
) -> list[Check]:
    """Prose against tables; only when the tables were printed (figures taken from prose agree by construction).
    `statistics`: figures of a pre-2019 统计表 that have no table cell (行政诉讼数, 主动公开信息数 …), by
    narrative key. The parts the prose splits the items proactively published into are checked against that
    figure (the 统计表's, else the prose's) even without tables."""
    out = _proactive_parts_check(narrative, statistics)
    if not from_tables or not narrative:
        return out
    apps = apps or {}

    def total(row):
        return (apps.get(row) or {}).get("total") if row in apps else None

    outcome_rows = outcome_rows_printed(apps)  # the printed format's, from the vocabulary

    def group(code):
        if code in apps:  # the group stated alone (pre-2019 统计表)
            return total(code)
        rows = [r for r in outcome_rows if application_row(r).group == code]
        if not all(r in apps for r in rows):
            return None
        return _sum([total(r) for r in rows])

    table_values = {
        "applications_received": total("new_received"),
        "applications_processed": total("total_processed"),
        "applications_carried_over": total("carried_over"),
        "applications_carried_forward": total("carried_forward"),
        "granted": total("granted"),
        "partially_granted": total("partially_granted"),
        "granted_incl_partial": _sum([total("granted"), total("partially_granted")]) if "granted" in apps else None,
        "denied": group("denied"),
        "unavailable": group("unavailable"),
        "rejected": group("rejected"),
        "other": total("other"),
    }
    for col in COLUMNS[:-1]:
        table_values[f"applications_received_{col}"] = (
            (apps.get("new_received") or {}).get(col) if "new_received" in apps else None
        )
    if "new_received" in apps:
        nr = apps["new_received"]
        table_values["applications_received_legal_person"] = _sum([nr.get(c) for c in COLUMNS[1:-1]])
    if review:
        table_values["review_total"] = (review.get("review") or {}).get("total")
        d = (review.get("litigation_direct") or {}).get("total")
        a = (review.get("litigation_after_review") or {}).get("total")
        table_values["litigation_total"] = _sum([d, a])
        # the prose's 均获维持 / 维持N件 against the 结果维持 cells
        table_values["review_upheld"] = (review.get("review") or {}).get("upheld")
        table_values["litigation_upheld"] = _sum(
            [
                (review.get("litigation_direct") or {}).get("upheld"),
                (review.get("litigation_after_review") or {}).get("upheld"),
            ]
        )
    for key, value in (statistics or {}).items():
        if table_values.get(key) is None:
            table_values[key] = value
    for key, stated in narrative.items():
        if key not in table_values:
            continue
        printed = table_values[key]
        ok = None if printed is None or stated is None else printed == stated
        out.append(
            _entry(
                f"narrative.{key}",
                ok,
                f"prose says {_fmt(stated)}; table gives {_fmt(printed)}",
                printed,
                stated,
                f"narrative.{key}",
            )
        )
    return out


def _proactive_parts_check(narrative: dict, statistics: dict | None) -> list[Check]:
    """narrative.proactive_items_published_parts: the parts the prose gives the items proactively published
    (县直各单位2475条占62.2%, 各乡镇1503条占37.8%) must add up to that figure (01: they add up to 3978, the
    items made, not the 2026 published)."""
    parts = (narrative or {}).get("proactive_items_published_parts_sum")
    if parts is None:
        return []
    whole = (statistics or {}).get("proactive_items_published")
    source = "统计表"
    if whole is None:
        whole, source = narrative.get("proactive_items_published"), "prose"
    if whole is None:
        return []
    return [
        _entry(
            "narrative.proactive_items_published_parts",
            parts == whole,
            f"prose parts of 主动公开 add up to {_fmt(parts)}; {source} gives {_fmt(whole)}",
            whole,
            parts,
            "narrative.proactive_items_published_parts_sum",
        )
    ]
