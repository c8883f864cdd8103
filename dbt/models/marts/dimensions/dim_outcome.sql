{{ config(materialized='table') }}
-- How an application was handled: table 三's outcome hierarchy, category → reason, with the eras in
-- which each member is printed (pre-2019 reports and prose state only the categories).

select
    outcome_code,
    outcome_level,
    category_code,
    label_zh,
    label_en,
    category_label_zh,
    category_label_en,
    in_pre2019,
    in_2019,
    in_2021,
    array_remove(array[
        case when in_pre2019 then 'pre2019' end,
        case when in_2019 then '2019' end,
        case when in_2021 then '2021' end
    ], null)                                  as eras,
    sort_order
from {{ ref('outcomes') }}
