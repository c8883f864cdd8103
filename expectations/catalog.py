"""Every rule the expectations check, as plain data: name, suite, severity, a one-line zh/en explanation and
the SQL that lists the rows breaking it.

Read this file as the map of what is validated. ``runner.py`` turns each ``Rule`` into a GX
``UnexpectedRowsExpectation``; nothing here imports GX, so the catalog is cheap to import (the DAG, docs,
tests).

Each arithmetic rule of ``../shared/docs/report-formats.md`` is evaluated once, and GX recomputes none of them:

- per-report rules (balance, row sums, outcome sums, table 四 sums, prose against tables, 统计表 sums) by the
  parser (``parsers/checks.py``), stored in ``staging.check_result``;
- cross-report rules (cross-year carry-over, cross-year 现行有效; their families are named ``cross_*`` in
  ``parsers.vocabulary.CHECK_FAMILIES``) by dbt (``int_rule_findings``, joined by organ_key).

GX checks that the warehouse is whole and that every breach is listed in ``marts.fct_rule_findings``, by reading
those tables. Two kinds of suite, as in the US FOIA annual-report validation (errors stop, warnings inform):

- **integrity** suites (``staging_integrity``, ``marts_integrity``): the warehouse itself is broken (keys,
  versions, vocabulary, negative counts, a report or a finding lost on its way to the marts). Every rule is an
  ``error``; a failure raises ``IntegrityError`` and fails the Airflow task.
- **balance** suites (``staging_balance``, ``marts_balance``): the breaches themselves, one rule per check
  family of the vocabulary, listed with their numbers. These are *findings about a report*, never a reason to
  stop the pipeline or drop the report; the family's severity says how strong the evidence is (``error``: the
  tables contradict themselves; ``warning``: prose against tables, year against year).

How the SQL is written (GX substitutes ``{batch}``):
- GX passes the batch as a subquery. When the query contains a JOIN it inserts ``(subquery)`` and the query
  must alias it (``{batch} AS b``); without a JOIN it inserts ``(subquery) AS subselect`` and the query must
  *not* alias it. ``tests/expectations/test_gx_catalog.py`` enforces this.
- No other braces: GX formats the string with ``str.format``.
- GX runs every query twice (a count, then the rows): each reads what is stored, with no aggregation over the
  facts, so that validation costs less than the dbt build it follows (``benchmarks/validate_speed.py``).
- A query looking for the few rows of a large table that break a rule says so in the words of the partial
  index that holds them (migration 0008): failed checks ``ok = false``, negative facts ``value < 0``. A test
  (``tests/expectations/test_gx_rule_cost.py``) checks each such rule's plan reads the index.
- A rule whose cost grows with the warehouse (it reads every fact or check) says which rows it reads with
  ``SCOPE_SINCE``: the runner replaces it with a timestamptz literal, the time the rows of the last passing
  validation end (``'-infinity'``: every row), so that a monthly run checks only what is new (see "Scope").
- Every balance query returns ``report_id, organ, report_year, rule`` (the check's full name, e.g.
  ``applications.balance.total``) and the numbers compared, so a finding can be read without the source.
- Numbers come back as ``float8`` (exact for any count): GX turns every ``numeric`` value of an example row into
  a float through a call that walks the Python stack, which cost seconds per run.

Scope. Staging rows are immutable once loaded (a re-parse is a new report with a new report_id), and dbt rebuilds
the marts per report (``context_parsed_at``: the newest parse of the report or of its organ's previous year), so a
row-level integrity rule that held for every row need only read the rows of the reports loaded (staging) or
rebuilt (marts) since. Only the rules that read every fact or check are scoped that way (``Rule.scoped``); the
whole-table rules (keys unique, one current version, every report in the marts…) are cheap and stay whole, and
so do the balance suites, which list every breach. Which time a run starts from is the runner's decision
(``runner.scope_for``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, replace

from expectations import vocabulary as v
from parsers.vocabulary import CHECK_FAMILIES, CheckFamily

INTEGRITY = "integrity"
BALANCE = "balance"

STAGING_INTEGRITY = "staging_integrity"
STAGING_BALANCE = "staging_balance"
MARTS_INTEGRITY = "marts_integrity"
MARTS_BALANCE = "marts_balance"

# suite name -> (kind, schema, table of the batch)
SUITES: dict[str, tuple[str, str, str]] = {
    STAGING_INTEGRITY: (INTEGRITY, "staging", "report"),
    STAGING_BALANCE: (BALANCE, "staging", "check_result"),
    MARTS_INTEGRITY: (INTEGRITY, "marts", "mart_report_summary"),
    MARTS_BALANCE: (BALANCE, "marts", "mart_report_summary"),
}


# Where a scoped rule's SQL says from when it reads rows (``Rule.scoped``); ``in_scope`` replaces it with a literal,
# so that PostgreSQL plans with the time (index lookups of the few new reports' rows). No braces: GX formats the
# SQL with str.format.
SCOPE_SINCE = "__scope_since__"


def scope_literal(since: dt.datetime | None) -> str:
    """``since`` as a timestamptz literal; ``None`` (the whole warehouse) is ``'-infinity'``."""
    if since is None:
        return "'-infinity'::timestamptz"
    if since.tzinfo is None:
        raise ValueError(f"a scope's time needs its time zone: {since!r}")
    return f"'{since.astimezone(dt.timezone.utc).isoformat(sep=' ')}'::timestamptz"


@dataclass(frozen=True)
class Rule:
    """One check. ``sql`` lists the breaking rows; an empty result means the rule holds."""

    name: str  # stable id; balance rules use the contract's check family, e.g. "applications.balance"
    suite: str
    table: str  # the table whose rows the rule is about (named in IntegrityError messages)
    severity: str  # "error" | "warning"
    zh: str  # one-line explanation, Chinese
    en: str  # one-line explanation, English
    sql: str

    @property
    def kind(self) -> str:
        return SUITES[self.suite][0]

    @property
    def description(self) -> str:
        """What GX shows in the data docs for this expectation."""
        return f"[{self.severity}] {self.name} — {self.zh} / {self.en}"

    @property
    def scoped(self) -> bool:
        """Whether the rule reads only the rows since a time (``SCOPE_SINCE``), not every row."""
        return SCOPE_SINCE in self.sql

    def in_scope(self, since: dt.datetime | None) -> Rule:
        """The rule reading the rows since ``since`` (``None``: every row)."""
        return replace(self, sql=self.sql.replace(SCOPE_SINCE, scope_literal(since))) if self.scoped else self


def fingerprint(rules: list[Rule]) -> str:
    """sha256 over the rules' names and SQL templates: a scope may build on an earlier pass only while the rules it
    passed are the rules run now (a new code in the vocabulary, a rule made stricter: every row again)."""
    digest = hashlib.sha256()
    for rule in sorted(rules, key=lambda r: r.name):
        digest.update(f"{rule.suite}\0{rule.name}\0{rule.sql}\0".encode())
    return digest.hexdigest()


# --------------------------------------------------------------------------------------------------------------
# SQL helpers


def _quote(code: str) -> str:
    if "{" in code or "}" in code:  # would be taken for a GX template field
        raise ValueError(f"code {code!r} cannot contain braces")
    return "'" + code.replace("'", "''") + "'"


def _in_list(codes: tuple[str, ...] | list[str]) -> str:
    return "(" + ", ".join(_quote(c) for c in codes) + ")"


def _of_family(column: str, family: str) -> str:
    """``column`` names a rule of ``family``: the family itself or ``<family>.<what>`` (no LIKE: ``_`` in a
    family name would be a wildcard), and not of a longer family within it (a rule has one family, the longest
    that matches, as in ``parsers.vocabulary.check_severity``)."""

    def named(f: str) -> str:
        return f"{column} = {_quote(f)} OR starts_with({column}, {_quote(f + '.')})"

    within = [f.family for f in CHECK_FAMILIES if f.family.startswith(family + ".")]
    return f"({named(family)})" + "".join(f" AND NOT ({named(f)})" for f in within)


def _of_any_family(column: str, families: tuple[CheckFamily, ...]) -> str:
    """``column`` names a rule of one of ``families``, as the OR of ``_of_family`` over them says for a rule that
    is not NULL, in a few calls a row (that OR cost 1.7 s on 3.5 M checks, this 0.6 s). A family of k parts
    names the rules whose first k parts are the family's (``split_part`` gives '' past the last part, and no
    family has an empty part), and a rule's family is the longest that names it: so the rule's first k parts
    are looked up among the families of k parts, the longest families first."""
    chosen = {f.family for f in families}
    by_parts: dict[int, list[str]] = {}
    for family in sorted(f.family for f in CHECK_FAMILIES):
        if "" in family.split("."):
            raise ValueError(f"check family {family!r} has an empty part")
        by_parts.setdefault(family.count(".") + 1, []).append(family)
    unknown = chosen - {f for fs in by_parts.values() for f in fs}
    if unknown:
        raise ValueError(f"not check families of the vocabulary: {sorted(unknown)}")
    cases = []
    for k, all_k in sorted(by_parts.items(), reverse=True):
        first_parts = " || '.' || ".join(f"split_part({column}, '.', {i})" for i in range(1, k + 1))
        chosen_k = [f for f in all_k if f in chosen]
        cases.append(
            f"WHEN ({first_parts}) IN {_in_list(all_k)} THEN "
            + ("true" if chosen_k == all_k else f"({first_parts}) IN {_in_list(chosen_k)}" if chosen_k else "false")
        )
    return "CASE " + " ".join(cases) + " ELSE false END"


def across_reports(family: CheckFamily) -> bool:
    """Whether dbt evaluates the family (it needs two reports: ``cross_year``, later ``cross_level``); the parser
    evaluates every other family, one report at a time."""
    return family.family.startswith("cross_")


PARSER_FAMILIES: tuple[CheckFamily, ...] = tuple(f for f in CHECK_FAMILIES if not across_reports(f))
WAREHOUSE_FAMILIES: tuple[CheckFamily, ...] = tuple(f for f in CHECK_FAMILIES if across_reports(f))


# What the database itself guarantees. A rule that a declared constraint makes impossible to break is proven by
# that constraint, looked up in the catalog, and its rows are scanned only when the constraint is missing (a
# loosened warehouse): PostgreSQL evaluates such an uncorrelated condition once, before reading any row. On
# 12 M facts this saves the costliest scans of a run.


def _not_null_declared(table: str, columns: tuple[str, ...]) -> str:
    return (
        f"(SELECT count(*) FROM pg_attribute WHERE attrelid = {_quote(table)}::regclass AND attnotnull"
        f" AND attname IN {_in_list(columns)}) = {len(columns)}"
    )


def _unique_declared(table: str, columns: tuple[str, ...]) -> str:
    """A valid unique index on ``table`` over some of ``columns`` (whole table, plain columns), all NOT NULL."""
    return f"""(EXISTS (
    SELECT 1 FROM pg_index AS i
    WHERE i.indrelid = {_quote(table)}::regclass AND i.indisunique AND i.indisvalid
      AND i.indpred IS NULL AND i.indexprs IS NULL
      AND NOT EXISTS (SELECT 1 FROM pg_attribute AS a WHERE a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
                      AND a.attname NOT IN {_in_list(columns)}))
  AND {_not_null_declared(table, columns)})"""


def _reference_declared(table: str, column: str, parent: str, parent_column: str) -> str:
    """A validated foreign key from ``table.column`` to ``parent.parent_column``, and ``column`` NOT NULL."""

    def attnum(t: str, c: str) -> str:
        return f"(SELECT attnum FROM pg_attribute WHERE attrelid = {_quote(t)}::regclass AND attname = {_quote(c)})"

    return f"""(EXISTS (
    SELECT 1 FROM pg_constraint AS c
    WHERE c.conrelid = {_quote(table)}::regclass AND c.contype = 'f' AND c.convalidated
      AND c.confrelid = {_quote(parent)}::regclass
      AND c.conkey = ARRAY[{attnum(table, column)}] AND c.confkey = ARRAY[{attnum(parent, parent_column)}])
  AND {_not_null_declared(table, (column,))})"""


_FACT_KEY = ("report_id", "table_name", "row_code", "col_code")


# --------------------------------------------------------------------------------------------------------------
# staging_integrity (batch: staging.report)


def _staging_integrity() -> list[Rule]:
    s = STAGING_INTEGRITY
    this_year = "extract(year FROM current_date)::int"
    # per table, its rows and columns as IN lists, which PostgreSQL hashes (joining 12 M facts to the codes as
    # VALUES cost ~1.8 times as much); no WHEN (an unknown table) or a NULL code is not TRUE, so listed
    codes_known = (
        "CASE f.table_name "
        + " ".join(
            f"WHEN {_quote(t)} THEN f.row_code IN {_in_list(rows)} AND f.col_code IN {_in_list(cols)}"
            for t, (rows, cols) in v.codes_by_table().items()
        )
        + " END"
    )
    return [
        Rule(
            "staging.report.keys_present",
            s,
            "staging.report",
            "error",
            "报告的主键、文档哈希和解析器版本不得为空",
            "A staged report has its id, document sha256 and parser version",
            """
