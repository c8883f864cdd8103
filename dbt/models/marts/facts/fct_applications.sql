{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='append_new_columns',
    pre_hook=["{{ plan_for_few_reports('report_parsed_at') }}", "{{ delete_reports_to_rebuild('report_parsed_at') }}"],
    indexes=[{'columns': ['report_key']}, {'columns': ['report_parsed_at']}],
) }}
-- depends_on: {{ ref('int_report_documents_deduplicated') }}  (read by the pre-hook: the reports to rebuild)
-- How each report's applications were handled (table 三, rows （一）–（六）).
-- Grain: report × outcome × applicant type. Both levels of the outcome hierarchy can be present:
-- a 2019/2021 table prints reasons (denied_state_secret …), a pre-2019 table or prose prints only the
-- category (denied …), and 2021's `other` category is the sum of its printed reasons. To total a
-- category use its category row where present, else the sum of its reasons — or read mart_report_summary.
-- Incremental: see macros/incremental_reports.sql.

with conformed as (

    select * from {{ ref('int_applications_conformed') }}
    where {{ changed_since_last_run('report_parsed_at') }}

),

outcomes as (

    select outcome_code, outcome_level, category_code from {{ ref('outcomes') }}

),

applicant_types as (

    select applicant_type_code from {{ ref('applicant_types') }}

)

select
    conformed.report_key,
    conformed.organ_key,
    conformed.report_year,
    conformed.row_code              as outcome_code,
    outcomes.outcome_level,
    outcomes.category_code,
    conformed.col_code              as applicant_type_code,
    conformed.value,
    conformed.value_source,
    conformed.era,
    conformed.report_id::text       as report_id,
    conformed.report_parsed_at
from conformed
-- flow rows (received, carried over, processed, carried forward) are in fct_application_flow; codes
-- outside the vocabulary are not facts (the parser's contract tests keep them out)
inner join outcomes on outcomes.outcome_code = conformed.row_code
inner join applicant_types on applicant_types.applicant_type_code = conformed.col_code
