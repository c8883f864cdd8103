{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['report_key', 'rule'],
    on_schema_change='append_new_columns',
    pre_hook="{{ delete_reports_to_rebuild(include_next_year=true) }}",
    indexes=[{'columns': ['report_key']}, {'columns': ['report_parsed_at']}],
) }}
-- One row per breached rule per report: the parser's arithmetic checks and the warehouse's cross-year rule
-- (int_rule_findings), with the numbers compared. Nothing is corrected: a government's numbers are
-- reported as printed and each broken rule becomes a finding.
-- Grain: report × rule. Rebuilt also for the next year's report of a changed one (cross-year rule).

with findings as (

    select * from {{ ref('int_rule_findings') }}
    where ok = false
    {% if is_incremental() -%}
    and report_key in ({{ reports_to_rebuild(include_next_year=true) }})
    {%- endif %}

),

documents as (

    select report_key, organ_key, report_year, era, report_parsed_at
    from {{ ref('int_report_documents_deduplicated') }}
    where is_primary

)

select
    findings.report_key,
    documents.organ_key,
    documents.report_year,
    findings.rule,
    findings.rule_family,
    findings.rule_origin,
    findings.severity,
    findings.field,
    findings.expected,
    findings.actual,
    findings.detail,
    documents.era,
    findings.report_id::text as report_id,
    documents.report_parsed_at
from findings
inner join documents on documents.report_key = findings.report_key
