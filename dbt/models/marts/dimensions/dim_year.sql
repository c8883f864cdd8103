{{ config(materialized='table') }}
-- Report years from the first reports under the 2008 regulation to next year, with the format (era) a
-- report for that year is expected to use and its publication deadlines (条例第四十九条). The eras and
-- their first years are the `eras` seed (generated from parsers/vocabulary.py).

with years as (

    select generate_series(
        (select min(first_year) from {{ ref('eras') }}),
        greatest(
            extract(year from current_date)::integer + 1,
            (select max(report_year) from {{ ref('int_report_documents_deduplicated') }})
        )
    ) as report_year

)

select
    years.report_year,
    years.report_year || '年'                              as label_zh,
    years.report_year::text                                as label_en,
    expected.era_code                                      as expected_era,
    expected.document_zh                                   as format_document_zh,
    expected.document_en                                   as format_document_en,
    -- departments publish by 31 January, governments by 31 March of the following year
    make_date(years.report_year + 1, 1, 31)                as department_deadline,
    make_date(years.report_year + 1, 3, 31)                as government_deadline
from years
cross join lateral (
    -- the newest format whose first year is not after the report year
    select eras.era_code, eras.document_zh, eras.document_en
    from {{ ref('eras') }} as eras
    where eras.first_year <= years.report_year
    order by eras.first_year desc
    limit 1
) as expected