SELECT report_id, document_sha256, parser_version, organ, report_year
FROM {batch}
WHERE report_id IS NULL OR document_sha256 IS NULL OR parser_version IS NULL""",
        ),
        Rule(
            "staging.report.keys_unique",
            s,
            "staging.report",
            "error",
            "report_id 唯一；同一文档同一解析器版本只有一行",
            "report_id is unique, and so is (document sha256, parser version)",
            """
SELECT 'report_id' AS key, report_id::text AS key_value, count(*) AS rows_with_key
FROM {batch}
GROUP BY report_id HAVING count(*) > 1
UNION ALL
SELECT 'document_sha256, parser_version', document_sha256 || ' ' || parser_version, count(*)
FROM {batch}
GROUP BY document_sha256, parser_version HAVING count(*) > 1""",
        ),
        Rule(
            "staging.report.one_current_version",
            s,
            "staging.report",
            "error",
            "每份报告文档恰有一个当前版本（is_current）",
            "Every report document has exactly one current version (is_current)",
            """
SELECT document_sha256,
       count(*) FILTER (WHERE is_current) AS current_versions,
       count(*) AS versions
FROM {batch}
GROUP BY document_sha256
HAVING count(*) FILTER (WHERE is_current) <> 1""",
        ),
        Rule(
            "staging.report.year_in_range",
            s,
            "staging.report",
            "error",
            f"报告年度在 {v.FIRST_YEAR} 年至今年之间（未识别的年度为空，不算错误）",
            f"The report year is between {v.FIRST_YEAR} and the current year (an unknown year is NULL, not an error)",
            f"""
