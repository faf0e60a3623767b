{#-
  Pairwise overlap of the audiences: sizes, shared members; Jaccard = shared / (a + b - shared) at
  report time.
-#}

with members as (
    select distinct
        audience_name,
        user_id
    from ({{ audience_members() }}) as audiences
),

sizes as (
    select
        audience_name,
        count(*) as members
    from members
    group by audience_name
),

definitions as (
    select audience_name from {{ ref('rpt_audience_definitions') }}
),

pairs as (
    select
        a.audience_name as audience_a,
        b.audience_name as audience_b
    from definitions as a
    cross join definitions as b
),

shared as (
    select
        a.audience_name as audience_a,
        b.audience_name as audience_b,
        count(*) as shared_members
    from members as a
    inner join members as b on a.user_id = b.user_id
    group by a.audience_name, b.audience_name
),

final as (
    select
        pairs.audience_a,
        pairs.audience_b,
        cast(coalesce(size_a.members, 0) as bigint) as members_a,
        cast(coalesce(size_b.members, 0) as bigint) as members_b,
        cast(coalesce(shared.shared_members, 0) as bigint) as shared_members
    from pairs
    left join sizes as size_a on pairs.audience_a = size_a.audience_name
    left join sizes as size_b on pairs.audience_b = size_b.audience_name
    left join shared on pairs.audience_a = shared.audience_a and pairs.audience_b = shared.audience_b
)

select * from final
