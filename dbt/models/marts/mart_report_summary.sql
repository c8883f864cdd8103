{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='report_key',
    on_schema_change='append_new_columns',
    pre_hook="{{ delete_reports_to_rebuild(include_next_year=true) }}",
    indexes=[{'columns': ['report_key'], 'unique': True}, {'columns': ['report_parsed_at']},
             {'columns': ['organ_key', 'report_year']}],
) }}
-- One row per report (organ × year) for analysts: the headline figures, their rates, the change against
-- the organ's previous year and whether the report's numbers add up.
-- Figures come from the tables; where a report has no table (prose only) they come from its narrative.
-- Nothing is invented: a figure the report does not state stays null, and so does any rate built on it.

with reports_in_scope as (

    -- this run's reports (all on a full build) and, for the year-on-year change, their previous years
    select report_key, organ_key, report_year
    from {{ ref('int_report_documents_deduplicated') }}
    where is_primary
    {% if is_incremental() -%}
    and report_key in (
        with rebuilt as ({{ reports_to_rebuild(include_next_year=true) }})
        select report_key from rebuilt
        union
        select previous_year.report_key
        from {{ ref('int_report_documents_deduplicated') }} as previous_year
        inner join {{ ref('int_report_documents_deduplicated') }} as rebuilt_document
            on rebuilt_document.organ_key = previous_year.organ_key
            and rebuilt_document.report_year = previous_year.report_year + 1
        where rebuilt_document.report_key in (select report_key from rebuilt)
    )
    {%- endif %}

),

{% set this_run_filter %}
    {% if is_incremental() -%}
    and report_key in ({{ reports_to_rebuild(include_next_year=true) }})
    {%- endif %}
{% endset %}

documents as (

    select *
    from {{ ref('int_report_documents_deduplicated') }}
    where is_primary
    {{ this_run_filter }}

),

flow as (

    select report_key, received, carried_over, processed, carried_forward, value_source
    from {{ ref('int_application_flow') }}
    where applicant_type_code = 'total'
      and report_key in (select report_key from reports_in_scope)

),

outcome_cells as (

    select conformed.report_key, conformed.value, outcomes.outcome_code, outcomes.outcome_level,
           outcomes.category_code
    from {{ ref('int_applications_conformed') }} as conformed
    inner join {{ ref('outcomes') }} as outcomes on outcomes.outcome_code = conformed.row_code
    where conformed.col_code = 'total'
      and conformed.report_key in (select report_key from documents)

),

-- a category's count: its own row where printed (pre-2019, prose, 2021 `other`), else the sum of its
-- reasons — only when every reason row of the report is filled (a missing reason is unknown, not zero)
categories as (

    select
        report_key,
        category_code,
        coalesce(
            max(value) filter (where outcome_level = 'category'),
            case
                when count(*) filter (where outcome_level = 'reason') > 0
                 and count(value) filter (where outcome_level = 'reason')
                     = count(*) filter (where outcome_level = 'reason')
                then sum(value) filter (where outcome_level = 'reason')
            end
        ) as value
    from outcome_cells
    group by report_key, category_code

),

outcome_totals as (

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
        facts.report_id,
        max(facts.value) filter (where facts.row_code = 'review' and facts.col_code = 'total')     as review_total,
        max(facts.value) filter (where facts.row_code = 'review' and facts.col_code = 'corrected') as review_corrected,
        -- 行政诉讼 = 未经复议直接起诉 + 复议后起诉 (report-formats.md, table 四); both must be printed
        max(facts.value) filter (where facts.row_code = 'litigation_direct' and facts.col_code = 'total')
          + max(facts.value) filter (where facts.row_code = 'litigation_after_review' and facts.col_code = 'total')
            as litigation_total,
        max(facts.value) filter (where facts.row_code = 'litigation_direct' and facts.col_code = 'corrected')
          + max(facts.value) filter (where facts.row_code = 'litigation_after_review' and facts.col_code = 'corrected')
            as litigation_corrected
    from {{ ref('stg_facts') }} as facts
    where facts.table_name = 'review_litigation'
      and facts.report_id in (select report_id from documents)
    group by facts.report_id

),

narrative as (

    select * from {{ ref('int_narrative_figures') }}
    where report_key in (select report_key from documents)

),

rules as (

    select
        report_key,
        count(*) filter (where ok is not null) as rules_evaluated,
        count(*) filter (where ok = false)     as rules_failed
    from {{ ref('int_rule_findings') }}
    where report_key in (select report_key from documents)
    group by report_key

),

organs as (

    select organ_key, organ_level from {{ ref('dim_organ') }}

),

previous_year as (

    select reports_in_scope.organ_key, reports_in_scope.report_year, flow.received
    from reports_in_scope
    inner join flow on flow.report_key = reports_in_scope.report_key

),

summary as (

    select
        documents.report_key,
        documents.organ_key,
        documents.organ_name,
        organs.organ_level,
        documents.report_year,
        documents.era,
        documents.report_id::text                                    as primary_report_id,
        documents.source_url,
        documents.document_count::integer                            as document_count,
        case
            when flow.value_source = 'narrative' then 'narrative'
            when flow.report_key is not null or outcome_totals.report_key is not null then 'table'
            when narrative.report_key is not null then 'narrative'
            else 'none'
        end                                                          as figures_source,
        flow.received                                                as applications_received,
        flow.carried_over                                            as applications_carried_over,
        flow.processed                                               as applications_processed,
        flow.carried_forward                                         as applications_carried_forward,
        outcome_totals.granted,
        outcome_totals.partially_granted,
        coalesce(outcome_totals.granted + outcome_totals.partially_granted,
                 narrative.granted_incl_partial)                     as granted_incl_partial,
        outcome_totals.denied,
        outcome_totals.unavailable,
        outcome_totals.rejected,
        outcome_totals.other_handled,
        coalesce(review_litigation.review_total, narrative.review_total)         as review_total,
        review_litigation.review_corrected,
        coalesce(review_litigation.litigation_total, narrative.litigation_total) as litigation_total,
        review_litigation.litigation_corrected,
        previous_year.received                                       as applications_received_previous_year,
        coalesce(rules.rules_evaluated, 0)::integer                  as rules_evaluated,
        coalesce(rules.rules_failed, 0)::integer                     as rules_failed,
        documents.report_parsed_at
    from documents
    left join flow on flow.report_key = documents.report_key
    left join outcome_totals on outcome_totals.report_key = documents.report_key
    left join review_litigation on review_litigation.report_id = documents.report_id
    left join narrative on narrative.report_key = documents.report_key
    left join rules on rules.report_key = documents.report_key
    left join organs on organs.organ_key = documents.organ_key
    left join previous_year
        on previous_year.organ_key = documents.organ_key
        and previous_year.report_year = documents.report_year - 1

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
    report_parsed_at
from summary
