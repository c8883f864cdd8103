"""Every rule the expectations check, as plain data: name, suite, severity, a one-line zh/en explanation and
the SQL that lists the rows breaking it.

Read this file as the map of what is validated. ``runner.py`` turns each ``Rule`` into a GX
``UnexpectedRowsExpectation``; nothing here imports GX, so the catalog is cheap to import (the DAG, docs,
tests).

Two kinds of suite, as in the US FOIA annual-report validation (errors stop, warnings inform):

- **integrity** suites (``staging_integrity``, ``marts_integrity``): the warehouse itself is broken (keys,
  versions, vocabulary, negative counts, a report lost on its way to the marts). Every rule is an ``error``;
  a failure raises ``IntegrityError`` and fails the Airflow task.
- **balance** suites (``staging_balance``, ``marts_balance``): a government's printed figures break the
  arithmetic of ``../shared/docs/report-formats.md``. These are *findings about a report*, never a reason to stop
  the pipeline or drop the report. Severity:
    * ``error``   — the tables contradict themselves (printed balance, row sums, outcome sums, group totals):
                    the report cannot be right as printed.
    * ``warning`` — prose against tables, and year against previous year: often a wording or scoping
                    difference (e.g. "共办理…件（含结转）"), worth a look but weaker evidence.

How the SQL is written (GX substitutes ``{batch}``):
- GX passes the batch as a subquery. When the query contains a JOIN it inserts ``(subquery)`` and the query
  must alias it (``{batch} AS b``); without a JOIN it inserts ``(subquery) AS subselect`` and the query must
  *not* alias it. ``tests/expectations/test_gx_catalog.py`` enforces this.
- No other braces: GX formats the string with ``str.format``.
- Balance rules read ``staging.fact`` of *current* reports only (``staging.report.is_current``) and skip a
  rule when an operand is missing (NULL = "not printed or not readable", never guessed as 0).
- Every balance query returns ``report_id, organ, report_year, rule`` (the contract's check name, e.g.
  ``applications.balance.total``) and the numbers compared, so a finding can be read without the source.
"""

from __future__ import annotations

from dataclasses import dataclass

from expectations import vocabulary as v

INTEGRITY = "integrity"
BALANCE = "balance"

STAGING_INTEGRITY = "staging_integrity"
STAGING_BALANCE = "staging_balance"
MARTS_INTEGRITY = "marts_integrity"
MARTS_BALANCE = "marts_balance"

# suite name -> (kind, schema, table of the batch)
SUITES: dict[str, tuple[str, str, str]] = {
    STAGING_INTEGRITY: (INTEGRITY, "staging", "report"),
    STAGING_BALANCE: (BALANCE, "staging", "fact"),
    MARTS_INTEGRITY: (INTEGRITY, "marts", "mart_report_summary"),
    MARTS_BALANCE: (BALANCE, "marts", "mart_report_summary"),
}


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


# --------------------------------------------------------------------------------------------------------------
# SQL helpers


def _quote(code: str) -> str:
    if "{" in code or "}" in code:  # would be taken for a GX template field
        raise ValueError(f"code {code!r} cannot contain braces")
    return "'" + code.replace("'", "''") + "'"


def _in_list(codes: tuple[str, ...] | list[str]) -> str:
    return "(" + ", ".join(_quote(c) for c in codes) + ")"


def _pivot(column: str, key: str, codes: tuple[str, ...], source_key: str) -> str:
    """``max(value) FILTER (WHERE <source_key> = '<code>') AS <code>`` for each code."""
    return ",\n       ".join(f"max({column}) FILTER (WHERE {source_key} = {_quote(c)}) AS {c}" for c in codes)


def _sum(codes: tuple[str, ...]) -> str:
    return " + ".join(codes)


def _all_present(codes: tuple[str, ...]) -> str:
    return " AND ".join(f"{c} IS NOT NULL" for c in codes)


