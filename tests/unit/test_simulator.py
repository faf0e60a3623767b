"""The platform simulator: deterministic, truth kept apart, dirt injected at the documented rates."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace

import duckdb
import numpy as np
import pytest

from reelmart.simulate import SCALES, PlatformSimulator
from reelmart.simulate.config import DIRT, EXPERIMENTS

TINY = SCALES["tiny"]


def _digest(folder) -> dict[str, str]:
    """Content hash of every Parquet file's rows (file bytes may differ by writer metadata)."""
    out = {}
    for path in sorted(folder.rglob("*.parquet")):
        table = duckdb.sql(f"select * from read_parquet('{path}')").fetchall()
        out[str(path.relative_to(folder))] = hashlib.sha256(repr(table).encode()).hexdigest()
    return out


@pytest.fixture(scope="module")
def tiny_export(tmp_path_factory):
    out = tmp_path_factory.mktemp("sim")
    totals = PlatformSimulator(TINY, out, seed=3, progress=False).run()
    return out, totals


def test_same_seed_same_export(tiny_export, tmp_path):
    out, _ = tiny_export
    PlatformSimulator(TINY, tmp_path, seed=3, progress=False).run()
    assert _digest(out / "landing") == _digest(tmp_path / "landing")


def test_other_seed_other_export(tiny_export, tmp_path):
    out, _ = tiny_export
    PlatformSimulator(TINY, tmp_path, seed=4, progress=False).run()
    assert _digest(out / "landing") != _digest(tmp_path / "landing")


def test_every_raw_table_written_and_truth_kept_apart(tiny_export):
    out, totals = tiny_export
    tables = {p.name for p in (out / "landing").iterdir()}
    assert tables == {
        "users", "creators", "videos", "watch_events", "comments", "advertisers", "campaigns", "ad_groups", "ads",
        "ad_impressions", "ad_clicks", "conversions", "campaign_holdouts", "experiments", "experiment_variants",
        "experiment_assignments", "video_files",  # video_files: MP4s beside the tables, not a table
    }
    assert all(p.suffix == ".mp4" for p in (out / "landing" / "video_files").iterdir())
    truth = json.loads((out / "ground_truth" / "truth.json").read_text())
    assert {e["experiment_id"] for e in truth["experiments"]} == {e.experiment_id for e in EXPERIMENTS}
    assert any(e["planted_srm"] for e in truth["experiments"])
    assert any(not e["has_effect"] for e in truth["experiments"])
    assert any(c["true_ate_conversions_per_user"] == 0 for c in truth["campaigns"])
    assert any(c["true_ate_conversions_per_user"] > 0 for c in truth["campaigns"])
    # no truth column leaks into the raw exports
    for path in (out / "landing").rglob("*.parquet"):
        columns = {c.lower() for c in duckdb.sql(f"select * from read_parquet('{path}') limit 0").columns}
        assert not columns & {"true_uplift", "interest", "planted_label", "treated", "p0", "daily_view_rate"}


def test_dirty_rows_match_documented_rates(tmp_path):
    out = tmp_path
    PlatformSimulator(SCALES["demo"], out, seed=5, progress=False).run()
    truth = json.loads((out / "ground_truth" / "truth.json").read_text())
    rows = duckdb.sql(f"select count(*) from read_parquet('{out}/landing/watch_events/**/*.parquet')").fetchall()[0][0]
    injected = truth["injected_dirty_rows"]["watch_events"]
    for reason, rate in DIRT["watch_events"].rates.items():
        expected = rate * rows
        # binomial counts: within 4 standard deviations of the documented rate
        assert abs(injected[reason] - expected) <= 4 * np.sqrt(expected) + 2, (reason, injected[reason], expected)


def test_append_day_equals_a_longer_run(tiny_export, tmp_path):
    """Appending a day replays the state, so it writes what a run one day longer would have written."""
    out, _ = tiny_export
    import shutil

    appended = tmp_path / "appended"
    shutil.copytree(out, appended)
    PlatformSimulator(TINY, appended, seed=3, progress=False).append_days(1)
    longer = tmp_path / "longer"
    PlatformSimulator(replace(TINY, days=TINY.days + 1), longer, seed=3, progress=False).run()
    new_day = f"export_date=2026-10-{TINY.days + 1:02d}"
    for table in ("watch_events", "comments", "ad_impressions", "conversions", "experiment_assignments"):
        a = _digest(appended / "landing" / table / new_day)
        b = _digest(longer / "landing" / table / new_day)
        assert a and a == b, table
    truth_a = json.loads((appended / "ground_truth" / "truth.json").read_text())
    truth_b = json.loads((longer / "ground_truth" / "truth.json").read_text())
    assert truth_a["injected_dirty_rows"] == truth_b["injected_dirty_rows"]