SELECT report_id, organ, report_year, document_sha256
FROM {{batch}}
WHERE report_year IS NOT NULL AND (report_year < {v.FIRST_YEAR} OR report_year > {this_year})""",
        ),
        Rule(
            "staging.report.codes_in_vocabulary",
            s,
            "staging.report",
            "error",
            "era 和 script 取自约定的代码表",
            "era and script are codes of the contract",
            f"""
SELECT report_id, organ, report_year, era, script
FROM {{batch}}
WHERE era IS NULL OR era NOT IN {_in_list(v.ERAS)}
   OR (script IS NOT NULL AND script NOT IN {_in_list(v.SCRIPTS)})""",
        ),
        Rule(
            "staging.fact.keys_present",
            s,
            "staging.fact",
            "error",
            "每个数值都有所属报告、表、行和列，且报告存在",
            "Every fact names its report (which exists), table, row and column",
            f"""
SELECT f.report_id, f.table_name, f.row_code, f.col_code, f.value::float8 AS value
FROM staging.fact AS f
LEFT JOIN {{batch}} AS b ON b.report_id = f.report_id
WHERE NOT ({_reference_declared("staging.fact", "report_id", "staging.report", "report_id")}
           AND {_not_null_declared("staging.fact", _FACT_KEY)})
  AND (b.report_id IS NULL OR f.table_name IS NULL OR f.row_code IS NULL OR f.col_code IS NULL)""",
        ),
        Rule(
            "staging.fact.keys_unique",
            s,
            "staging.fact",
            "error",
            "同一报告的同一表、行、列只有一个数值",
            "One value per (report, table, row, column)",
            f"""
