{{ config(materialized='table') }}
-- Report years from the first reports under the 2008 regulation to next year, with the format (era) a
-- report for that year is expected to use and its publication deadlines (条例第四十九条).

with years as (

    select generate_series(2008, greatest(
        extract(year from current_date)::integer + 1,
        (select coalesce(max(report_year), 2008) from {{ ref('int_report_documents_deduplicated') }})
    )) as report_year

)

select
    report_year,
    report_year || '年'                                    as label_zh,
    report_year::text                                      as label_en,
    case
        when report_year < 2019 then 'pre2019'
        when report_year < 2021 then '2019'
        else '2021'
    end                                                    as expected_era,
    case
        when report_year < 2019 then '2008年条例，各地自定统计表'
        when report_year < 2021 then '国办公开办函〔2019〕60号'
        else '国办公开办函〔2021〕30号'
    end                                                    as format_document_zh,
    case
        when report_year < 2019 then '2008 regulation, provincial statistics tables'
        when report_year < 2021 then 'State Council General Office letter [2019] No. 60'
        else 'State Council General Office letter [2021] No. 30'
    end                                                    as format_document_en,
    -- departments publish by 31 January, governments by 31 March of the following year
    make_date(report_year + 1, 1, 31)                      as department_deadline,
    make_date(report_year + 1, 3, 31)                      as government_deadline
from years
