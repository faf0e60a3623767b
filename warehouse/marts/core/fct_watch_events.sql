{{
    config(
        materialized='incremental',
        unique_key='event_id',
        incremental_strategy=replace_by_key_strategy(),
        on_schema_change='fail',
    )
}}

{#-
  Incremental by export day: a build reads only the export folders newer than the newest one
  already loaded (the bound is a constant so DuckDB prunes the Parquet partitions). Late copies of
  an event in a later export replace the earlier row through the unique key. A late file for an
  older export day is reloaded by `reelmart backfill --export-date DAY` (var backfill_export_dates);
  until then the test export_days_loaded fails the build and says so.
-#}
{% set newest_loaded = none %}
{% set backfill_days = var('backfill_export_dates', []) %}
{% if is_incremental() %}
    {% set result = run_query("select max(export_date) from " ~ this) %}
    {% if execute %}{% set newest_loaded = result.columns[0].values()[0] %}{% endif %}
{% endif %}

with events as (
    select * from {{ ref('int_watch_events_validated') }}
    {% if newest_loaded %}
        where export_date > cast('{{ newest_loaded }}' as date)
        {%- for day in backfill_days %}
            or export_date = cast('{{ day }}' as date)
        {%- endfor %}
    {% endif %}
),

videos as (
    select
        video_id,
        creator_id,
        category,
        duration_seconds
    from {{ ref('int_videos_validated') }}
),

final as (
    select
        events.event_id,
        events.user_id,
        events.video_id,
        videos.creator_id,
        videos.category,
        events.event_at,
        cast(events.event_at as date) as event_date,
        events.watch_seconds,
        videos.duration_seconds,
        events.is_completed,
        events.is_liked,
        events.is_shared,
        events.is_followed,
        events.device_os,
        events.traffic_source,
        events.export_date
    from events
    inner join videos on events.video_id = videos.video_id
    {% if newest_loaded and backfill_days %}
        -- a backfilled day never replaces a copy of the event from a later export (the later one wins)
        where not exists (
            select 1 from {{ this }} as loaded
            where loaded.event_id = events.event_id and loaded.export_date > events.export_date
        )
    {% endif %}
)

select * from final
