{#- Current size of every audience, with the data day it was computed for and its definition version. -#}

with members as (
    {{ audience_members() }}
),

sizes as (
    select
        audience_name,
        count(distinct user_id) as members
    from members
    group by audience_name
),

definitions as (
    select * from {{ ref('rpt_audience_definitions') }}
),

window_end as (
    select max(last_active_date) as as_of_date from {{ ref('dim_users') }}
),

final as (
    select
        definitions.audience_name,
        window_end.as_of_date,
        cast(coalesce(sizes.members, 0) as bigint) as members,
        definitions.min_size,
        definitions.definition_version
    from definitions
    cross join window_end
    left join sizes on definitions.audience_name = sizes.audience_name
)

select * from final