SELECT f.report_id, f.table_name, f.row_code, f.col_code, count(*) AS values_for_cell
FROM staging.fact AS f
JOIN {{batch}} AS b ON b.report_id = f.report_id
WHERE NOT {_unique_declared("staging.fact", _FACT_KEY)}
GROUP BY f.report_id, f.table_name, f.row_code, f.col_code
HAVING count(*) > 1""",
        ),
        Rule(
            "staging.fact.non_negative",
            s,
            "staging.fact",
            "error",
            "件数、金额不得为负（“本年增/减”除外）",
            "Counts and amounts are not negative (except the signed 本年增/减 change)",
            f"""
SELECT f.report_id, b.organ, b.report_year, f.table_name, f.row_code, f.col_code, f.value::float8 AS value
FROM staging.fact AS f
JOIN {{batch}} AS b ON b.report_id = f.report_id
WHERE f.value < 0 AND b.parsed_at > {SCOPE_SINCE}
  AND NOT (f.table_name = 'proactive' AND f.col_code IN {_in_list(v.SIGNED_MEASURES)})""",
        ),
        Rule(
            "staging.fact.codes_in_vocabulary",
            s,
            "staging.fact",
            "error",
            "表、行、列代码均取自约定的代码表",
            "Table, row and column codes are codes of the contract",
            f"""
