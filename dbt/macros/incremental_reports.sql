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
  deletes the reports about to be rebuilt (by report_key, through its index); the model then appends their
  current rows (incremental_strategy 'append': dbt's delete+insert would look for rows to delete a second
  time). The model and the pre-hook compare with the same constant, read before anything is deleted, so
  they agree on the reports to rebuild. The grains stay unique (unique_combination tests in _facts.yml).

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


{#- `<column> > newest <column> already in this mart` (always true on a full build or an empty mart);
    `qualifier`: the alias of the relation the column is read from in the model's query, if any. -#}
{% macro changed_since_last_run(column='report_parsed_at', qualifier=none) -%}
    {%- set newest = watermark(column) -%}
    {%- if newest is none -%}
        true
    {%- else -%}
        {{ qualifier ~ '.' if qualifier }}{{ column }} > '{{ newest }}'::timestamptz
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


{#- How many reports this run rebuilds: those whose <column> is newer than this mart's newest (none on a
    full build). Read when the model runs, before the pre-hook deletes anything. -#}
{% macro count_reports_to_rebuild(column) -%}
    {%- set newest = watermark(column) -%}
    {%- if newest is none -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set result = run_query("select count(*) from " ~ ref('int_report_documents_deduplicated')
                               ~ " where " ~ column ~ " > '" ~ newest ~ "'::timestamptz") -%}
    {{- return(result.columns[0].values()[0]) -}}
{%- endmacro %}


{#- Pre-hook, first: when this run rebuilds few reports (a monthly run), make PostgreSQL look their rows up.
    It knows how many facts a report has (warehouse/statistics.py tells it), yet prices an index lookup
    as a read from disk, where the warehouse's pages are in memory, and so prefers hashing all 12 M facts
    to 1,000 reports' lookups (fct_applications: 1.5 s against 0.16 s). We know the number (counted here),
    so for this model's transaction (`set local`) nested loops — i.e. index lookups by report_id /
    report_key — are the only joins, and JIT compilation (≈1 s per statement, for plans that then run in
    milliseconds) is off. Above `incremental_few_reports` (default 10,000) the planner chooses as usual.
    Only for models whose joins go from the few reports into large tables: joins between sets of that size
    (mart_report_summary's per-report figures) become quadratic as nested loops. -#}
{% macro plan_for_few_reports(column='report_parsed_at') -%}
    {%- set changed = count_reports_to_rebuild(column) if execute and is_incremental() else none -%}
    {%- if changed is not none and changed <= var('incremental_few_reports', 10000) -%}
        set local enable_hashjoin = off; set local enable_mergejoin = off; set local jit = off
    {%- else -%}
        select 1  {#- a full build or a large increment: the planner's own choice #}
    {%- endif -%}
{%- endmacro %}


{#- Post-hook of the marts: fresh statistics when autovacuum's rule says they are stale (audit.statistics_stale,
    warehouse migration 0009; nianbao applies it itself, for a server whose autovacuum is off or late), right away —
    the next models' plans depend on them. A table built from scratch (a full build, every table model) has never
    been analyzed: analyzed now. An incremental run adds a few reports to a table analyzed before: analyzed again
    (≈0.5 s per mart) only once its changes since outgrow the rule, about every 10 %. Until then PostgreSQL believes
    a monthly run's reports are few rows at most — right in kind, and what the nested loops of the marts and the
    tests' joins need, as long as what they join to is indexed (hence dim_organ's index on organ_key: without it the
    relationships tests scanned dim_organ once per fact row, 70 s). -#}
{% macro analyze_if_stale() -%}
    {%- set relation = this.include(database=False) -%}
    do $analyze$ begin
        if audit.statistics_stale('{{ relation }}'::regclass) then
            analyze {{ relation }};
        end if;
    end $analyze$
{%- endmacro %}


{#- Post-hook of int_report_documents_deduplicated: on an incremental run, drop the documents that are no
    longer current and whose report has no current document left (the others were rebuilt already). -#}
{% macro delete_superseded_documents() -%}
    {%- if is_incremental() -%}
        delete from {{ this }} as built
        where not exists (
            select 1 from {{ ref('stg_reports') }} as documents where documents.report_id = built.report_id
        )
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}
