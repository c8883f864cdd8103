{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['report_key', 'applicant_type_code'],
    on_schema_change='append_new_columns',
    pre_hook="{{ delete_reports_to_rebuild() }}",
    indexes=[{'columns': ['report_key']}, {'columns': ['report_parsed_at']}],
) }}
-- Applications received, carried over, processed and carried forward.
-- Grain: report × applicant type. received + carried_over = processed + carried_forward when the report
-- balances (fct_rule_findings lists the ones that do not).
-- depends_on: {{ ref('int_report_documents_deduplicated') }}

with flow as (

    select * from {{ ref('int_application_flow') }}
    {% if is_incremental() -%}
    where report_key in ({{ reports_to_rebuild() }})
    {%- endif %}

),

documents as (

    select report_key, organ_key, report_year, report_parsed_at
    from {{ ref('int_report_documents_deduplicated') }}
    where is_primary

)

select
    flow.report_key,
    documents.organ_key,
    documents.report_year,
    flow.applicant_type_code,
    flow.received,
    flow.carried_over,
    flow.processed,
    flow.carried_forward,
    flow.value_source,
    flow.era,
    flow.report_id::text as report_id,
    documents.report_parsed_at
from flow
inner join documents on documents.report_key = flow.report_key
