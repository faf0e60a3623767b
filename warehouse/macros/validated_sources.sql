{#-
  Every raw source with the model that carries its final reject_reason, its record key, whether it
  is an event table (has an export day) and the sensitive columns kept out of the rejects' JSON. fct_rejects and rpt_source_reconciliation loop over this list, so a
  new source is added here once.
-#}
{% macro validated_sources() %}
    {{ return([
        {"source": "users", "model": "stg_platform__users", "key": "user_id", "event": false,
         "sensitive": ["email_raw", "phone_raw", "maid_raw"]},
        {"source": "creators", "model": "stg_platform__creators", "key": "creator_id", "event": false},
        {"source": "videos", "model": "int_videos_validated", "key": "video_id", "event": false},
        {"source": "watch_events", "model": "int_watch_events_validated", "key": "event_id", "event": true},
        {"source": "comments", "model": "int_comments_validated", "key": "comment_id", "event": true},
        {"source": "advertisers", "model": "stg_platform__advertisers", "key": "advertiser_id", "event": false},
        {"source": "campaigns", "model": "stg_platform__campaigns", "key": "campaign_id", "event": false},
        {"source": "ad_groups", "model": "stg_platform__ad_groups", "key": "ad_group_id", "event": false},
        {"source": "ads", "model": "stg_platform__ads", "key": "ad_id", "event": false},
        {"source": "ad_impressions", "model": "int_ad_impressions_validated", "key": "impression_id", "event": true},
        {"source": "ad_clicks", "model": "int_ad_clicks_validated", "key": "click_id", "event": true},
        {"source": "conversions", "model": "int_conversions_validated", "key": "conversion_id", "event": true},
        {"source": "campaign_holdouts", "model": "int_campaign_holdouts_validated",
         "key": "campaign_id || ':' || cast(user_id as varchar)", "event": false},
        {"source": "experiments", "model": "stg_platform__experiments", "key": "experiment_id", "event": false},
        {"source": "experiment_variants", "model": "stg_platform__experiment_variants", "key": "variant_id",
         "event": false},
        {"source": "experiment_assignments", "model": "int_experiment_assignments_validated",
         "key": "assignment_id", "event": true},
    ]) }}
{% endmacro %}

{#- The keys of a parent's valid rows: what an unknown_<parent> check joins against. -#}
{% macro valid_keys(model_name, columns) -%}
    select {{ columns | join(", ") }}
    from {{ ref(model_name) }}
    where reject_reason is null
{%- endmacro %}
