-- The parser's rule evaluations (one row per evaluated rule). `ok` is null when a rule could not be
-- evaluated; `expected`/`actual` are the numbers compared and `field` the cell, where the parser gave them.
with source as (

    select * from {{ source('staging', 'check_result') }}

),

current_reports as (

    select report_id from {{ source('staging', 'report') }}
    where is_current

)

select
    source.report_id,
    source.rule,
    -- the rule family is the first two parts of the name (shared/contract/report-json.md § checks)
    split_part(source.rule, '.', 1) || '.' || split_part(source.rule, '.', 2) as rule_family,
    source.ok,
    coalesce(source.severity, 'error') as severity,
    source.detail,
    source.field,
    source.expected,
    source.actual
from source
-- a join (not `in (subquery)`): PostgreSQL can then look facts up by report_id for a few reports
inner join current_reports on current_reports.report_id = source.report_id
