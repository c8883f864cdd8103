{{ config(materialized='table') }}
-- Administrative review and litigation (table 四): group × measure, the same in 2019 and 2021.

select
    group_code || '.' || measure_code         as review_litigation_measure_key,
    group_code,
    measure_code,
    group_label_zh,
    group_label_en,
    measure_label_zh,
    measure_label_en,
    sort_order
from {{ ref('review_litigation_measures') }}
