-- The flow of applications per report × applicant type: received + carried over = processed + carried
-- forward (the printed balance rule). One row per report and applicant column that has any flow figure.

with conformed as (

    select * from {{ ref('int_applications_conformed') }}
    where row_code in ('new_received', 'carried_over', 'total_processed', 'carried_forward')

)

select
    report_key,
    report_id,
    organ_key,
    report_year,
    era,
    report_parsed_at,
    context_parsed_at,
    col_code as applicant_type_code,
    max(value) filter (where row_code = 'new_received')    as received,
    max(value) filter (where row_code = 'carried_over')    as carried_over,
    max(value) filter (where row_code = 'total_processed') as processed,
    max(value) filter (where row_code = 'carried_forward') as carried_forward,
    -- 'narrative' when the figures come from prose (no table 三)
    min(value_source)                                      as value_source
-- grouping by the report's attributes (functionally dependent on report_key) keeps them filterable:
-- an incremental mart's filter on report_parsed_at is pushed below the aggregation
from conformed
group by report_key, report_id, organ_key, report_year, era, report_parsed_at, context_parsed_at, col_code
