-- The parser's rule evaluations (one row per evaluated rule). `ok` is null when a rule could not be
-- evaluated. The numbers compared (`expected`, `actual`) and the cell (`field`) are kept in the report's
-- JSON (docs/interfaces.md § Report keys); they are looked up here so findings can show them.
with source as (

    select * from {{ source('staging', 'check_result') }}

),

current_reports as (

    select report_id, report_json from {{ source('staging', 'report') }}
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
    check_json.field,
    -- numbers only: a non-numeric "expected" (rare) is left null rather than guessed
    case when check_json.expected ~ '^-?[0-9]+(\.[0-9]+)?$' then check_json.expected::numeric end as expected,
    case when check_json.actual ~ '^-?[0-9]+(\.[0-9]+)?$' then check_json.actual::numeric end as actual
from source
inner join current_reports on current_reports.report_id = source.report_id
left join lateral (
    select
        elem ->> 'field'    as field,
        elem ->> 'expected' as expected,
        elem ->> 'actual'   as actual
    from jsonb_array_elements(
        case when jsonb_typeof(current_reports.report_json -> 'checks') = 'array'
             then current_reports.report_json -> 'checks' else '[]'::jsonb end
    ) as elem
    where elem ->> 'rule' = source.rule
    limit 1
) as check_json on true
