"""Comparing a parsed Report with the truth it was rendered from (or transcribed from).

Shared by the round-trip tests; nothing here parses documents — it only compares two Report dicts and
says, cell by cell, what differs.
"""

from __future__ import annotations

import math

NUMBER_TABLES = ("applications", "review_litigation", "proactive")


def cells(report: dict, table: str) -> dict[str, object]:
    """{"row.col": value} for every cell of one table (null cells included)."""
    out: dict[str, object] = {}
    for row, columns in (report.get(table) or {}).items():
        for col, value in (columns or {}).items():
            out[f"{row}.{col}"] = value
    return out


def same_number(a, b) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(float(a), float(b), rel_tol=0, abs_tol=1e-9)


def table_differences(truth: dict, parsed: dict, table: str) -> list[str]:
    """Every cell of the truth must be read back exactly; the parser may add cells only as null."""
    problems: list[str] = []
    if truth.get(table) is None:
        extra = {k: v for k, v in cells(parsed, table).items() if v is not None}
        if extra:
            problems.append(f"{table}: the source has no such table, the parser gave {sorted(extra.items())[:5]}")
        return problems
    if parsed.get(table) is None:
        return [f"{table}: missing (null) in the parsed report"]
    want, got = cells(truth, table), cells(parsed, table)
    for key, value in want.items():
        if not same_number(got.get(key), value):
            problems.append(f"{table}.{key}: expected {value!r}, parsed {got.get(key)!r}")
    for key, value in got.items():
        if key not in want and value is not None:
            problems.append(f"{table}.{key}: not in the source, parsed {value!r}")
    return problems


def narrative_differences(expected: dict, parsed: dict) -> list[str]:
    """`narrative` keys must be read with these values; `narrative_optional` keys may be absent, and
    any other key the parser reports is a figure the source does not state."""
    problems: list[str] = []
    want = expected.get("narrative") or {}
    optional = expected.get("narrative_optional") or {}
    got = {k: v for k, v in (parsed.get("narrative") or {}).items() if v is not None}
    for key, value in want.items():
        if not same_number(got.get(key), value):
            problems.append(f"narrative.{key}: expected {value!r}, parsed {got.get(key)!r}")
    for key, value in got.items():
        if key in want:
            continue
        if key in optional:
            if not same_number(value, optional[key]):
                problems.append(f"narrative.{key}: optional, but if given must be {optional[key]!r}; parsed {value!r}")
        else:
            problems.append(f"narrative.{key}: not stated in the source, parsed {value!r}")
    return problems


def check_differences(expected_failures: list[str], parsed: dict) -> list[str]:
    failed = {c["rule"] for c in parsed.get("checks") or [] if c.get("ok") is False}
    problems = [
        f"check {rule}: should fail, parser says it holds or did not evaluate it"
        for rule in expected_failures
        if rule not in failed
    ]
    problems += [
        f"check {rule}: fails in the parsed report, but the source satisfies it"
        for rule in sorted(failed - set(expected_failures))
    ]
    return problems


def null_is_explained(parsed: dict, key: str, codes: tuple[str, ...] | None = ("ambiguous_split",)) -> bool:
    """A null at `key` ("applications.granted.total", "narrative.litigation_total") is honest when a problem
    names the cell, its row or its table (`field`), with one of `codes` (any code but derived_value when
    `codes` is None: a lossy shape may lose a cell for several reasons, each with its own code)."""
    parts = key.split(".")
    names = {".".join(parts[:n]) for n in range(1, len(parts) + 1)}
    for problem in parsed.get("problems") or []:
        code = problem.get("code")
        if code == "derived_value" or (codes is not None and code not in codes):
            continue
        if (problem.get("field") or "") in names:
            return True
    return False


