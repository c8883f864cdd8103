-- One row per parsed document of the current parser version. Names are normalised lightly here (no
-- whitespace inside an organ name); anything that needs judgement happens in intermediate models.
-- (no CTE: see stg_facts)
select
    report_id,
    document_sha256,
    parser_version,
    parsed_at,
    source_url,
    portal,
    -- whitespace (incl. full-width and no-break spaces) is never part of an organ name
    nullif(regexp_replace(organ, '[\s\u3000\u00a0]+', '', 'g'), '') as organ_name,
    organ                                       as organ_name_printed,
    report_year::integer                        as report_year,
    coalesce(era, 'unknown')                    as era,
    script,
    published_on,
    report_json -> 'source' ->> 'media_type'    as media_type,
    title
from {{ source('staging', 'report') }}
where is_current
