-- Every number of every parsed document (tables and narrative), 1:1 with staging.fact. narrative figures
-- use row_code = the narrative key and col_code = 'value' (docs/interfaces.md).
--
-- Not filtered on is_current here: facts are only ever reached through a document of
-- int_report_documents_deduplicated, which holds current documents only (stg_reports). Joining
-- staging.report here as well would hide from PostgreSQL that a few reports' facts are an index lookup
-- away (staging.fact's key starts with report_id), and turn a monthly run into full scans.
-- No CTE either: PostgreSQL does not flatten a view whose query has a WITH clause into the query that
-- joins it, so a join with a few documents could not become index lookups of staging.fact by report_id
-- (it hash-joined all 12 M facts instead). The same holds for every stg_ view.

select
    report_id,
    table_name,
    row_code,
    col_code,
    value::numeric                  as value,
    coalesce(is_derived, false)     as is_derived,
    provenance,
    -- proactive money cells: the text as printed, unit kept ("372718.4969万元")
    printed_text
from {{ source('staging', 'fact') }}
