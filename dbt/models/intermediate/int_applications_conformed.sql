-- Table 三 of every report on ONE vocabulary (the row and column codes of shared/contract/report-json.md),
-- whatever its era:
--   * 2019 and pre-2019 rows keep their codes (a pre-2019 统计表 maps onto the same codes in the parser and
--     usually fills only `total`; group totals `denied`/`unavailable`/`rejected` stay group rows);
--   * 2021: （六）其他处理 is printed as three sub-rows; `other` is their sum when all three are printed, so
--     `other` means the same in every era (the printed `other` is kept when the sub-rows are incomplete);
--   * a report without table 三 (prose only, e.g. seed 004) gets the figures its narrative states, mapped
--     onto the same row codes in column `total`. A narrative figure never overrides a table.
-- Grain: report × row_code × col_code, primary document only. value null = not printed (never guessed).

with primary_documents as (

    select report_key, report_id, era
    from {{ ref('int_report_documents_deduplicated') }}
    where is_primary

),

facts as (

    select report_id, table_name, row_code, col_code, value
    from {{ ref('stg_facts') }}
    where table_name in ('applications', 'narrative')

),

table_cells as (

    select
        primary_documents.report_key,
        primary_documents.report_id,
        primary_documents.era,
        facts.row_code,
        facts.col_code,
        facts.value
    from primary_documents
    inner join facts
        on facts.report_id = primary_documents.report_id
        and facts.table_name = 'applications'

),

other_from_sub_rows as (

    select
        report_key,
        report_id,
        era,
        'other' as row_code,
        col_code,
        sum(value) as value
    from table_cells
    where row_code in ('other_no_correction', 'other_unpaid_fee', 'other_misc')
    group by report_key, report_id, era, col_code
    -- only when every sub-row is printed: a missing sub-row is unknown, not zero
    having count(value) = 3

),

table_conformed as (

    select
        table_cells.report_key,
        table_cells.report_id,
        table_cells.era,
        table_cells.row_code,
        table_cells.col_code,
        table_cells.value,
        'table' as value_source
    from table_cells
    where not (
        table_cells.row_code = 'other'
        and exists (
            select 1 from other_from_sub_rows
            where other_from_sub_rows.report_key = table_cells.report_key
              and other_from_sub_rows.col_code = table_cells.col_code
        )
    )

    union all

    select report_key, report_id, era, row_code, col_code, value, 'table_sub_rows' as value_source
    from other_from_sub_rows

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

),

narrative_conformed as (

    select
        primary_documents.report_key,
        primary_documents.report_id,
        primary_documents.era,
        narrative_to_row.row_code,
        'total' as col_code,
        facts.value,
        'narrative' as value_source
    from primary_documents
    inner join facts
        on facts.report_id = primary_documents.report_id
        and facts.table_name = 'narrative'
    inner join narrative_to_row
        on narrative_to_row.narrative_key = facts.row_code
    where not exists (
        select 1 from table_cells
        where table_cells.report_key = primary_documents.report_key
    )

)

select * from table_conformed
union all
select * from narrative_conformed
