{#- Every key of the model is in its dimension: dbt's `relationships`, for several keys in one pass over the
    model's rows (a fact mart's new rows are read once, not once per key). `keys`: a list of
    {column, dimension (model name), field}. A failing row names the key column and the missing value. -#}
{% test keys_in_dimensions(model, keys) %}
with checked as materialized (

    select {% for key in keys %}{{ key.column }}{{ ", " if not loop.last }}{% endfor %}
    from {{ model }}

)
{% for key in keys %}
{{ "union all" if not loop.first }}
select '{{ key.column }}' as key_column, checked.{{ key.column }}::text as missing_value, count(*) as rows_with_it
from checked
where checked.{{ key.column }} is not null
  and not exists (
      select 1 from {{ ref(key.dimension) }} as dimension
      where dimension.{{ key.field }} = checked.{{ key.column }}
  )
group by checked.{{ key.column }}
{% endfor %}
{% endtest %}
