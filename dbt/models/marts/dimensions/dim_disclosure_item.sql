{{ config(materialized='table') }}
-- Proactive disclosure (table 二): item × measure, with the eras whose format prints it.
-- (The 2019 format's （九）项 政府集中采购 is gone in 2021; 2021 counts 制发/废止/现行有效 where 2019
-- counted 新制作/新公开/对外公开总数.)

with printed_in as (

    select
        item_eras.item_code,
        item_eras.measure_code,
        array_agg(item_eras.era_code order by eras.sort_order) as eras
    from {{ ref('disclosure_item_eras') }} as item_eras
    inner join {{ ref('eras') }} as eras on eras.era_code = item_eras.era_code
    group by item_eras.item_code, item_eras.measure_code

)

select
    items.item_code || '.' || items.measure_code  as disclosure_item_key,
    items.item_code,
    items.measure_code,
    items.block_zh,
    items.item_label_zh,
    items.item_label_en,
    items.measure_label_zh,
    items.measure_label_en,
    items.unit,
    coalesce(printed_in.eras, array[]::text[])     as eras,
    items.sort_order
from {{ ref('disclosure_items') }} as items
left join printed_in
    on printed_in.item_code = items.item_code and printed_in.measure_code = items.measure_code
