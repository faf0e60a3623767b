with source as (
    select * from {{ source('platform', 'comments') }}
),

renamed as (
    select
        comment_id,
        user_id,
        video_id,
        ad_id,
        {{ parse_timestamp('comment_ts') }} as commented_at,
        {{ decode_utf8('text') }} as comment_text,
        cast(export_date as date) as export_date,
        row_number() over (partition by export_date, comment_id order by comment_ts) as copy_number
    from source
),

final as (
    select
        *,
        case
            when comment_id is null or user_id is null or (video_id is null and ad_id is null) then 'missing_key'
            when commented_at is null then 'unparseable_timestamp'
            when comment_text is null then 'invalid_encoding'
            when trim(comment_text) = '' then 'empty_text'
            when copy_number > 1 then 'duplicate'
        end as reject_reason
    from renamed
)

select * from final
