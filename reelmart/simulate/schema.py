"""Arrow schemas of the raw platform exports (the landing folder's contract).

Timestamps are strings as platforms export them (ISO 8601 'YYYY-MM-DDTHH:MM:SS', UTC) so that unparseable
values reach staging and are rejected there with a reason; comment text is bytes so that
non-UTF-8 text does too. Column meanings are documented in warehouse/staging/platform/_platform__sources.yml.
"""

import pyarrow as pa

STR, I64, I32, F64, BOOL = pa.string(), pa.int64(), pa.int32(), pa.float64(), pa.bool_()

RAW_TABLES: dict[str, pa.Schema] = {
    "users": pa.schema([
        ("user_id", I64), ("signup_ts", STR), ("country", STR), ("region", STR), ("gender", STR),
        ("birth_year", I32), ("device_os", STR), ("language", STR), ("email", STR), ("phone", STR),
        ("zip", STR), ("maid", STR),
    ]),
    "creators": pa.schema([
        ("creator_id", I64), ("handle", STR), ("primary_category", STR), ("joined_ts", STR), ("verified", BOOL),
    ]),
    "videos": pa.schema([
        ("video_id", I64), ("creator_id", I64), ("category", STR), ("duration_s", I32), ("hashtags", STR),
        ("title", STR), ("language", STR), ("published_ts", STR),
    ]),
    "watch_events": pa.schema([
        ("event_id", I64), ("user_id", I64), ("video_id", I64), ("event_ts", STR), ("watch_seconds", F64),
        ("completed", BOOL), ("liked", BOOL), ("shared", BOOL), ("followed", BOOL), ("device_os", STR),
        ("traffic_source", STR),
    ]),
    "comments": pa.schema([
        ("comment_id", I64), ("user_id", I64), ("video_id", I64), ("ad_id", STR), ("comment_ts", STR),
        ("text", pa.binary()),
    ]),
    "advertisers": pa.schema([("advertiser_id", STR), ("name", STR), ("industry", STR), ("country", STR)]),
    "campaigns": pa.schema([
        ("campaign_id", STR), ("advertiser_id", STR), ("name", STR), ("objective", STR),
        ("target_category", STR), ("start_date", STR), ("end_date", STR), ("daily_budget", F64),
        ("holdout_share", F64),
    ]),
    "ad_groups": pa.schema([
        ("ad_group_id", STR), ("campaign_id", STR), ("name", STR), ("placement", STR),
        ("bid_strategy", STR), ("target_age_band", STR),
    ]),
    "ads": pa.schema([
        ("ad_id", STR), ("ad_group_id", STR), ("name", STR), ("format", STR), ("duration_s", I32),
        ("launched_ts", STR),
    ]),
    "ad_impressions": pa.schema([
        ("impression_id", I64), ("ad_id", STR), ("user_id", I64), ("impression_ts", STR), ("cost", F64),
        ("watch_seconds", F64), ("ad_duration_s", I32), ("liked", BOOL), ("commented", BOOL),
        ("shared", BOOL), ("followed", BOOL),
    ]),
    "ad_clicks": pa.schema([
        ("click_id", I64), ("impression_id", I64), ("ad_id", STR), ("user_id", I64), ("click_ts", STR),
    ]),
    "conversions": pa.schema([
        ("conversion_id", I64), ("user_id", I64), ("advertiser_id", STR), ("conversion_ts", STR),
        ("event_name", STR), ("value", F64), ("currency", STR),
    ]),
    "campaign_holdouts": pa.schema([
        ("campaign_id", STR), ("user_id", I64), ("study_group", STR), ("assigned_ts", STR),
    ]),
    "experiments": pa.schema([
        ("experiment_id", STR), ("name", STR), ("hypothesis", STR), ("start_date", STR), ("end_date", STR),
    ]),
    "experiment_variants": pa.schema([
        ("experiment_id", STR), ("variant_id", STR), ("variant_name", STR), ("weight", F64),
        ("is_control", BOOL),
    ]),
    "experiment_assignments": pa.schema([
        ("assignment_id", I64), ("experiment_id", STR), ("user_id", I64), ("variant_id", STR),
        ("exposure_ts", STR), ("device_os", STR),
    ]),
}

# tables exported once per day into landing/<table>/export_date=YYYY-MM-DD/
EVENT_TABLES = ("watch_events", "comments", "ad_impressions", "ad_clicks", "conversions", "experiment_assignments")
