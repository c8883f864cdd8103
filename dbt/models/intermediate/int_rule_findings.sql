-- Every rule evaluated for every report, from two origins:
--   parser     the per-report rules (parsers/checks.py), evaluated by the parser on the report's primary
--              document and stored in staging.check_result: balance, row sums, outcome sums, 2021 （六）
--              sums, table 四 sums, narrative vs table. Nothing of them is recomputed here;
--   warehouse  the rules that need two reports of one organ (joined by organ_key), evaluated only here
--              (shared/docs/report-formats.md rule 5; often broken in practice, hence warnings):
--              `cross_year.carried_over.<col>`  this year's 二、上年结转 = last year's 四、结转下年度继续办理
--                                              (table 三, column by column);
--              `cross_year.in_force.<item>`     this year's 现行有效件数 = last year's 现行有效件数 + this
--                                              year's 本年制发件数 − 本年废止件数 (table 二, 2021 format).
-- ok: true = holds, false = breached, null = could not be evaluated (a pair with a blank side is left out).
-- `rule` is the contract's column name (a keyword to sqlfluff: noqa RF04).
-- Written as plain joins (no aggregate views) so that an incremental filter on context_parsed_at turns
-- into index lookups of this year's and last year's cells.

with primary_documents as not materialized (

    select
        report_key,
        report_id,
        organ_key,
        report_year,
        era,
        report_parsed_at,
        context_parsed_at
    from {{ ref('int_report_documents_deduplicated') }}
    where is_primary

),

facts as not materialized (

    select
        report_id,
        table_name,
        row_code,
        col_code,
        value
    from {{ ref('stg_facts') }}
    where
        table_name in ('applications', 'proactive')
        and value is not null

),

-- the same organ's report of the year before, for the cross-year rules
consecutive_years as not materialized (

    select
        this_year.report_key,
        this_year.report_id,
        this_year.organ_key,
        this_year.report_year,
        this_year.era,
        this_year.report_parsed_at,
        this_year.context_parsed_at,
        last_year.report_id as last_year_report_id,
        last_year.report_year as last_year
    from primary_documents as this_year
    inner join primary_documents as last_year
        on
            this_year.organ_key = last_year.organ_key
            and last_year.report_year = this_year.report_year - 1

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
        on primary_documents.report_id = checks.report_id

),

carried_over as (

    select
        years.report_key,
        years.report_id,
        years.organ_key,
        years.report_year,
        years.era,
        years.report_parsed_at,
        years.context_parsed_at,
        'cross_year.carried_over.' || carried_over.col_code as rule,  -- noqa: RF04
        'cross_year.carried_over' as rule_family,
        carried_over.value = carried_forward.value as ok,
        'warning' as severity,
        format(
            '%s 上年结转 %s vs %s 结转下年度 %s (%s)',
            years.report_year, carried_over.value,
            years.last_year, carried_forward.value, carried_over.col_code
        ) as detail,
        'applications.carried_over.' || carried_over.col_code as field,
        carried_forward.value as expected,
        carried_over.value as actual,
        'warehouse' as rule_origin
    from consecutive_years as years
    inner join facts as carried_over
        on
            years.report_id = carried_over.report_id
            and carried_over.table_name = 'applications'
            and carried_over.row_code = 'carried_over'
    inner join facts as carried_forward
        on
            years.last_year_report_id = carried_forward.report_id
            and carried_forward.table_name = 'applications'
            and carried_forward.row_code = 'carried_forward'
            and carried_over.col_code = carried_forward.col_code

),

in_force as (

    select
        years.report_key,
        years.report_id,
        years.organ_key,
        years.report_year,
        years.era,
        years.report_parsed_at,
        years.context_parsed_at,
        'cross_year.in_force.' || in_force.row_code as rule,  -- noqa: RF04
        'cross_year.in_force' as rule_family,
        in_force.value = last_in_force.value + issued.value - repealed.value as ok,
        'warning' as severity,
        format(
            '%s 现行有效 %s vs %s 现行有效 %s + 本年制发 %s − 本年废止 %s (%s)',
            years.report_year, in_force.value, years.last_year, last_in_force.value,
            issued.value, repealed.value, in_force.row_code
        ) as detail,
        'proactive.' || in_force.row_code || '.in_force' as field,
        last_in_force.value + issued.value - repealed.value as expected,
        in_force.value as actual,
        'warehouse' as rule_origin
    from consecutive_years as years
    inner join facts as in_force
        on
            years.report_id = in_force.report_id
            and in_force.table_name = 'proactive'
            and in_force.col_code = 'in_force'
    inner join facts as issued
        on
            years.report_id = issued.report_id
            and issued.table_name = 'proactive'
            and in_force.row_code = issued.row_code
            and issued.col_code = 'issued'
    inner join facts as repealed
        on
            years.report_id = repealed.report_id
            and repealed.table_name = 'proactive'
            and in_force.row_code = repealed.row_code
            and repealed.col_code = 'repealed'
    inner join facts as last_in_force
        on
            years.last_year_report_id = last_in_force.report_id
            and last_in_force.table_name = 'proactive'
            and in_force.row_code = last_in_force.row_code
            and last_in_force.col_code = 'in_force'

)

select * from parser_checks
union all
select * from carried_over
union all
select * from in_force
