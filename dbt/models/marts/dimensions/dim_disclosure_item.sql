{{ config(materialized='table') }}
-- Proactive disclosure (table 二): item × measure, with the eras whose format prints it.
-- (The 2019 format's （九）项 政府集中采购 is gone in 2021; 2021 counts 制发/废止/现行有效 where 2019
-- counted 新制作/新公开/对外公开总数.)

select
    item_code || '.' || measure_code          as disclosure_item_key,
    item_code,
    measure_code,
    block_zh,
    item_label_zh,
    item_label_en,
    measure_label_zh,
    measure_label_en,
    unit,
    in_2019,
    in_2021,
    array_remove(array[
        case when in_2019 then '2019' end,
        case when in_2021 then '2021' end
    ], null)                                  as eras,
    sort_order
from {{ ref('disclosure_items') }}
