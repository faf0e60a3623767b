"""What the simulator plants: scales, experiments, campaigns and dirty-data rates.

Everything a later test checks against (true lifts, true uplift, injected dirt) is declared here
and written to the ground-truth folder by the generator, never into the raw exports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

CATEGORIES = [
    "beauty", "gaming", "food", "travel", "music", "dance",
    "comedy", "sports", "tech", "pets", "fashion", "education",
]

# country -> (share of users, regions, main language, E.164 calling code)
COUNTRIES = {
    "CN": (0.55, ["Beijing", "Shanghai", "Guangdong", "Zhejiang", "Sichuan", "Hubei"], "zh", "86"),
    "US": (0.15, ["California", "Texas", "New York", "Florida", "Illinois"], "en", "1"),
    "GB": (0.06, ["England", "Scotland", "Wales"], "en", "44"),
    "DE": (0.05, ["Bavaria", "Berlin", "Hamburg"], "en", "49"),
    "JP": (0.05, ["Tokyo", "Osaka", "Kanagawa"], "en", "81"),
    "BR": (0.08, ["Sao Paulo", "Rio de Janeiro", "Minas Gerais"], "en", "55"),
    "IN": (0.06, ["Maharashtra", "Karnataka", "Delhi"], "en", "91"),
}
# Main UTC offset (hours) of each country, for the planted audience posting windows (issue 17): a country's
# good window is the 4-hour UTC window holding its local evening (AUDIENCE_GOOD_LOCAL_HOUR in the generator)
COUNTRY_UTC_OFFSET = {"CN": 8.0, "US": -6.0, "GB": 0.0, "DE": 1.0, "JP": 9.0, "BR": -3.0, "IN": 5.5}
AGE_BANDS = ["13-17", "18-24", "25-34", "35-44", "45+"]
DEVICES = ["android", "ios", "web"]


@dataclass(frozen=True)
class Scale:
    """Size of one simulated platform export. Events scale with users x days x activity."""

    name: str
    users: int
    days: int
    videos_per_1k_users: float = 50.0
    mean_daily_views: float = 0.35


SCALES = {
    "tiny": Scale("tiny", users=600, days=21, videos_per_1k_users=250.0, mean_daily_views=0.6),
    "demo": Scale("demo", users=2_000, days=30, videos_per_1k_users=150.0, mean_daily_views=0.6),
    "20k": Scale("20k", users=20_000, days=30),
    "200k": Scale("200k", users=200_000, days=30),
    "1m": Scale("1m", users=1_000_000, days=30),
}


@dataclass(frozen=True)
class ExperimentSpec:
    """A planted A/B test. Lifts are relative effects on treatment arms, applied after exposure."""

    experiment_id: str
    name: str
    hypothesis: str
    start_day: int
    end_day: int  # inclusive, as a day index from the export start
    variants: tuple[str, ...]
    weights: tuple[float, ...]
    # per non-control variant: relative lift of daily video views (rate), of each view's
    # completion probability, and of the ad load (impressions per view)
    view_rate_lift: tuple[float, ...] = ()
    completion_lift: tuple[float, ...] = ()
    ad_load_lift: tuple[float, ...] = ()
    eligible_share: float = 0.7
    # share of one arm's assignment rows lost by a logging bug: a sample-ratio mismatch
    srm_dropped_share: float = 0.0
    multiple_exposure_share: float = 0.005


EXPERIMENTS = [
    ExperimentSpec(
        "exp_feed_ranking_v2", "Feed ranking v2", "Interest-aware ranking raises views and completion.",
        start_day=7, end_day=29, variants=("control", "ranking_v2"), weights=(0.5, 0.5),
        view_rate_lift=(0.06,), completion_lift=(0.05,), ad_load_lift=(0.0,),
    ),
    ExperimentSpec(
        "exp_autoplay_next", "Autoplay next video", "Autoplay changes nothing measurable (planted null).",
        start_day=5, end_day=29, variants=("control", "autoplay"), weights=(0.5, 0.5),
        view_rate_lift=(0.0,), completion_lift=(0.0,), ad_load_lift=(0.0,),
    ),
    ExperimentSpec(
        "exp_ad_load", "Ad load +1 / +2", "More ads per session cost some watch time.",
        start_day=10, end_day=29, variants=("control", "ad_load_plus1", "ad_load_plus2"),
        weights=(0.34, 0.33, 0.33),
        view_rate_lift=(-0.02, -0.05), completion_lift=(0.0, 0.0), ad_load_lift=(0.5, 1.0),
    ),
    ExperimentSpec(
        "exp_creator_badge", "Creator badge", "Badges raise follows; the assignment log drops rows.",
        start_day=3, end_day=29, variants=("control", "badge"), weights=(0.5, 0.5),
        view_rate_lift=(0.03,), completion_lift=(0.0,), ad_load_lift=(0.0,),
        srm_dropped_share=0.08,
    ),
]


@dataclass(frozen=True)
class CampaignSpec:
    """A planted ad campaign with a randomised holdout and a heterogeneous true effect."""

    campaign_id: str
    advertiser_id: str
    name: str
    objective: str
    category: str  # the interest it targets
    start_day: int
    end_day: int
    holdout_share: float
    base_conversion: float  # expected conversions per user over the window without ads
    base_uplift: float  # expected extra conversions per treated user before heterogeneity
    avg_order_value: float
    cpm: float  # cost per 1,000 impressions, in CNY


ADVERTISERS = [
    ("adv_glowup", "GlowUp Cosmetics", "beauty", "CN"),
    ("adv_pixelforge", "PixelForge Games", "gaming", "US"),
    ("adv_noodlehouse", "Noodle House", "food", "CN"),
    ("adv_wanderly", "Wanderly Travel", "travel", "GB"),
    ("adv_stridex", "StrideX Sports", "sports", "DE"),
]

CAMPAIGNS = [
    CampaignSpec("cmp_glow_autumn", "adv_glowup", "Autumn serum launch", "conversions", "beauty",
                 0, 29, 0.15, 0.030, 0.020, 168.0, 38.0),
    CampaignSpec("cmp_glow_retarget", "adv_glowup", "Lipstick retargeting", "conversions", "fashion",
                 10, 29, 0.10, 0.040, 0.010, 99.0, 45.0),
    CampaignSpec("cmp_pixel_preregister", "adv_pixelforge", "Pre-register: Starfall", "app_install", "gaming",
                 5, 29, 0.20, 0.050, 0.030, 30.0, 25.0),
    CampaignSpec("cmp_noodle_delivery", "adv_noodlehouse", "Delivery coupons", "conversions", "food",
                 0, 20, 0.10, 0.060, 0.015, 45.0, 20.0),
    CampaignSpec("cmp_wanderly_winter", "adv_wanderly", "Winter getaways", "conversions", "travel",
                 8, 29, 0.15, 0.010, 0.000, 2400.0, 55.0),  # planted null effect
    CampaignSpec("cmp_stridex_run", "adv_stridex", "Run club", "conversions", "sports",
                 3, 25, 0.20, 0.020, 0.012, 520.0, 35.0),
]


@dataclass(frozen=True)
class DirtSpec:
    """Share of rows of a raw table that are made invalid, by reason code.

    Reason codes are the ones the staging models assign, so the rejects model can be checked
    against what was injected. `duplicate` adds exact copies of clean rows.
    """

    rates: dict[str, float] = field(default_factory=dict)


DIRT = {
    "users": DirtSpec({"duplicate": 0.005, "missing_key": 0.002, "unparseable_timestamp": 0.002}),
    "videos": DirtSpec({"duplicate": 0.003, "unknown_creator": 0.002}),
    "watch_events": DirtSpec({
        "duplicate": 0.01, "missing_key": 0.002, "unparseable_timestamp": 0.002,
        "out_of_range": 0.002, "unknown_video": 0.002,
    }),
    "comments": DirtSpec({
        "duplicate": 0.005, "empty_text": 0.01, "invalid_encoding": 0.005, "unknown_video": 0.002,
    }),
    "ad_impressions": DirtSpec({"duplicate": 0.005, "out_of_range": 0.001, "unknown_ad": 0.001}),
    "ad_clicks": DirtSpec({"duplicate": 0.005, "unknown_impression": 0.001}),
    "conversions": DirtSpec({"duplicate": 0.005, "out_of_range": 0.001, "unparseable_timestamp": 0.001}),
    "experiment_assignments": DirtSpec({"unknown_variant": 0.001}),
}

DEFAULT_START = date(2026, 10, 1)

# Conversion attribution: an ad-driven conversion follows the click (or else the impression) that drove it,
# within these windows (the warehouse's default attribution vars) and after a log-normal lag.
ATTRIBUTION_CLICK_DAYS = 7
ATTRIBUTION_VIEW_DAYS = 1
CONVERSION_LAG_MEDIAN_S = 1_800
