{#
  How the fact marts build incrementally.

  The unit of change is a REPORT (one organ × year, see int_report_documents_deduplicated): when any of its
  documents is (re)parsed, the report's primary document may change, so all of the report's rows are
  rebuilt. Every fact mart stores `report_parsed_at` (the newest parse of any document of the report); a
  run rebuilds the reports whose report_parsed_at is newer than the newest one the mart already holds.

  Models that compare a report with the same organ's previous year (cross-year rule, year-on-year change)
  also rebuild the NEXT year's report of every changed report: a late previous-year report changes them.

  Rows that should disappear (a rule no longer breached after a re-parse) are removed by a pre-hook that
  deletes the reports about to be rebuilt; the model then inserts their current rows (delete+insert on the
  grain). If the pre-hook's delete lowers the mart's newest report_parsed_at, the model simply rebuilds a
  few more reports than needed: the result is the same.

  Known limit: a new parser version that reads a different organ or year for a document moves it to another
  report; the old report's rows are only dropped by `dbt build --full-refresh` (run one after a parser upgrade).
#}

{% macro reports_to_rebuild(include_next_year=false) -%}
    {%- set documents = ref('int_report_documents_deduplicated') -%}
    {%- set watermark -%}
        (select coalesce(max(report_parsed_at), '-infinity'::timestamptz) from {{ this }})
    {%- endset -%}
    select changed.report_key
    from {{ documents }} as changed
    where changed.report_parsed_at > {{ watermark }}
    {%- if include_next_year %}
    union
    select next_year.report_key
    from {{ documents }} as changed
    inner join {{ documents }} as next_year
        on next_year.organ_key = changed.organ_key
        and next_year.report_year = changed.report_year + 1
    where changed.report_parsed_at > {{ watermark }}
    {%- endif %}
{%- endmacro %}


{% macro delete_reports_to_rebuild(include_next_year=false) -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where report_key in ({{ reports_to_rebuild(include_next_year) }})
    {%- else -%}
        select 1  {#- nothing to delete on a full build -#}
    {%- endif -%}
{%- endmacro %}
