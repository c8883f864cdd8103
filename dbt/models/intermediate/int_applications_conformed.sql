-- Table 三 of every report on ONE vocabulary (the row and column codes of shared/contract/report-json.md),
-- whatever its era:
--   * 2019 and pre-2019 rows keep their codes (a pre-2019 统计表 maps onto the same codes in the parser and
--     usually fills only `total`; group totals `denied`/`unavailable`/`rejected` stay group rows);
--   * 2021 on: （六）其他处理 is printed as three sub-rows; `other` is their sum when all are printed, so
--     `other` means the same in every era (the printed `other` is kept when the sub-rows are incomplete);
--   * a report without table 三 (prose only, e.g. seed 004) gets the figures its narrative states, mapped
--     onto the same row codes in column `total`. A narrative figure never overrides a table.
-- Grain: report × row_code × col_code, primary document only. value null = not printed (never guessed).
--
-- CTEs are NOT MATERIALIZED so that a filter on report_parsed_at / context_parsed_at from an incremental
-- mart reaches the index of int_report_documents_deduplicated in every branch below.

with primary_documents as not materialized (

    select report_key, report_id, organ_key, report_year, era, report_parsed_at, context_parsed_at,
           has_applications_table
    from {{ ref('int_report_documents_deduplicated') }}
    where is_primary

),

facts as not materialized (

    select report_id, table_name, row_code, col_code, value
    from {{ ref('stg_facts') }}

),

table_cells as not materialized (

    select
        primary_documents.report_key, primary_documents.report_id, primary_documents.organ_key,
        primary_documents.report_year, primary_documents.era, primary_documents.report_parsed_at,
        primary_documents.context_parsed_at, facts.row_code, facts.col_code, facts.value
    from primary_documents
    inner join facts
        on facts.report_id = primary_documents.report_id
        and facts.table_name = 'applications'

),

-- （六）其他处理's sub-rows, as the vocabulary names them (the outcomes seed)
other_sub_rows as (

    select outcome_code as row_code
    from {{ ref('outcomes') }}
    where category_code = 'other' and outcome_level = 'reason'

),

other_from_sub_rows as not materialized (

    select
        report_key, report_id, organ_key, report_year, era, report_parsed_at, context_parsed_at,
        'other' as row_code,
        col_code,
        sum(value) as value
    from table_cells
    where row_code in (select row_code from other_sub_rows)
    group by report_key, report_id, organ_key, report_year, era, report_parsed_at, context_parsed_at, col_code
    -- only when every sub-row is printed: a missing sub-row is unknown, not zero
    having count(value) = (select count(*) from other_sub_rows)

),

-- prose figure → the table cell with the same meaning (report-json.md § narrative)
narrative_to_row (narrative_key, row_code) as (

    values
        ('applications_received', 'new_received'),
        ('applications_carried_over', 'carried_over'),
        ('applications_processed', 'total_processed'),
        ('applications_carried_forward', 'carried_forward'),
        ('granted', 'granted'),
        ('partially_granted', 'partially_granted'),
        ('denied', 'denied'),
        ('unavailable', 'unavailable'),
        ('rejected', 'rejected'),
        ('other', 'other')

)

select
    table_cells.report_key, table_cells.report_id, table_cells.organ_key, table_cells.report_year,
    table_cells.era, table_cells.report_parsed_at, table_cells.context_parsed_at,
    table_cells.row_code, table_cells.col_code, table_cells.value,
    'table' as value_source
from table_cells
-- a printed `other` gives way to the sum of its sub-rows (in any era whose format prints them)
where not (
    table_cells.row_code = 'other'
    and (select count(*) from other_sub_rows) = (
        select count(sub_rows.value)
        from facts as sub_rows
        where sub_rows.report_id = table_cells.report_id
          and sub_rows.table_name = 'applications'
          and sub_rows.row_code in (select row_code from other_sub_rows)
          and sub_rows.col_code = table_cells.col_code
    )
)

union all

select
    report_key, report_id, organ_key, report_year, era, report_parsed_at, context_parsed_at,
    row_code, col_code, value,
    'table_sub_rows' as value_source
from other_from_sub_rows

union all

select
    primary_documents.report_key, primary_documents.report_id, primary_documents.organ_key,
    primary_documents.report_year, primary_documents.era, primary_documents.report_parsed_at,
    primary_documents.context_parsed_at,
    narrative_to_row.row_code, 'total' as col_code, facts.value,
    'narrative' as value_source
from primary_documents
inner join facts
    on facts.report_id = primary_documents.report_id
    and facts.table_name = 'narrative'
inner join narrative_to_row on narrative_to_row.narrative_key = facts.row_code
-- only for reports without table 三
where not primary_documents.has_applications_table
