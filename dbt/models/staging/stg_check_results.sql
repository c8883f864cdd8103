-- The parser's rule evaluations, one row per evaluated rule, 1:1 with staging.check_result. `ok` is null
-- when a rule could not be evaluated; `expected`/`actual` are the numbers compared and `field` the cell.
-- Like stg_facts, reached only through current documents (int_report_documents_deduplicated).
-- (no CTE: see stg_facts)
select
    report_id,
    rule,
    -- the rule family is the first two parts of the name (shared/contract/report-json.md § checks)
    split_part(rule, '.', 1) || '.' || split_part(rule, '.', 2) as rule_family,
    ok,
    coalesce(severity, 'error') as severity,
    detail,
    field,
    expected,
    actual
from {{ source('staging', 'check_result') }}
