-- The figures each report states in prose, one column per narrative key (primary document only).

with primary_documents as (

    select report_key, report_id, report_parsed_at, context_parsed_at
    from {{ ref('int_report_documents_deduplicated') }}
    where is_primary

),

narrative as (

    select report_id, row_code as narrative_key, value
    from {{ ref('stg_facts') }}
    where table_name = 'narrative'

)

select
    primary_documents.report_key,
    primary_documents.report_id,
    primary_documents.report_parsed_at,
    primary_documents.context_parsed_at,
    {%- for key in ['applications_received', 'applications_processed', 'applications_carried_over',
                    'applications_carried_forward', 'granted', 'partially_granted', 'granted_incl_partial',
                    'denied', 'unavailable', 'rejected', 'other', 'review_total', 'litigation_total',
                    'proactive_items_published', 'fees_collected_yuan'] %}
    max(narrative.value) filter (where narrative.narrative_key = '{{ key }}') as {{ key }}{{ ',' if not loop.last }}
    {%- endfor %}
from primary_documents
inner join narrative on narrative.report_id = primary_documents.report_id
group by primary_documents.report_key, primary_documents.report_id, primary_documents.report_parsed_at,
         primary_documents.context_parsed_at
