-- Every rule evaluated for every report, from two origins:
--   parser     the arithmetic checks the parser evaluated on the report's primary document
--              (balance, row sums, outcome sums, 2021 （六） sums, table 四 sums, narrative vs table);
--   warehouse  rules that need more than one report: `cross_year.carried_over.<col>` — this year's
--              二、上年结转 must equal the same organ's previous-year 四、结转下年度继续办理
--              (shared/docs/report-formats.md rule 5; often broken in practice, hence a warning).
-- ok: true = holds, false = breached, null = could not be evaluated.

with primary_documents as (

    select report_key, organ_key, report_year, report_id
    from {{ ref('int_report_documents_deduplicated') }}
    where is_primary

),

parser_checks as (

    select
        primary_documents.report_key,
        primary_documents.report_id,
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

flow as (

    select
        flow.report_key,
        flow.report_id,
        flow.applicant_type_code,
        flow.carried_over,
        flow.carried_forward,
        primary_documents.organ_key,
        primary_documents.report_year
    from {{ ref('int_application_flow') }} as flow
    inner join primary_documents on primary_documents.report_key = flow.report_key
    where primary_documents.organ_key is not null

),

cross_year as (

    select
        this_year.report_key,
        this_year.report_id,
        'cross_year.carried_over.' || this_year.applicant_type_code as rule,
        'cross_year.carried_over' as rule_family,
        this_year.carried_over = last_year.carried_forward as ok,
        'warning' as severity,
        format(
            '%s 上年结转 %s vs %s 结转下年度 %s (%s)',
            this_year.report_year, this_year.carried_over,
            last_year.report_year, last_year.carried_forward, this_year.applicant_type_code
        ) as detail,
        'applications.carried_over.' || this_year.applicant_type_code as field,
        last_year.carried_forward as expected,
        this_year.carried_over as actual,
        'warehouse' as rule_origin
    from flow as this_year
    inner join flow as last_year
        on last_year.organ_key = this_year.organ_key
        and last_year.report_year = this_year.report_year - 1
        and last_year.applicant_type_code = this_year.applicant_type_code
    where this_year.carried_over is not null
      and last_year.carried_forward is not null

)

select * from parser_checks
union all
select * from cross_year
