{#-
  One row per experiment x analysis: what the list and the report say about it, decided here from
  dim_experiments' health flags, the metric roles of dim_experiment_metric_roles and the one
  significance rule of fct_experiment_results (is_significant: corrected p below alpha; good or bad
  news by the metric's desired direction), on the last day, overall. Decision, first match wins:
    sample-ratio mismatch                     -> fix_assignment
    an arm with too few users                 -> keep_running_too_few_users
    a guardrail significantly worse           -> dont_ship_guardrail (the largest breach)
    a goal metric significantly worse         -> dont_ship (the largest drop)
    the primary metric significantly better, but a guardrail of that variant with a margin not shown
    non-inferior (its interval still allows a drop beyond the margin) -> guardrail_unproven
    the primary metric significantly better   -> ship (the largest gain)
    not finished yet                          -> keep_running
    otherwise                                 -> no_effect
  One primary metric per experiment (dim_experiment_metric_roles.is_primary, its first goal) decides a
  ship and heads the list, so the two never name different metrics; other goals can still stop a ship.
  Triage columns: the headline result (the primary metric; the variant the ship names, else the one with
  the highest chance to win, then the larger lift), days running and the power status of that headline
  comparison (ready once it is significant under the corrected rule or can detect the experiment's
  target lift with 80% power; underpowered otherwise). The headline's interval is the adjusted one
  (relative_ci_*_adjusted), which excludes 0 exactly when the result is significant under that rule.
-#}

with experiments as (
    select * from {{ ref('dim_experiments') }}
),

analyses as (
    select analyses.analysis from (values ('cuped'), ('unadjusted')) as analyses (analysis)
),

last_day as (
    select
        results.analysis,
        results.experiment_id,
        results.variant_id,
        results.variant_name,
        results.metric_id,
        roles.metric_label,
        roles.role,
        roles.sort_order,
        roles.is_primary,
        results.relative_lift,
        results.relative_ci_lower,
        results.relative_ci_upper,
        results.relative_ci_lower_adjusted,
        results.relative_ci_upper_adjusted,
        results.chance_to_win,
        results.p_value_adjusted,
        results.is_significant,
        results.is_good_news,
        results.is_bad_news,
        results.minimum_detectable_effect,
        results.is_non_inferior,
        results.non_inferiority_margin,
        results.error_message
    from {{ ref('fct_experiment_results') }} as results
    inner join experiments
        on results.experiment_id = experiments.experiment_id
        and results.day_index = experiments.last_day_index
    inner join {{ ref('dim_experiment_metric_roles') }} as roles
        on results.experiment_id = roles.experiment_id and results.metric_id = roles.metric_id
    where results.dimension_name = 'overall'
),

ranked as (
    select
        *,
        row_number() over (
            partition by analysis, experiment_id, role, is_good_news
            order by abs(relative_lift) desc, sort_order, variant_id asc
        ) as rank_in_kind
    from last_day
    where is_significant
),

guardrail_breach as (
    select * from ranked
    where role = 'guardrail' and is_bad_news and rank_in_kind = 1
),

goal_loss as (
    select * from ranked
    where role = 'goal' and is_bad_news and rank_in_kind = 1
),

goal_gain as (
    select * from (
        select
            *,
            row_number() over (
                partition by analysis, experiment_id order by abs(relative_lift) desc, variant_id asc
            ) as gain_rank
        from last_day
        where is_primary and is_significant and is_good_news
    ) as primary_gains
    where gain_rank = 1
),

unproven as (
    select * from (
        select
            last_day.*,
            row_number() over (
                partition by last_day.analysis, last_day.experiment_id order by last_day.sort_order
            ) as unproven_rank
        from last_day
        inner join goal_gain
            on last_day.analysis = goal_gain.analysis
            and last_day.experiment_id = goal_gain.experiment_id
            and last_day.variant_id = goal_gain.variant_id
        where
            last_day.role = 'guardrail' and last_day.non_inferiority_margin is not null
            and not last_day.is_non_inferior
    ) as guardrails_of_winner
    where unproven_rank = 1
),

headline as (
    select * from (
        select
            last_day.*,
            row_number() over (
                partition by last_day.analysis, last_day.experiment_id
                order by
                    coalesce(last_day.variant_id = goal_gain.variant_id, false) desc,
                    last_day.chance_to_win desc nulls last, abs(last_day.relative_lift) desc nulls last,
                    last_day.variant_id asc
            ) as headline_rank
        from last_day
        left join goal_gain
            on last_day.analysis = goal_gain.analysis and last_day.experiment_id = goal_gain.experiment_id
        where last_day.is_primary
    ) as primary_results
    where headline_rank = 1
),

power as (
    select
        headline.analysis,
        headline.experiment_id,
        headline.is_significant or headline.minimum_detectable_effect <= experiments.target_lift as is_powered
    from headline
    inner join experiments on headline.experiment_id = experiments.experiment_id
),

guardrails as (
    select
        analysis,
        experiment_id,
        count(*) filter (where is_bad_news) as guardrails_breached,
        count(*) filter (where non_inferiority_margin is not null and not is_non_inferior)
            as guardrails_not_shown_non_inferior
    from last_day
    where role = 'guardrail'
    group by analysis, experiment_id
),

decided as (
    select
        analyses.analysis,
        experiments.experiment_id,
        case
            when experiments.has_srm then 'fix_assignment'
            when experiments.is_too_few_users then 'keep_running_too_few_users'
            when guardrail_breach.experiment_id is not null then 'dont_ship_guardrail'
            when goal_loss.experiment_id is not null then 'dont_ship'
            when unproven.experiment_id is not null then 'guardrail_unproven'
            when goal_gain.experiment_id is not null then 'ship'
            when experiments.status != 'finished' then 'keep_running'
            else 'no_effect'
        end as decision,
        guardrail_breach.variant_id as breach_variant_id,
        guardrail_breach.variant_name as breach_variant_name,
        guardrail_breach.metric_id as breach_metric_id,
        guardrail_breach.metric_label as breach_metric_label,
        guardrail_breach.relative_lift as breach_relative_lift,
        goal_loss.variant_id as loss_variant_id,
        goal_loss.variant_name as loss_variant_name,
        goal_loss.metric_id as loss_metric_id,
        goal_loss.metric_label as loss_metric_label,
        goal_loss.relative_lift as loss_relative_lift,
        goal_gain.variant_id as gain_variant_id,
        goal_gain.variant_name as gain_variant_name,
        goal_gain.metric_id as gain_metric_id,
        goal_gain.metric_label as gain_metric_label,
        goal_gain.relative_lift as gain_relative_lift,
        unproven.metric_id as unproven_metric_id,
        unproven.metric_label as unproven_metric_label,
        unproven.relative_ci_lower as unproven_ci_lower,
        unproven.relative_ci_upper as unproven_ci_upper,
        unproven.non_inferiority_margin as unproven_margin
    from experiments
    cross join analyses
    left join guardrail_breach
        on experiments.experiment_id = guardrail_breach.experiment_id
        and analyses.analysis = guardrail_breach.analysis
    left join goal_loss
        on experiments.experiment_id = goal_loss.experiment_id and analyses.analysis = goal_loss.analysis
    left join goal_gain
        on experiments.experiment_id = goal_gain.experiment_id and analyses.analysis = goal_gain.analysis
    left join unproven
        on experiments.experiment_id = unproven.experiment_id and analyses.analysis = unproven.analysis
),

final as (
    select
        decided.analysis,
        decided.experiment_id,
        decided.decision,
        case decided.decision
            when 'dont_ship_guardrail' then decided.breach_variant_id
            when 'dont_ship' then decided.loss_variant_id
            when 'ship' then decided.gain_variant_id
            when 'guardrail_unproven' then decided.gain_variant_id
        end as decision_variant_id,
        case decided.decision
            when 'dont_ship_guardrail' then decided.breach_variant_name
            when 'dont_ship' then decided.loss_variant_name
            when 'ship' then decided.gain_variant_name
            when 'guardrail_unproven' then decided.gain_variant_name
        end as decision_variant_name,
        case decided.decision
            when 'dont_ship_guardrail' then decided.breach_metric_id
            when 'dont_ship' then decided.loss_metric_id
            when 'ship' then decided.gain_metric_id
            when 'guardrail_unproven' then decided.gain_metric_id
        end as decision_metric_id,
        case decided.decision
            when 'dont_ship_guardrail' then decided.breach_metric_label
            when 'dont_ship' then decided.loss_metric_label
            when 'ship' then decided.gain_metric_label
            when 'guardrail_unproven' then decided.gain_metric_label
        end as decision_metric_label,
        case decided.decision
            when 'dont_ship_guardrail' then decided.breach_relative_lift
            when 'dont_ship' then decided.loss_relative_lift
            when 'ship' then decided.gain_relative_lift
            when 'guardrail_unproven' then decided.gain_relative_lift
        end as decision_relative_lift,
        decided.gain_variant_name is not null
        and decided.decision = 'dont_ship_guardrail' as goal_won_but_blocked,
        decided.unproven_metric_id as unproven_guardrail_metric_id,
        decided.unproven_metric_label as unproven_guardrail_metric_label,
        decided.unproven_ci_lower as unproven_guardrail_ci_lower,
        decided.unproven_ci_upper as unproven_guardrail_ci_upper,
        decided.unproven_margin as unproven_guardrail_margin,
        cast(coalesce(guardrails.guardrails_breached, 0) as bigint) as guardrails_breached,
        cast(coalesce(guardrails.guardrails_not_shown_non_inferior, 0) as bigint)
            as guardrails_not_shown_non_inferior,
        headline.metric_id as goal_metric_id,
        headline.metric_label as goal_metric_label,
        headline.variant_name as goal_variant_name,
        headline.relative_lift as goal_relative_lift,
        headline.relative_ci_lower_adjusted as goal_ci_lower,
        headline.relative_ci_upper_adjusted as goal_ci_upper,
        headline.chance_to_win as goal_chance_to_win,
        headline.p_value_adjusted as goal_p_value_adjusted,
        coalesce(headline.is_good_news, false) as goal_is_good_news,
        coalesce(headline.is_bad_news, false) as goal_is_bad_news,
        headline.minimum_detectable_effect as goal_minimum_detectable_effect,
        case
            when power.is_powered is null then 'no data'
            when power.is_powered then 'ready'
            else 'underpowered'
        end as power_status
    from decided
    left join headline
        on decided.experiment_id = headline.experiment_id and decided.analysis = headline.analysis
    left join power on decided.experiment_id = power.experiment_id and decided.analysis = power.analysis
    left join guardrails
        on decided.experiment_id = guardrails.experiment_id and decided.analysis = guardrails.analysis
)

select * from final