SELECT f.report_id, f.table_name, f.row_code, f.col_code, f.value::float8 AS value
FROM staging.fact AS f
JOIN {{batch}} AS b ON b.report_id = f.report_id
WHERE b.parsed_at > {SCOPE_SINCE} AND ({codes_known}) IS NOT TRUE""",
        ),
        Rule(
            "staging.findings.valid",
            s,
            "staging.check_result",
            "error",
            "解析检查与问题记录属于已存在的报告，严重程度为 error 或 warning；"
            "当前报告的检查属于词表中由解析器计算的规则族",
            "Parser checks and problems belong to an existing report and have severity error or warning; "
            "a current report's checks are of rule families the parser evaluates (parsers.vocabulary)",
            # The rows of the reports in scope, looked up by report; a row of no report (which a declared
            # foreign key makes impossible) among all rows.
            f"""
SELECT 'staging.check_result' AS source, c.report_id, c.rule AS code, c.severity
FROM staging.check_result AS c
JOIN {{batch}} AS b ON b.report_id = c.report_id
WHERE b.parsed_at > {SCOPE_SINCE}
  AND (c.rule IS NULL
       OR (c.severity IS NOT NULL AND c.severity NOT IN {_in_list(v.SEVERITIES)})
       OR (b.is_current AND NOT ({_of_any_family("c.rule", PARSER_FAMILIES)})))
UNION ALL
SELECT 'staging.check_result', c.report_id, c.rule, c.severity
FROM staging.check_result AS c
WHERE NOT {_reference_declared("staging.check_result", "report_id", "staging.report", "report_id")}
  AND NOT EXISTS (SELECT FROM {{batch}} AS b WHERE b.report_id = c.report_id)
UNION ALL
SELECT 'staging.problem', p.report_id, p.code, p.severity
FROM staging.problem AS p
JOIN {{batch}} AS b ON b.report_id = p.report_id
WHERE b.parsed_at > {SCOPE_SINCE} AND p.severity NOT IN {_in_list(v.SEVERITIES)}
UNION ALL
SELECT 'staging.problem', p.report_id, p.code, p.severity
FROM staging.problem AS p
WHERE NOT {_reference_declared("staging.problem", "report_id", "staging.report", "report_id")}
  AND NOT EXISTS (SELECT FROM {{batch}} AS b WHERE b.report_id = p.report_id)""",
        ),
    ]


# --------------------------------------------------------------------------------------------------------------
# staging_balance (batch: staging.check_result) — the parser's breaches, one rule per check family it evaluates.
# Every check is of one of these families (staging.findings.valid), so every breach is listed.


def _staging_balance() -> list[Rule]:
    return [
        Rule(
            family.family,
            STAGING_BALANCE,
            "staging.check_result",
            family.severity,
            family.zh,
            family.en,
            f"""
SELECT b.report_id, r.organ, r.report_year, b.rule, b.expected::float8 AS expected, b.actual::float8 AS actual,
       b.field, b.detail
