-- What the parser could not do cleanly (derived values, unreadable cells, missing tables …).
with source as (

    select * from {{ source('staging', 'problem') }}

),

current_reports as (

    select report_id from {{ source('staging', 'report') }}
    where is_current

)

select
    source.report_id,
    source.severity,
    source.code,
    source.message,
    source.field
from source
-- a join (not `in (subquery)`): PostgreSQL can then look facts up by report_id for a few reports
inner join current_reports on current_reports.report_id = source.report_id