# The current version of each report's applications facts, one row per (report, row, column).
_CURRENT_FACTS = """
    SELECT b.report_id, r.organ, r.report_year, b.table_name, b.row_code, b.col_code, b.value, b.is_derived
    FROM {batch} AS b
    JOIN staging.report AS r ON r.report_id = b.report_id AND r.is_current
    WHERE b.value IS NOT NULL"""


# --------------------------------------------------------------------------------------------------------------
# staging_integrity (batch: staging.report)


def _staging_integrity() -> list[Rule]:
    s = STAGING_INTEGRITY
    this_year = "extract(year FROM current_date)::int"
    allowed_rows = ", ".join(f"({_quote(t)}, {_quote(r)})" for t, (rows, _) in v.codes_by_table().items() for r in rows)
    allowed_cols = ", ".join(f"({_quote(t)}, {_quote(c)})" for t, (_, cols) in v.codes_by_table().items() for c in cols)
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
            """
SELECT f.report_id, f.table_name, f.row_code, f.col_code, f.value
FROM staging.fact AS f
LEFT JOIN {batch} AS b ON b.report_id = f.report_id
WHERE b.report_id IS NULL OR f.table_name IS NULL OR f.row_code IS NULL OR f.col_code IS NULL""",
        ),
        Rule(
            "staging.fact.keys_unique",
            s,
            "staging.fact",
            "error",
            "同一报告的同一表、行、列只有一个数值",
            "One value per (report, table, row, column)",
            """
SELECT f.report_id, f.table_name, f.row_code, f.col_code, count(*) AS values_for_cell
FROM staging.fact AS f
JOIN {batch} AS b ON b.report_id = f.report_id
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
SELECT f.report_id, b.organ, b.report_year, f.table_name, f.row_code, f.col_code, f.value
FROM staging.fact AS f
JOIN {{batch}} AS b ON b.report_id = f.report_id
WHERE f.value < 0
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
SELECT f.report_id, f.table_name, f.row_code, f.col_code, f.value
FROM staging.fact AS f
JOIN {{batch}} AS b ON b.report_id = f.report_id
LEFT JOIN (VALUES {allowed_rows}) AS ok_row (table_name, row_code)
       ON ok_row.table_name = f.table_name AND ok_row.row_code = f.row_code
LEFT JOIN (VALUES {allowed_cols}) AS ok_col (table_name, col_code)
       ON ok_col.table_name = f.table_name AND ok_col.col_code = f.col_code
WHERE ok_row.row_code IS NULL OR ok_col.col_code IS NULL""",
        ),
        Rule(
            "staging.findings.valid",
            s,
            "staging.check_result",
            "error",
            "解析检查与问题记录属于已存在的报告，严重程度为 error 或 warning",
            "Parser checks and problems belong to an existing report and have severity error or warning",
            f"""
SELECT 'staging.check_result' AS source, c.report_id, c.rule AS code, c.severity
FROM staging.check_result AS c
LEFT JOIN {{batch}} AS b ON b.report_id = c.report_id
WHERE b.report_id IS NULL OR c.rule IS NULL
   OR (c.severity IS NOT NULL AND c.severity NOT IN {_in_list(v.SEVERITIES)})
UNION ALL
SELECT 'staging.problem', p.report_id, p.code, p.severity
FROM staging.problem AS p
LEFT JOIN {{batch}} AS b ON b.report_id = p.report_id
WHERE b.report_id IS NULL OR p.severity NOT IN {_in_list(v.SEVERITIES)}""",
        ),
    ]


# --------------------------------------------------------------------------------------------------------------
# staging_balance (batch: staging.fact) — the arithmetic of report-formats.md, independent of the parser's checks


