{#
  Reads an organ's place in the administration from its name (机关名称), e.g.
    江苏省人民政府            → province, government
    宿迁市政务服务管理办公室    → city, office, parent 宿迁市人民政府
    沈阳市苏家屯区人民政府      → county, government, parent 沈阳市人民政府
  The name is split into its region parts, each the SHORTEST prefix ending in a division suffix
  (省/自治区 · 市/州/盟 · 区/县/旗/市 · 乡/镇/街道); characters that start organ names (局 委 办 城 和 …) are
  excluded so 城乡建设局 or 市场监督管理局 are not mistaken for places. The `regions` seed adds what a name
  cannot say: codes, a city's province, and that 北京市/上海市/天津市/重庆市 are province-level.

  names_relation: a CTE/relation with one column `organ_name`. Returns a SELECT with the classification.
  The nested subqueries each end in `offset 0`: without it PostgreSQL inlines them and re-evaluates every
  earlier level's regular expressions for every reference (seconds instead of milliseconds for 10k names).
#}
{% macro classify_organs(names_relation) %}
    {%- set place = "[^省市区县旗乡镇局厅委办院所会署和城的]" -%}
    select
        named.organ_name,
        named.province_name,
        named.city_name,
        named.county_name,
        named.township_name,
        case
            when named.township_name is not null then 'township'
            when named.county_name is not null then 'county'
            when named.city_name is not null then 'city'
            when named.province_name is not null then 'province'
        end as organ_level,
        case
            when named.organ_name ~ '(办公室|办公厅|办)$' then 'office'
            when named.organ_name ~ '政府$' then 'government'
            when named.organ_name ~ '(局|委员会|委|厅|署|中心|院|所)$' then 'department'
            else 'other'
        end as organ_kind
    from (
        select
            split.organ_name,
            coalesce(split.province_part,
                     case when city_region.region_level = 'province' then split.city_part end,
                     city_region.parent_region_name,
                     county_parent.parent_region_name)                               as province_name,
            case when coalesce(city_region.region_level, 'city') <> 'province'
                 then coalesce(split.city_part, county_region.parent_region_name) end as city_name,
            split.county_part                                                        as county_name,
            split.township_part                                                      as township_name
        from (
            select
                parts.*,
                substring(parts.after_city from '^({{ place }}+?(?:乡|镇|街道))')   as township_part
            from (
                select
                    city_split.*,
                    coalesce(substring(city_split.after_province_rest from '^({{ place }}+?(?:区|县|旗|市))'), null) as county_part,
                    case
                        when substring(city_split.after_province_rest from '^({{ place }}+?(?:区|县|旗|市))') is not null
                        then substr(city_split.after_province_rest,
                                    length(substring(city_split.after_province_rest from '^({{ place }}+?(?:区|县|旗|市))')) + 1)
                        else city_split.after_province_rest
                    end as after_city
                from (
                    select
                        province_split.*,
                        substring(province_split.after_province from '^({{ place }}+?(?:市|州|盟))') as city_part,
                        substr(province_split.after_province,
                               coalesce(length(substring(province_split.after_province from '^({{ place }}+?(?:市|州|盟))')), 0) + 1)
                            as after_province_rest
                    from (
                        select
                            names.organ_name,
                            substring(names.organ_name from '^({{ place }}+?(?:省|自治区))') as province_part,
                            substr(names.organ_name,
                                   coalesce(length(substring(names.organ_name from '^({{ place }}+?(?:省|自治区))')), 0) + 1)
                                as after_province
                        from {{ names_relation }} as names
                        offset 0  {#- a fence: each level's regexes run once per name, not once per reference #}
                    ) as province_split
                    offset 0
                ) as city_split
                offset 0
            ) as parts
        ) as split
        left join {{ ref('regions') }} as city_region on city_region.region_name = split.city_part
        left join {{ ref('regions') }} as county_region on county_region.region_name = split.county_part
        left join {{ ref('regions') }} as county_parent on county_parent.region_name = county_region.parent_region_name
    ) as named
{% endmacro %}
