-- Every number of every current report. narrative figures use row_code = the narrative key and
-- col_code = 'value' (docs/interfaces.md).
with source as (

    select * from {{ source('staging', 'fact') }}

),

current_reports as (

    select report_id from {{ source('staging', 'report') }}
    where is_current

)

select
    source.report_id,
    source.table_name,
    source.row_code,
    source.col_code,
    source.value::numeric           as value,
    coalesce(source.is_derived, false) as is_derived,
    source.provenance,
    -- proactive money cells: the text as printed, unit kept ("372718.4969万元")
    source.printed_text
from source
-- a join (not `in (subquery)`): PostgreSQL can then look facts up by report_id for a few reports
inner join current_reports on current_reports.report_id = source.report_id
