with source as (
    {{ staged_source('comments') }}
),

renamed as (
    select
        source_file,
        missing_columns,
        {{ unparseable_columns({
            'comment_id': 'bigint',
            'user_id': 'bigint',
            'video_id': 'bigint',
        }) }} as unparseable_columns,
        {{ safe_cast_to('comment_id', 'bigint') }} as comment_id,
        {{ safe_cast_to('user_id', 'bigint') }} as user_id,
        {{ safe_cast_to('video_id', 'bigint') }} as video_id,
        ad_id,
        {{ parse_timestamp('comment_ts') }} as commented_at,
        {{ decode_utf8('text') }} as comment_text,
        cast(export_date as date) as export_date,
        cast(row_number() over (
            partition by export_date, comment_id order by comment_ts, source_file
        ) as bigint) as copy_number
    from source
),

final as (
    select
        *,
        case
            when missing_columns is not null then 'missing_column'
            when unparseable_columns is not null then 'unparseable_value'
            when
                comment_id is null or user_id is null or (video_id is null and ad_id is null)
                then 'missing_key'
            when commented_at is null then 'unparseable_timestamp'
            when {{ is_future_timestamp('commented_at') }} then 'future_timestamp'
            when comment_text is null then 'invalid_encoding'
            when trim(comment_text) = '' then 'empty_text'
            when copy_number > 1 then 'duplicate'
        end as reject_reason
    from renamed
)

select * from final
