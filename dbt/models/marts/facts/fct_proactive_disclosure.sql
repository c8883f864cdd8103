{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='append_new_columns',
    pre_hook=["{{ plan_for_few_reports('report_parsed_at') }}", "{{ delete_reports_to_rebuild('report_parsed_at') }}"],
    indexes=[{'columns': ['report_key']}, {'columns': ['report_parsed_at']}],
) }}
-- Proactive disclosure (table 二): items × measures as printed, money in 万元 with the printed text kept.
-- Grain: report × item × measure. Which measures exist depends on the era (dim_disclosure_item).
-- Incremental: see macros/incremental_reports.sql.

with documents as (

    select report_key, report_id, organ_key, report_year, era, report_parsed_at
    from {{ ref('int_report_documents_deduplicated') }}
    where is_primary
      and {{ changed_since_last_run('report_parsed_at') }}

),

facts as (

    select report_id, row_code, col_code, value, printed_text
    from {{ ref('stg_facts') }}
    where table_name = 'proactive'

)

select
    documents.report_key,
    documents.organ_key,
    documents.report_year,
    facts.row_code              as item_code,
    facts.col_code              as measure_code,
    facts.value,
    -- e.g. "372718.4969万元": the cell as printed, for money cells (unit conversions stay checkable)
    facts.printed_text,
    documents.era,
    documents.report_id::text   as report_id,
    documents.report_parsed_at
from documents
inner join facts on facts.report_id = documents.report_id
