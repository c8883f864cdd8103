{#- Every key of the model is in its dimension: dbt's `relationships`, for several keys in one pass over the
    model's rows (a fact mart's new rows are read once, not once per key). `keys`: a list of
    {column, dimension (model name), field}. A failing row names the key column, the missing value and how
    many rows carry it. Each key's distinct values are looked up, not every row's: a monthly run's 150,000
    new facts carry about a thousand distinct keys. -#}
{% test keys_in_dimensions(model, keys) %}
with checked as materialized (

    select {% for key in keys %}{{ key.column }}{{ ", " if not loop.last }}{% endfor %}
    from {{ model }}

)
{% for key in keys %}
{{ "union all" if not loop.first }}
select '{{ key.column }}' as key_column, used.value::text as missing_value, used.rows_with_it
from (
    select {{ key.column }} as value, count(*) as rows_with_it
    from checked
    where {{ key.column }} is not null
    group by {{ key.column }}
) as used
where not exists (
    select 1 from {{ ref(key.dimension) }} as dimension where dimension.{{ key.field }} = used.value
)
{% endfor %}
{% endtest %}
