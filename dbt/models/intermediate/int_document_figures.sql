{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='append_new_columns',
    indexes=[{'columns': ['report_id'], 'unique': True}],
    post_hook="{{ analyze_if_stale() }}",
) }}
-- How many figures each document has (per staging.report row): the numbers actually read (not derived,
-- not null), and whether it has table 三. int_report_documents_deduplicated ranks a report's documents by
-- these.
-- Incremental, and exact: a document's facts are written once, with the document (a re-parse is a new
-- report_id), so a run only counts the documents it has not counted yet — a monthly run reads the new
-- documents' facts by index instead of aggregating all of staging.fact. Superseded documents keep their
-- row (int_report_documents_deduplicated joins current documents only).

{% if is_incremental() %}

-- one aggregate per new document (LATERAL): always index lookups of staging.fact by report_id, whatever
-- PostgreSQL estimates about how many facts a document has
select
    documents.report_id,
    counted.facts_read,
    counted.has_applications_table
from {{ ref('stg_reports') }} as documents
cross join lateral (
    select
        count(*) filter (where facts.value is not null and not facts.is_derived) as facts_read,
        coalesce(bool_or(facts.table_name = 'applications'), false)            as has_applications_table
    from {{ ref('stg_facts') }} as facts
    where facts.report_id = documents.report_id
) as counted
where not exists (select 1 from {{ this }} as counted_before where counted_before.report_id = documents.report_id)

{% else %}

select
    documents.report_id,
    count(facts.report_id) filter (where facts.value is not null and not facts.is_derived) as facts_read,
    coalesce(bool_or(facts.table_name = 'applications'), false)                            as has_applications_table
from {{ ref('stg_reports') }} as documents
left join {{ ref('stg_facts') }} as facts on facts.report_id = documents.report_id
group by documents.report_id

{% endif %}