def _labelled(rule: Rule) -> Rule:
    """The rule with the parser's own zh/en wording when ``parsers.vocabulary`` defines its family (one place
    for labels); our wording otherwise. The severity stays ours: a test checks that both agree."""
    labels = v.check_family_labels().get(rule.name)
    if not labels:
        return rule
    _, zh, en = labels
    return Rule(rule.name, rule.suite, rule.table, rule.severity, zh, en, rule.sql)


def _staging_balance() -> list[Rule]:
    return [_labelled(r) for r in _staging_balance_rules()]


def _staging_balance_rules() -> list[Rule]:
    s = STAGING_BALANCE
    cols = v.APPLICATION_COLUMNS
    parts = v.APPLICANT_COLUMNS
    outcome_rows = v.OUTCOME_ROWS
    rules: list[Rule] = []

    # 1. Printed rule, per column: 一 + 二 = （七） + 四
    flows = ("new_received", "carried_over", "total_processed", "carried_forward")
    rules.append(
        Rule(
            "applications.balance",
            s,
            "staging.fact",
            "error",
            "表三每列：一（本年新收）+ 二（上年结转）= 三（七）总计 + 四（结转下年）",
            "Table 3, every column: new received + carried over = total processed + carried forward",
            f"""
WITH cur AS ({_CURRENT_FACTS}
      AND b.table_name = 'applications'),
p AS (
SELECT report_id, organ, report_year, col_code,
       {_pivot("value", "row_code", flows, "row_code")}
FROM cur GROUP BY report_id, organ, report_year, col_code)
SELECT report_id, organ, report_year, 'applications.balance.' || col_code AS rule,
       new_received, carried_over, total_processed, carried_forward,
       new_received + carried_over AS received_side, total_processed + carried_forward AS handled_side
FROM p
WHERE {_all_present(flows)}
  AND new_received + carried_over <> total_processed + carried_forward
ORDER BY report_id, col_code""",
        )
    )

    # 2. Every row: 总计 = the six applicant columns. A 总计 the parser derived from the row (is_derived) was not
    #    printed, so it cannot contradict the row: it is reported as derived, not as a breach.
    rules.append(
        Rule(
            "applications.row_sum",
            s,
            "staging.fact",
            "error",
            "表三每行：总计 = 自然人 + 五类法人或其他组织（由本行推算补齐的总计不算违反）",
            "Table 3, every row: total = natural persons + the five kinds of organisation (a total derived from its row is not a breach)",
            f"""
WITH cur AS ({_CURRENT_FACTS}
      AND b.table_name = 'applications'),
p AS (
SELECT report_id, organ, report_year, row_code,
       {_pivot("value", "col_code", cols, "col_code")},
       bool_or(is_derived) FILTER (WHERE col_code = 'total') AS total_is_derived
FROM cur GROUP BY report_id, organ, report_year, row_code)
SELECT report_id, organ, report_year, 'applications.row_sum.' || row_code AS rule,
       {", ".join(cols)}, {_sum(parts)} AS sum_of_columns
FROM p
WHERE {_all_present(cols)}
  AND NOT coalesce(total_is_derived, false)
  AND total <> {_sum(parts)}
ORDER BY report_id, row_code""",
        )
    )

    # 3. （七）总计 = the outcome rows. In 2021 （六） may be given only by its sub-rows: use their sum then.
    outcome_pivot_rows = outcome_rows + v.OTHER_SUB_ROWS + ("total_processed",)
    subs = v.OTHER_SUB_ROWS
    rules.append(
        Rule(
            "applications.outcomes_sum",
            s,
            "staging.fact",
            "error",
            "表三每列：（七）总计 = （一）至（六）各办理结果之和",
            "Table 3, every column: total processed = the sum of the outcome rows (granted … other)",
            f"""
WITH cur AS ({_CURRENT_FACTS}
      AND b.table_name = 'applications'),
p AS (
SELECT report_id, organ, report_year, col_code,
       {_pivot("value", "row_code", outcome_pivot_rows, "row_code")}
FROM cur GROUP BY report_id, organ, report_year, col_code),
q AS (
SELECT p.*, coalesce(other, CASE WHEN {_all_present(subs)} THEN {_sum(subs)} END) AS other_outcome
FROM p)
SELECT report_id, organ, report_year, 'applications.outcomes_sum.' || col_code AS rule,
       total_processed,
       {_sum(outcome_rows[:-1])} + other_outcome AS sum_of_outcomes,
       granted, partially_granted,
       {_sum(v.DENIED_ROWS)} AS denied, {_sum(v.UNAVAILABLE_ROWS)} AS unavailable,
       {_sum(v.REJECTED_ROWS)} AS rejected, other_outcome AS other
FROM q
WHERE total_processed IS NOT NULL AND other_outcome IS NOT NULL AND {_all_present(outcome_rows[:-1])}
  AND total_processed <> {_sum(outcome_rows[:-1])} + other_outcome
ORDER BY report_id, col_code""",
        )
    )

    # 3b. 2021 format: （六）其他处理 = its three sub-rows.
    rules.append(
        Rule(
            "applications.other_sum",
            s,
            "staging.fact",
            "error",
            "2021 格式表三每列：（六）其他处理 = （六）1 + 2 + 3",
            "2021 format, every column: other outcomes = the sum of its three sub-rows",
            f"""
WITH cur AS ({_CURRENT_FACTS}
      AND b.table_name = 'applications'),
p AS (
SELECT report_id, organ, report_year, col_code,
       {_pivot("value", "row_code", ("other",) + subs, "row_code")}
FROM cur GROUP BY report_id, organ, report_year, col_code)
SELECT report_id, organ, report_year, 'applications.other_sum.' || col_code AS rule,
       other, {", ".join(subs)}, {_sum(subs)} AS sum_of_sub_rows
FROM p
WHERE other IS NOT NULL AND {_all_present(subs)} AND other <> {_sum(subs)}
ORDER BY report_id, col_code""",
        )
    )

    # 4. Table 四: each group's 总计 = 维持 + 纠正 + 其他 + 尚未审结.
    measures = v.REVIEW_MEASURES
    group_parts = tuple(m for m in measures if m != "total")
    rules.append(
        Rule(
            "review_litigation.sum",
            s,
            "staging.fact",
            "error",
            "表四：行政复议、直接起诉、复议后起诉各自的总计 = 维持 + 纠正 + 其他结果 + 尚未审结",
            "Table 4: each group's total = upheld + corrected + other + pending",
            f"""
WITH cur AS ({_CURRENT_FACTS}
      AND b.table_name = 'review_litigation'),
p AS (
SELECT report_id, organ, report_year, row_code,
       {_pivot("value", "col_code", measures, "col_code")}
FROM cur GROUP BY report_id, organ, report_year, row_code)
SELECT report_id, organ, report_year, 'review_litigation.' || row_code || '_sum' AS rule,
       {", ".join(measures)}, {_sum(group_parts)} AS sum_of_results
FROM p
WHERE {_all_present(measures)} AND total <> {_sum(group_parts)}
ORDER BY report_id, row_code""",
        )
    )

    # 6. Prose against tables (warning). Each narrative key is compared with the same figure of the tables; a
    #    group (denied/unavailable/rejected) is its stated group row or else the sum of all its sub-rows.
    def cell(table: str, row: str, col: str) -> str:
        return (
            f"max(value) FILTER (WHERE table_name = {_quote(table)} AND row_code = {_quote(row)}"
            f" AND col_code = {_quote(col)})"
        )

    def group(prefix: str, sub_rows: tuple[str, ...]) -> str:
        n = len(sub_rows)
        cond = f"table_name = 'applications' AND col_code = 'total' AND row_code IN {_in_list(sub_rows)}"
        return (
            f"coalesce({cell('applications', prefix, 'total')}, "
            f"CASE WHEN count(value) FILTER (WHERE {cond}) = {n} "
            f"THEN sum(value) FILTER (WHERE {cond}) END)"
        )

    table_side = {
        "applications_received": cell("applications", "new_received", "total"),
        "applications_processed": cell("applications", "total_processed", "total"),
        "applications_carried_over": cell("applications", "carried_over", "total"),
        "applications_carried_forward": cell("applications", "carried_forward", "total"),
        "granted": cell("applications", "granted", "total"),
        "partially_granted": cell("applications", "partially_granted", "total"),
        "granted_incl_partial": (
            f"{cell('applications', 'granted', 'total')} + {cell('applications', 'partially_granted', 'total')}"
        ),
        "denied": group("denied", v.DENIED_ROWS),
        "unavailable": group("unavailable", v.UNAVAILABLE_ROWS),
        "rejected": group("rejected", v.REJECTED_ROWS),
        "other": cell("applications", "other", "total"),
        "review_total": cell("review_litigation", "review", "total"),
        "litigation_total": (
            f"{cell('review_litigation', 'litigation_direct', 'total')}"
            f" + {cell('review_litigation', 'litigation_after_review', 'total')}"
        ),
    }
    keys = tuple(table_side)
    table_cols = ",\n       ".join(f"{expr} AS t_{k}" for k, expr in table_side.items())
    prose_cols = ",\n       ".join(
        f"max(value) FILTER (WHERE table_name = 'narrative' AND row_code = {_quote(k)}) AS n_{k}" for k in keys
    )
    pairs = ",\n        ".join(f"({_quote(k)}, n_{k}, t_{k})" for k in keys)
    rules.append(
        Rule(
            "narrative",
            s,
            "staging.fact",
            "warning",
            "正文所述数字（如“全年共收到申请N件”“予以公开N件”“行政复议N件”）应与表格一致",
            "Figures stated in the prose (applications received, granted, reviews …) agree with the tables",
            f"""
WITH cur AS ({_CURRENT_FACTS}),
p AS (
SELECT report_id, organ, report_year,
       {table_cols},
       {prose_cols}
FROM cur GROUP BY report_id, organ, report_year)
SELECT p.report_id, p.organ, p.report_year, 'narrative.' || k.key AS rule,
       k.key AS narrative_key, k.narrative_value, k.table_value
FROM p
CROSS JOIN LATERAL (VALUES
        {pairs}
     ) AS k (key, narrative_value, table_value)
WHERE k.narrative_value IS NOT NULL AND k.table_value IS NOT NULL AND k.narrative_value <> k.table_value
ORDER BY p.report_id, k.key""",
        )
    )

    # 5. Across years, same organ: this year's 二、上年结转 = last year's 四、结转下年度 (warning: the organ's
    #    name may be printed differently, and "often broken in practice").
    rules.append(
        Rule(
            "cross_year",
            s,
            "staging.fact",
            "warning",
            "同一机关：本年“上年结转”应等于上一年报告的“结转下年度继续办理”",
            "Same organ: this year's carried-over applications equal last year's carried-forward",
            f"""
WITH cur AS ({_CURRENT_FACTS}
      AND b.table_name = 'applications' AND b.row_code IN ('carried_over', 'carried_forward'))
SELECT this.report_id, this.organ, this.report_year, 'cross_year.carried_over.' || this.col_code AS rule,
       this.value AS carried_over,
       prev.report_id AS previous_report_id, prev.report_year AS previous_year,
       prev.value AS previous_carried_forward
FROM cur AS this
JOIN cur AS prev
  ON prev.organ = this.organ AND prev.report_year = this.report_year - 1 AND prev.col_code = this.col_code
WHERE this.row_code = 'carried_over' AND prev.row_code = 'carried_forward' AND this.value <> prev.value
ORDER BY this.report_id, this.col_code""",
        )
    )
    return rules


