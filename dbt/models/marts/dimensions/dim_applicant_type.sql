{{ config(materialized='table') }}
-- Applicant types: the columns of table 三 (自然人 / 法人或其他组织 ▸ five kinds / 总计).

select
    applicant_type_code,
    label_zh,
    label_en,
    group_code,
    group_label_zh,
    group_label_en,
    is_total,
    sort_order
from {{ ref('applicant_types') }}
