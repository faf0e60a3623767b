"""Creator studio retention marts (issue 17): the SQL curve against a numpy oracle on the session's tiny
warehouse, and key moments against the simulator's planted dips on a seed the method was not tuned on."""

from __future__ import annotations

import json

import duckdb
import numpy as np
import pandas as pd
import pytest

from models_ml.creators import MOMENT_COLUMNS, match_moments

MOMENT_TYPES = {"video_id": "BIGINT", "second_index": "INTEGER", "moment_type": "VARCHAR",
                "views_at_risk": "BIGINT", "exits": "BIGINT", "hazard": "DOUBLE", "baseline_hazard": "DOUBLE",
                "hazard_ratio": "DOUBLE", "p_value": "DOUBLE", "q_value": "DOUBLE"}


@pytest.fixture(scope="module")
def tiny(tiny_warehouse):
    with duckdb.connect(str(tiny_warehouse.serving_db), read_only=True) as con:
        events = con.execute("select video_id, watch_seconds, duration_seconds, is_completed "
                             "from fct_watch_events").df()
        summary = con.execute("select * from fct_video_retention").df()
        curve = con.execute("select * from fct_video_retention_curve order by video_id, second_index").df()
        moment_types = dict(con.execute("select column_name, data_type from information_schema.columns "
                                        "where table_name = 'fct_video_key_moments'").fetchall())
    truth = json.loads((tiny_warehouse.ground_truth / "truth.json").read_text())["retention_dips"]
    return events, summary, curve, moment_types, truth


def test_curve_matches_a_numpy_oracle_per_video(tiny):
    events, _, curve, _, _ = tiny
    events["watch_seconds"] = events["watch_seconds"].astype(float)
    for video_id, views in events.groupby("video_id"):
        duration = int(views["duration_seconds"].iloc[0])
        first_pass = np.where(views["is_completed"], duration, np.minimum(views["watch_seconds"], duration))
        at_risk = np.array([(first_pass >= t).sum() for t in range(duration + 1)])
        replaying = np.array([(views["watch_seconds"] >= duration + t).sum() if t > 0 else
                              (views["watch_seconds"] > duration).sum() for t in range(duration + 1)])
        got = curve[curve["video_id"] == video_id]
        assert got["second_index"].tolist() == list(range(duration + 1))
        np.testing.assert_array_equal(got["views_at_risk"].to_numpy(), at_risk)
        np.testing.assert_array_equal(got["exits"].to_numpy()[:-1], at_risk[:-1] - at_risk[1:])
        np.testing.assert_array_equal(got["views_replaying"].to_numpy(), replaying)
        np.testing.assert_allclose(got["retention"].to_numpy(), at_risk / len(views))


def test_summary_matches_the_events_and_the_curve(tiny):
    events, summary, curve, _, truth = tiny
    events["watch_seconds"] = events["watch_seconds"].astype(float)
    expected = events.groupby("video_id").agg(
        views=("watch_seconds", "size"), hold_3s=("watch_seconds", lambda s: (s >= 3).mean()),
        hold_30s=("watch_seconds", lambda s: (s >= 30).mean()), completed_views=("is_completed", "sum"))
    got = summary.set_index("video_id").loc[expected.index]
    np.testing.assert_array_equal(got["views"], expected["views"])
    np.testing.assert_allclose(got["hold_3s"], expected["hold_3s"])
    np.testing.assert_allclose(got["hold_30s"], expected["hold_30s"])
    last = curve[curve["second_index"] == curve["duration_seconds"]].set_index("video_id")
    np.testing.assert_array_equal(last.loc[expected.index, "views_at_risk"], expected["completed_views"])
    # loops are real: the planted looping videos that were viewed to the end have watch ratios above 1
    looping = summary[summary["video_id"].isin(truth["looping_video_ids"]) & (summary["completed_views"] >= 10)]
    assert len(looping) and (looping["looped_views"] > 0).all()
    assert (summary.loc[~summary["video_id"].isin(truth["looping_video_ids"]), "looped_views"] == 0).all()
    # relative retention: eligible = enough views; ranked only among enough eligible peers (tiny has none:
    # the rule is checked here, the ranks at 20k in docs/creator-studio.md)
    np.testing.assert_array_equal(summary["is_peer_eligible"], summary["views"] >= 30)
    eligible = summary[summary["is_peer_eligible"]]
    peers = eligible.groupby(["category", "length_bucket"])["video_id"].transform("size")
    np.testing.assert_array_equal(eligible["peer_videos"], peers)
    assert (summary.loc[~summary["is_peer_eligible"], "peer_videos"] == 0).all()
    ranked = summary["relative_retention_percentile"].notna()
    np.testing.assert_array_equal(ranked, summary["is_peer_eligible"] & (summary["peer_videos"] >= 5))
    assert summary.loc[ranked, "relative_retention_percentile"].between(0, 1).all()


def test_peer_band_is_the_quartiles_of_eligible_peers(tiny):
    _, summary, curve, _, _ = tiny
    eligible = summary[summary["is_peer_eligible"]]
    group = eligible.groupby(["category", "length_bucket"]).size().idxmax()
    peers = eligible[(eligible["category"] == group[0]) & (eligible["length_bucket"] == group[1])]["video_id"]
    at_3 = curve[curve["video_id"].isin(peers) & (curve["second_index"] == 3)]
    assert at_3["peer_videos"].iloc[0] == len(peers)
    if len(peers) >= 5:
        assert at_3["peer_retention_median"].iloc[0] == pytest.approx(np.median(at_3["retention"]))
    else:
        assert at_3["peer_retention_median"].isna().all()


def test_key_moments_table_has_the_documented_columns(tiny):
    moment_types = tiny[3]
    assert list(moment_types) == MOMENT_COLUMNS
    assert moment_types == MOMENT_TYPES


@pytest.mark.slow
def test_planted_dips_recovered_on_a_held_out_seed(warehouse_20k):
    """Seed 23 at the 20k scale was never used while choosing the method or its settings (those were
    looked at on seeds 11 and 7; the effect floor min_hazard_ratio on 7, 11 and 13 at 20k, 200k and 1M).
    F1 within +-2 s over every video: a dip found on a video without a planted one is a false positive."""
    paths = warehouse_20k(23)  # built up to fct_video_key_moments (SELECT_20K)
    planted = pd.DataFrame(json.loads((paths.ground_truth / "truth.json").read_text())["retention_dips"]["dips"])
    with duckdb.connect(str(paths.build_db), read_only=True) as con:
        dips = con.execute("select * from fct_video_key_moments where moment_type = 'dip'").df()
        holds = con.execute("select count(*) from fct_video_key_moments where moment_type = 'hold'").fetchone()[0]
    score = match_moments(dips, planted, tolerance=2)
    print(score, "holds:", holds)
    assert score["f1"] >= 0.9, score
