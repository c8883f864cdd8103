{#- received + carried over = processed + carried forward, where all four are stated (rule 1). Used as a
    warning-only test: governments' tables break it, fct_rule_findings lists them. -#}
{% test balances(model) %}
    select *
    from {{ model }}
    where received is not null and carried_over is not null
      and processed is not null and carried_forward is not null
      and received + carried_over <> processed + carried_forward
{% endtest %}
