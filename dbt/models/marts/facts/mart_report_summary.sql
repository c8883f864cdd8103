{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='append_new_columns',
    pre_hook=["{{ delete_reports_to_rebuild('context_parsed_at') }}"],
    indexes=[{'columns': ['report_key'], 'unique': True}, {'columns': ['context_parsed_at']},
             {'columns': ['organ_key', 'report_year']}],
) }}
-- One row per report (organ × year) for analysts: the headline figures, their rates, the change against
-- the organ's previous year and whether the report's numbers add up.
-- Figures come from the tables; where a report has no table (prose only) they come from its narrative.
-- Nothing is invented: a figure the report does not state stays null, and so does any rate built on it.
-- Incremental on context_parsed_at, because the year-on-year change and the cross-year rule read the
-- previous year's report (macros/incremental_reports.sql). Without plan_for_few_reports, unlike the fact
-- marts: the final select joins per-report sets (flow, outcomes, rules…) to one another, which as nested
-- loops cost (reports)² (10,000 reports: 28 s, against 2.3 s as the planner chooses).

with documents as (

    select *
    from {{ ref('int_report_documents_deduplicated') }}
    where is_primary
      and {{ changed_since_last_run('context_parsed_at') }}

),

flow as (

    select report_key, received, carried_over, processed, carried_forward, value_source
    from {{ ref('fct_application_flow') }}
    where applicant_type_code = 'total'
      and report_key in (select report_key from documents)

),

-- a category's count: its own row where printed (pre-2019, prose, 2021 `other`), else the sum of its
-- reasons — only when every reason row is filled (a missing reason is unknown, not zero). Read from the
-- conformed rows fct_applications is built from (the same rows, the same vocabulary filter), not from
-- fct_applications itself: this mart then builds beside it instead of after it and its tests.
categories as (

    select
        conformed.report_key,
        outcome_vocabulary.category_code,
        coalesce(
            max(conformed.value) filter (where outcome_vocabulary.outcome_level = 'category'),
            case when count(*) filter (where outcome_vocabulary.outcome_level = 'reason')
                      = count(conformed.value) filter (where outcome_vocabulary.outcome_level = 'reason')
                 then sum(conformed.value) filter (where outcome_vocabulary.outcome_level = 'reason') end
        ) as value
    from {{ ref('int_applications_conformed') }} as conformed
    inner join {{ ref('outcomes') }} as outcome_vocabulary
        on outcome_vocabulary.outcome_code = conformed.row_code
    where conformed.col_code = 'total'
      and {{ changed_since_last_run('context_parsed_at', qualifier='conformed') }}
    group by conformed.report_key, outcome_vocabulary.category_code

),

outcomes as (

    select
        report_key,
        max(value) filter (where category_code = 'granted')           as granted,
        max(value) filter (where category_code = 'partially_granted') as partially_granted,
        max(value) filter (where category_code = 'denied')            as denied,
        max(value) filter (where category_code = 'unavailable')       as unavailable,
        max(value) filter (where category_code = 'rejected')          as rejected,
        max(value) filter (where category_code = 'other')             as other_handled
    from categories
    group by report_key

),

review_litigation as (

    select
        report_key,
        max(value) filter (where group_code = 'review' and measure_code = 'total')     as review_total,
        max(value) filter (where group_code = 'review' and measure_code = 'corrected') as review_corrected,
        -- 行政诉讼 = 未经复议直接起诉 + 复议后起诉 (table 四); both must be printed
        max(value) filter (where group_code = 'litigation_direct' and measure_code = 'total')
          + max(value) filter (where group_code = 'litigation_after_review' and measure_code = 'total')
            as litigation_total,
        max(value) filter (where group_code = 'litigation_direct' and measure_code = 'corrected')
          + max(value) filter (where group_code = 'litigation_after_review' and measure_code = 'corrected')
            as litigation_corrected
    from {{ ref('fct_review_litigation') }}
    where report_key in (select report_key from documents)
    group by report_key

),

-- the two views below are filtered with the same scalar condition as `documents` (not with a list of
-- keys): PostgreSQL pushes it through their aggregations down to an index scan
narrative as (

    select * from {{ ref('int_narrative_figures') }}
    where {{ changed_since_last_run('context_parsed_at') }}

),

