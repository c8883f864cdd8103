-- What the parser could not do cleanly (derived values, unreadable cells, missing tables …), 1:1 with
-- staging.problem. Like stg_facts, reached only through current documents.
-- (no CTE: see stg_facts)
select
    report_id,
    severity,
    code,
    message,
    field
from {{ source('staging', 'problem') }}
