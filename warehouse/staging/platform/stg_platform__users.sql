with source as (
    {{ staged_source('users') }}
),

renamed as (
    select
        source_file,
        missing_columns,
        {{ unparseable_columns({
            'user_id': 'bigint',
            'birth_year': 'integer',
        }) }} as unparseable_columns,
        {{ safe_cast_to('user_id', 'bigint') }} as user_id,
        {{ parse_timestamp('signup_ts') }} as signed_up_at,
        upper(trim(country)) as country_code,
        region,
        lower(gender) as gender,
        case
            when {{ safe_cast_to('birth_year', 'integer') }} between 1900 and 2026
                then {{ safe_cast_to('birth_year', 'integer') }}
        end as birth_year,
        lower(device_os) as device_os,
        lower(language) as language,
        email as email_raw,
        phone as phone_raw,
        trim(zip) as zip,
        maid as maid_raw,
        signup_ts as signup_ts_raw,
        cast(row_number() over (partition by user_id order by signup_ts) as bigint) as copy_number
    from source
),

final as (
    select
        *,
        case
            when missing_columns is not null then 'missing_column'
            when unparseable_columns is not null then 'unparseable_value'
            when user_id is null then 'missing_key'
            when signed_up_at is null then 'unparseable_timestamp'
            when copy_number > 1 then 'duplicate'
        end as reject_reason
    from renamed
)

select * from final
