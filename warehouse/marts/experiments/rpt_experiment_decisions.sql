{#-
  The decision hint of every experiment, decided in the warehouse from its health flags and the
  corrected significance of its primary metrics on the last day (overall), once per analysis so the
  report's CUPED toggle keeps its own hint. Rule, first match wins:
    sample-ratio mismatch          -> fix_assignment
    an arm with too few users      -> keep_running_too_few_users
    a primary metric significantly down (p_value_adjusted < alpha) -> dont_ship (the largest drop)
    a primary metric significantly up                               -> ship (the largest gain)
    not finished yet               -> keep_running
    otherwise                      -> no_effect
-#}

with experiments as (
    select * from {{ ref('dim_experiments') }}
),

analyses as (
    select * from (values ('cuped'), ('unadjusted')) as analyses (analysis)
),

primary_results as (
    select
        results.analysis,
        results.experiment_id,
        results.variant_id,
        results.variant_name,
        results.metric_id,
        metrics.label as metric_label,
        metrics.sort_order,
        results.relative_lift,
        results.error_message is null and results.p_value_adjusted < results.alpha as is_significant
    from {{ ref('fct_experiment_results') }} as results
    inner join experiments
        on results.experiment_id = experiments.experiment_id and results.day_index = experiments.last_day_index
    inner join {{ ref('dim_experiment_metrics') }} as metrics on results.metric_id = metrics.metric_id
    where results.dimension_name = 'overall' and metrics.is_primary
),

ranked as (
    select
        *,
        row_number() over (
            partition by analysis, experiment_id, relative_lift < 0
            order by abs(relative_lift) desc, sort_order, variant_id
        ) as rank_in_direction
    from primary_results
    where is_significant and relative_lift != 0
),

worst_loss as (
    select * from ranked where relative_lift < 0 and rank_in_direction = 1
),

best_gain as (
    select * from ranked where relative_lift > 0 and rank_in_direction = 1
),

decided as (
    select
        analyses.analysis,
        experiments.experiment_id,
        case
            when experiments.has_srm then 'fix_assignment'
            when experiments.is_too_few_users then 'keep_running_too_few_users'
            when worst_loss.experiment_id is not null then 'dont_ship'
            when best_gain.experiment_id is not null then 'ship'
            when experiments.status != 'finished' then 'keep_running'
            else 'no_effect'
        end as decision,
        worst_loss.variant_id as loss_variant_id,
        worst_loss.variant_name as loss_variant_name,
        worst_loss.metric_id as loss_metric_id,
        worst_loss.metric_label as loss_metric_label,
        worst_loss.relative_lift as loss_relative_lift,
        best_gain.variant_id as gain_variant_id,
        best_gain.variant_name as gain_variant_name,
        best_gain.metric_id as gain_metric_id,
        best_gain.metric_label as gain_metric_label,
        best_gain.relative_lift as gain_relative_lift
    from experiments
    cross join analyses
    left join worst_loss
        on experiments.experiment_id = worst_loss.experiment_id and analyses.analysis = worst_loss.analysis
    left join best_gain
        on experiments.experiment_id = best_gain.experiment_id and analyses.analysis = best_gain.analysis
),

final as (
    select
        analysis,
        experiment_id,
        decision,
        case decision when 'dont_ship' then loss_variant_id when 'ship' then gain_variant_id end
            as decision_variant_id,
        case decision when 'dont_ship' then loss_variant_name when 'ship' then gain_variant_name end
            as decision_variant_name,
        case decision when 'dont_ship' then loss_metric_id when 'ship' then gain_metric_id end
            as decision_metric_id,
        case decision when 'dont_ship' then loss_metric_label when 'ship' then gain_metric_label end
            as decision_metric_label,
        case decision when 'dont_ship' then loss_relative_lift when 'ship' then gain_relative_lift end
            as decision_relative_lift
    from decided
)

select * from final
