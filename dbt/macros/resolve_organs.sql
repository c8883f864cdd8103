{#
  Places an organ (机关) in the administration from its printed name and the portal it was published on:
    江苏省人民政府               → 320000 江苏省, province, government
    沈阳市苏家屯区人民政府         → 210111 苏家屯区, county, government
    上海市科学技术委员会           → 310000 上海市, province, department
    沭阳县发展和改革局             → 321322 沭阳县, county, department
    平潭综合实验区管委会办公室      → 350128 平潭县 (region_aliases), county, office
  The name's region part is a chain of division names read from its start — a province, then a division
  under it, then one under that — each any name a report may print for the division (dim_region.names:
  沈阳市, 沈阳市苏家屯区, 江苏, 平潭综合实验区). The chain that reads the most characters wins; a 乡/镇/街道 may
  follow it (level township, region its county). Where chains of the same length end in different divisions
  (朝阳区 is in Beijing and in Changchun), a division in the line of the portal's region (portal_regions,
  from the profiles) decides; otherwise the organ stays unplaced and `resolution_problem` says why:
  nothing is guessed.

  names_relation: a relation with columns `organ_name` and `portals` (text[]). Returns one row per name.
#}
{% macro resolve_organs(names_relation) %}
    {%- set place = "[^省市区县旗乡镇局厅委办院所会署和城的]" -%}
    {%- set longest_name = 20 -%}
    with names as (
        select organ_name, portals from {{ names_relation }}
    ),
    -- every name of every division, with the divisions above it (so that no step below joins regions again:
    -- the planner cannot estimate these derived rows, and a misjudged join costs minutes at 20,000 names)
    forms as (
        select named.name, named.region_code, named.government_name, region.parent_region_code, region.province_code
        from (
            select name, region_code, null::text as government_name from {{ ref('region_names') }}
            union all
            select alias_name, region_code, government_name from {{ ref('region_aliases') }}
        ) as named
        join {{ ref('regions') }} as region on region.region_code = named.region_code
    ),
    {%- for step in range(3) %}
    chain_{{ step }} as (
        select
            {%- if step == 0 %}
            names.organ_name,
            length(forms.name)                                    as consumed,
            {%- else %}
            previous.organ_name,
            previous.consumed + length(forms.name)                as consumed,
            {%- endif %}
            forms.region_code,
            forms.government_name,
            forms.parent_region_code,
            forms.province_code
        {%- if step == 0 %}
        from names
        cross join generate_series(2, {{ longest_name }}) as len
        join forms on forms.name = left(names.organ_name, len)
        where len <= length(names.organ_name)
        {%- else %}
        from chain_{{ step - 1 }} as previous
        cross join generate_series(2, {{ longest_name }}) as len
        join forms on forms.name = substr(previous.organ_name, previous.consumed + 1, len)
        where len <= length(previous.organ_name) - previous.consumed
          -- the next division lies under the one read before it
          and previous.region_code in (forms.parent_region_code, forms.province_code)
          and forms.region_code <> previous.region_code
        {%- endif %}
    ),
    {%- endfor %}
    chains as (
        select * from chain_0 union all select * from chain_1 union all select * from chain_2
    ),
    longest as (
        select distinct on (chains.organ_name, chains.region_code)
            chains.*, max(chains.consumed) over (partition by chains.organ_name) as best
        from chains
        order by chains.organ_name, chains.region_code, chains.consumed desc
    ),
    -- the regions of the portals each organ was published on (most organs: one portal, or none)
    portal_regions as (
        select names.organ_name, region.region_code, region.parent_region_code, region.province_code
        from names
        cross join lateral unnest(names.portals) as published(portal)
        join {{ ref('portal_regions') }} as portal on portal.portal = published.portal
        join {{ ref('regions') }} as region on region.region_code = portal.region_code
    ),
    candidates as (
        select
            longest.organ_name, longest.consumed, longest.region_code, longest.government_name,
            -- in line with a portal's region: the same division, one above it or one under it
            bool_or(portal_region.organ_name is not null) as on_portal
        from longest
        left join portal_regions as portal_region
            on portal_region.organ_name = longest.organ_name
           and (portal_region.region_code in (longest.region_code, longest.parent_region_code, longest.province_code)
                or longest.region_code in (portal_region.parent_region_code, portal_region.province_code))
        where longest.consumed = longest.best
        group by longest.organ_name, longest.consumed, longest.region_code, longest.government_name
    ),
    placed as (
        select
            organ_name,
            count(*)                                                     as candidate_count,
            count(*) filter (where on_portal)                            as on_portal_count,
            case when count(*) = 1 then min(region_code)
                 when count(*) filter (where on_portal) = 1 then min(region_code) filter (where on_portal)
            end                                                          as region_code,
            min(consumed)                                                as consumed,
            case when count(*) = 1 then min(government_name)
                 else min(government_name) filter (where on_portal) end  as alias_government_name,
            array_agg(region_code order by region_code)                  as candidate_codes
        from candidates
        group by organ_name
    ),
    split as (
        select
            names.organ_name,
            placed.region_code,
            placed.alias_government_name,
            case when placed.candidate_count > 1 and placed.region_code is null then placed.candidate_codes end
                                                                         as ambiguous_codes,
            left(names.organ_name, placed.consumed)                      as region_part,
            substring(substr(names.organ_name, placed.consumed + 1) from '^({{ place }}+?(?:乡|镇|街道))') as township_name,
            substr(names.organ_name, coalesce(placed.consumed, 0) + 1)   as after_region
        from names
        left join placed on placed.organ_name = names.organ_name
    ),
    classified as (
        select
            split.*,
            region.region_level,
            coalesce(split.alias_government_name, region.government_name) as region_government_name,
            -- what the name says after its region (and township): 人民政府, 发展和改革局, 管委会办公室…
            case
                when organ_part ~ '^(人民政府|政府|行政公署|管理委员会|管委会)$' then 'government'
                -- unplaced: still a government by its name's ending (合成市人民政府)
                when split.region_code is null and organ_part ~ '(人民政府|政府|行政公署)$' then 'government'
                when organ_part ~ '(办公室|办公厅|办)$' then 'office'
                when organ_part ~ '(局|委员会|委|厅|署|中心|院|所|队|站|馆|会)$' then 'department'
                else 'other'
            end                                                          as organ_kind,
            organ_part
        from split
        cross join lateral (
            select case when split.township_name is not null
                        then substr(split.after_region, length(split.township_name) + 1)
                        else split.after_region end as organ_part
        ) as rest
        left join {{ ref('dim_region') }} as region on region.region_code = split.region_code
    )
    select
        organ_name,
        region_code,
        case when township_name is not null then 'township' else region_level end as organ_level,
        organ_kind,
        township_name,
        region_part || coalesce(township_name, '')                       as printed_region,
        region_government_name,
        case
            when ambiguous_codes is not null
                then 'ambiguous region: ' || array_to_string(ambiguous_codes, ', ')
                     || ' (the portal''s region, if any, does not decide)'
            when region_code is null then 'no division name of dim_region at the start of the name'
            when organ_kind = 'other' then 'kind of organ not recognised: ' || organ_part
        end                                                              as resolution_problem
    from classified
{% endmacro %}