rules as (

    select
        report_key,
        count(*) filter (where ok is not null) as rules_evaluated,
        count(*) filter (where ok = false)     as rules_failed
    from {{ ref('int_rule_findings') }}
    where {{ changed_since_last_run('context_parsed_at') }}
    group by report_key

),

previous_year as (

    select previous_report.organ_key, previous_report.report_year + 1 as next_year, previous_flow.received
    from {{ ref('int_report_documents_deduplicated') }} as previous_report
    inner join {{ ref('fct_application_flow') }} as previous_flow
        on previous_flow.report_key = previous_report.report_key
        and previous_flow.applicant_type_code = 'total'
    where previous_report.is_primary
      and (previous_report.organ_key, previous_report.report_year + 1) in (
          select organ_key, report_year from documents
      )

),

organs as (

    select organ_key, organ_level from {{ ref('dim_organ') }}

),

summary as (

    select
        documents.report_key,
        documents.organ_key,
        documents.organ_name,
        organs.organ_level,
        documents.report_year,
        documents.era,
        case
            when flow.value_source = 'narrative' then 'narrative'
            when flow.report_key is not null or outcomes.report_key is not null then 'table'
            when narrative.report_key is not null then 'narrative'
            else 'none'
        end                                                             as figures_source,
        flow.received                                                   as applications_received,
        flow.carried_over                                               as applications_carried_over,
        flow.processed                                                  as applications_processed,
        flow.carried_forward                                            as applications_carried_forward,
        outcomes.granted,
        outcomes.partially_granted,
        coalesce(outcomes.granted + outcomes.partially_granted,
                 narrative.granted_incl_partial)                        as granted_incl_partial,
        outcomes.denied,
        outcomes.unavailable,
        outcomes.rejected,
        outcomes.other_handled,
        coalesce(review_litigation.review_total, narrative.review_total)         as review_total,
        review_litigation.review_corrected,
        coalesce(review_litigation.litigation_total, narrative.litigation_total) as litigation_total,
        review_litigation.litigation_corrected,
        previous_year.received                                          as applications_received_previous_year,
        coalesce(rules.rules_evaluated, 0)::integer                     as rules_evaluated,
        coalesce(rules.rules_failed, 0)::integer                        as rules_failed,
        documents.report_id::text                                       as primary_report_id,
        documents.source_url,
        documents.document_count::integer                               as document_count,
        documents.report_parsed_at,
        documents.context_parsed_at
    from documents
    left join organs on organs.organ_key = documents.organ_key
    left join flow on flow.report_key = documents.report_key
    left join outcomes on outcomes.report_key = documents.report_key
    left join review_litigation on review_litigation.report_key = documents.report_key
    left join narrative on narrative.report_key = documents.report_key
    left join rules on rules.report_key = documents.report_key
    left join previous_year
        on previous_year.organ_key = documents.organ_key
        and previous_year.next_year = documents.report_year

)

select
    report_key,
    organ_key,
    organ_name,
    organ_level,
    report_year,
    era,
    figures_source,
    applications_received,
    applications_carried_over,
    applications_processed,
    applications_carried_forward,
    granted,
    partially_granted,
    granted_incl_partial,
    -- share of processed applications answered with (partial) disclosure
    round(granted_incl_partial / nullif(applications_processed, 0), 4)         as grant_rate,
    denied,
    unavailable,
    rejected,
    other_handled,
    review_total,
    review_corrected,
    round(review_corrected / nullif(review_total, 0), 4)                       as review_correction_rate,
    litigation_total,
    litigation_corrected,
    round(litigation_corrected / nullif(litigation_total, 0), 4)               as litigation_correction_rate,
    applications_received_previous_year,
    applications_received - applications_received_previous_year                as applications_received_change,
    round((applications_received - applications_received_previous_year)
          / nullif(applications_received_previous_year, 0), 4)                 as applications_received_change_rate,
    rules_evaluated,
    rules_failed,
    -- false when any rule fails (balance, sums, narrative vs table, cross-year); null when none could be checked
    case when rules_failed > 0 then false when rules_evaluated > 0 then true end as passes_balance_rules,
    primary_report_id,
    source_url,
    document_count,
    report_parsed_at,
    context_parsed_at
from summary
