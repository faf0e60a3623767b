with source as (
    {{ staged_source('creators') }}
),

renamed as (
    select
        source_file,
        missing_columns,
        {{ unparseable_columns({
            'creator_id': 'bigint',
            'verified': 'boolean',
        }) }} as unparseable_columns,
        {{ safe_cast_to('creator_id', 'bigint') }} as creator_id,
        handle,
        lower(primary_category) as primary_category,
        {{ parse_timestamp('joined_ts') }} as joined_at,
        coalesce({{ safe_cast_to('verified', 'boolean') }}, false) as is_verified,
        cast(row_number() over (partition by creator_id order by joined_ts) as bigint) as copy_number
    from source
),

final as (
    select
        *,
        case
            when missing_columns is not null then 'missing_column'
            when unparseable_columns is not null then 'unparseable_value'
            when creator_id is null then 'missing_key'
            when joined_at is null then 'unparseable_timestamp'
            when copy_number > 1 then 'duplicate'
        end as reject_reason
    from renamed
)

select * from final
