with source as (
    select * from {{ source('platform', 'ad_clicks') }}
),

renamed as (
    select
        click_id,
        impression_id,
        ad_id,
        user_id,
        {{ parse_timestamp('click_ts') }} as clicked_at,
        cast(export_date as date) as export_date,
        row_number() over (partition by export_date, click_id order by click_ts) as copy_number
    from source
),

final as (
    select
        *,
        case
            when click_id is null or impression_id is null or user_id is null then 'missing_key'
            when clicked_at is null then 'unparseable_timestamp'
            when copy_number > 1 then 'duplicate'
        end as reject_reason
    from renamed
)

select * from final
