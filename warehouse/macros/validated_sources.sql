{#-
  Every raw source with the model that carries its final reject_reason (`model`: staging, or the
  int_<source>_checked model that adds unknown_<parent> reasons), the model consumers read
  (`validated`: valid rows only, see valid_rows below), its record key, whether it is an event table
  (has an export day) and the sensitive columns kept out of the rejects' JSON. fct_rejects and
  rpt_source_reconciliation loop over this list, so a new source is added here once.
-#}
{% macro validated_sources() %}
    {{ return([
        {"source": "users", "validated": "int_users_validated", "model": "stg_platform__users", "key": "user_id", "event": false,
         "sensitive": ["email_raw", "phone_raw", "maid_raw"]},
        {"source": "creators", "validated": "int_creators_validated", "model": "stg_platform__creators", "key": "creator_id", "event": false},
        {"source": "videos", "validated": "int_videos_validated", "model": "int_videos_checked", "key": "video_id", "event": false},
        {"source": "watch_events", "validated": "int_watch_events_validated", "model": "int_watch_events_checked", "key": "event_id", "event": true},
        {"source": "comments", "validated": "int_comments_validated", "model": "int_comments_checked", "key": "comment_id", "event": true},
        {"source": "advertisers", "validated": "int_advertisers_validated", "model": "stg_platform__advertisers", "key": "advertiser_id", "event": false},
        {"source": "campaigns", "validated": "int_campaigns_validated", "model": "stg_platform__campaigns", "key": "campaign_id", "event": false},
        {"source": "ad_groups", "validated": "int_ad_groups_validated", "model": "stg_platform__ad_groups", "key": "ad_group_id", "event": false},
        {"source": "ads", "validated": "int_ads_validated", "model": "stg_platform__ads", "key": "ad_id", "event": false},
        {"source": "ad_impressions", "validated": "int_ad_impressions_validated", "model": "int_ad_impressions_checked", "key": "impression_id", "event": true},
        {"source": "ad_clicks", "validated": "int_ad_clicks_validated", "model": "int_ad_clicks_checked", "key": "click_id", "event": true},
        {"source": "conversions", "validated": "int_conversions_validated", "model": "int_conversions_checked", "key": "conversion_id", "event": true},
        {"source": "campaign_holdouts", "validated": "int_campaign_holdouts_validated", "model": "int_campaign_holdouts_checked",
         "key": "campaign_id || ':' || cast(user_id as string)", "event": false},
        {"source": "experiments", "validated": "int_experiments_validated", "model": "stg_platform__experiments", "key": "experiment_id", "event": false},
        {"source": "experiment_variants", "validated": "int_experiment_variants_validated", "model": "stg_platform__experiment_variants", "key": "variant_id",
         "event": false},
        {"source": "experiment_assignments", "validated": "int_experiment_assignments_validated", "model": "int_experiment_assignments_checked",
         "key": "assignment_id", "event": true},
    ]) }}
{% endmacro %}

{#-
  The one place the validity filter lives: the body of every int_<source>_validated model. Consumers
  read those models and never see a rejected row nor the columns that explain rejects.
-#}
{% macro valid_rows(model_name) -%}
    select * {{ star_exclude() }} (reject_reason, copy_number, source_file, missing_columns, unparseable_columns)
    from {{ ref(model_name) }}
    where reject_reason is null
{%- endmacro %}

{#- The keys of a parent's valid rows (an int_<parent>_validated model): what an unknown_<parent> check joins against. -#}
{% macro valid_keys(model_name, columns) -%}
    select {{ columns | join(", ") }}
    from {{ ref(model_name) }}
{%- endmacro %}
