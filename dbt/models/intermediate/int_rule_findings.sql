-- Every rule evaluated for every report, from two origins:
--   parser     the arithmetic checks the parser evaluated on the report's primary document
--              (balance, row sums, outcome sums, 2021 （六） sums, table 四 sums, narrative vs table);
--   warehouse  rules that need more than one report: `cross_year.carried_over.<col>` — this year's
--              二、上年结转 must equal the same organ's previous-year 四、结转下年度继续办理 as printed in
--              table 三 (shared/docs/report-formats.md rule 5; often broken in practice, hence a warning).
-- ok: true = holds, false = breached, null = could not be evaluated.
-- Written as plain joins (no aggregate views) so that an incremental filter on context_parsed_at turns
-- into index lookups of this year's and last year's cells.

with primary_documents as not materialized (

    select report_key, report_id, organ_key, report_year, era, report_parsed_at, context_parsed_at
    from {{ ref('int_report_documents_deduplicated') }}
    where is_primary

),

facts as not materialized (

    select report_id, table_name, row_code, col_code, value
    from {{ ref('stg_facts') }}
    where table_name = 'applications'

),

parser_checks as (

    select
        primary_documents.report_key,
        primary_documents.report_id,
        primary_documents.organ_key,
        primary_documents.report_year,
        primary_documents.era,
        primary_documents.report_parsed_at,
        primary_documents.context_parsed_at,
        checks.rule,
        checks.rule_family,
        checks.ok,
        checks.severity,
        checks.detail,
        checks.field,
        checks.expected,
        checks.actual,
        'parser' as rule_origin
    from primary_documents
    inner join {{ ref('stg_check_results') }} as checks
        on checks.report_id = primary_documents.report_id

),

cross_year as (

    select
        this_year.report_key,
        this_year.report_id,
        this_year.organ_key,
        this_year.report_year,
        this_year.era,
        this_year.report_parsed_at,
        this_year.context_parsed_at,
        'cross_year.carried_over.' || carried_over.col_code as rule,
        'cross_year.carried_over' as rule_family,
        carried_over.value = carried_forward.value as ok,
        'warning' as severity,
        format('%s 上年结转 %s vs %s 结转下年度 %s (%s)',
               this_year.report_year, carried_over.value,
               last_year.report_year, carried_forward.value, carried_over.col_code) as detail,
        'applications.carried_over.' || carried_over.col_code as field,
        carried_forward.value as expected,
        carried_over.value as actual,
        'warehouse' as rule_origin
    from primary_documents as this_year
    inner join facts as carried_over
        on carried_over.report_id = this_year.report_id
        and carried_over.row_code = 'carried_over'
    inner join primary_documents as last_year
        on last_year.organ_key = this_year.organ_key
        and last_year.report_year = this_year.report_year - 1
    inner join facts as carried_forward
        on carried_forward.report_id = last_year.report_id
        and carried_forward.row_code = 'carried_forward'
        and carried_forward.col_code = carried_over.col_code
    where carried_over.value is not null
      and carried_forward.value is not null

)

select * from parser_checks
union all
select * from cross_year