# --------------------------------------------------------------------------------------------------------------
# marts (batch: marts.mart_report_summary). dbt owns the marts, so these rules adapt to what dbt built:
# ``marts_rules(MartShape)`` is told the columns present and leaves out what it cannot evaluate.
#
# dbt's grain is the *report* (organ × year): several documents of one report (HTML page, .docx attachment,
# mirrors) collapse into one mart row keyed by ``report_key``, whose ``primary_report_id`` is the staging report
# chosen to represent it; ``marts_intermediate.int_report_documents_deduplicated`` maps every staged report_id to
# its report_key. The rules use the most direct link available (a ``report_id`` column, then that mapping, then
# organ × year).

DOCUMENTS_TABLE = "marts_intermediate.int_report_documents_deduplicated"
FINDINGS_TABLE = "marts.fct_rule_findings"

# mart columns that hold counts of applications/cases, when present
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


@dataclass(frozen=True)
class MartShape:
    """The columns dbt built (None: the table does not exist)."""

    summary: frozenset[str]
    findings: frozenset[str] | None = None  # marts.fct_rule_findings
    documents: frozenset[str] | None = None  # marts_intermediate.int_report_documents_deduplicated

    @property
    def report_column(self) -> str | None:
        """The summary column holding the staging report_id of a row, if any."""
        for col in ("report_id", "primary_report_id"):
            if col in self.summary:
                return col
        return None

    @property
    def key_columns(self) -> str:
        for col in ("report_key", "report_id"):
            if col in self.summary:
                return col
        return "organ_name, report_year"


