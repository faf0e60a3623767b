"""A seeded simulator of a short-video platform that writes raw exports as Parquet.

Why it exists: every later capability (sentiment, experiments, lift, uplift, recommendation) is
checked against behaviour whose truth is known. Users carry latent category interests that drive
what they watch, how long, and how they comment; experiments and campaigns have planted effects;
dirty rows are injected at documented rates. Truth goes to `<out>/ground_truth/`, never into
`<out>/landing/`.

The simulation runs day by day with a random stream per (seed, day), so memory is bounded by one
day of events and `append_days` reproduces the state and writes only the new days.
"""

from __future__ import annotations

import json
import logging
import shutil
import uuid
from dataclasses import asdict
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from tqdm import tqdm

from reelmart.simulate import schema
from reelmart.simulate.config import (
    ADVERTISERS,
    AGE_BANDS,
    ATTRIBUTION_CLICK_DAYS,
    ATTRIBUTION_VIEW_DAYS,
    CAMPAIGNS,
    CATEGORIES,
    CONVERSION_LAG_MEDIAN_S,
    COUNTRIES,
    COUNTRY_UTC_OFFSET,
    DEFAULT_START,
    DEVICES,
    DIRT,
    EXPERIMENTS,
    Scale,
)
from reelmart.simulate.text import CommentBank, add_planted_terms, hashtags, plan_title_terms, video_titles

log = logging.getLogger(__name__)

N_CAT = len(CATEGORIES)
PLANNED_DAYS = 30  # the window the planted experiments and campaigns are laid out in
AGE_UPLIFT_FACTOR = np.array([0.6, 1.5, 1.0, 0.7, 0.4])  # by AGE_BANDS: who is persuadable
DEVICE_UPLIFT_FACTOR = np.array([1.0, 1.3, 0.6])  # by DEVICES
# Spend response (placement truth): expected impressions at which a user's campaign effect reaches 63% of its cap
RESPONSE_SATURATION_IMPRESSIONS = 1.0
EXPECTED_COST_FACTOR = float(np.exp(0.25**2 / 2))  # mean of the impression cost's lognormal(0, 0.25) noise
EXPECTED_ORDER_VALUE_FACTOR = float(np.exp(-0.1 + 0.45**2 / 2))  # mean of the order value's lognormal noise

BUDGET_HEADROOM = 1.25  # daily budget / expected daily spend
NO_TOUCH = -(10**12)  # "never" for the latest click / impression of a user
# Creator studio retention truth (issue 17): share of videos with planted dips (the most viewed of their
# category), their cap, the shortest video that gets one; share of completed views of those videos that loop
RETENTION_DIP_VIDEO_SHARE = 0.03
RETENTION_DIP_MAX_VIDEOS = 150
RETENTION_DIP_MIN_DURATION = 12
# Creator studio best time to post (issue 17): publish windows of this many hours; videos published in
# their category's good window get this video-quality shift (logit scale of how much a view is enjoyed)
POSTING_BUCKET_HOURS = 4
POSTING_QUALITY_SHIFT = 0.6
# ... and per audience (the viewer's country): a view on a video's publish day or the next by a viewer whose
# local evening (this hour, at the country's main UTC offset) fell in the video's publish window is enjoyed
# more by this much (logit); every other view is unchanged
AUDIENCE_GOOD_LOCAL_HOUR = 20
AUDIENCE_POSTING_SHIFT = 1.0
# Creator studio video files (issue 17): how many planted-dip videos of 15-60 s get a real MP4 under
# <landing>/video_files/<video_id>.mp4, per scale (other scales: none). Tiny takes the shortest, for test time.
VIDEO_FILES_PER_SCALE = {"tiny": 2, "demo": 6, "20k": 6}
VIDEO_FILES_SHORTEST_FIRST = ("tiny",)
RETENTION_LOOP_SHARE = 0.3
# Traffic sources of views (issue 17): the feed a view came from. Viewers who already follow the creator
# often arrive from the Following feed; search is planted higher for how-to categories so that a
# category difference is there to recover.
TRAFFIC_SOURCES = ("for_you", "following", "search", "profile", "share")
TRAFFIC_FOLLOWER_P = {"for_you": 0.40, "following": 0.45, "search": 0.04, "profile": 0.08, "share": 0.03}
TRAFFIC_NON_FOLLOWER_P = {"for_you": 0.80, "following": 0.0, "search": 0.08, "profile": 0.06, "share": 0.06}
TRAFFIC_SEARCH_HEAVY = {"education": 0.22, "tech": 0.18, "food": 0.15}  # non-follower search share there
BAD_TIMESTAMPS = np.array(["not-a-time", "2026-13-45 99:00:00", "", "yesterday"], dtype=object)


def _ts_strings(day: date, seconds: np.ndarray) -> np.ndarray:
    """ISO-8601 'YYYY-MM-DDTHH:MM:SS' strings (UTC) for offsets in seconds from the day's midnight."""
    base = np.datetime64(day.isoformat(), "s")
    return np.datetime_as_string(base + seconds.astype("timedelta64[s]"), unit="s").astype(object)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


