with comments as (
    select * from {{ ref('int_comments_validated') }}
),

final as (
    select
        comment_id,
        user_id,
        video_id,
        ad_id,
        case when ad_id is not null then 'ad' else 'video' end as commented_on,
        commented_at,
        cast(commented_at as date) as comment_date,
        comment_text,
        export_date
    from comments
)

select * from final