def _staging_breaches_sql() -> str:
    """One row (report_id, rule) per breach found by the staging balance rules, their SQL reused verbatim with
    the whole ``staging.fact`` as batch: the marts are checked against what GX itself finds in staging."""
    parts = [
        f"SELECT x.report_id, x.rule FROM ({r.sql.replace('{batch}', 'staging.fact').strip()}) AS x"
        for r in _staging_balance_rules()
    ]
    return "\n    UNION ALL\n    ".join(parts)


def marts_rules(shape: MartShape) -> list[Rule]:
    """Rules for ``marts.mart_report_summary`` as dbt built it."""
    mi, mb = MARTS_INTEGRITY, MARTS_BALANCE
    table = "marts.mart_report_summary"
    cols = shape.summary
    rules: list[Rule] = []

    # -- every current staged report reaches the marts ----------------------------------------------------------
    if "report_id" in cols:
        reach = ("LEFT JOIN {batch} AS b ON b.report_id::text = r.report_id::text", "b.report_id IS NULL")
    elif "report_key" in cols and shape.documents is not None and {"report_id", "report_key"} <= shape.documents:
        join = (
            f"LEFT JOIN {DOCUMENTS_TABLE} AS d ON d.report_id::text = r.report_id::text\n"
            "LEFT JOIN {batch} AS b ON b.report_key = d.report_key"
        )
        reach = (join, "b.report_key IS NULL")
    elif {"organ_name", "report_year"} <= cols:
        # without the document mapping: the report's own row, or a row for its organ and year
        own = "b.primary_report_id = r.report_id::text OR " if "primary_report_id" in cols else ""
        reach = (
            f"LEFT JOIN {{batch}} AS b ON {own}(b.organ_name = r.organ AND b.report_year = r.report_year)",
            "b.report_year IS NULL",
        )
    else:
        reach = None
    if reach:
        rules.append(
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
{reach[0]}
WHERE r.is_current AND {reach[1]}""",
            )
        )

    # -- keys, counts, years ----------------------------------------------------------------------------------
    key = shape.key_columns
    if key != "organ_name, report_year":
        rules.append(
            Rule(
                "marts.keys",
                mi,
                table,
                "error",
                f"汇总表的 {key} 非空且唯一",
                f"{key} of the summary mart is present and unique",
                f"""
SELECT {key}, count(*) AS rows_with_key
FROM {{batch}}
GROUP BY {key} HAVING {key} IS NULL OR count(*) > 1""",
            )
        )
    counts = [c for c in MART_COUNT_COLUMNS if c in cols]
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
SELECT {key}, {", ".join(counts)}
FROM {{batch}}
WHERE {" OR ".join(f"{c} < 0" for c in counts)}""",
            )
        )
    if "report_year" in cols:
        rules.append(
            Rule(
                "marts.year_in_range",
                mi,
                table,
                "error",
                f"汇总表报告年度在 {v.FIRST_YEAR} 年至今年之间",
                f"The summary mart's report year is between {v.FIRST_YEAR} and the current year",
                f"""
SELECT {key}, report_year
FROM {{batch}}
WHERE report_year < {v.FIRST_YEAR} OR report_year > extract(year FROM current_date)::int""",
            )
        )

    # -- balance: the mart keeps the printed figures, and shows every breach --------------------------------------
    flow = (
        "applications_received",
        "applications_carried_over",
        "applications_processed",
        "applications_carried_forward",
    )
    if set(flow) <= cols:
        from_table = " AND figures_source = 'table'" if "figures_source" in cols else ""
        rules.append(
            Rule(
                "marts.applications.balance",
                mb,
                table,
                "error",
                "汇总表（取自表三的数字）：本年新收 + 上年结转 = 办理总计 + 结转下年",
                "Summary mart (figures from table 3): received + carried over = processed + carried forward",
                f"""
SELECT {key}, organ_name, report_year, {", ".join(flow)}
FROM {{batch}}
WHERE {_all_present(flow)}{from_table}
  AND applications_received + applications_carried_over <> applications_processed + applications_carried_forward""",
            )
        )
    report_col = shape.report_column
    if report_col and "passes_balance_rules" in cols:
        rules.append(
            Rule(
                "marts.breach_not_hidden",
                mb,
                table,
                "warning",
                "GX 在暂存层发现违反勾稽关系的报告，在汇总表中 passes_balance_rules 不得为 true 或空",
                "A report GX finds breaking a balance rule in staging is not shown as passing in the summary mart",
                f"""
WITH breaches AS (
    {_staging_breaches_sql()}
),
per_report AS (
SELECT report_id::text AS report_id, count(*) AS breaches, string_agg(DISTINCT rule, ', ') AS rules
FROM breaches GROUP BY report_id::text)
SELECT b.{key.split(",")[0]} AS mart_key, p.report_id, b.organ_name, b.report_year, b.passes_balance_rules,
       p.breaches, p.rules
FROM {{batch}} AS b
JOIN per_report AS p ON p.report_id = b.{report_col}::text
WHERE b.passes_balance_rules IS DISTINCT FROM false""",
            )
        )
    if report_col and shape.findings is not None and {"report_id", "rule"} <= shape.findings:
        rules.append(
            Rule(
                "marts.breach_listed",
                mb,
                table,
                "warning",
                "GX 在暂存层发现的每项违反（按规则族）都列在 fct_rule_findings 中",
                "Every breach GX finds in staging (by rule family) is listed in fct_rule_findings",
                f"""
WITH breaches AS (
    {_staging_breaches_sql()}
),
families AS (
SELECT DISTINCT report_id::text AS report_id,
       split_part(rule, '.', 1) || '.' || split_part(rule, '.', 2) AS family
FROM breaches)
SELECT fam.report_id, fam.family, b.organ_name, b.report_year
FROM families AS fam
JOIN {{batch}} AS b ON b.{report_col}::text = fam.report_id
LEFT JOIN {FINDINGS_TABLE} AS f
       ON f.report_id::text = fam.report_id AND (f.rule = fam.family OR f.rule LIKE fam.family || '.%')
WHERE f.rule IS NULL
ORDER BY fam.report_id, fam.family""",
            )
        )
    return rules


def staging_rules() -> list[Rule]:
    """All staging rules (integrity and balance)."""
    return _staging_integrity() + _staging_balance()
