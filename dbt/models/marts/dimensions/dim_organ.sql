{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='organ_key',
    on_schema_change='append_new_columns',
    indexes=[{'columns': ['organ_key'], 'unique': True}],
) }}
-- Issuing organs (发布机关): every organ that published a report, plus the governments above them
-- (so parent_organ_key always points at a row of this table).
-- Each organ is placed by macros/resolve_organs.sql: its region (dim_region, GB/T 2260), level and kind,
-- from its printed name and its portal. An organ it cannot place keeps a null region and says why in
-- resolution_problem (listed in fct_organ_findings): nothing is guessed.
-- Key: md5 of the canonical name — stable across runs and across renamings listed in organ_aliases.
-- Incremental: an organ's row depends only on its name, its portals and the seeds, so a run places only the
-- organs that report for the first time (and their governments not listed yet); an organ listed before only
-- as a parent is replaced by its reporting row. The same rows as a full build — until organ_aliases or the
-- region seeds change, or an organ's reports all move away (a parser upgrade): rebuild with --full-refresh.
-- Indexed on organ_key: every fact mart's organ_key is tested against it (relationships) and the
-- incremental delete matches on it — index lookups, whatever the marts' statistics say after a monthly run.

{%- set max_depth = 4 %}  {#- township department → township → county → prefecture → province #}

with reported_organs as (

    select organ_name, array_agg(distinct portal) filter (where portal is not null) as portals
    from {{ ref('int_report_documents_deduplicated') }} as documents
    where organ_name is not null
    {%- if is_incremental() %}
      and not exists (
          select 1 from {{ this }} as listed
          where listed.organ_name = documents.organ_name and listed.has_reports
      )
    {%- endif %}
    group by organ_name

),

aliases as (

    select alias_name, organ_name from {{ ref('organ_aliases') }}

),

regions as (

    select * from {{ ref('dim_region') }}

),

placed_0 as (

    {{ resolve_organs('reported_organs') }}

),

{% for depth in range(max_depth + 1) %}
{% if depth > 0 -%}
-- the governments above the organs of the level below, not listed yet: placed by their child, not re-read
placed_{{ depth }} as (

    select distinct on (child.parent_organ_name)
        child.parent_organ_name        as organ_name,
        child.parent_region_code       as region_code,
        child.parent_level             as organ_level,
        'government'                   as organ_kind,
        child.parent_township_name     as township_name,
        null::text                     as printed_region,
        region.government_name         as region_government_name,
        null::text                     as resolution_problem
    from with_parent_{{ depth - 1 }} as child
    inner join regions as region on region.region_code = child.parent_region_code
    where child.parent_organ_name is not null
    {%- for earlier in range(depth) %}
      -- not exists (an anti-join), not `not in`: a NOT IN over a large list is quadratic
      and not exists (select 1 from placed_{{ earlier }} as known where known.organ_name = child.parent_organ_name)
    {%- endfor %}
    {%- if is_incremental() %}
      and not exists (select 1 from {{ this }} as listed where listed.organ_name = child.parent_organ_name)
    {%- endif %}
    order by child.parent_organ_name, child.parent_region_code

),
{%- endif %}

with_parent_{{ depth }} as (

    select
        placed.*,
        -- the government an organ reports to: a department/office → its own region's (or township's)
        -- government; a township government → its county's; a government → the next region up's
        coalesce(parent_alias.organ_name, parent.parent_name) as parent_organ_name,
        parent.parent_region_code,
        parent.parent_level,
        parent.parent_township_name
    from placed_{{ depth }} as placed
    left join regions as region on region.region_code = placed.region_code
    left join regions as up on up.region_code = region.parent_region_code
    cross join lateral (
        select
            case
                when placed.region_code is null then null
                when placed.organ_kind <> 'government' and placed.township_name is not null
                    then placed.printed_region || '人民政府'
                when placed.organ_kind <> 'government' or placed.organ_level = 'township'
                    then placed.region_government_name
                else up.government_name
            end as parent_name,
            case when placed.organ_kind <> 'government' or placed.organ_level = 'township'
                 then placed.region_code else up.region_code end as parent_region_code,
            case when placed.organ_kind <> 'government' then placed.organ_level
                 when placed.organ_level = 'township' then region.region_level
                 else up.region_level end as parent_level,
            case when placed.organ_kind <> 'government' then placed.township_name end as parent_township_name
    ) as parent
    left join aliases as parent_alias on parent_alias.alias_name = parent.parent_name

),
{% endfor %}

all_organs as (

    {% for depth in range(max_depth + 1) -%}
    select *, {{ depth == 0 }} as has_reports from with_parent_{{ depth }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

alias_lists as (

    select organ_name, array_agg(alias_name order by alias_name) as alias_names
    from aliases
    group by organ_name

)

select
    md5(all_organs.organ_name)                                   as organ_key,
    all_organs.organ_name,
    all_organs.organ_level,
    all_organs.organ_kind,
    region.province_name,
    case when region.region_level = 'prefecture' then region.region_name
         when up.region_level = 'prefecture' then up.region_name end as city_name,
    case when region.region_level = 'county' then region.region_name end as county_name,
    all_organs.township_name,
    all_organs.region_code,
    case when all_organs.parent_organ_name <> all_organs.organ_name
         then md5(all_organs.parent_organ_name) end              as parent_organ_key,
    case when all_organs.parent_organ_name <> all_organs.organ_name
         then all_organs.parent_organ_name end                   as parent_organ_name,
    coalesce(alias_lists.alias_names, array[]::text[])           as alias_names,
    all_organs.has_reports,
    region.province_code,
    all_organs.resolution_problem
from all_organs
left join regions as region on region.region_code = all_organs.region_code
left join regions as up on up.region_code = region.parent_region_code
left join alias_lists on alias_lists.organ_name = all_organs.organ_name
