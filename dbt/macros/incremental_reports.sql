{#
  How the fact marts build incrementally.

  The unit of change is a REPORT (one organ × year, see int_report_documents_deduplicated): when any of its
  documents is (re)parsed, the report's primary document may change, so all of the report's rows are
  rebuilt. int_report_documents_deduplicated gives every report two timestamps:
    report_parsed_at   the newest parse of any document of the report;
    context_parsed_at  the newest of that and of the same organ's previous-year report — for marts that
                       compare a report with its previous year (cross-year rule, year-on-year change), which
                       must be redone when a late previous-year report arrives.
  Every fact mart stores the timestamp it depends on; a run rebuilds the reports whose timestamp is newer
  than the newest one the mart already holds (`changed_since_last_run`). The comparison is with a constant
  (not a list of keys) on purpose: PostgreSQL pushes it down through the intermediate views to an index
  scan of int_report_documents_deduplicated, so a monthly run reads only the new reports' facts.

  Rows that should disappear (a rule no longer breached after a re-parse) are removed by a pre-hook that
  deletes the reports about to be rebuilt; the model then inserts their current rows (delete+insert on the
  grain, which then finds nothing left to delete). The model and the pre-hook compare with the same
  constant, read before anything is deleted, so they agree on the reports to rebuild.

  Known limits: loads are assumed to commit in parsed_at order (the loader stamps parsed_at at load);
  a new parser version that reads a different organ or year for a document moves it to another report, and
  the old report's rows are dropped only by `dbt build --full-refresh` (run one after a parser upgrade).
#}

{#- The newest <column> this mart already holds, as a literal (or none on a full build). A literal, not a
    subquery: the planner then knows how few reports are new and looks their facts up by index. It is read
    when the model is compiled, i.e. before the pre-hook below deletes anything. -#}
{% macro watermark(column) -%}
    {%- if execute and is_incremental() -%}
        {%- set result = run_query("select max(" ~ column ~ ")::text from " ~ this) -%}
        {{- return(result.columns[0].values()[0]) -}}
    {%- endif -%}
    {{- return(none) -}}
{%- endmacro %}


{#- `<column> > newest <column> already in this mart` (always true on a full build or an empty mart). -#}
{% macro changed_since_last_run(column='report_parsed_at') -%}
    {%- set newest = watermark(column) -%}
    {%- if newest is none -%}
        true
    {%- else -%}
        {{ column }} > '{{ newest }}'::timestamptz
    {%- endif -%}
{%- endmacro %}


{#- Pre-hook: delete the rows of the reports this run rebuilds (see above). -#}
{% macro delete_reports_to_rebuild(column='report_parsed_at') -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where report_key in (
            select report_key from {{ ref('int_report_documents_deduplicated') }}
            where {{ changed_since_last_run(column) }}
        )
    {%- else -%}
        select 1  {#- nothing to delete on a full build -#}
    {%- endif -%}
{%- endmacro %}
