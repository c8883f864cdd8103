{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='append_new_columns',
    pre_hook=["{{ plan_for_few_reports('report_parsed_at') }}", "{{ delete_reports_to_rebuild('report_parsed_at') }}"],
    indexes=[{'columns': ['report_key']}, {'columns': ['report_parsed_at']}],
) }}
-- depends_on: {{ ref('int_report_documents_deduplicated') }}  (read by the pre-hook: the reports to rebuild)
-- Applications received, carried over, processed and carried forward.
-- Grain: report × applicant type. received + carried_over = processed + carried_forward when the report
-- balances (fct_rule_findings lists the ones that do not). Incremental: see macros/incremental_reports.sql.

with flow as (

    select * from {{ ref('int_application_flow') }}
    where {{ changed_since_last_run('report_parsed_at') }}

),

applicant_types as (

    select applicant_type_code from {{ ref('applicant_types') }}

)

select
    flow.report_key,
    flow.organ_key,
    flow.report_year,
    flow.applicant_type_code,
    flow.received,
    flow.carried_over,
    flow.processed,
    flow.carried_forward,
    flow.value_source,
    flow.era,
    flow.report_id::text as report_id,
    flow.report_parsed_at
from flow
inner join applicant_types on applicant_types.applicant_type_code = flow.applicant_type_code
