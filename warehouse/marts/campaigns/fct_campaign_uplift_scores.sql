{#-
  Per-user uplift scores (Python: int_campaign_uplift_scored) with the decile of the score within the
  campaign: 1 = the tenth of the study predicted most persuadable. Ties are broken by user_id.
-#}

with scored as (
    select * from {{ ref('int_campaign_uplift_scored') }}
),

final as (
    select
        campaign_id,
        cast(user_id as bigint) as user_id,
        is_treatment,
        has_converted,
        is_evaluation,
        cast(uplift_score as double) as uplift_score,
        cast(case
            when uplift_score is not null
                then ntile(10) over (
                    partition by campaign_id, uplift_score is null order by uplift_score desc, user_id asc
                )
        end as integer) as uplift_decile,
        model_name,
        model_version,
        fit_status,
        cast(learner as string) as learner
    from scored
)

select * from final
