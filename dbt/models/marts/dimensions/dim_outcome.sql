{{ config(materialized='table') }}
-- How an application was handled: table 三's outcome hierarchy, category → reason, with the eras in
-- which each member is printed (pre-2019 reports and prose state only the categories).

with printed_in as (

    select
        outcome_eras.outcome_code,
        array_agg(outcome_eras.era_code order by eras.sort_order) as eras
    from {{ ref('outcome_eras') }} as outcome_eras
    inner join {{ ref('eras') }} as eras on eras.era_code = outcome_eras.era_code
    group by outcome_eras.outcome_code

)

select
    outcomes.outcome_code,
    outcomes.outcome_level,
    outcomes.category_code,
    outcomes.label_zh,
    outcomes.label_en,
    outcomes.category_label_zh,
    outcomes.category_label_en,
    coalesce(printed_in.eras, array[]::text[])  as eras,
    outcomes.sort_order
from {{ ref('outcomes') }} as outcomes
left join printed_in on printed_in.outcome_code = outcomes.outcome_code
