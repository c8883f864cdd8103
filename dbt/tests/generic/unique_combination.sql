{#- The model's grain: no two rows share these columns (dbt's `unique` takes one column only). -#}
{% test unique_combination(model, combination) %}
    select {{ combination | join(', ') }}, count(*) as rows_with_this_key
    from {{ model }}
    group by {{ combination | join(', ') }}
    having count(*) > 1
{% endtest %}
