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
where source.report_id in (select report_id from current_reports)
