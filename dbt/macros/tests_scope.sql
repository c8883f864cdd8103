{#
  What a monthly build's data tests check: the rows of the reports parsed since the last successful build was
  planned — the reports that build may not have seen, and so the ones this build added or rebuilt.

  dbt_project.yml gives the data tests of the intermediate and fact models the `where` condition
  `report_parsed_at > __last_build_planned__` when the variable `test_new_reports_only` is true (every pipeline
  build's vars, nianbao/dbt_builds.py). Every row of a report carries the report's report_parsed_at, and every
  grain these tests check (unique combinations, keys in dimensions, accepted values) is per report or per row,
  so what they check of the new reports is checked in full. A full refresh (`--full-refresh`, read when the
  test runs) tests every row: the pipeline gives every build the same vars, so that dbt keeps its parse of the
  project from one build to the next; a build by hand without the variable tests every row too.

  The placeholder becomes a literal when the test runs (audit.dbt_build.planned_at, written by
  nianbao.dbt_builds.record_build), not a subquery: with a constant PostgreSQL knows how few rows qualify and
  reads them through the index on report_parsed_at instead of scanning millions. No build logged with its
  plan time (a new warehouse, a build made before migration 0007): every row.

  dbt calls get_where_subquery for the model a generic test reads; this is dbt's own macro, with the
  placeholder filled in.
#}

{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where') -%}
    {%- if where and '__last_build_planned__' in where -%}
        {%- if flags.FULL_REFRESH -%}
            {%- do return(relation) -%}  {#- a full refresh rebuilt every row: it tests every row -#}
        {%- endif -%}
        {%- set where = where | replace('__last_build_planned__', last_build_planned()) -%}
    {%- endif -%}
    {%- if where -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery') -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}


{#- When the last successful build was planned, as a timestamptz literal ('-infinity' when none is logged). -#}
{% macro last_build_planned() -%}
    {%- if not execute -%}
        {%- do return("'-infinity'::timestamptz") -%}
    {%- endif -%}
    {%- set result = run_query(
        "select coalesce(max(planned_at), '-infinity'::timestamptz)::text from audit.dbt_build"
    ) -%}
    {%- do return("'" ~ result.columns[0].values()[0] ~ "'::timestamptz") -%}
{%- endmacro %}
