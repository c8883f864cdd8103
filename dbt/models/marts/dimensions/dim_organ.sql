{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='organ_key',
    on_schema_change='append_new_columns',
    indexes=[{'columns': ['organ_key'], 'unique': True}],
) }}
-- Issuing organs (发布机关): every organ that published a report, plus the governments above them
-- (so parent_organ_key always points at a row of this table).
-- Key: md5 of the canonical name — stable across runs and across renamings listed in organ_aliases.
-- Incremental: an organ's row depends only on its name and the seeds, so a run classifies only the organs
-- that report for the first time (and their governments not listed yet); an organ listed before only as
-- a parent is replaced by its reporting row. The same rows as a full build — until organ_aliases or
-- regions change, or an organ's reports all move away (a parser upgrade): rebuild with --full-refresh.
-- Indexed on organ_key: every fact mart's organ_key is tested against it (relationships) and the
-- incremental delete matches on it — index lookups, whatever the marts' statistics say after a monthly run.

{%- set max_depth = 4 %}  {#- township → county → city → province #}

with reported_organs as (

    select distinct organ_name
    from {{ ref('int_report_documents_deduplicated') }}
    where organ_name is not null
    {%- if is_incremental() %}
    except
    select organ_name from {{ this }} where has_reports
    {%- endif %}

),

aliases as (

    select alias_name, organ_name from {{ ref('organ_aliases') }}

),

{% for depth in range(max_depth + 1) %}
names_{{ depth }} as (
    {% if depth == 0 -%}
    select organ_name from reported_organs
    {%- else -%}
    select distinct parent_organ_name as organ_name
    from classified_{{ depth - 1 }} as child
    where parent_organ_name is not null
    {%- for earlier in range(depth) %}
      -- not exists (an anti-join), not `not in`: a NOT IN over a large list is quadratic
      and not exists (select 1 from names_{{ earlier }} as known where known.organ_name = child.parent_organ_name)
    {%- endfor %}
    {%- if is_incremental() %}
      and not exists (select 1 from {{ this }} as listed where listed.organ_name = child.parent_organ_name)
    {%- endif %}
    {%- endif %}
),

classified_{{ depth }} as (

    select
        classified.*,
        -- the government an organ reports to: a department/office → its own region's government;
        -- a government → the government of the next region up
        coalesce(parent_alias.organ_name, parent.parent_name) as parent_organ_name
    from ({{ classify_organs('names_' ~ depth) }}) as classified
    cross join lateral (
        select case
            when classified.organ_kind <> 'government'
                then coalesce(classified.township_name, classified.county_name,
                              classified.city_name, classified.province_name) || '人民政府'
            when classified.organ_level = 'township'
                then coalesce(classified.county_name, classified.city_name) || '人民政府'
            when classified.organ_level = 'county'
                then coalesce(classified.city_name, classified.province_name) || '人民政府'
            when classified.organ_level = 'city'
                then classified.province_name || '人民政府'
        end as parent_name
    ) as parent
    left join aliases as parent_alias on parent_alias.alias_name = parent.parent_name

),
{% endfor %}

all_organs as (

    {% for depth in range(max_depth + 1) -%}
    select *, {{ depth == 0 }} as has_reports from classified_{{ depth }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

alias_lists as (

    select organ_name, array_agg(alias_name order by alias_name) as alias_names
    from aliases
    group by organ_name

),

regions as (

    select region_name, region_code from {{ ref('regions') }}

)

select
    md5(all_organs.organ_name)                                   as organ_key,
    all_organs.organ_name,
    all_organs.organ_level,
    all_organs.organ_kind,
    all_organs.province_name,
    all_organs.city_name,
    all_organs.county_name,
    all_organs.township_name,
    -- code of the most specific region that the regions seed knows
    coalesce(county_region.region_code, city_region.region_code, province_region.region_code) as region_code,
    case when all_organs.parent_organ_name <> all_organs.organ_name
         then md5(all_organs.parent_organ_name) end              as parent_organ_key,
    case when all_organs.parent_organ_name <> all_organs.organ_name
         then all_organs.parent_organ_name end                   as parent_organ_name,
    coalesce(alias_lists.alias_names, array[]::text[])           as alias_names,
    all_organs.has_reports
from all_organs
left join alias_lists on alias_lists.organ_name = all_organs.organ_name
left join regions as county_region on county_region.region_name = all_organs.county_name
left join regions as city_region on city_region.region_name = all_organs.city_name
left join regions as province_region on province_region.region_name = all_organs.province_name
