{#-
  The role of every metric in every experiment: goal (decides ship / don't ship), secondary (shown,
  decides nothing) or guardrail (must not get worse; a breach stops a ship). Defaults come from each
  metric's `role` in var experiment_metrics; var experiment_settings configures an experiment:
  naming its `goal` (or `guardrail`) metrics demotes the other default goals (guardrails) to secondary,
  and `non_inferiority_margins` set a guardrail's margin (else the metric's default margin).
  The primary metric (is_primary) is the experiment's first goal: the first of its configured `goal` list,
  else the first default goal in var experiment_metrics order. It alone heads the list and decides a ship.
-#}

{%- set metrics = var('experiment_metrics') -%}
{%- set settings = var('experiment_settings') or {} -%}
{%- set known = metrics | map(attribute='metric_id') | list -%}
{%- set rows = [] -%}
{%- for experiment_id, setting in settings.items() -%}
{%- for role in ['goal', 'secondary', 'guardrail'] -%}
{%- for metric_id in setting.get(role, []) -%}
{%- if metric_id not in known -%}
                {{ exceptions.raise_compiler_error("var experiment_settings: " ~ experiment_id ~ " names metric '"
                    ~ metric_id ~ "', which var experiment_metrics does not define (" ~ known | join(', ') ~ ")") }}
            {%- endif -%}
            {%- do rows.append((experiment_id, metric_id, role,
                                setting.get('non_inferiority_margins', {}).get(metric_id), loop.index)) -%}
{%- endfor -%}
{%- endfor -%}
{%- endfor %}

with experiments as (
    select experiment_id from {{ ref('dim_experiments') }}
),

metrics as (
    select * from {{ ref('dim_experiment_metrics') }}
),

configured as (
    {%- if rows %}
    select configured.* from (
        values
        {%- for row in rows %}
        (
            '{{ row[0] }}', '{{ row[1] }}', '{{ row[2] }}',
            {{ 'cast(null as double)' if row[3] is none else 'cast(' ~ row[3] ~ ' as double)' }},
            {{ row[4] }}
        ){% if not loop.last %},{% endif %}
        {%- endfor %}
    ) as configured (experiment_id, metric_id, role, non_inferiority_margin, configured_order)
    {%- else %}
    select
        cast(null as string) as experiment_id,
        cast(null as string) as metric_id,
        cast(null as string) as role,
        cast(null as double) as non_inferiority_margin,
        cast(null as integer) as configured_order
    where false
    {%- endif %}
),

configured_roles as (
    select
        experiment_id,
        bool_or(role = 'goal') as names_goals,
        bool_or(role = 'guardrail') as names_guardrails
    from configured
    group by experiment_id
),

roles as (
    select
        experiments.experiment_id,
        metrics.metric_id,
        metrics.label as metric_label,
        case
            when configured.role is not null then configured.role
            when
                metrics.default_role = 'goal' and coalesce(configured_roles.names_goals, false)
                then 'secondary'
            when metrics.default_role = 'guardrail' and coalesce(configured_roles.names_guardrails, false)
                then 'secondary'
            else metrics.default_role
        end as role,
        configured.configured_order,
        metrics.desired_direction,
        configured.non_inferiority_margin as configured_margin,
        metrics.non_inferiority_margin as default_margin,
        metrics.sort_order
    from experiments
    cross join metrics
    left join configured
        on experiments.experiment_id = configured.experiment_id and metrics.metric_id = configured.metric_id
    left join configured_roles on experiments.experiment_id = configured_roles.experiment_id
),

final as (
    select
        experiment_id,
        metric_id,
        metric_label,
        role,
        desired_direction,
        case when role = 'guardrail' then coalesce(configured_margin, default_margin) end
            as non_inferiority_margin,
        cast(case role when 'goal' then 1 when 'guardrail' then 2 else 3 end as integer) as role_order,
        sort_order,
        coalesce(role = 'goal' and row_number() over (
            partition by experiment_id
            order by role = 'goal' desc, configured_order asc nulls last, sort_order asc
        ) = 1, false) as is_primary
    from roles
)

select * from final
