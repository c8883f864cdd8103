{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='append_new_columns',
    pre_hook=["{{ plan_for_few_reports('report_parsed_at') }}", "{{ delete_reports_to_rebuild('report_parsed_at') }}"],
    indexes=[{'columns': ['report_key']}, {'columns': ['report_parsed_at']}],
) }}
-- Administrative review and litigation about disclosure (table 四), as printed.
-- Grain: report × group (review / litigation_direct / litigation_after_review) × measure.
-- Prose-only totals (行政复议N件, 行政诉讼N件) are in mart_report_summary, not here: prose does not say
-- how litigation splits between direct and after-review suits. Incremental: macros/incremental_reports.sql.

with documents as (

    select report_key, report_id, organ_key, report_year, era, report_parsed_at
    from {{ ref('int_report_documents_deduplicated') }}
    where is_primary
      and {{ changed_since_last_run('report_parsed_at') }}

),

facts as (

    select report_id, row_code, col_code, value
    from {{ ref('stg_facts') }}
    where table_name = 'review_litigation'

),

measures as (

    select group_code, measure_code from {{ ref('review_litigation_measures') }}

)

select
    documents.report_key,
    documents.organ_key,
    documents.report_year,
    facts.row_code              as group_code,
    facts.col_code              as measure_code,
    facts.value,
    documents.era,
    documents.report_id::text   as report_id,
    documents.report_parsed_at
from documents
inner join facts on facts.report_id = documents.report_id
inner join measures
    on measures.group_code = facts.row_code
    and measures.measure_code = facts.col_code