class PlatformSimulator:
    """Generates one platform export. `run()` writes all days; `append_days(k)` adds k more."""

    def __init__(self, scale: Scale, out_dir: Path, seed: int = 7, start: date = DEFAULT_START,
                 progress: bool = True):
        self.scale = scale
        self.out_dir = Path(out_dir)
        self.landing = self.out_dir / "landing"
        self.truth_dir = self.out_dir / "ground_truth"
        self.seed = seed
        self.start = start
        self.progress = progress
        self.injected: dict[str, dict[str, int]] = {}
        self._build_population()

    # ---- static state: users, creators, videos, ads, experiments -------------------------
    def _rng(self, *stream: int) -> np.random.Generator:
        """One independent stream per purpose. SeedSequence ignores trailing zeros, so (k,) and (k, 0)
        are the same stream: give a per-day stream a number no static stream uses. Retention's 17 breaks
        this (its plan and day 0's draws share numbers); kept so the planted dips stay as measured."""
        return np.random.default_rng([self.seed, *stream])

    def _build_population(self) -> None:
        rng = self._rng(0)
        n = self.scale.users
        self.user_ids = np.arange(n, dtype=np.int64) + 10_000_001
        self.interest = rng.dirichlet(np.full(N_CAT, 0.35), size=n).astype(np.float32)
        self.activity = (self.scale.mean_daily_views * rng.lognormal(-0.32, 0.8, size=n)).astype(np.float32)
        codes = list(COUNTRIES)
        shares = np.array([COUNTRIES[c][0] for c in codes])
        self.country_idx = rng.choice(len(codes), size=n, p=shares / shares.sum())
        self.countries = np.array(codes, dtype=object)[self.country_idx]
        self.language = np.where(self.countries == "CN", np.where(rng.random(n) < 0.08, "mixed", "zh"),
                                 np.where(rng.random(n) < 0.05, "mixed", "en")).astype(object)
        self.age_idx = rng.choice(len(AGE_BANDS), size=n, p=[0.08, 0.34, 0.30, 0.16, 0.12])
        self.device_idx = rng.choice(len(DEVICES), size=n, p=[0.62, 0.33, 0.05])
        # population state must not depend on scale.days, so that appending days replays it exactly
        self.signup_day = -rng.integers(0, 720, size=n) + (rng.random(n) < 0.1) * rng.integers(0, PLANNED_DAYS, n)

        n_videos = max(200, int(n * self.scale.videos_per_1k_users / 1000))
        n_creators = max(40, n_videos // 15)
        self.creator_ids = np.arange(n_creators, dtype=np.int64) + 500_001
        self.creator_category = rng.integers(0, N_CAT, size=n_creators)
        self.creator_quality = rng.normal(0, 0.5, size=n_creators)
        creator_of_video = np.minimum((rng.pareto(1.2, size=n_videos) * n_creators / 20).astype(np.int64),
                                      n_creators - 1)
        self.video_ids = np.arange(n_videos, dtype=np.int64) + 1_000_000_001
        self.video_creator = creator_of_video
        own_category = rng.random(n_videos) < 0.8
        self.video_category = np.where(own_category, self.creator_category[creator_of_video],
                                       rng.integers(0, N_CAT, size=n_videos))
        self.video_quality = self.creator_quality[creator_of_video] + rng.normal(0, 0.4, size=n_videos)
        self.video_duration = np.clip(rng.lognormal(3.3, 0.6, size=n_videos), 6, 600).round().astype(np.int32)
        self.video_popularity = rng.pareto(1.1, size=n_videos) + 0.05
        self.video_published_day = rng.integers(-90, PLANNED_DAYS, size=n_videos)

        self._build_experiments(rng)
        self._build_campaigns(rng)
        self._plant_title_terms()
        self._plant_posting_times()

    def _build_experiments(self, rng: np.random.Generator) -> None:
        n = self.scale.users
        self.exp_variant = np.full((len(EXPERIMENTS), n), -1, dtype=np.int8)
        self.exp_exposure_day = np.full((len(EXPERIMENTS), n), 10_000, dtype=np.int32)
        for e, spec in enumerate(EXPERIMENTS):
            eligible = rng.random(n) < spec.eligible_share
            variant = rng.choice(len(spec.variants), size=n, p=np.array(spec.weights) / sum(spec.weights))
            span = max(1, int((spec.end_day - spec.start_day + 1) * 0.6))
            day = spec.start_day + rng.integers(0, span, size=n)
            self.exp_variant[e] = np.where(eligible, variant, -1)
            self.exp_exposure_day[e] = np.where(eligible, day, 10_000)

    def _build_campaigns(self, rng: np.random.Generator) -> None:
        n = self.scale.users
        self.campaign_population = np.zeros((len(CAMPAIGNS), n), dtype=bool)
        self.campaign_treated = np.zeros((len(CAMPAIGNS), n), dtype=bool)
        self.campaign_p0 = np.zeros((len(CAMPAIGNS), n), dtype=np.float32)
        self.campaign_tau = np.zeros((len(CAMPAIGNS), n), dtype=np.float32)
        self.ads: list[dict] = []
        self.ad_groups: list[dict] = []
        activity_rel = np.log(self.activity / self.scale.mean_daily_views)
        for c, spec in enumerate(CAMPAIGNS):
            cat = CATEGORIES.index(spec.category)
            affinity = self.interest[:, cat] * N_CAT  # 1.0 = average interest
            targeted = (affinity > 0.6) | (rng.random(n) < 0.15)
            holdout = rng.random(n) < spec.holdout_share
            self.campaign_population[c] = targeted
            self.campaign_treated[c] = targeted & ~holdout
            self.campaign_p0[c] = spec.base_conversion * np.exp(0.3 * activity_rel) * (0.5 + 0.5 * np.minimum(affinity, 3))
            heterogeneity = (AGE_UPLIFT_FACTOR[self.age_idx] * DEVICE_UPLIFT_FACTOR[self.device_idx]
                             * np.minimum(affinity, 4) / 2)
            self.campaign_tau[c] = spec.base_uplift * heterogeneity
            for g, (placement, age_band) in enumerate([("in_feed", "18-24"), ("in_feed", "25-34"), ("search", "all")]):
                group_id = f"{spec.campaign_id}_g{g + 1}"
                self.ad_groups.append({
                    "ad_group_id": group_id, "campaign_id": spec.campaign_id,
                    "name": f"{spec.name} / {placement} {age_band}", "placement": placement,
                    "bid_strategy": "lowest_cost" if g != 1 else "cost_cap", "target_age_band": age_band,
                })
                for a in range(2):
                    self.ads.append({
                        "ad_id": f"{group_id}_ad{a + 1}", "ad_group_id": group_id, "campaign_index": c,
                        "name": f"{spec.name} creative {'AB'[a]}", "format": ["video_15s", "video_30s"][a],
                        "duration_s": [15, 30][a], "launched_day": spec.start_day + a * 2,
                        "base_ctr": float(rng.uniform(0.008, 0.03)),
                    })
        self.ad_campaign = np.array([ad["campaign_index"] for ad in self.ads])
        self.ad_base_ctr = np.array([ad["base_ctr"] for ad in self.ads])
        self.ad_duration = np.array([ad["duration_s"] for ad in self.ads])
        self.ad_launched_day = np.array([ad["launched_day"] for ad in self.ads])
        self.ad_ids = np.array([ad["ad_id"] for ad in self.ads], dtype=object)
        self.impressions_so_far = np.zeros((len(CAMPAIGNS), self.scale.users), dtype=np.int32)
        self._plant_spend_response()

    # ---- writing ---------------------------------------------------------------------
    def _write(self, table: str, columns: dict, export_day: date | None = None) -> int:
        arrow = pa.table(columns, schema=schema.RAW_TABLES[table])
        folder = self.landing / table
        if export_day is not None:
            folder = folder / f"export_date={export_day.isoformat()}"
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / "part-00000.parquet"
        tmp = folder / f".part-00000.parquet.{uuid.uuid4().hex}.tmp"
        pq.write_table(arrow, tmp, compression="zstd")
        tmp.replace(target)
        return arrow.num_rows

    def _count(self, table: str, reason: str, k: int) -> None:
        self.injected.setdefault(table, {}).setdefault(reason, 0)
        self.injected[table][reason] += int(k)

    def _dirty_rows(self, rng: np.random.Generator, table: str, n_rows: int, reason: str,
                    taken: np.ndarray) -> np.ndarray:
        """Pick rows (not already dirtied) to break with `reason`, and count them."""
        rate = DIRT[table].rates.get(reason, 0.0)
        k = rng.binomial(n_rows, rate) if n_rows else 0
        free = np.flatnonzero(~taken)
        picks = rng.choice(free, size=min(k, len(free)), replace=False) if k else np.array([], dtype=np.int64)
        taken[picks] = True
        self._count(table, reason, len(picks))
        return np.sort(picks)

    def _duplicate(self, rng: np.random.Generator, table: str, columns: dict, clean: np.ndarray) -> dict:
        """Append exact copies of some clean rows (a re-sent batch)."""
        n_rows = len(clean)
        k = rng.binomial(n_rows, DIRT[table].rates.get("duplicate", 0.0)) if n_rows else 0
        picks = np.sort(rng.choice(np.flatnonzero(clean), size=min(k, int(clean.sum())), replace=False))
        self._count(table, "duplicate", len(picks))
        return {name: np.concatenate([values, values[picks]]) for name, values in columns.items()}

    # ---- dimensions ------------------------------------------------------------------
    def _write_dimensions(self) -> None:
        rng = self._rng(1)
        n = self.scale.users
        signup = self.signup_day * 86_400 + rng.integers(0, 86_400, n)
        birth_year = (2026 - np.array([15, 21, 29, 39, 52])[self.age_idx] - rng.integers(-2, 3, n)).astype(np.int32)
        users = {
            "user_id": self.user_ids.copy(),
            "signup_ts": _ts_strings(self.start, signup),
            "country": self.countries.copy(),
            "region": np.array([COUNTRIES[c][1][i % len(COUNTRIES[c][1])]
                                for c, i in zip(self.countries, rng.integers(0, 100, n), strict=True)], dtype=object),
            "gender": rng.choice(np.array(["female", "male", "unknown"], dtype=object), n, p=[0.5, 0.45, 0.05]),
            "birth_year": birth_year,
            "device_os": np.array(DEVICES, dtype=object)[self.device_idx],
            "language": self.language.copy(),
            "email": self._emails(rng, n),
            "phone": self._phones(rng, n),
            "zip": np.array([f"{z:05d}" for z in rng.integers(1000, 99999, n)], dtype=object),
            "maid": np.where(rng.random(n) < 0.7,
                             np.array([str(uuid.UUID(bytes=bytes(row))) for row in rng.integers(0, 256, (n, 16), dtype=np.uint8)],
                                      dtype=object),
                             None),
        }
        taken = np.zeros(n, dtype=bool)
        users = self._duplicate(rng, "users", users, ~taken)
        # junk rows a real export carries: a row with no id, rows with a broken signup time
        for reason in ("missing_key", "unparseable_timestamp"):
            k = max(1, rng.binomial(n, DIRT["users"].rates[reason]))
            extra = {name: values[:k].copy() for name, values in users.items()}
            extra["user_id"] = (np.arange(k) + 90_000_001).astype(np.int64)
            if reason == "missing_key":
                extra["user_id"] = np.full(k, None, dtype=object)
            else:
                extra["signup_ts"] = BAD_TIMESTAMPS[np.arange(k) % len(BAD_TIMESTAMPS)]
            users = {name: np.concatenate([users[name].astype(object), extra[name].astype(object)]) for name in users}
            self._count("users", reason, k)
        self._write("users", users)

        n_creators = len(self.creator_ids)
        self._write("creators", {
            "creator_id": self.creator_ids,
            "handle": np.array([f"creator_{i}" for i in self.creator_ids], dtype=object),
            "primary_category": np.array(CATEGORIES, dtype=object)[self.creator_category],
            "joined_ts": _ts_strings(self.start, -rng.integers(100, 1500, n_creators) * 86_400),
            "verified": rng.random(n_creators) < 0.2,
        })

        nv = len(self.video_ids)
        categories = np.array(CATEGORIES, dtype=object)[self.video_category]
        languages = np.where(rng.random(nv) < 0.6, "zh", "en").astype(object)
        videos = {
            "video_id": self.video_ids.copy(),
            "creator_id": self.creator_ids[self.video_creator],
            "category": categories,
            "duration_s": self.video_duration.copy(),
            "hashtags": hashtags(categories, rng),
            "title": video_titles(rng, categories, languages),
            "language": languages,
            "published_ts": _ts_strings(self.start, self.video_published_day * 86_400 + self._publish_seconds(rng)),
        }
        videos["title"], videos["hashtags"] = add_planted_terms(self._title_terms, videos["title"],
                                                                videos["hashtags"], languages)
        taken = np.zeros(nv, dtype=bool)
        videos = self._duplicate(rng, "videos", videos, ~taken)
        k = max(1, rng.binomial(nv, DIRT["videos"].rates["unknown_creator"]))
        extra = {name: values[:k].copy() for name, values in videos.items()}
        extra["video_id"] = np.arange(k, dtype=np.int64) + 1_900_000_001
        extra["creator_id"] = np.full(k, 999_999_999, dtype=np.int64)
        videos = {name: np.concatenate([videos[name], extra[name]]) for name in videos}
        self._count("videos", "unknown_creator", k)
        self._write("videos", videos)

        self._write("advertisers", {
            "advertiser_id": np.array([a[0] for a in ADVERTISERS], dtype=object),
            "name": np.array([a[1] for a in ADVERTISERS], dtype=object),
            "industry": np.array([a[2] for a in ADVERTISERS], dtype=object),
            "country": np.array([a[3] for a in ADVERTISERS], dtype=object),
        })
        self._write("campaigns", {
            "campaign_id": np.array([c.campaign_id for c in CAMPAIGNS], dtype=object),
            "advertiser_id": np.array([c.advertiser_id for c in CAMPAIGNS], dtype=object),
            "name": np.array([c.name for c in CAMPAIGNS], dtype=object),
            "objective": np.array([c.objective for c in CAMPAIGNS], dtype=object),
            "target_category": np.array([c.category for c in CAMPAIGNS], dtype=object),
            "start_date": np.array([(self.start + timedelta(c.start_day)).isoformat() for c in CAMPAIGNS], dtype=object),
            "end_date": np.array([(self.start + timedelta(c.end_day)).isoformat() for c in CAMPAIGNS], dtype=object),
            "daily_budget": self._daily_budgets(),
            "holdout_share": np.array([c.holdout_share for c in CAMPAIGNS]),
        })
        self._write("ad_groups", {key: np.array([g[key] for g in self.ad_groups], dtype=object)
                                  for key in ("ad_group_id", "campaign_id", "name", "placement", "bid_strategy",
                                              "target_age_band")})
        self._write("ads", {
            "ad_id": self.ad_ids, "ad_group_id": np.array([a["ad_group_id"] for a in self.ads], dtype=object),
            "name": np.array([a["name"] for a in self.ads], dtype=object),
            "format": np.array([a["format"] for a in self.ads], dtype=object),
            "duration_s": self.ad_duration.astype(np.int32),
            "launched_ts": _ts_strings(self.start, self.ad_launched_day * 86_400 + 9 * 3600),
        })
        holdout_rows = [(CAMPAIGNS[c].campaign_id, np.flatnonzero(self.campaign_population[c]), c)
                        for c in range(len(CAMPAIGNS))]
        self._write("campaign_holdouts", {
            "campaign_id": np.concatenate([np.full(len(idx), cid, dtype=object) for cid, idx, _ in holdout_rows]),
            "user_id": np.concatenate([self.user_ids[idx] for _, idx, _ in holdout_rows]),
            "study_group": np.concatenate([
                np.where(self.campaign_treated[c, idx], "treatment", "holdout").astype(object)
                for _, idx, c in holdout_rows]),
            "assigned_ts": np.concatenate([
                np.full(len(idx), f"{(self.start + timedelta(CAMPAIGNS[c].start_day)).isoformat()} 00:00:00",
                        dtype=object) for _, idx, c in holdout_rows]),
        })
        self._write("experiments", {
            "experiment_id": np.array([e.experiment_id for e in EXPERIMENTS], dtype=object),
            "name": np.array([e.name for e in EXPERIMENTS], dtype=object),
            "hypothesis": np.array([e.hypothesis for e in EXPERIMENTS], dtype=object),
            "start_date": np.array([(self.start + timedelta(e.start_day)).isoformat() for e in EXPERIMENTS], dtype=object),
            "end_date": np.array([(self.start + timedelta(e.end_day)).isoformat() for e in EXPERIMENTS], dtype=object),
        })
        rows = [(e.experiment_id, f"{e.experiment_id}:{v}", v, w, i == 0)
                for e in EXPERIMENTS for i, (v, w) in enumerate(zip(e.variants, e.weights, strict=True))]
        self._write("experiment_variants", {
            "experiment_id": np.array([r[0] for r in rows], dtype=object),
            "variant_id": np.array([r[1] for r in rows], dtype=object),
            "variant_name": np.array([r[2] for r in rows], dtype=object),
            "weight": np.array([r[3] for r in rows]),
            "is_control": np.array([r[4] for r in rows]),
        })

    def _emails(self, rng: np.random.Generator, n: int) -> np.ndarray:
        domains = np.array(["gmail.com", "qq.com", "163.com", "outlook.com", "yahoo.com", "example.com"], dtype=object)
        local = np.array([f"user.{i:07d}" for i in range(n)], dtype=object)
        email = local + "@" + domains[rng.integers(0, len(domains), n)]
        style = rng.random(n)
        email = np.where(style < 0.15, np.char.upper(email.astype(str)).astype(object), email)
        email = np.where((style >= 0.15) & (style < 0.25), "  " + email + " ", email)
        email = np.where((style >= 0.25) & (style < 0.28), "mailto:" + email, email)
        email = np.where((style >= 0.28) & (style < 0.30), "not an email", email)
        return np.where(style > 0.88, None, email)

    def _phones(self, rng: np.random.Generator, n: int) -> np.ndarray:
        digits = rng.integers(10**7, 10**8, n)
        out = np.empty(n, dtype=object)
        style = rng.integers(0, 4, n)
        for i in range(n):
            country = self.countries[i]
            d = str(digits[i])
            if country == "CN":
                national = f"13{style[i]}{d}"
                out[i] = [f"+86 {national[:3]}-{national[3:7]}-{national[7:]}", national,
                          f"0086{national}", f"{national[:3]} {national[3:7]} {national[7:]}"][style[i]]
            elif country == "US":
                out[i] = [f"({415 + style[i]}) 555-{d[:4]}", f"+1 415{d[:7]}", f"1-415-{d[:3]}-{d[3:7]}",
                          f"415.{d[:3]}.{d[3:7]}"][style[i]]
            elif country == "GB":
                out[i] = [f"+44 20 {d[:4]} {d[4:8]}", f"020 {d[:4]} {d[4:8]}", f"0044 20 {d[:4]} {d[4:8]}",
                          f"07700 9{d[:5]}"][style[i]]
            else:
                code = COUNTRIES[country][3]
                out[i] = [f"+{code} {d}{d[:2]}", f"+{code}-{d[:4]}-{d[4:]}{d[:2]}", f"00{code}{d}{d[:2]}",
                          "n/a"][style[i]]
        junk = rng.random(n)
        out[junk < 0.02] = "not given"
        out[junk > 0.85] = None
        return out

    # ---- one day of behaviour --------------------------------------------------------
    def _simulate_day(self, d: int, bank: CommentBank) -> dict[str, int]:
        rng = self._rng(2, d)
        day = self.start + timedelta(d)
        n = self.scale.users
        counts: dict[str, int] = {}

        # experiment state for the day: views multiplier, completion multiplier, ad load multiplier
        rate = np.ones(n)
        completion_mult = np.ones(n)
        ad_load = np.ones(n)
        for e, spec in enumerate(EXPERIMENTS):
            active = (self.exp_variant[e] > 0) & (self.exp_exposure_day[e] <= d) & (d <= spec.end_day)
            arm = np.maximum(self.exp_variant[e] - 1, 0)
            if spec.view_rate_lift:
                rate *= np.where(active, 1 + np.array(spec.view_rate_lift)[arm], 1.0)
                completion_mult *= np.where(active, 1 + np.array(spec.completion_lift)[arm], 1.0)
                ad_load *= np.where(active, 1 + np.array(spec.ad_load_lift)[arm], 1.0)
        signed_up = self.signup_day <= d
        weekday = 1.15 if day.weekday() >= 5 else 1.0
        views = rng.poisson(self.activity * rate * weekday * signed_up)
        self._ad_slots_today = self.activity * rate * weekday * signed_up * np.minimum(0.12 * ad_load, 1.0)
        user_idx = np.repeat(np.arange(n), views)
        n_ev = len(user_idx)

        # what they watch: a category from their interests (80%) or the trending mix, then a video
        cum = np.cumsum(self.interest[user_idx], axis=1)
        u = rng.random(n_ev)[:, None]
        cat = np.minimum((cum < u).sum(axis=1), N_CAT - 1)
        explore = rng.random(n_ev) < 0.2
        cat[explore] = rng.integers(0, N_CAT, explore.sum())
        video_idx = np.empty(n_ev, dtype=np.int64)
        age = d - self.video_published_day
        weight = np.where(age >= 0, self.video_popularity * np.exp(-np.maximum(age, 0) / 45.0), 0.0)
        for c in range(N_CAT):
            rows = np.flatnonzero(cat == c)
            pool = np.flatnonzero((self.video_category == c) & (weight > 0))
            if len(rows) == 0 or len(pool) == 0:
                continue
            cw = np.cumsum(weight[pool])
            video_idx[rows] = pool[np.searchsorted(cw, rng.random(len(rows)) * cw[-1])]
        missing = np.flatnonzero(~np.isin(cat, np.unique(self.video_category[weight > 0])))
        video_idx[missing] = rng.integers(0, len(self.video_ids), len(missing))

        # how much they like it: interest in the category plus the video's quality
        affinity = self.interest[user_idx, self.video_category[video_idx]] * N_CAT
        boosted = self._audience_posting_boost(d, user_idx, video_idx)
        enjoy = _sigmoid(1.2 * np.log(affinity + 0.05) + self.video_quality[video_idx] + rng.normal(0, 0.7, n_ev)
                         + AUDIENCE_POSTING_SHIFT * boosted)
        p_complete = np.clip(0.8 * enjoy**1.5 * completion_mult[user_idx], 0, 1)
        completed = rng.random(n_ev) < p_complete
        duration = self.video_duration[video_idx].astype(np.float64)
        partial = duration * rng.uniform(0.05, 0.95, n_ev) * (0.4 + 0.6 * enjoy)
        watch_seconds = np.round(np.where(completed, duration, partial), 1)
        watch_seconds, completed = self._plant_retention(d, video_idx, watch_seconds, completed, duration)
        self._accumulate_experiment_truth(d, user_idx, enjoy, duration)
        liked = rng.random(n_ev) < 0.02 + 0.3 * enjoy**2
        shared = rng.random(n_ev) < 0.003 + 0.05 * enjoy**3
        followed = rng.random(n_ev) < 0.001 + 0.03 * enjoy**3
        seconds = np.sort(rng.integers(0, 86_400, n_ev))
        event_ids = (d + 1) * 10**10 + np.arange(n_ev, dtype=np.int64)
        events = {
            "event_id": event_ids, "user_id": self.user_ids[user_idx].astype(object),
            "video_id": self.video_ids[video_idx], "event_ts": _ts_strings(day, seconds),
            "watch_seconds": watch_seconds, "completed": completed, "liked": liked, "shared": shared,
            "followed": followed, "device_os": np.array(DEVICES, dtype=object)[self.device_idx[user_idx]],
            "traffic_source": self._traffic_sources(d, user_idx, video_idx, followed),
        }
        taken = np.zeros(n_ev, dtype=bool)
        events["user_id"][self._dirty_rows(rng, "watch_events", n_ev, "missing_key", taken)] = None
        events["event_ts"][self._dirty_rows(rng, "watch_events", n_ev, "unparseable_timestamp", taken)] = \
            BAD_TIMESTAMPS[0]
        bad = self._dirty_rows(rng, "watch_events", n_ev, "out_of_range", taken)
        events["watch_seconds"][bad] = np.where(rng.random(len(bad)) < 0.5, -5.0, 99_999.0)
        events["video_id"][self._dirty_rows(rng, "watch_events", n_ev, "unknown_video", taken)] = 1_999_999_999
        counts["watch_events"] = self._write("watch_events", self._duplicate(rng, "watch_events", events, ~taken), day)

        # comments follow enjoyment: delighted and annoyed viewers speak up
        commenting = rng.random(n_ev) < 0.02 + 0.12 * np.abs(enjoy - 0.5)
        c_idx = np.flatnonzero(commenting)
        e_c = enjoy[c_idx]
        r = rng.random(len(c_idx))
        p_pos, p_neg = e_c**2, (1 - e_c) ** 2
        labels = np.where(r < p_pos, "positive", np.where(r < p_pos + p_neg, "negative", "neutral")).astype(object)
        texts = bank.sample(rng, self.language[user_idx[c_idx]], labels,
                            np.array(CATEGORIES, dtype=object)[self.video_category[video_idx[c_idx]]])
        comment_rows = {
            "comment_id": (d + 1) * 10**9 + np.arange(len(c_idx), dtype=np.int64),
            "user_id": self.user_ids[user_idx[c_idx]],
            "video_id": self.video_ids[video_idx[c_idx]].astype(object), "ad_id": np.full(len(c_idx), None),
            "comment_ts": _ts_strings(day, np.minimum(seconds[c_idx] + rng.integers(5, 600, len(c_idx)), 86_399)),
            "text": np.array([t.encode("utf-8") for t in texts], dtype=object),
        }
        self._comment_truth.append((comment_rows["comment_id"], labels))

        # ads shown between views to users treated by an active campaign
        ads = self._simulate_ads(rng, d, day, user_idx, seconds, ad_load, bank)
        for key in comment_rows:
            comment_rows[key] = np.concatenate([comment_rows[key], ads.pop(f"comment_{key}")])
        nc = len(comment_rows["comment_id"])
        taken = np.zeros(nc, dtype=bool)
        comment_rows["text"][self._dirty_rows(rng, "comments", nc, "empty_text", taken)] = b"  "
        comment_rows["text"][self._dirty_rows(rng, "comments", nc, "invalid_encoding", taken)] = b"\xff\xfe\xb0bad"
        unknown = self._dirty_rows(rng, "comments", nc, "unknown_video", taken)
        comment_rows["video_id"][unknown] = 1_999_999_999
        comment_rows["ad_id"][unknown] = None
        counts["comments"] = self._write("comments", self._duplicate(rng, "comments", comment_rows, ~taken), day)
        counts.update(ads)

        self._simulate_conversions(rng, d, day, counts)
        self._write_assignments(rng, d, day, counts)
        return counts

    def _simulate_ads(self, rng, d, day, user_idx, seconds, ad_load, bank) -> dict:
        n_ev = len(user_idx)
        active = np.array([c.start_day <= d <= c.end_day for c in CAMPAIGNS])
        eligible = self.campaign_treated[:, user_idx] & active[:, None]  # campaigns x events
        has_any = eligible.any(axis=0)
        shown = has_any & (rng.random(n_ev) < 0.12 * ad_load[user_idx])
        ev = np.flatnonzero(shown)
        scores = rng.random((len(CAMPAIGNS), len(ev))) * eligible[:, ev]
        campaign = scores.argmax(axis=0)
        ad_choice = np.empty(len(ev), dtype=np.int64)
        for c in np.unique(campaign):
            rows = np.flatnonzero(campaign == c)
            pool = np.flatnonzero((self.ad_campaign == c) & (self.ad_launched_day <= d))
            if len(pool) == 0:
                pool = np.flatnonzero(self.ad_campaign == c)
            ad_choice[rows] = pool[rng.integers(0, len(pool), len(rows))]
        users = user_idx[ev]
        # frequency: this user's impression count for the campaign so far, for creative fatigue
        order = np.lexsort((seconds[ev], users, campaign))
        key = campaign[order] * self.scale.users + users[order]
        first = np.r_[True, key[1:] != key[:-1]]
        group_start = np.maximum.accumulate(np.where(first, np.arange(len(key)), 0))
        within = np.empty(len(ev), dtype=np.int64)
        within[order] = np.arange(len(key)) - group_start
        frequency = self.impressions_so_far[campaign, users] + within + 1
        np.add.at(self.impressions_so_far, (campaign, users), 1)

        ni = len(ev)
        affinity = self.interest[users, [CATEGORIES.index(CAMPAIGNS[c].category) for c in campaign]] * N_CAT \
            if ni else np.zeros(0)
        watch_frac = np.clip(rng.beta(1.2, 2.0, ni) * (0.6 + 0.25 * np.minimum(affinity, 2)), 0, 1)
        ad_seconds = watch_frac * self.ad_duration[ad_choice]
        p_click = self.ad_base_ctr[ad_choice] * (0.5 + 0.5 * np.minimum(affinity, 3)) * 0.85 ** (frequency - 1)
        clicked = rng.random(ni) < p_click
        cpm = np.array([c.cpm for c in CAMPAIGNS])[campaign] if ni else np.zeros(0)
        impression_ids = (d + 1) * 10**9 + np.arange(ni, dtype=np.int64)
        ts = np.minimum(seconds[ev] + rng.integers(1, 60, ni), 86_399)
        engaged = rng.random((4, ni))
        impressions = {
            "impression_id": impression_ids, "ad_id": self.ad_ids[ad_choice], "user_id": self.user_ids[users],
            "impression_ts": _ts_strings(day, ts), "cost": np.round(cpm / 1000 * rng.lognormal(0, 0.25, ni), 5),
            "watch_seconds": np.round(ad_seconds, 2), "ad_duration_s": self.ad_duration[ad_choice].astype(np.int32),
            "liked": engaged[0] < 0.01 + 0.03 * watch_frac, "commented": engaged[1] < 0.004 + 0.01 * watch_frac,
            "shared": engaged[2] < 0.001 + 0.004 * watch_frac, "followed": engaged[3] < 0.001 + 0.003 * watch_frac,
        }
        taken = np.zeros(ni, dtype=bool)
        impressions["cost"][self._dirty_rows(rng, "ad_impressions", ni, "out_of_range", taken)] = -1.0
        impressions["ad_id"][self._dirty_rows(rng, "ad_impressions", ni, "unknown_ad", taken)] = "ad_unknown"
        clean_impressions = ~taken
        out = {"ad_impressions": self._write("ad_impressions",
                                             self._duplicate(rng, "ad_impressions", impressions, ~taken), day)}

        click_rows = np.flatnonzero(clicked & clean_impressions)
        self._record_ad_touches(d, campaign, users, ts, campaign[click_rows], users[click_rows], ts[click_rows])
        clicks = {
            "click_id": (d + 1) * 10**9 + np.arange(len(click_rows), dtype=np.int64),
            "impression_id": impression_ids[click_rows].copy(), "ad_id": self.ad_ids[ad_choice[click_rows]],
            "user_id": self.user_ids[users[click_rows]],
            "click_ts": _ts_strings(day, np.minimum(ts[click_rows] + rng.integers(1, 30, len(click_rows)), 86_399)),
        }
        taken = np.zeros(len(click_rows), dtype=bool)
        clicks["impression_id"][self._dirty_rows(rng, "ad_clicks", len(click_rows), "unknown_impression", taken)] = -1
        out["ad_clicks"] = self._write("ad_clicks", self._duplicate(rng, "ad_clicks", clicks, ~taken), day)

        commented = np.flatnonzero(impressions["commented"] & clean_impressions)
        sentiment_draw = rng.random(len(commented))
        enjoy = watch_frac[commented]
        labels = np.where(sentiment_draw < enjoy * 0.8, "positive",
                          np.where(sentiment_draw > 0.75, "negative", "neutral")).astype(object)
        texts = bank.sample(rng, self.language[users[commented]], labels,
                            np.array([CAMPAIGNS[c].category for c in campaign[commented]], dtype=object))
        out.update({
            "comment_comment_id": (d + 1) * 10**9 + 500_000_000 + np.arange(len(commented), dtype=np.int64),
            "comment_user_id": self.user_ids[users[commented]],
            "comment_video_id": np.full(len(commented), None, dtype=object),
            "comment_ad_id": self.ad_ids[ad_choice[commented]],
            "comment_comment_ts": _ts_strings(day, np.minimum(ts[commented] + 20, 86_399)),
            "comment_text": np.array([t.encode("utf-8") for t in texts], dtype=object),
        })
        self._comment_truth.append((out["comment_comment_id"], labels))
        return out

    def _simulate_conversions(self, rng, d, day, counts) -> None:
        user_rows, advertisers, values = [], [], []
        for c, spec in enumerate(CAMPAIGNS):
            if not spec.start_day <= d <= spec.end_day:
                continue
            window = spec.end_day - spec.start_day + 1
            pop = np.flatnonzero(self.campaign_population[c])
            p = self.campaign_p0[c, pop] / window  # the ads' effect follows exposure: _add_ad_driven_conversions
            converted = pop[rng.random(len(pop)) < p]
            user_rows.append(converted)
            advertisers.append(np.full(len(converted), spec.advertiser_id, dtype=object))
            values.append(np.round(spec.avg_order_value * rng.lognormal(-0.1, 0.45, len(converted)), 2))
        self._add_ad_driven_conversions(d, user_rows, advertisers, values)
        users = np.concatenate(user_rows) if user_rows else np.zeros(0, dtype=np.int64)
        nk = len(users)
        conversions = {
            "conversion_id": (d + 1) * 10**9 + np.arange(nk, dtype=np.int64), "user_id": self.user_ids[users],
            "advertiser_id": np.concatenate(advertisers) if advertisers else np.zeros(0, dtype=object),
            "conversion_ts": _ts_strings(day, rng.integers(0, 86_400, nk)), "event_name": np.full(nk, "purchase"),
            "value": np.concatenate(values) if values else np.zeros(0), "currency": np.full(nk, "CNY"),
        }
        self._time_ad_driven_conversions(d, conversions)
        taken = np.zeros(nk, dtype=bool)
        conversions["value"][self._dirty_rows(rng, "conversions", nk, "out_of_range", taken)] = -10.0
        conversions["conversion_ts"][self._dirty_rows(rng, "conversions", nk, "unparseable_timestamp", taken)] = \
            BAD_TIMESTAMPS[1]
        counts["conversions"] = self._write("conversions", self._duplicate(rng, "conversions", conversions, ~taken),
                                            day)

    # ---- conversion attribution: ad-driven conversions follow the ad that drove them ----------------
    def _reset_ad_touches(self) -> None:
        """Each user's latest impression and click per campaign, in seconds since the start (NO_TOUCH =
        never); per campaign the expected and the drawn ad-driven conversions."""
        shape = (len(CAMPAIGNS), self.scale.users)
        self.last_view_at = np.full(shape, NO_TOUCH, dtype=np.int64)
        self.last_click_at = np.full(shape, NO_TOUCH, dtype=np.int64)
        self.ad_driven_expected = np.zeros(len(CAMPAIGNS))
        self.ad_driven_drawn = np.zeros(len(CAMPAIGNS), dtype=np.int64)
        self._ad_driven_today: list[tuple[int, np.ndarray]] = []

    def _record_ad_touches(self, d, view_campaign, view_users, view_ts, click_campaign, click_users, click_ts) -> None:
        if not hasattr(self, "last_view_at"):
            self._reset_ad_touches()
        base = d * 86_400
        np.maximum.at(self.last_view_at, (view_campaign, view_users), base + view_ts.astype(np.int64))
        # a click comes 1-29 s after its impression: +29 keeps a conversion timed after it, after the click
        np.maximum.at(self.last_click_at, (click_campaign, click_users), base + click_ts.astype(np.int64) + 29)

    def _add_ad_driven_conversions(self, d, user_rows, advertisers, values) -> None:
        """The campaign's causal effect, drawn only for treated users who saw one of its ads today.

        A treated user's expected extra conversions over the flight are tau (as planted). On a day the user
        is reached with probability pi (Poisson ad slots: expected ad slots today / the number of campaigns
        competing for them), so drawing an ad-driven conversion with probability tau / flight days / pi on
        the days they are reached gives tau in expectation, and each such conversion follows an ad (see
        _time_ad_driven_conversions). Uses its own random stream; appends to the day's conversion lists."""
        if not hasattr(self, "last_view_at"):
            self._reset_ad_touches()
        rng = self._rng(5, d)
        base = d * 86_400
        active = [c for c, spec in enumerate(CAMPAIGNS) if spec.start_day <= d <= spec.end_day]
        competing = self.campaign_treated[active].sum(axis=0) if active else np.zeros(self.scale.users)
        offset = sum(len(rows) for rows in user_rows)
        self._ad_driven_today = []
        for c in active:
            spec = CAMPAIGNS[c]
            window = spec.end_day - spec.start_day + 1
            treated = np.flatnonzero(self.campaign_treated[c])
            reach_p = 1 - np.exp(-self._ad_slots_today[treated] / np.maximum(competing[treated], 1))
            per_day = self.campaign_tau[c, treated] / window
            p = np.where(reach_p > 0, np.minimum(per_day / np.maximum(reach_p, 1e-12), 1.0), 0.0)
            self.ad_driven_expected[c] += float(np.sum(p * reach_p))
            seen_today = self.last_view_at[c, treated] >= base
            converted = treated[seen_today & (rng.random(len(treated)) < p)]
            user_rows.append(converted)
            advertisers.append(np.full(len(converted), spec.advertiser_id, dtype=object))
            values.append(np.round(spec.avg_order_value * rng.lognormal(-0.1, 0.45, len(converted)), 2))
            self._ad_driven_today.append((c, converted, offset))
            self.ad_driven_drawn[c] += len(converted)
            offset += len(converted)

    def _time_ad_driven_conversions(self, d, conversions) -> None:
        """An ad-driven conversion comes after today's click of the campaign if the user clicked, else after
        today's latest impression, by a log-normal lag (median CONVERSION_LAG_MEDIAN_S), within the day. So
        last-touch attribution (click window ATTRIBUTION_CLICK_DAYS, view window ATTRIBUTION_VIEW_DAYS)
        credits it, unless its ad's row is dirty; organic conversions keep their random time, and those that
        happen to follow an ad are credited too: attributed CPA and ROAS flatter the incremental ones."""
        rng = self._rng(6, d)
        day = self.start + timedelta(d)
        base = d * 86_400
        seconds = (conversions["conversion_ts"].astype("datetime64[s]")
                   - np.datetime64(day.isoformat(), "s")).astype(np.int64)
        for c, users, offset in self._ad_driven_today:
            clicked = self.last_click_at[c, users]
            touch = np.where(clicked >= base, clicked, self.last_view_at[c, users]) - base
            lag = np.round(rng.lognormal(np.log(CONVERSION_LAG_MEDIAN_S), 1.2, len(users))).astype(np.int64)
            seconds[offset:offset + len(users)] = np.minimum(touch + lag, 86_399)
        conversions["conversion_ts"] = _ts_strings(day, seconds)

    def _daily_budgets(self) -> np.ndarray:
        """Budgets in line with delivery, so pacing reads like a real account's: BUDGET_HEADROOM times the
        expected daily spend over the flight (CPM x expected impressions: each treated user's ad slots,
        weekends included, shared among the campaigns that target them and are live that day)."""
        slots = self.activity * 0.12 * (1 + 0.15 * 2 / 7)
        budgets, shares = [], {}
        for c, spec in enumerate(CAMPAIGNS):
            users = np.flatnonzero(self.campaign_treated[c])
            impressions = 0.0
            for d in range(spec.start_day, spec.end_day + 1):
                live = tuple(k for k, other in enumerate(CAMPAIGNS) if other.start_day <= d <= other.end_day)
                if (c, live) not in shares:  # the same campaigns live: the same expected impressions
                    shares[c, live] = float(np.sum(slots[users] / self.campaign_treated[list(live)][:, users].sum(axis=0)))
                impressions += shares[c, live]
            daily_spend = spec.cpm / 1000 * impressions / (spec.end_day - spec.start_day + 1)
            budgets.append(max(0.01, round(BUDGET_HEADROOM * daily_spend, 2)))
        return np.array(budgets)

    def _add_attribution_truth(self, campaigns: list[dict]) -> None:
        """Truth keys: the ad-driven conversions expected over the simulated days (tau pro rata, less days a
        user could not be reached) and drawn (before dirty rows and duplicates are injected), each placed
        after an ad of the campaign."""
        if not hasattr(self, "ad_driven_drawn"):
            self._reset_ad_touches()
        for c, row in enumerate(campaigns):
            row["expected_ad_driven_conversions"] = float(self.ad_driven_expected[c])
            row["ad_driven_conversions"] = int(self.ad_driven_drawn[c])
            row["attribution_windows_days"] = {"click": ATTRIBUTION_CLICK_DAYS, "view": ATTRIBUTION_VIEW_DAYS}

    def _write_assignments(self, rng, d, day, counts) -> None:
        exp_ids, users, variants = [], [], []
        for e, spec in enumerate(EXPERIMENTS):
            exposed = np.flatnonzero(self.exp_exposure_day[e] == d)
            arm = self.exp_variant[e, exposed]
            if spec.srm_dropped_share:
                lost = (arm == 1) & (rng.random(len(exposed)) < spec.srm_dropped_share)
                exposed, arm = exposed[~lost], arm[~lost]
            # a few users are exposed twice, once to another arm (cache or device switch)
            twice = rng.random(len(exposed)) < spec.multiple_exposure_share
            other = (arm[twice] + 1) % len(spec.variants)
            exposed = np.concatenate([exposed, exposed[twice]])
            arm = np.concatenate([arm, other])
            exp_ids.append(np.full(len(exposed), spec.experiment_id, dtype=object))
            users.append(exposed)
            variants.append(np.array([f"{spec.experiment_id}:{spec.variants[a]}" for a in arm], dtype=object))
        users_idx = np.concatenate(users)
        na = len(users_idx)
        assignments = {
            "assignment_id": (d + 1) * 10**8 + np.arange(na, dtype=np.int64),
            "experiment_id": np.concatenate(exp_ids), "user_id": self.user_ids[users_idx],
            "variant_id": np.concatenate(variants),
            "exposure_ts": _ts_strings(day, rng.integers(0, 86_400, na)),
            "device_os": np.array(DEVICES, dtype=object)[self.device_idx[users_idx]],
        }
        taken = np.zeros(na, dtype=bool)
        assignments["variant_id"][self._dirty_rows(rng, "experiment_assignments", na, "unknown_variant", taken)] = \
            "variant_unknown"
        counts["experiment_assignments"] = self._write("experiment_assignments", assignments, day)

    # ---- spend response (placement) --------------------------------------------------
    def _expected_impressions(self, c: int) -> np.ndarray:
        """Expected impressions of campaign c per user over its planned flight, as if treated.

        Mirrors `_simulate_ads` in expectation: views per day (activity, experiment view rate, weekend),
        a 12% ad slot per view (times the experiment ad load), split evenly among the active campaigns
        the user is treated by. Planned flight, not `scale.days`, so appending days replays it exactly.
        """
        spec = CAMPAIGNS[c]
        expected = np.zeros(self.scale.users)
        for d in range(spec.start_day, spec.end_day + 1):
            rate = np.ones(self.scale.users)
            ad_load = np.ones(self.scale.users)
            for e, exp_spec in enumerate(EXPERIMENTS):
                active = (self.exp_variant[e] > 0) & (self.exp_exposure_day[e] <= d) & (d <= exp_spec.end_day)
                arm = np.maximum(self.exp_variant[e] - 1, 0)
                if exp_spec.view_rate_lift:
                    rate *= np.where(active, 1 + np.array(exp_spec.view_rate_lift)[arm], 1.0)
                    ad_load *= np.where(active, 1 + np.array(exp_spec.ad_load_lift)[arm], 1.0)
            weekday = 1.15 if (self.start + timedelta(d)).weekday() >= 5 else 1.0
            competing = np.ones(self.scale.users)  # campaign c itself
            for other, other_spec in enumerate(CAMPAIGNS):
                if other != c and other_spec.start_day <= d <= other_spec.end_day:
                    competing += self.campaign_treated[other]
            expected += (self.activity * rate * weekday * (self.signup_day <= d)
                         * np.minimum(0.12 * ad_load, 1.0) / competing)
        return expected

    def _plant_spend_response(self) -> None:
        """Make each user's campaign effect depend on how many impressions reach them, with diminishing returns.

        A treated user's expected extra conversions are cap x (1 - exp(-E / E0)), E = expected impressions
        over the flight, E0 = RESPONSE_SATURATION_IMPRESSIONS: the first impressions do most of the work,
        frequency saturates. The cap keeps the old heterogeneity (age, device, affinity) and is scaled per
        campaign so the mean effect over the study population (the planted ATE) is what it was. More budget
        in a segment can only raise frequency (its audience is the campaign's treated users there), so a
        segment's return to extra spend (marginal) is below its return on the spend so far (average).
        """
        self.campaign_expected_impressions = np.zeros(self.campaign_tau.shape, dtype=np.float64)
        self.campaign_effect_cap = np.zeros(self.campaign_tau.shape, dtype=np.float64)
        for c in range(len(CAMPAIGNS)):
            expected = self._expected_impressions(c)
            saturation = 1.0 - np.exp(-expected / RESPONSE_SATURATION_IMPRESSIONS)
            pop = self.campaign_population[c]
            tau = self.campaign_tau[c].astype(np.float64)
            weighted = float((tau[pop] * saturation[pop]).sum())
            scale = float(tau[pop].sum()) / weighted if weighted > 0 else 1.0
            self.campaign_expected_impressions[c] = expected
            self.campaign_effect_cap[c] = tau * scale
            self.campaign_tau[c] = (tau * scale * saturation).astype(np.float32)

    def _spend_response_curves(self, c: int) -> dict[str, np.ndarray]:
        """Per user of campaign c: expected spend, effect (average) and d effect / d spend (marginal)."""
        spec = CAMPAIGNS[c]
        expected = self.campaign_expected_impressions[c]
        cap = self.campaign_effect_cap[c]
        cost = spec.cpm / 1000 * EXPECTED_COST_FACTOR
        x = expected / RESPONSE_SATURATION_IMPRESSIONS
        return {
            "expected_impressions": expected, "expected_spend": expected * cost, "effect_cap": cap,
            "effect": cap * (1.0 - np.exp(-x)),
            # scaling delivery by (1 + eps) adds eps x E impressions and eps x E x cost spend
            "marginal_effect_per_spend": cap * np.exp(-x) / (RESPONSE_SATURATION_IMPRESSIONS * cost),
        }

    def _spend_response_truth(self) -> dict:
        """True average and marginal incremental return per campaign x age band x device (treated users)."""
        campaigns = []
        for c, spec in enumerate(CAMPAIGNS):
            curves = self._spend_response_curves(c)
            treated = self.campaign_treated[c]
            value = spec.avg_order_value * EXPECTED_ORDER_VALUE_FACTOR
            segments = []
            for a, age_band in enumerate(AGE_BANDS):
                for v, device in enumerate(DEVICES):
                    rows = treated & (self.age_idx == a) & (self.device_idx == v)
                    spend = float(curves["expected_spend"][rows].sum())
                    incremental = float(curves["effect"][rows].sum())
                    marginal_sum = float((curves["marginal_effect_per_spend"][rows]
                                          * curves["expected_spend"][rows]).sum())
                    segments.append({
                        "segment_type": "age_band_device", "segment": f"{age_band} / {device}",
                        "treated_users": int(rows.sum()), "expected_spend": spend,
                        "true_incremental_conversions": incremental,
                        "true_incremental_value": incremental * value,
                        "true_average_return_per_1000": 1000 * incremental / spend if spend > 0 else None,
                        "true_marginal_return_per_1000": 1000 * marginal_sum / spend if spend > 0 else None,
                    })
            campaigns.append({"campaign_id": spec.campaign_id, "advertiser_id": spec.advertiser_id,
                              "expected_value_per_conversion": value, "segments": segments})
        return {
            "saturation_impressions": RESPONSE_SATURATION_IMPRESSIONS,
            "notes": "Per treated user the effect is cap x (1 - exp(-E/E0)) with E the expected impressions over "
                     "the planned flight. Average return = incremental conversions per 1,000 CNY of expected "
                     "spend; marginal return = d incremental / d spend when the segment's delivery (impressions "
                     "per user) is scaled, per 1,000 CNY. Per user in campaign_user_response.parquet.",
            "campaigns": campaigns,
        }

    def _write_spend_response_truth(self) -> None:
        rows = []
        for c, spec in enumerate(CAMPAIGNS):
            pop = np.flatnonzero(self.campaign_population[c])
            curves = self._spend_response_curves(c)
            rows.append({
                "campaign_id": np.full(len(pop), spec.campaign_id, dtype=object), "user_id": self.user_ids[pop],
                "treated": self.campaign_treated[c, pop],
                **{key: values[pop] for key, values in curves.items()},
            })
        pq.write_table(pa.table({key: np.concatenate([r[key] for r in rows]) for key in rows[0]}),
                       self.truth_dir / "campaign_user_response.parquet")

    # ---- planted truth ---------------------------------------------------------------
    def _accumulate_experiment_truth(self, d, user_idx, enjoy, duration) -> None:
        """Expected watch seconds per view under control and treatment, summed over exposed views.

        The true lift of watch time is then (1 + view-rate lift) x this ratio: an exact expectation
        given the drawn views, independent of the noise in completion and partial watching.
        """
        for e, spec in enumerate(EXPERIMENTS):
            variant = self.exp_variant[e, user_idx]
            post = (variant >= 0) & (self.exp_exposure_day[e, user_idx] <= d) & (d <= spec.end_day)
            if not post.any():
                continue
            mean_partial = duration[post] * 0.5 * (0.4 + 0.6 * enjoy[post])
            base = np.clip(0.8 * enjoy[post] ** 1.5, 0, 1)
            acc = self._ws_truth.setdefault(spec.experiment_id, np.zeros((len(spec.variants), 2)))
            for v in range(len(spec.variants)):
                lift = 0.0 if v == 0 else spec.completion_lift[v - 1]
                p = np.clip(base * (1 + lift), 0, 1)
                acc[v, 0] += np.sum(p * duration[post] + (1 - p) * mean_partial)
                acc[v, 1] += np.sum(p)
            acc_views = self._ws_truth.setdefault(spec.experiment_id + ":views", np.zeros(1))
            acc_views[0] += post.sum()

    def _truth(self) -> dict:
        experiments = []
        for spec in EXPERIMENTS:
            acc = self._ws_truth.get(spec.experiment_id)
            variants = []
            for v, name in enumerate(spec.variants[1:], start=1):
                rate = 1 + spec.view_rate_lift[v - 1]
                ws = acc[v, 0] / acc[0, 0] if acc is not None else 1.0
                cr = acc[v, 1] / acc[0, 1] if acc is not None else 1.0
                variants.append({
                    "variant_id": f"{spec.experiment_id}:{name}",
                    "true_relative_lift": {
                        "videos_watched": rate - 1, "watch_seconds": rate * ws - 1, "completion_rate": cr - 1,
                        "ad_impressions": rate * (1 + spec.ad_load_lift[v - 1]) - 1,
                    },
                })
            experiments.append({**asdict(spec), "has_effect": any(
                abs(x) > 0 for var in variants for x in var["true_relative_lift"].values()),
                "variants_truth": variants, "planted_srm": spec.srm_dropped_share > 0})
        campaigns = []
        for c, spec in enumerate(CAMPAIGNS):
            pop = self.campaign_population[c]
            treated = self.campaign_treated[c]
            campaigns.append({
                **asdict(spec), "population": int(pop.sum()), "treated": int(treated.sum()),
                "true_ate_conversions_per_user": float(self.campaign_tau[c, pop].mean()),
                "true_incremental_conversions": float(self.campaign_tau[c, treated].sum()),
                "baseline_conversions_per_user": float(self.campaign_p0[c, pop].mean()),
            })
        self._add_attribution_truth(campaigns)
        return {
            "seed": self.seed, "scale": asdict(self.scale), "start_date": self.start.isoformat(),
            "categories": CATEGORIES, "experiments": experiments, "campaigns": campaigns,
            "injected_dirty_rows": self.injected,
            "campaign_spend_response": self._spend_response_truth(),
            "retention_dips": self._retention_truth(),
            "traffic_sources": self._traffic_truth(),
            "title_terms": self._title_terms_truth(),
            "posting_times": self._posting_times_truth(),
            "audience_posting_times": self._audience_posting_truth(),
            "video_files": self._video_files_truth(),
            "notes": {
                "experiments": "Lifts are relative per assigned user over the post-exposure window; "
                               "completion_rate is completed views / views.",
                "campaigns": "Effects are intention-to-treat: expected extra conversions per user in the "
                             "treatment group over the campaign window, p0 + tau per user.",
            },
        }

    # ---- creator studio (issue 17): planted retention dips and loops ----------------------
    def _retention_plan(self) -> dict:
        """Which videos get dips (the most viewed in their category, so a dip has viewers behind it),
        at which seconds and how deep. Static state from its own random stream: replays identically."""
        if hasattr(self, "_retention_plan_cache"):
            return self._retention_plan_cache
        rng = self._rng(17)
        days = np.arange(PLANNED_DAYS)[None, :]
        age = days - self.video_published_day[:, None]
        weight = np.where(age >= 0, self.video_popularity[:, None] * np.exp(-np.maximum(age, 0) / 45.0), 0.0).sum(1)
        share = weight / np.maximum(np.bincount(self.video_category, weights=weight, minlength=N_CAT), 1e-12)[
            self.video_category]
        eligible = np.flatnonzero((self.video_duration >= RETENTION_DIP_MIN_DURATION) & (share > 0))
        n_plant = int(np.clip(round(RETENTION_DIP_VIDEO_SHARE * len(self.video_ids)), 8, RETENTION_DIP_MAX_VIDEOS))
        chosen = eligible[np.argsort(-share[eligible], kind="stable")[:n_plant]]
        dips: dict[int, list[tuple[int, float]]] = {}
        for v in chosen:
            length = int(self.video_duration[v])
            k = 1 + int(length >= 25 and rng.random() < 0.5)
            seconds: list[int] = []
            while len(seconds) < k:
                s = int(rng.integers(4, length - 5))  # the seconds key moments can be tested at
                if all(abs(s - o) >= 6 for o in seconds):
                    seconds.append(s)
            dips[int(v)] = [(s, float(rng.uniform(0.12, 0.3))) for s in sorted(seconds)]
        self._retention_plan_cache = {"dips": dips, "looping": set(int(v) for v in chosen)}
        return self._retention_plan_cache

    def _plant_retention(self, d, video_idx, watch_seconds, completed, duration):
        """Views of planted videos: at each dip second a share of the viewers still watching leave within
        that second; a share of completed views loop (watch ratio above 1). Own random stream per day, so
        every other column of the export is unchanged."""
        plan = self._retention_plan()
        rows = np.flatnonzero(np.isin(video_idx, np.fromiter(plan["dips"], dtype=np.int64)))
        if len(rows) == 0:
            return watch_seconds, completed
        rng = self._rng(17, d)
        watch_seconds, completed = watch_seconds.copy(), completed.copy()
        for v in np.unique(video_idx[rows]):
            r = rows[video_idx[rows] == v]
            for second, drop in plan["dips"][int(v)]:
                leave = r[(watch_seconds[r] >= second + 1) & (rng.random(len(r)) < drop)]
                watch_seconds[leave] = np.round(second + rng.uniform(0.05, 0.9, len(leave)), 1)
                completed[leave] = False
            loops = r[completed[r] & (rng.random(len(r)) < RETENTION_LOOP_SHARE)]
            extra = rng.geometric(0.6, len(loops)) - 1 + rng.uniform(0.05, 0.95, len(loops))
            watch_seconds[loops] = np.round(duration[loops] * (1 + extra), 1)
        return watch_seconds, completed

    def _retention_truth(self) -> dict:
        plan = self._retention_plan()
        return {
            "dips": [{"video_id": int(self.video_ids[v]), "second": s, "drop_share": round(h, 4)}
                     for v, items in sorted(plan["dips"].items()) for s, h in items],
            "looping_video_ids": sorted(int(self.video_ids[v]) for v in plan["looping"]),
            "loop_share_of_completed_views": RETENTION_LOOP_SHARE,
            "note": "At each dip second, drop_share of the views still watching end within [second, second + 1). "
                    "Videos not listed have no planted dip: any dip detected there is a false positive.",
        }

    # ---- creator studio (issue 17): traffic sources and follows ----------------------------
    def _traffic_probabilities(self) -> np.ndarray:
        """P(source) per (category, follows the creator), shape (N_CAT, 2, len(TRAFFIC_SOURCES))."""
        p = np.zeros((N_CAT, 2, len(TRAFFIC_SOURCES)))
        for c, name in enumerate(CATEGORIES):
            non = dict(TRAFFIC_NON_FOLLOWER_P)
            if name in TRAFFIC_SEARCH_HEAVY:
                non["for_you"] -= TRAFFIC_SEARCH_HEAVY[name] - non["search"]
                non["search"] = TRAFFIC_SEARCH_HEAVY[name]
            p[c, 0] = [non[s] for s in TRAFFIC_SOURCES]
            p[c, 1] = [TRAFFIC_FOLLOWER_P[s] for s in TRAFFIC_SOURCES]
        return p

    def _reset_traffic(self) -> None:
        self._follow_keys = np.empty(0, dtype=np.int64)  # user_idx * n_creators + creator_idx, sorted
        self._traffic_counts = np.zeros((N_CAT, 2, len(TRAFFIC_SOURCES)), dtype=np.int64)

    def _traffic_sources(self, d, user_idx, video_idx, followed) -> np.ndarray:
        """The source of each view: drawn per view from the category's mix, the Following feed only for
        viewers who followed the creator on an earlier day. Own random stream per day, so the other
        columns of the export are unchanged; today's follows join the follower state afterwards."""
        if not hasattr(self, "_follow_keys"):
            self._reset_traffic()
        rng = self._rng(19, d)
        keys = user_idx.astype(np.int64) * len(self.creator_ids) + self.video_creator[video_idx]
        follows = np.isin(keys, self._follow_keys).astype(np.int64)
        cat = self.video_category[video_idx]
        cum = np.cumsum(self._traffic_probabilities()[cat, follows], axis=1)
        source_idx = np.minimum((cum < rng.random(len(keys))[:, None]).sum(axis=1), len(TRAFFIC_SOURCES) - 1)
        np.add.at(self._traffic_counts, (cat, follows, source_idx), 1)
        self._follow_keys = np.union1d(self._follow_keys, keys[followed])
        return np.array(TRAFFIC_SOURCES, dtype=object)[source_idx]

    def _traffic_truth(self) -> dict:
        p = self._traffic_probabilities()
        counts = getattr(self, "_traffic_counts", np.zeros_like(p, dtype=np.int64))
        return {
            "sources": list(TRAFFIC_SOURCES),
            "probabilities": {name: {"non_follower": dict(zip(TRAFFIC_SOURCES, p[c, 0].round(4).tolist(), strict=True)),
                                     "follower": dict(zip(TRAFFIC_SOURCES, p[c, 1].round(4).tolist(), strict=True))}
                              for c, name in enumerate(CATEGORIES)},
            "search_heavy_categories": sorted(TRAFFIC_SEARCH_HEAVY),
            "views_by_source": dict(zip(TRAFFIC_SOURCES, counts.sum(axis=(0, 1)).tolist(), strict=True)),
            "views_by_follower_state": {"non_follower": int(counts[:, 0].sum()), "follower": int(counts[:, 1].sum())},
            "note": "Counts are over every written view, dirty rows included. 'following' is drawn only for "
                    "viewers who followed the creator (a watch event with followed = true) on an earlier day.",
        }

    # ---- creator studio (issue 17, text): planted title terms and hashtags ------------------------
    def _plant_title_terms(self) -> None:
        """Per category, terms and hashtags whose videos are better liked (a quality shift, so every
        engagement signal and the comments' sentiment follow), and control terms planted with no lift.
        Static state from its own random stream: replays identically."""
        self._title_terms = plan_title_terms(self._rng(18), self.video_category)
        self.video_quality = self.video_quality + self._title_terms["quality_shift"]

    def _plant_posting_times(self) -> None:
        """Per category, one 4-hour publish window whose videos are better liked (a quality shift, so
        early watch-through follows). Publish times are drawn here, at population time, so that
        `append_days` replays the shift too. Own random stream (2301, unused elsewhere)."""
        rng = self._rng(2301)
        self.video_publish_second = rng.integers(0, 86_400, len(self.video_ids))
        self._good_post_bucket = rng.integers(0, 24 // POSTING_BUCKET_HOURS, N_CAT)
        bucket = self.video_publish_second // (POSTING_BUCKET_HOURS * 3600)
        self._good_post_video = bucket == self._good_post_bucket[self.video_category]
        self.video_quality = self.video_quality + POSTING_QUALITY_SHIFT * self._good_post_video

    def _publish_seconds(self, rng: np.random.Generator) -> np.ndarray:
        """Second of the day each video was published (planted by `_plant_posting_times`). The dimension
        stream's old draw is still made so that every later draw of that stream stays as it was."""
        rng.integers(0, 86_400, len(self.video_ids))
        return self.video_publish_second

    def _audience_good_bucket(self) -> np.ndarray:
        """Per country (COUNTRIES order), the publish window (index) holding its local evening."""
        offsets = np.array([COUNTRY_UTC_OFFSET[c] for c in COUNTRIES])
        return (((AUDIENCE_GOOD_LOCAL_HOUR - offsets) % 24) // POSTING_BUCKET_HOURS).astype(int)

    def _audience_posting_boost(self, d: int, user_idx: np.ndarray, video_idx: np.ndarray) -> np.ndarray:
        """True for the views of day `d` planted with the audience posting effect: the video was published
        today or yesterday, in the window holding the viewer's local evening. Draws nothing (the day's
        stream is unchanged); counts the boosted views for the truth."""
        fresh = (d - self.video_published_day[video_idx]) <= 1
        fresh &= d >= self.video_published_day[video_idx]
        bucket = self.video_publish_second[video_idx] // (POSTING_BUCKET_HOURS * 3600)
        boosted = fresh & (bucket == self._audience_good_bucket()[self.country_idx[user_idx]])
        self._audience_boosted_views += int(boosted.sum())
        return boosted

    def _audience_posting_truth(self) -> dict:
        good = self._audience_good_bucket()
        return {
            "audience": "country_code", "bucket_hours": POSTING_BUCKET_HOURS, "quality_shift": AUDIENCE_POSTING_SHIFT,
            "local_hour": AUDIENCE_GOOD_LOCAL_HOUR, "utc_offsets": COUNTRY_UTC_OFFSET,
            "good_bucket_start_hour": {c: int(b) * POSTING_BUCKET_HOURS for c, b in zip(COUNTRIES, good, strict=True)},
            "boosted_views": self._audience_boosted_views,
            "note": "A view on the video's publish day or the next, by a viewer whose country's good window "
                    "(the 4-hour UTC window holding 20:00 local time) is the video's publish window, is enjoyed "
                    "more by quality_shift on the logit scale (in every category); other views are unchanged.",
        }

    def _posting_times_truth(self) -> dict:
        return {
            "bucket_hours": POSTING_BUCKET_HOURS, "quality_shift": POSTING_QUALITY_SHIFT,
            "good_bucket_start_hour": {CATEGORIES[c]: int(b) * POSTING_BUCKET_HOURS
                                       for c, b in enumerate(self._good_post_bucket)},
            "good_videos": int(self._good_post_video.sum()),
            "note": "Videos published (UTC hour) in their category's good window carry a video-quality shift, "
                    "so every view of them is better liked; other windows have no effect.",
        }

    def _title_terms_truth(self) -> dict:
        plan = self._title_terms
        items = []
        for i, item in enumerate(plan["items"]):
            surfaces = [item["zh"], item["en"]] if item["kind"] == "title_term" else [item["tag"]]
            items.append({"category": item["category"], "kind": item["kind"], "surfaces": surfaces,
                          "true_quality_lift": item["lift"], "planted_videos": int(plan["videos"][:, i].sum())})
        return {
            "items": items,
            "note": "Each item is on about 20% of its category's videos (title terms in the title's language, "
                    "zh or en surface; hashtags appended). true_quality_lift is added to the video's quality, "
                    "the logit of the viewers' enjoyment, which drives likes, completion, shares and comment "
                    "sentiment. Items with lift 0 are planted controls: finding them is a false positive.",
        }

    # ---- creator studio (issue 17): real video files with planted shots ---------------------
    def _video_file_plans(self) -> list:
        """The planted-dip videos of 15-60 s (most viewed first) that get a file, with their shots
        planned so that every dip lies inside a known shot. Own random stream: replays identically."""
        from reelmart.simulate.video_files import plan_video

        if hasattr(self, "_video_file_plans_cache"):
            return self._video_file_plans_cache
        k = VIDEO_FILES_PER_SCALE.get(self.scale.name, 0)
        dips = self._retention_plan()["dips"]
        order = [v for v in dips if 15 <= self.video_duration[v] <= 60]
        if self.scale.name in VIDEO_FILES_SHORTEST_FIRST:
            order.sort(key=lambda v: self.video_duration[v])
        rng = self._rng(1717)
        plans = [plan_video(rng, int(self.video_ids[v]), int(self.video_duration[v]), [s for s, _ in dips[v]])
                 for v in order[:k]]
        self._video_file_plans_cache = plans
        return plans

    def _write_video_files(self) -> None:
        from reelmart.simulate.video_files import render

        for plan in self._video_file_plans():
            render(plan, self.landing / "video_files" / f"{plan.video_id}.mp4", self._rng(1717, plan.video_id))

    def _video_files_truth(self) -> dict:
        return {
            "files": [p.truth(f"video_files/{p.video_id}.mp4") for p in self._video_file_plans()],
            "note": "Paths are relative to the landing folder. Frames count from 0; a boundary is the first frame "
                    "of the next shot (a cut) or the middle frame of a dissolve; shot indices are 1-based; "
                    "dip_shots gives the shot holding each planted retention dip (second + 0.5).",
        }

    def _write_truth(self) -> None:
        self.truth_dir.mkdir(parents=True, exist_ok=True)
        tmp = self.truth_dir / "truth.json.tmp"
        tmp.write_text(json.dumps(self._truth(), indent=2, default=float))
        tmp.replace(self.truth_dir / "truth.json")
        pq.write_table(pa.table({
            "user_id": self.user_ids, **{f"interest_{c}": self.interest[:, i] for i, c in enumerate(CATEGORIES)},
            "daily_view_rate": self.activity,
        }), self.truth_dir / "user_interests.parquet")
        rows = [(CAMPAIGNS[c].campaign_id, np.flatnonzero(self.campaign_population[c]), c) for c in range(len(CAMPAIGNS))]
        pq.write_table(pa.table({
            "campaign_id": np.concatenate([np.full(len(i), cid, dtype=object) for cid, i, _ in rows]),
            "user_id": np.concatenate([self.user_ids[i] for _, i, _ in rows]),
            "treated": np.concatenate([self.campaign_treated[c, i] for _, i, c in rows]),
            "p0": np.concatenate([self.campaign_p0[c, i] for _, i, c in rows]),
            "true_uplift": np.concatenate([self.campaign_tau[c, i] for _, i, c in rows]),
        }), self.truth_dir / "campaign_user_uplift.parquet")
        self._write_spend_response_truth()
        if self._comment_truth:
            pq.write_table(pa.table({
                "comment_id": np.concatenate([ids for ids, _ in self._comment_truth]),
                "planted_label": np.concatenate([labels for _, labels in self._comment_truth]).astype(str),
            }), self.truth_dir / "comment_labels.parquet")

    # ---- entry points ----------------------------------------------------------------
    def run(self) -> dict:
        """Write the full export (replacing any earlier one in `out_dir`) and its truth."""
        for folder in (self.landing, self.truth_dir):
            if folder.exists():
                shutil.rmtree(folder)
        self._write_dimensions()
        self._write_video_files()
        return self._simulate_days(range(self.scale.days))

    def append_days(self, k: int = 1) -> dict:
        """Replay the existing days' state and write `k` new days of events (for incremental builds)."""
        existing = sorted(p.name for p in (self.landing / "watch_events").glob("export_date=*"))
        if not existing:
            raise FileNotFoundError(f"no export under {self.landing}: run generate first")
        last = date.fromisoformat(existing[-1].split("=")[1])
        first_new = (last - self.start).days + 1
        previous = json.loads((self.truth_dir / "truth.json").read_text())["injected_dirty_rows"]
        # impressions_so_far and truth accumulators are rebuilt by replaying without writing
        self._replay(range(first_new))
        for table in ("users", "videos"):
            self.injected[table] = previous.get(table, {})
        self.scale = Scale(**{**asdict(self.scale), "days": first_new + k})
        return self._simulate_days(range(first_new, first_new + k))

    def _replay(self, days: range) -> None:
        real_write, self._write = self._write, lambda table, columns, export_day=None: len(
            next(iter(columns.values())))
        try:
            self._reset_accumulators()
            bank = CommentBank()
            for d in days:
                self._simulate_day(d, bank)
        finally:
            self._write = real_write

    def _reset_accumulators(self) -> None:
        self._ws_truth: dict[str, np.ndarray] = {}
        self._comment_truth: list = []
        self.impressions_so_far[:] = 0
        self._reset_traffic()
        self._reset_ad_touches()
        self._audience_boosted_views = 0
        self.injected = {table: counts for table, counts in self.injected.items()
                         if table in ("users", "videos")}

    def _simulate_days(self, days: range) -> dict:
        if not hasattr(self, "_ws_truth"):
            self._reset_accumulators()
        bank = CommentBank()
        totals: dict[str, int] = {}
        started = datetime.now()
        for d in tqdm(days, desc="simulating days", unit="day", disable=not self.progress):
            for table, k in self._simulate_day(d, bank).items():
                totals[table] = totals.get(table, 0) + k
        self._write_truth()
        log.info("simulated %d days in %.1fs: %s", len(days), (datetime.now() - started).total_seconds(), totals)
        return totals