FROM {{batch}} AS b
JOIN staging.report AS r ON r.report_id = b.report_id AND r.is_current
WHERE b.ok = false AND {_of_family("b.rule", family.family)}
ORDER BY b.report_id, b.rule""",
        )
        for family in PARSER_FAMILIES
    ]


# --------------------------------------------------------------------------------------------------------------
# marts (batch: marts.mart_report_summary), read as dbt builds them.
#
# dbt's grain is the *report* (organ × year): several documents of one report (HTML page, .docx attachment,
# mirrors) collapse into one mart row keyed by ``report_key``, whose ``primary_report_id`` is the staging report
# chosen to represent it; ``DOCUMENTS_TABLE`` maps every current staged report_id to its report_key and says
# which document is primary. A report's findings are those of its primary document and its cross-report rules.

DOCUMENTS_TABLE = "marts_intermediate.int_report_documents_deduplicated"
EVALUATIONS_TABLE = "marts_intermediate.int_rule_findings"  # every rule evaluated, ok true/false/null
FINDINGS_TABLE = "marts.fct_rule_findings"

# mart columns that hold counts of applications/cases
MART_COUNT_COLUMNS: tuple[str, ...] = (
    "applications_received",
    "applications_processed",
    "applications_carried_over",
    "applications_carried_forward",
    "granted",
    "partially_granted",
    "granted_incl_partial",
    "denied",
    "unavailable",
    "rejected",
    "other_handled",
    "review_total",
    "review_corrected",
    "litigation_total",
    "litigation_corrected",
    "document_count",
    "rules_evaluated",
    "rules_failed",
)

# Every breach as evaluated once: the parser's, on each report's primary document (staging.check_result, the
# source), and dbt's cross-report rules (int_rule_findings, the model fct_rule_findings is built from); of the
# reports dbt rebuilt since the scope's time (context_parsed_at, indexed: the unit fct_rule_findings is rebuilt by).
_BREACHES = f"""
SELECT d.report_key, c.report_id::text AS report_id, c.rule
FROM staging.check_result AS c
JOIN {DOCUMENTS_TABLE} AS d ON d.report_id = c.report_id AND d.is_primary
WHERE c.ok = false AND d.context_parsed_at > {SCOPE_SINCE}
UNION ALL
SELECT e.report_key, e.report_id::text, e.rule
FROM {EVALUATIONS_TABLE} AS e
WHERE e.ok = false AND e.rule_origin = 'warehouse' AND e.context_parsed_at > {SCOPE_SINCE}"""


# The findings of the reports dbt rebuilt since the scope's time: built since, or of a report rebuilt since (a stale
# finding keeps the time it was built at); each looked up by index (the ARRAY is an index condition, evaluated
# only for a finding built before the scope's time).
_FINDINGS_IN_SCOPE = f"""(f.context_parsed_at > {SCOPE_SINCE}
   OR f.report_key = ANY (ARRAY(SELECT d.report_key FROM {DOCUMENTS_TABLE} AS d
                                WHERE d.context_parsed_at > {SCOPE_SINCE})))"""


def marts_rules(summary_columns: frozenset[str] | set[str] = frozenset(MART_COUNT_COLUMNS)) -> list[Rule]:
    """Rules for ``marts.mart_report_summary`` and the findings dbt built; ``summary_columns``: the summary's
    columns (counts that are not there are not checked)."""
    mi, mb = MARTS_INTEGRITY, MARTS_BALANCE
    table = "marts.mart_report_summary"
    counts = [c for c in MART_COUNT_COLUMNS if c in summary_columns]
    rules = [
        Rule(
            "marts.every_report_reaches_marts",
            mi,
            table,
            "error",
            "每份当前的暂存报告都进入汇总表（违反勾稽关系的报告也不得丢失）",
            "Every current staged report reaches the summary mart (a report breaking rules is never dropped)",
            f"""
SELECT r.report_id, r.organ, r.report_year, r.document_sha256
FROM staging.report AS r
LEFT JOIN {DOCUMENTS_TABLE} AS d ON d.report_id = r.report_id
LEFT JOIN {{batch}} AS b ON b.report_key = d.report_key
WHERE r.is_current AND b.report_key IS NULL""",
        ),
        Rule(
            "marts.keys",
            mi,
            table,
            "error",
            "汇总表的 report_key 非空且唯一",
            "report_key of the summary mart is present and unique",
            """
SELECT report_key, count(*) AS rows_with_key
FROM {batch}
GROUP BY report_key HAVING report_key IS NULL OR count(*) > 1""",
        ),
    ]
    if counts:
        rules.append(
            Rule(
                "marts.non_negative",
                mi,
                table,
                "error",
                "汇总表中的件数不得为负",
                "Counts in the summary mart are not negative",
                f"""