def null_aware_differences(
    truth: dict, parsed: dict, table: str, codes: tuple[str, ...] | None = ("ambiguous_split",)
) -> list[str]:
    """Every cell of the truth read back exactly, or null with a problem that says why (null_is_explained);
    a wrong number is never allowed, nor a number the source does not print."""
    problems: list[str] = []
    want, got = cells(truth, table), cells(parsed, table)
    for key, value in want.items():
        read = got.get(key)
        if read is None:
            if not null_is_explained(parsed, f"{table}.{key}", codes):
                problems.append(f"{table}.{key}: null without a problem naming it (truth {value!r})")
        elif not same_number(read, value):
            problems.append(f"{table}.{key}: WRONG NUMBER {read!r}, truth {value!r}")
    for key, value in got.items():
        if key not in want and value is not None:
            problems.append(f"{table}.{key}: not in the source, parsed {value!r}")
    return problems


def ambiguity_aware_differences(truth: dict, parsed: dict, table: str) -> list[str]:
    """For text whose cells run together: a cell may be null only if the parser says the split was
    ambiguous (`ambiguous_split` problem naming the cell or its row); a wrong number is never allowed."""
    return null_aware_differences(truth, parsed, table, ("ambiguous_split",))


def narrative_null_aware_differences(
    truth: dict, parsed: dict, codes: tuple[str, ...] | None = ("ambiguous_split",)
) -> list[str]:
    """The truth's narrative figures (pre-2019: those a 统计表 holds with no table cell, 行政诉讼数 …) read
    exactly, or missing with a problem naming `narrative.<key>`. Other prose figures are judged by the
    checks: one that contradicts the tables makes a `narrative.*` check fail."""
    problems: list[str] = []
    got = parsed.get("narrative") or {}
    for key, value in (truth.get("narrative") or {}).items():
        read = got.get(key)
        if read is None:
            if not null_is_explained(parsed, f"narrative.{key}", codes):
                problems.append(f"narrative.{key}: missing without a problem naming it (truth {value!r})")
        elif not same_number(read, value):
            problems.append(f"narrative.{key}: WRONG NUMBER {read!r}, truth {value!r}")
    return problems


def arithmetic_violations(report: dict) -> list[str]:
    """The rules of report-formats.md, for checking that generated truth is itself consistent."""
    out: list[str] = []
    apps = report.get("applications") or {}
    columns = ["natural_person", "commercial", "research", "social_org", "legal_service", "other_org"]
    if report.get("era") in ("2019", "2021") and apps:
        outcome_rows = [
            r
            for r in apps
            if r
            not in (
                "new_received",
                "carried_over",
                "total_processed",
                "carried_forward",
                "other_no_correction",
                "other_unpaid_fee",
                "other_misc",
            )
        ]
        for col in columns + ["total"]:
            if (
                apps["new_received"][col] + apps["carried_over"][col]
                != apps["total_processed"][col] + apps["carried_forward"][col]
            ):
                out.append(f"balance.{col}")
            if sum(apps[r][col] for r in outcome_rows) != apps["total_processed"][col]:
                out.append(f"outcomes_sum.{col}")
            if report["era"] == "2021" and apps["other"][col] != sum(
                apps[r][col] for r in ("other_no_correction", "other_unpaid_fee", "other_misc")
            ):
                out.append(f"other_sum.{col}")
        for row, values in apps.items():
            if sum(values[c] for c in columns) != values["total"]:
                out.append(f"row_sum.{row}")
    if report.get("statistics_table"):
        from reportgen.pre2019 import statistics_violations

        out += statistics_violations(report["statistics_table"])
    for group, m in (report.get("review_litigation") or {}).items():
        complete = set(m) >= {"upheld", "corrected", "other", "pending", "total"}
        if complete and m["upheld"] + m["corrected"] + m["other"] + m["pending"] != m["total"]:
            out.append(f"review_litigation.{group}_sum")
    return out


def parser_api():
    """The parser package, or a test failure that says why it is not usable yet.

    Imported lazily so that a parser still being written fails these tests one by one, with a reason,
    instead of breaking the collection of the whole test suite.
    """
    import pytest

    try:
        import parsers
    except Exception as error:  # noqa: BLE001 — any import failure is reported the same way
        pytest.fail(f"parsers is not importable yet: {error!r}")
    missing = [name for name in ("parse_bytes", "parse_file") if not hasattr(parsers, name)]
    if missing:
        pytest.fail(f"parsers lacks {missing} (contract: docs/interfaces.md)")
    return parsers
