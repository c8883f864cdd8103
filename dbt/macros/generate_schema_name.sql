{#
  Use a model's custom schema exactly as written (`marts_staging`, not `marts_marts_staging`), and the
  target schema (`marts`) when none is set. dbt's default prefixes the target schema, which would hide
  the one schema BI users are granted behind a name that changes with the target.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