def test_comment_sentiment_follows_interest(tiny_export):
    """Planted: users comment positively on categories they are interested in, negatively elsewhere."""
    out, _ = tiny_export
    categories = json.loads((out / "ground_truth" / "truth.json").read_text())["categories"]
    interest_case = " ".join(f"when '{c}' then interest_{c}" for c in categories)
    rows = duckdb.sql(f"""
        with labels as (select * from read_parquet('{out}/ground_truth/comment_labels.parquet')),
        comments as (select * from read_parquet('{out}/landing/comments/**/*.parquet', hive_partitioning = true)),
        videos as (select * from read_parquet('{out}/landing/videos/*.parquet')),
        interests as (select * from read_parquet('{out}/ground_truth/user_interests.parquet'))
        select planted_label, count(*) as n, avg(case videos.category {interest_case} end) as mean_interest
        from labels
        join comments using (comment_id)
        join videos using (video_id)
        join interests on comments.user_id = interests.user_id
        group by planted_label
    """).fetchall()
    by_label = {label: (n, interest) for label, n, interest in rows}
    assert set(by_label) == {"negative", "neutral", "positive"}
    assert by_label["positive"][1] > 1.5 * by_label["negative"][1]


def test_ad_driven_conversions_follow_exposure_and_keep_the_planted_effect(tiny_export):
    """Ad-driven conversions are drawn only on days a treated user saw the campaign's ad, weighted so that
    their expectation is still the planted tau: pro rata over the simulated part of the flight, less the days
    a user had not signed up yet. The draws match the expectation (Poisson)."""
    out, _ = tiny_export
    truth = json.loads((out / "ground_truth" / "truth.json").read_text())
    days = truth["scale"]["days"]
    for campaign in truth["campaigns"]:
        flight = campaign["end_day"] - campaign["start_day"] + 1
        observed = max(0, min(days, campaign["end_day"] + 1) - campaign["start_day"])
        pro_rata = campaign["true_incremental_conversions"] * observed / flight
        expected = campaign["expected_ad_driven_conversions"]
        assert 0.85 * pro_rata - 1e-9 <= expected <= pro_rata + 1e-6, campaign["campaign_id"]
        assert abs(campaign["ad_driven_conversions"] - expected) <= 4 * np.sqrt(expected) + 2, campaign["campaign_id"]
        assert campaign["attribution_windows_days"] == {"click": 7, "view": 1}
    null = [c for c in truth["campaigns"] if c["true_ate_conversions_per_user"] == 0]
    assert null and all(c["ad_driven_conversions"] == 0 for c in null)


def test_audience_posting_plant_is_the_viewers_local_evening_on_the_first_two_days(tiny_export, tmp_path):
    """The planted audience windows (truth audience_posting_times): 20:00 local time at each country's offset,
    applied to a view only on the video's publish day and the next, and only when the viewer's window is the
    video's publish window. Drawing nothing, it leaves every other random stream as it was."""
    sim = PlatformSimulator(TINY, tmp_path, seed=3, progress=False)
    sim._audience_boosted_views = 0
    truth = json.loads((tiny_export[0] / "ground_truth" / "truth.json").read_text())["audience_posting_times"]
    assert truth["good_bucket_start_hour"] == {"CN": 12, "US": 0, "GB": 20, "DE": 16, "JP": 8, "BR": 20, "IN": 12}
    assert truth["boosted_views"] > 0
    users = np.arange(TINY.users)
    for video in range(5):
        published = int(sim.video_published_day[video])
        video_idx = np.full(TINY.users, video)
        window = int(sim.video_publish_second[video] // (4 * 3600)) * 4
        good = np.array([truth["good_bucket_start_hour"][c] for c in sim.countries]) == window
        for day in (published, published + 1):
            assert (sim._audience_posting_boost(day, users, video_idx) == good).all()
        for day in (published - 1, published + 2):
            assert not sim._audience_posting_boost(day, users, video_idx).any()