SELECT report_key, {", ".join(f"{c}::float8 AS {c}" for c in counts)}
FROM {{batch}}
WHERE {" OR ".join(f"{c} < 0" for c in counts)}""",
            )
        )
    rules += [
        Rule(
            "marts.year_in_range",
            mi,
            table,
            "error",
            f"汇总表报告年度在 {v.FIRST_YEAR} 年至今年之间",
            f"The summary mart's report year is between {v.FIRST_YEAR} and the current year",
            f"""
SELECT report_key, report_year
FROM {{batch}}
WHERE report_year < {v.FIRST_YEAR} OR report_year > extract(year FROM current_date)::int""",
        ),
        Rule(
            "marts.breach_listed",
            mi,
            table,
            "error",
            "每项违反（解析器对主文档的校验、数据仓库的跨年度规则）都列在 fct_rule_findings 中，且其中只列违反",
            "Every breach (the parser's checks of the primary document, the warehouse's cross-year rules) is "
            "listed in fct_rule_findings, and nothing else is",
            # The breaches are read once (a CTE read twice is materialized) and each side is an anti-join; a
            # breach found twice is listed once, deduplicated among the few not listed rather than among all.
            # Scoped: the breaches and the findings of the reports rebuilt since; a breach is of a report rebuilt
            # since, so the findings that could list it are among these.
            f"""
WITH breaches AS ({_BREACHES}
),
listed AS (
SELECT f.report_key, f.report_id, f.rule
FROM {FINDINGS_TABLE} AS f
WHERE {_FINDINGS_IN_SCOPE}
)
SELECT 'not listed' AS problem, x.report_key, x.report_id, b.organ_name, b.report_year, x.rule
FROM (SELECT DISTINCT x.report_key, x.report_id, x.rule
      FROM breaches AS x
      WHERE NOT EXISTS (SELECT FROM listed AS f WHERE f.report_key = x.report_key AND f.rule = x.rule)
     ) AS x
LEFT JOIN {{batch}} AS b ON b.report_key = x.report_key
UNION ALL
SELECT 'listed, not a breach', f.report_key, f.report_id, b.organ_name, b.report_year, f.rule
FROM listed AS f
LEFT JOIN {{batch}} AS b ON b.report_key = f.report_key
WHERE NOT EXISTS (SELECT FROM breaches AS x WHERE x.report_key = f.report_key AND x.rule = f.rule)
ORDER BY 2, 6""",
        ),
        Rule(
            "marts.breach_not_hidden",
            mi,
            table,
            "error",
            "列在 fct_rule_findings 中的报告，在汇总表中 passes_balance_rules 不得为 true 或空",
            "A report with a finding in fct_rule_findings is not shown as passing in the summary mart",
            # Scoped: dbt rebuilds a report's summary row with its findings (both on context_parsed_at).
            f"""
WITH listed AS (
SELECT f.report_key, count(*) AS findings, string_agg(f.rule, ', ' ORDER BY f.rule) AS rules
FROM {FINDINGS_TABLE} AS f
WHERE {_FINDINGS_IN_SCOPE}
GROUP BY f.report_key)
SELECT b.report_key, b.primary_report_id AS report_id, b.organ_name, b.report_year, b.passes_balance_rules,
       l.findings, l.rules
FROM {{batch}} AS b
JOIN listed AS l ON l.report_key = b.report_key
WHERE b.passes_balance_rules IS DISTINCT FROM false""",
        ),
    ]

    # the cross-report breaches, listed like the parser's (dbt evaluated them; GX reads them)
    for family in WAREHOUSE_FAMILIES:
        rules.append(
            Rule(
                family.family,
                mb,
                FINDINGS_TABLE,
                family.severity,
                family.zh,
                family.en,
                f"""
SELECT f.report_id, b.organ_name AS organ, f.report_year, f.rule, f.expected::float8 AS expected,
       f.actual::float8 AS actual, f.field, f.detail
FROM {FINDINGS_TABLE} AS f
JOIN {{batch}} AS b ON b.report_key = f.report_key
WHERE f.rule_origin = 'warehouse' AND {_of_family("f.rule", family.family)}
ORDER BY f.report_id, f.rule""",
            )
        )
    return rules


def staging_rules() -> list[Rule]:
    """All staging rules (integrity and balance)."""
    return _staging_integrity() + _staging_balance()
