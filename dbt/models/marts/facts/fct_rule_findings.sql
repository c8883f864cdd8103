{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='append_new_columns',
    pre_hook=["{{ plan_for_few_reports('context_parsed_at') }}", "{{ delete_reports_to_rebuild('context_parsed_at') }}"],
    indexes=[{'columns': ['report_key']}, {'columns': ['context_parsed_at']}],
) }}
-- depends_on: {{ ref('int_report_documents_deduplicated') }}  (read by the pre-hook: the reports to rebuild)
-- One row per breached rule per report: the parser's per-report checks and the warehouse's cross-year
-- rules (int_rule_findings), with the numbers compared. Nothing is corrected: a government's numbers are
-- reported as printed and each broken rule becomes a finding. GX checks that every breach is listed here
-- (expectations/catalog.py, marts.breach_listed).
-- Grain: report × rule. Incremental on context_parsed_at: a late previous-year report re-evaluates the
-- cross-year rules of the year after it (macros/incremental_reports.sql).

with findings as (

    select * from {{ ref('int_rule_findings') }}
    where
        ok = false
        and {{ changed_since_last_run('context_parsed_at') }}

)

select
    report_key,
    organ_key,
    report_year,
    rule,
    rule_family,
    rule_origin,
    severity,
    field,
    expected,
    actual,
    detail,
    era,
    report_id::text as report_id,
    report_parsed_at,
    context_parsed_at
from findings
